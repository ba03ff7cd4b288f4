// @ts-check
/**
 * A toolstack double for the Xen agent's tests: `xl` and `xm` as programs that keep domains in a
 * state directory instead of a hypervisor. Only Xen gets a double in ocfkit (no hypervisor runs
 * on the test machines); everything the agent parses is printed in the real formats:
 *
 * - `xl list [dom]`: tools/xl/xl_info.c list_domains (header "Name ... ID   Mem VCPUs\tState\tTime(s)",
 *   rows "%-40s %5d %5lu %5d     %c%c%c%c%c%c  %8.1f", state letters r b p s <reason from "-rscwS"> d),
 *   xl(1) "list"; an unknown domain goes through xl_utils.c find_domain:
 *   "<dom> is an invalid domain identifier (rc=-6)" on stderr, exit 1.
 * - `xl list -l [dom]`: list_domains_details, a JSON array of {"domid", "config"} (yajl, 4-space indent).
 * - `xl shutdown|destroy|pause|unpause|trigger|mem-set|migrate|create|info|domid|domname`:
 *   xl_vmcontrol.c, xl_migrate.c, xl_mem.c, xl_misc.c; stderr lines "Parsing config from <file>",
 *   "Shutting down domain <id>", "Not destroying domain 0; use -f to force." as xl prints them.
 * - `xm list [dom]`: xm/main.py xm_brief_list ('%-40s %5s %5s %5s %10s %9s' header, rows
 *   "%(name)-40s %(domid)5s %(mem)5d %(vcpus)5d %(state)10s %(cpu_time)8.1f"), xend state
 *   letters r b p s c d; `xm list --long`: the PrettyPrint s-expression (domain (domid N) (name X)
 *   ... (status N) (state -b----) ...), status codes of XendConstants (0 halted, 1 paused,
 *   2 running, 3 suspended, 4 shutdown, 5 crashed); unknown domains: "Error: Domain 'x' does not
 *   exist." on stderr, exit 3 (xm main.py _run_cmd, ERROR_INVALID_DOMAIN).
 *
 * The man page these follow is xl(1) (docs/man/xl.1.pod.in): "list" (columns Name ID Mem VCPUs
 * State Time(s), state letters r b p s c d), "shutdown" (returns at once unless -w; HVM guests
 * need PV drivers, else -F falls back to the ACPI power event), "trigger" (HVM domains only),
 * "info" ("name : value" lines, total_memory/free_memory in MB), "migrate" (the target runs
 * `xl migrate-receive` over ssh); for config overrides xl.cfg(5); for xm, xm(1) and
 * xmdomain.cfg(5) of Xen 3.x.
 *
 * Time-based guest behaviour is derived from timestamps on every call (no daemon): a shutdown
 * takes XEN_DOUBLE_SHUTDOWN_MS (default 1500; the last third, at most 1 s, shows `---s--`), a "hung" guest
 * never finishes it (only destroy ends it), a crash follows the config's on_crash (destroy,
 * preserve → `---sc-`, restart → gone for a second, then back with a new id), a reboot makes
 * the domain vanish for a while and come back with a new id, migrate runs for
 * XEN_DOUBLE_MIGRATE_MS (default 600) with `<name>--incoming` paused on the target.
 *
 * Environment: XEN_DOUBLE_DIR (required) holds hosts/<host>/domains/*.json; XEN_DOUBLE_HOST
 * (default: the machine's hostname) is this host, XEN_DOUBLE_DOM0_MB (default 1024) its Domain-0 memory; migrating to <host> needs the directory hosts/<host>
 * (a symlink serves as an address alias). XEN_DOUBLE_TOTAL_MB (default 8192) is the host memory. XEN_DOUBLE_STUCK=cmd[,cmd] makes those subcommands hang
 * forever, like a toolstack stuck on xenstored.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';

/** @typedef {{ domid: number, name: string, uuid: string, memMB: number, maxMemMB: number, vcpus: number,
 *   configFile: string, createdAt: number, paused: boolean, onPoweroff: string, onCrash: string, onReboot: string,
 *   shutdownAt?: number, shutdownMs: number, hang?: boolean, ignoreAcpi?: boolean, crashedAt?: number,
 *   hiddenUntil?: number, hvm?: boolean, pvDrivers?: boolean }} Dom */

