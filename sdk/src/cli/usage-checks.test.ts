import { describe, expect, it } from 'vitest';
import { UsageError } from './args';
import { buildCommand } from './build';
import { installCommand } from './install';
import { metaCommand } from './meta';

const io = () => {
  let out = '';
  return { io: { out: (t: string) => (out += t), err: (t: string) => (out += t) }, text: () => out };
};

describe('CLI input checks', () => {
  it('ocfkit build refuses a --shebang with a newline', async () => {
    await expect(buildCommand.run(['--shebang', '#!/usr/bin/env node\nrm -rf /', '.'], io().io)).rejects.toThrow(
      new UsageError('--shebang must be "auto" or one "#!..." line, got "#!/usr/bin/env node\\nrm -rf /"'),
    );
  });

  it("ocfkit install refuses -p '' instead of installing every provider", async () => {
    await expect(installCommand.run(['-p', '', '--destdir', '/nonexistent'], io().io)).rejects.toThrow(
      new UsageError('--provider must be a provider name, got ""'),
    );
  });

  it('ocfkit meta fails on an executable that prints no meta-data', async () => {
    const o = io();
    expect(await metaCommand.run(['/bin/true'], o.io)).toBe(1);
    expect(o.text()).toBe('ocfkit meta: /bin/true printed no meta-data XML\n');
  });
});
