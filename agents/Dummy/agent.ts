/**
 * Dummy — the template every ocfkit agent starts from.
 *
 * Manages: nothing real. "Running" means a state file exists; its content is the value of the
 * reloadable `fake` parameter, so a reload is observable. Binaries needed: none.
 * Clones: anonymous and unique clones work (one state file per instance). Not promotable.
 * Supports reload-agent (advertised as legacy `reload` in its portable meta-data, which is
 * exact here because every non-unique parameter is reloadable) and live migration.
 * Drop-in for ocf:heartbeat:Dummy / ocf:pacemaker:Dummy for the parameters `state` and `fake`.
 */
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { type AgentContext, defineAgent, failed, OCF, readFailure, readSmallFile } from '@ocfkit/sdk';

const params = {
  state: {
    type: 'string',
    shortdesc: 'State file',
    longdesc: 'Absolute path of the file whose existence means the resource is running. Default: $HA_RSCTMP/Dummy-<instance>.state.',
    unique: true,
    pattern: '^/',
  },
  fake: {
    type: 'string',
    shortdesc: 'Fake attribute that can be changed to cause a reload',
    longdesc: 'Written into the state file; changing it is applied by a reload without a restart.',
    default: 'dummy',
    reloadable: true,
  },
} as const;

type Ctx = AgentContext<typeof params>;

function stateFile(ctx: Ctx): string {
  return ctx.params.state ?? `${ctx.env.HA_RSCTMP || '/run/resource-agents'}/Dummy-${ctx.instance}.state`;
}

function writeState(ctx: Ctx): void {
  const file = stateFile(ctx);
  mkdirSync(dirname(file), { recursive: true, mode: 0o755 });
  writeFileSync(file, `${ctx.params.fake}\n`, { mode: 0o644 });
}

export default defineAgent({
  name: 'Dummy',
  version: '1.0.0',
  shortdesc: 'Example stateless resource agent',
  longdesc:
    'A resource that does nothing but record whether it runs in a state file. Use it to test clusters and as the template for new agents.',
  metadata: 'portable',
  params,
  status(ctx) {
    const file = stateFile(ctx);
    try {
      return readSmallFile(file) === undefined ? 'stopped' : 'running';
    } catch (err) {
      return failed(`state file ${file} is unreadable: ${readFailure(err)}`);
    }
  },
  actions: {
    start(ctx) {
      writeState(ctx);
    },
    stop(ctx) {
      rmSync(stateFile(ctx), { force: true });
    },
    'reload-agent'(ctx) {
      if (existsSync(stateFile(ctx))) writeState(ctx);
      ctx.log.info(`reloaded with fake=${ctx.params.fake}`);
      return OCF.SUCCESS;
    },
    migrate_to(ctx) {
      ctx.log.info(`migrating ${ctx.instance} to ${ctx.meta.migrateTarget ?? '(unknown target)'}`);
      rmSync(stateFile(ctx), { force: true });
      return OCF.SUCCESS;
    },
    migrate_from(ctx) {
      ctx.log.info(`migrating ${ctx.instance} from ${ctx.meta.migrateSource ?? '(unknown source)'}`);
      writeState(ctx);
    },
  },
  timing: { 'meta-data': { timeout: '5s' } },
});