class Exit extends Error {
  /** @param {number} code @param {string} [stderr] */
  constructor(code, stderr) {
    super(stderr ?? '');
    this.code = code;
  }
}

/** @param {NodeJS.ProcessEnv} env */
function hostDir(env, host = thisHost(env)) {
  const root = env.XEN_DOUBLE_DIR;
  if (!root) throw new Exit(1, 'XEN_DOUBLE_DIR is not set: this is the ocfkit Xen toolstack double, not Xen\n');
  return join(root, 'hosts', host);
}

/** @param {NodeJS.ProcessEnv} env */
function thisHost(env) {
  return env.XEN_DOUBLE_HOST || hostname();
}

/** @param {string} dir */
function domainsDir(dir) {
  const d = join(dir, 'domains');
  mkdirSync(d, { recursive: true, mode: 0o700 });
  return d;
}

/** @param {string} dir @param {Dom} dom */
function save(dir, dom) {
  const file = join(domainsDir(dir), `${dom.name}.json`);
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(dom, null, 2)}\n`, { mode: 0o600 });
  renameSync(tmp, file);
}

/** @param {string} dir @param {string} name */
function remove(dir, name) {
  rmSync(join(domainsDir(dir), `${name}.json`), { force: true });
}

/** @param {string} dir */
function nextDomid(dir) {
  return withLock(dir, () => allocDomid(dir));
}

/** The next domain id; the caller holds the host lock. @param {string} dir */
function allocDomid(dir) {
  const file = join(dir, 'next-domid');
  const id = existsSync(file) ? Number(readFileSync(file, 'utf8')) || 1 : 1;
  writeFileSync(file, `${id + 1}\n`, { mode: 0o600 });
  return id;
}

/**
 * Runs `fn` holding the host's lock (a directory; mkdir is atomic), so parallel calls never hand
 * out one domain id twice or create one name twice, as the hypervisor and xenstore guarantee.
 * @template T @param {string} dir @param {() => T} fn @returns {T}
 */
function withLock(dir, fn) {
  const lock = join(dir, '.lock');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  for (let i = 0; ; i++) {
    try {
      mkdirSync(lock);
      break;
    } catch (e) {
      if (/** @type {NodeJS.ErrnoException} */ (e).code !== 'EEXIST') throw e;
      // A holder killed mid-way leaves the lock: break it after 5 s.
      if (i > 500) rmSync(lock, { recursive: true, force: true });
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
    }
  }
  try {
    return fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/**
 * Loads every domain and applies what time has done to it (finished shutdowns, crash actions,
 * reboots). Returns the domains that exist now, Domain-0 excluded.
 * @param {string} dir @param {number} now
 * @returns {Dom[]}
 */
function load(dir, now) {
  const out = [];
  for (const f of readdirSync(domainsDir(dir))) {
    if (!f.endsWith('.json')) continue;
    /** @type {Dom} */
    let dom;
    try {
      dom = JSON.parse(readFileSync(join(domainsDir(dir), f), 'utf8'));
    } catch {
      continue; // removed or being replaced by another call
    }
    if (dom.shutdownAt !== undefined && !dom.hang && now >= dom.shutdownAt + dom.shutdownMs) {
      if (dom.onPoweroff !== 'preserve') {
        remove(dir, dom.name);
        continue;
      }
    }
    if (dom.crashedAt !== undefined) {
      if (dom.onCrash === 'destroy') {
        remove(dir, dom.name);
        continue;
      }
      if (dom.onCrash === 'restart') {
        dom = restarted(dir, dom, dom.crashedAt + 1000);
      }
    }
    if (dom.hiddenUntil !== undefined) {
      if (now < dom.hiddenUntil) continue;
      dom = restarted(dir, dom, dom.hiddenUntil);
    }
    out.push(dom);
  }
  return out.sort((a, b) => a.domid - b.domid);
}

/** A domain that xl's monitoring process re-created (reboot, on_crash=restart): new id, fresh state.
 * @param {string} dir @param {Dom} dom @param {number} at @returns {Dom} */
function restarted(dir, dom, at) {
  if (Date.now() < at) return { ...dom, hiddenUntil: at };
  const fresh = { ...dom, domid: nextDomid(dir), createdAt: at, paused: false };
  delete fresh.crashedAt;
  delete fresh.hiddenUntil;
  delete fresh.shutdownAt;
  save(dir, fresh);
  return fresh;
}

/** The six state letters for a domain, as xl (`reasonStyle` true) or xend prints them.
 * @param {Dom} dom @param {number} now @param {'xl'|'xm'} tool */
function letters(dom, now, tool) {
  if (dom.domid === 0) return 'r-----';
  if (dom.crashedAt !== undefined) return tool === 'xl' ? '---sc-' : '----c-';
  if (dom.shutdownAt !== undefined && !dom.hang && now >= dom.shutdownAt + dom.shutdownMs - Math.min(1000, dom.shutdownMs / 3))
    return '---s--';
  if (dom.paused) return '--p---';
  return now - dom.createdAt < 1000 ? 'r-----' : '-b----';
}

/** @param {Dom} dom @param {number} now */
function cpuTime(dom, now) {
  return Math.max(0, (now - dom.createdAt) / 1000 / 20);
}

/** @param {number} now @param {number} memMB @returns {Dom} */
function dom0(now, memMB) {
  return {
    domid: 0,
    name: 'Domain-0',
    uuid: '00000000-0000-0000-0000-000000000000',
    memMB,
    maxMemMB: memMB,
    vcpus: 2,
    configFile: '',
    createdAt: now - 3_600_000,
    paused: false,
    onPoweroff: 'destroy',
    onCrash: 'destroy',
    onReboot: 'restart',
    shutdownMs: 0,
  };
}

/** @param {Dom[]} doms @param {string} q */
function find(doms, q) {
  return doms.find((d) => d.name === q || (/^\d+$/.test(q) && d.domid === Number(q)));
}

/** @param {string} s @param {number} w */
const padEnd = (s, w) => s.padEnd(w);
/** @param {string|number} s @param {number} w */
const padStart = (s, w) => String(s).padStart(w);

/**
 * Parses an xl.cfg / xmdomain.cfg file (and `key=value` overrides): `key = value` lines where
 * the value is a quoted string, a number or a [list]; `#` starts a comment.
 * @param {string} text @param {string} where @param {'xl'|'xm'} tool
 * @returns {Record<string, string>}
 */
