/** `ocfkit member …` from the sources (the rig runs it inside network namespaces). */
import { memberCommand } from '../../src/cli/member';

process.exitCode = await memberCommand
  .run(process.argv.slice(2), { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) })
  .catch((e: Error) => {
    process.stderr.write(`ocfkit member: ${e.message}\n`);
    return 1;
  });