function parseConfig(text, where, tool) {
  /** @type {Record<string, string>} */
  const cfg = {};
  let lineNo = 0;
  for (const raw of text.split('\n')) {
    lineNo++;
    const line = raw.replace(/#.*$/, '').trim();
    if (line === '') continue;
    const m = /^([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*;?$/.exec(line);
    if (!m) throw new Exit(3, `${where}:${lineNo}: config parsing error near \`${line.split(/\s/)[0]}': syntax error\n`);
    const [, key = '', value = ''] = m;
    const q = /^"(.*)"$/.exec(value) ?? /^'(.*)'$/.exec(value);
    if (q) cfg[key] = q[1] ?? '';
    else if (/^-?\d+$/.test(value) || value.startsWith('[')) cfg[key] = value;
    else if (tool === 'xm')
      cfg[key] = value; // xm's python config takes bare words on the command line
    else
      throw new Exit(
        3,
        `${where}:${lineNo}: config parsing error near \`${value}': syntax error, unexpected IDENT, expecting STRING or NUMBER or '['\n`,
      );
  }
  return cfg;
}

/** @typedef {{ out: string, err: string, code: number }} Result */

/**
 * Runs one command of the double.
 * @param {'xl'|'xm'} tool @param {string[]} argv @param {NodeJS.ProcessEnv} env
 * @returns {Promise<Result>}
 */
export async function run(tool, argv, env) {
  let out = '';
  let err = '';
  /** @param {string} s */
  const print = (s) => {
    out += s;
  };
  /** @param {string} s */
  const eprint = (s) => {
    err += s;
  };
  try {
    const code = await dispatch(tool, argv, env, print, eprint);
    return { out, err, code };
  } catch (e) {
    if (e instanceof Exit) return { out, err: err + e.message, code: /** @type {number} */ (e.code) };
    throw e;
  }
}

/**
 * @param {'xl'|'xm'} tool @param {string[]} argv @param {NodeJS.ProcessEnv} env
 * @param {(s: string) => void} print @param {(s: string) => void} eprint
 * @returns {Promise<number>}
 */
async function dispatch(tool, argv, env, print, eprint) {
  const DOM0_MB = Number(env.XEN_DOUBLE_DOM0_MB || 1024);
  const [cmd, ...rest] = argv;
  if (cmd === undefined || cmd === 'help' || cmd === '--help' || cmd === '-h') {
    print(
      `Usage ${tool} <subcommand> [args]\n\n(ocfkit test double) subcommands: list create shutdown destroy trigger pause unpause mem-set info migrate${tool === 'xl' ? ' domid domname' : ''}\n`,
    );
    return 0;
  }
  if ((env.XEN_DOUBLE_STUCK ?? '').split(',').includes(cmd)) {
    // A toolstack stuck on xenstored: the command never returns (only a kill ends it).
    await new Promise(() => setInterval(() => {}, 60_000));
  }
  const dir = hostDir(env);
  const now = Date.now();
  const doms = load(dir, now);
  const all = [dom0(now, DOM0_MB), ...doms];
  const noSuch = (/** @type {string} */ q) =>
    tool === 'xl' ? new Exit(1, `${q} is an invalid domain identifier (rc=-6)\n`) : new Exit(3, `Error: Domain '${q}' does not exist.\n`);
  const flags = rest.filter((a) => a.startsWith('-'));
  const args = rest.filter((a) => !a.startsWith('-'));
  /** @returns {Dom} */
  const target = () => {
    const q = args[0];
    if (q === undefined) throw new Exit(2, `'${tool} ${cmd}' requires at least 1 argument.\n\n`);
    const d = find(all, q);
    if (!d) throw noSuch(q);
    return d;
  };
  const guest = () => {
    const d = target();
    if (d.domid === 0) throw new Exit(1, `${tool}: this double does not manage Domain-0\n`);
    return d;
  };

  switch (cmd) {
    case 'list': {
      const long = flags.some((f) => f === '-l' || f === '--long');
      let shown = all;
      if (args[0] !== undefined) shown = [target()];
      if (tool === 'xl' && long) {
        const json = shown.map((d) => ({
          domid: d.domid,
          config: {
            c_info: { type: d.hvm ? 'hvm' : 'pv', name: d.name, uuid: d.uuid, run_hotplug_scripts: 'True' },
            b_info: {
              max_vcpus: d.vcpus,
              avail_vcpus: Array.from({ length: d.vcpus }, (_, i) => i),
              max_memkb: d.maxMemMB * 1024,
              target_memkb: d.memMB * 1024,
              sched_params: {},
              type: { [d.hvm ? 'hvm' : 'pv']: {} },
            },
            on_poweroff: d.onPoweroff,
            on_reboot: d.onReboot,
            on_crash: d.onCrash,
          },
        }));
        print(`${JSON.stringify(json, null, 4)}\n`);
      } else if (tool === 'xl') {
        print('Name                                        ID   Mem VCPUs\tState\tTime(s)\n');
        for (const d of shown) {
          print(
            `${padEnd(d.name, 40)} ${padStart(d.domid, 5)} ${padStart(d.memMB, 5)} ${padStart(d.vcpus, 5)}     ${letters(d, now, 'xl')}  ${padStart(cpuTime(d, now).toFixed(1), 8)}\n`,
          );
        }
      } else if (long) {
        for (const d of shown) print(xmLong(d, now));
      } else {
        print(
          `${padEnd('Name', 40)} ${padStart('ID', 5)} ${padStart('Mem', 5)} ${padStart('VCPUs', 5)} ${padStart('State', 10)} ${padStart('Time(s)', 9)}\n`,
        );
        for (const d of shown) {
          print(
            `${padEnd(d.name, 40)} ${padStart(d.domid, 5)} ${padStart(d.memMB, 5)} ${padStart(d.vcpus, 5)} ${padStart(letters(d, now, 'xm'), 10)} ${padStart(cpuTime(d, now).toFixed(1), 8)}\n`,
          );
        }
      }
      return 0;
    }
    case 'create': {
      const [file, ...overrides] = args;
      if (file === undefined) throw new Exit(2, `'${tool} create' requires a config file.\n`);
      if (tool === 'xl') eprint(`Parsing config from ${file}\n`);
      else print(`Using config file "${file}".\n`);
      let text;
      try {
        text = readFileSync(file, 'utf8');
      } catch (e) {
        throw new Exit(
          tool === 'xl' ? 3 : 1,
          tool === 'xl'
            ? `Failed to read config file: ${file}: No such file or directory\n`
            : `Error: ${/** @type {Error} */ (e).message}\n`,
        );
      }
      const cfg = { ...parseConfig(text, file, tool), ...parseConfig(overrides.join('\n'), 'command line', tool) };
      const name = cfg.name;
      if (!name) throw new Exit(3, tool === 'xl' ? 'Domain name must be specified.\n' : 'Error: Domain name must be specified.\n');
      const dom = withLock(dir, () => {
        const existing = load(dir, Date.now());
        const clash = find(existing, name);
        if (clash) {
          throw new Exit(
            3,
            tool === 'xl'
              ? `libxl: error: libxl_create.c: domain with name "${name}" already exists.\n`
              : `Error: VM name '${name}' already in use by domain ${clash.domid}\n`,
          );
        }
        const memMB = Number(cfg.memory ?? 128);
        const used = DOM0_MB + existing.reduce((sum, d) => sum + d.memMB, 0);
        const total = Number(env.XEN_DOUBLE_TOTAL_MB || 8192);
        if (used + memMB > total) {
          throw new Exit(3, `libxl: error: libxl_create.c: cannot allocate ${memMB} MB: only ${total - used} MB free\n`);
        }
        /** @type {Dom} */
        const created = {
          domid: allocDomid(dir),
          name,
          uuid: randomUUID(),
          memMB,
          maxMemMB: Number(cfg.maxmem ?? memMB),
          vcpus: Number(cfg.vcpus ?? 1),
          configFile: file,
          createdAt: Date.now(),
          paused: flags.includes('-p'),
          onPoweroff: cfg.on_poweroff ?? 'destroy',
          onCrash: cfg.on_crash ?? (tool === 'xl' ? 'destroy' : 'restart'),
          onReboot: cfg.on_reboot ?? 'restart',
          shutdownMs: Number(env.XEN_DOUBLE_SHUTDOWN_MS || 1500),
          hvm: cfg.type === 'hvm' || cfg.builder === 'hvm',
          pvDrivers: cfg.type !== 'hvm' && cfg.builder !== 'hvm',
        };
        save(dir, created);
        return created;
      });
      if (tool === 'xm') print(`Started domain ${name} (id=${dom.domid})\n`);
      return 0;
    }
    case 'shutdown': {
      const d = guest();
      if (tool === 'xl') eprint(`Shutting down domain ${d.domid}\n`);
      if (d.hvm && !d.pvDrivers) {
        if (tool === 'xl' && flags.includes('-F')) {
          eprint('PV control interface not available: sending ACPI power button event.\n');
        } else {
          eprint(
            'PV control interface not available: external graceful shutdown not possible.\nUse "-F" to fallback to ACPI power event.\n',
          );
          throw new Exit(1, 'shutdown failed (rc=-8)\n');
        }
      }
      if (d.shutdownAt === undefined) save(dir, { ...d, shutdownAt: Date.now() });
      return 0;
    }
    case 'trigger': {
      const d = guest();
      const what = args[1];
      // xl(1) "trigger": "This command is only available for HVM domains."
      if (!d.hvm)
        throw new Exit(
          1,
          `libxl: error: libxl_domain.c: Domain ${d.domid}:Send trigger '${what ?? ''}' failed: Function not implemented\n`,
        );
      if (what !== 'power' && what !== 'reset' && what !== 'nmi' && what !== 'init' && what !== 'sleep' && what !== 's3resume') {
        throw new Exit(1, `Invalid trigger "${what ?? ''}"\n`);
      }
      if (what === 'power' && !d.ignoreAcpi && d.shutdownAt === undefined) save(dir, { ...d, shutdownAt: Date.now() });
      return 0;
    }
    case 'destroy': {
      const d = target();
      if (d.domid === 0) {
        throw new Exit(
          1,
          'Not destroying domain 0; use -f to force.\nThis can only be done when using a disaggregated hardware domain and toolstack.\n\n',
        );
      }
      remove(dir, d.name);
      return 0;
    }
    case 'pause':
    case 'unpause': {
      const d = guest();
      save(dir, { ...d, paused: cmd === 'pause' });
      return 0;
    }
    case 'mem-set': {
      const d = target();
      const size = args[1] ?? '';
      const m = /^(\d+)([bkmgt]?)$/i.exec(size);
      if (!m) throw new Exit(1, `invalid memory size: ${size}\n`);
      const n = Number(m[1]);
      const unit = (m[2] ?? '').toLowerCase();
      const mb = unit === 'g' ? n * 1024 : unit === 'k' ? Math.floor(n / 1024) : unit === 'b' ? Math.floor(n / 1048576) : n;
      if (d.domid !== 0) save(dir, { ...d, memMB: mb });
      return 0;
    }
    case 'info': {
      const total = Number(env.XEN_DOUBLE_TOTAL_MB || 8192);
      const used = DOM0_MB + doms.reduce((s, d) => s + d.memMB, 0);
      const line = (/** @type {string} */ k, /** @type {string|number} */ v) => print(`${padEnd(k, 23)}: ${v}\n`);
      line('host', thisHost(env));
      line('release', '6.1.0-double');
      line('machine', 'x86_64');
      line('nr_cpus', 2);
      line('total_memory', total);
      line('free_memory', total - used);
      line('xen_major', tool === 'xl' ? 4 : 3);
      line('xen_minor', tool === 'xl' ? 17 : 4);
      line('xen_version', tool === 'xl' ? '4.17.0' : '3.4.3');
      line('xend_config_format', 4);
      return 0;
    }
    case 'domid': {
      const q = args[0] ?? '';
      const d = all.find((x) => x.name === q);
      if (!d) throw new Exit(1, `Can't get domid of domain name '${q}', maybe this domain does not exist.\n`);
      print(`${d.domid}\n`);
      return 0;
    }
    case 'domname': {
      const d = all.find((x) => String(x.domid) === args[0]);
      if (!d) throw new Exit(1, `Can't get domain name of domain id '${args[0] ?? ''}', maybe this domain does not exist.\n`);
      print(`${d.name}\n`);
      return 0;
    }
    case 'migrate':
      return migrate(tool, guest(), args[1], dir, env, eprint);
    default:
      if (tool === 'xl') throw new Exit(1, 'command not implemented\n');
      throw new Exit(1, `Error: Subcommand ${cmd} not found!\n`);
  }
}

/**
 * Live migration between two host directories: the target shows `<name>--incoming` paused
 * while memory is copied, then the source copy disappears and the target one takes the name
 * and runs (tools/xl/xl_migrate.c renames it the same way).
 * @param {'xl'|'xm'} tool @param {Dom} d @param {string|undefined} host @param {string} dir
 * @param {NodeJS.ProcessEnv} env @param {(s: string) => void} eprint
 */
async function migrate(tool, d, host, dir, env, eprint) {
  if (host === undefined) throw new Exit(2, `'${tool} migrate' requires at least 2 arguments.\n\n`);
  // Migrating to this host itself ("localhost migration") is legal in xl: the copy is renamed.
  const targetDir = host === 'localhost' || host === thisHost(env) ? dir : hostDir(env, host);
  let ok = false;
  try {
    ok = statSync(targetDir).isDirectory();
  } catch {}
  if (!ok) {
    if (tool === 'xl') {
      throw new Exit(
        1,
        `ssh: Could not resolve hostname ${host}: Name or service not known\nmigration sender: Target has exited; aborting migration.\n`,
      );
    }
    throw new Exit(1, `Error: can't connect: (-2, 'Name or service not known')\n`);
  }
  const local = realpathSync(resolve(targetDir)) === realpathSync(resolve(dir));
  const there = load(targetDir, Date.now());
  if (!local && find(there, d.name)) throw new Exit(1, `migration target: domain with name "${d.name}" already exists\n`);
  const incoming = { ...d, name: `${d.name}--incoming`, domid: nextDomid(targetDir), paused: true };
  if (tool === 'xl') eprint('migration target: Ready to receive domain.\n');
  save(targetDir, incoming);
  await new Promise((r) => setTimeout(r, Number(env.XEN_DOUBLE_MIGRATE_MS || 600)));
  remove(dir, d.name);
  remove(targetDir, incoming.name);
  save(targetDir, { ...incoming, name: d.name, paused: false, createdAt: Date.now() - 1000 });
  if (tool === 'xl') eprint('migration sender: Target reports successful startup.\nMigration successful.\n');
  return 0;
}

/** `xm list --long`: xend's PrettyPrint of the domain s-expression.
 * @param {Dom} d @param {number} now */
function xmLong(d, now) {
  const l = letters(d, now, 'xm');
  const status = d.crashedAt !== undefined ? 5 : l[3] === 's' ? 4 : d.paused ? 1 : 2;
  return [
    '(domain',
    `    (domid ${d.domid})`,
    `    (on_crash ${d.onCrash})`,
    `    (uuid ${d.uuid})`,
    '    (bootloader_args )',
    `    (vcpus ${d.vcpus})`,
    `    (name ${d.name})`,
    `    (on_poweroff ${d.onPoweroff})`,
    `    (on_reboot ${d.onReboot})`,
    '    (bootloader )',
    `    (maxmem ${d.maxMemMB})`,
    `    (memory ${d.memMB})`,
    '    (shadow_memory 0)',
    '    (features )',
    `    (start_time ${(d.createdAt / 1000).toFixed(2)})`,
    `    (cpu_time ${cpuTime(d, now).toFixed(6)})`,
    `    (online_vcpus ${d.vcpus})`,
    `    (image (${d.hvm ? 'hvm' : 'linux'} (kernel ) (notes (SUSPEND_CANCEL 1))))`,
    `    (status ${status})`,
    `    (state ${l})`,
    '    (store_mfn 1175299)',
    '    (console_mfn 1175298)',
    ')',
    '',
  ].join('\n');
}

/**
 * Test-only controls that stand for things a guest does by itself: `crash`, `hang` (ignore
 * shutdown requests), `reboot <ms>` (gone for ms, then back with a new id), `ignore-acpi`.
 * @param {string[]} argv @param {NodeJS.ProcessEnv} env
 * @returns {Result}
 */
export function control(argv, env) {
  const [cmd, name, value] = argv;
  try {
    const dir = hostDir(env);
    const d = find(load(dir, Date.now()), name ?? '');
    if (!d) throw new Exit(1, `no domain ${name ?? '(none given)'}\n`);
    if (cmd === 'crash') save(dir, { ...d, crashedAt: Date.now() });
    else if (cmd === 'hang') save(dir, { ...d, hang: true });
    else if (cmd === 'ignore-acpi') save(dir, { ...d, ignoreAcpi: true });
    else if (cmd === 'reboot') save(dir, { ...d, hiddenUntil: Date.now() + Number(value ?? 1000) });
    else throw new Exit(2, 'usage: xen-double-ctl crash|hang|ignore-acpi|reboot <name> [ms]\n');
    return { out: '', err: '', code: 0 };
  } catch (e) {
    if (e instanceof Exit) return { out: '', err: e.message, code: /** @type {number} */ (e.code) };
    throw e;
  }
}

/** Entry point of the `xl`, `xm` and `xen-double-ctl` shims. @param {'xl'|'xm'|'ctl'} tool */
export async function main(tool) {
  const argv = process.argv.slice(2);
  const r = tool === 'ctl' ? control(argv, process.env) : await run(tool, argv, process.env);
  process.stdout.write(r.out);
  process.stderr.write(r.err);
  process.exitCode = r.code;
}
