import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { processLiveness } from '@ocfkit/sdk';

/** Which cgroup hierarchy tracks the ops: the unified one (v2) or a controller-less use of a v1 one. */
type CgroupKind = 'cgroup2' | 'cgroup1';

/** A mounted hierarchy the suite may create cgroups in. */
interface CgroupMount {
  kind: CgroupKind;
  /** Where it is mounted, e.g. `/sys/fs/cgroup/unified` or `/sys/fs/cgroup/pids`. */
  path: string;
}

/**
 * v1 hierarchies that only count or freeze processes: moving a process into one of them changes
 * no resource limit (never memory, cpu, io: the suite must not take an agent out of its limits).
 */
const HARMLESS_V1 = ['pids', 'freezer', 'name=systemd'];

/**
 * The hierarchies mounted on this host that can track processes, best first: cgroup2 (it can kill
 * a whole cgroup at once), then v1 `pids`, `freezer` or the named systemd one. Reads
 * `/proc/self/mountinfo`.
 *
 * @example
 * cgroupMounts() // [{ kind: 'cgroup2', path: '/sys/fs/cgroup/unified' }, { kind: 'cgroup1', path: '/sys/fs/cgroup/pids' }]
 */
function cgroupMounts(mountinfo = '/proc/self/mountinfo'): CgroupMount[] {
  let text: string;
  try {
    text = readFileSync(mountinfo, 'utf8');
  } catch {
    return [];
  }
  const v2: CgroupMount[] = [];
  const v1: { rank: number; mount: CgroupMount }[] = [];
  for (const line of text.split('\n')) {
    // id parent major:minor root mountpoint options [optional...] - fstype source superoptions
    const [pre, post] = line.split(' - ');
    if (!pre || !post) continue;
    const point = pre.split(' ')[4];
    const [fstype, , superOpts = ''] = post.split(' ');
    if (point === undefined) continue;
    const path = point.replace(/\\040/g, ' ');
    if (fstype === 'cgroup2') v2.push({ kind: 'cgroup2', path });
    else if (fstype === 'cgroup') {
      const opts = superOpts.split(',');
      const rank = HARMLESS_V1.findIndex((c) => opts.includes(c));
      // a hierarchy that also carries a limiting controller (cpu, memory...) is not harmless
      const limiting = opts.some((o) => ['cpu', 'cpuacct', 'cpuset', 'memory', 'blkio', 'io', 'devices', 'net_cls', 'hugetlb'].includes(o));
      if (rank >= 0 && !limiting) v1.push({ rank, mount: { kind: 'cgroup1', path } });
    }
  }
  return [...v2, ...v1.sort((a, b) => a.rank - b.rank).map((x) => x.mount)];
}

/**
 * One cgroup per op under a directory of its own for the run: the suite places each agent process
 * in a fresh cgroup before it runs, and every process the agent starts stays in it, whatever it
 * does to its environment, session or parent (`su -`, `runuser -l`, daemons that double-fork and
 * clear their environment). Only root may move a process out, so what is left in an op's cgroup
 * after the op is what it left behind.
 */
export class OpCgroups {
  private readonly created: string[] = [];

  private constructor(
    readonly mount: CgroupMount,
    /** The run's own directory under the mount. */
    readonly root: string,
  ) {}

  /**
   * Creates the run's directory in the first usable hierarchy, or returns why none is usable (not
   * root, no cgroup filesystem mounted, read-only).
   *
   * @example
   * const cg = OpCgroups.open('ab12cd'); if ('unavailable' in cg) console.log(cg.unavailable);
   */
  static open(runId: string, mounts: readonly CgroupMount[] = cgroupMounts()): OpCgroups | { unavailable: string } {
    if (process.getuid?.() !== 0) return { unavailable: 'not root: cannot create cgroups' };
    if (process.env.OCFKIT_CONFORMANCE_CGROUPS === 'off') return { unavailable: 'OCFKIT_CONFORMANCE_CGROUPS=off' };
    const errors: string[] = [];
    for (const m of mounts) {
      const root = join(m.path, `ocfkit-conformance-${runId}`);
      try {
        mkdirSync(root);
        const cg = new OpCgroups(m, root);
        open.add(cg);
        return cg;
      } catch (err) {
        errors.push(`${m.path}: ${(err as Error).message}`);
      }
    }
    return { unavailable: errors.length ? `no writable cgroup hierarchy (${errors.join('; ')})` : 'no cgroup hierarchy mounted' };
  }

  /** A fresh cgroup for one op; its directory (the agent writes its pid to `cgroup.procs` there). */
  create(name: string): string {
    const dir = join(this.root, name);
    mkdirSync(dir);
    this.created.push(dir);
    return dir;
  }

  /** Live pids in the cgroup `dir` and the cgroups below it (zombies excluded). */
  pids(dir: string): number[] {
    const out: number[] = [];
    const walk = (d: string) => {
      let text = '';
      try {
        text = readFileSync(join(d, 'cgroup.procs'), 'utf8');
      } catch {
        return; // removed meanwhile
      }
      for (const line of text.split('\n')) if (line !== '' && !isZombie(line)) out.push(Number(line));
      for (const e of subdirs(d)) walk(join(d, e));
    };
    walk(dir);
    return out;
  }

  /**
   * How long the processes of cgroup `dir` waited for a CPU while runnable (cgroup2's PSI
   * `cpu.pressure` "some" total), in ms — the part of an op's duration that a busy host, not the
   * agent, spent. `undefined` where the host cannot tell (cgroup v1, PSI off).
   *
   * @example
   * cg.cpuWaitMs(dir) // 2140.5: of a 7.3 s meta-data, 2.1 s were spent waiting for a CPU
   */
  cpuWaitMs(dir: string): number | undefined {
    if (this.mount.kind !== 'cgroup2') return undefined;
    try {
      return parseCpuWaitMs(readFileSync(join(dir, 'cpu.pressure'), 'utf8'));
    } catch {
      return undefined;
    }
  }

  /** SIGKILLs everything in `dir` (and below) until it is empty or ~2 s have passed; true if empty. */
  async kill(dir: string): Promise<boolean> {
    for (let i = 0; i < 40; i++) {
      const left = this.pids(dir);
      if (left.length === 0) return true;
      if (this.mount.kind === 'cgroup2' && existsSync(join(dir, 'cgroup.kill'))) {
        try {
          writeFileSync(join(dir, 'cgroup.kill'), '1');
        } catch {
          // fall back to signalling each process
        }
      }
      for (const pid of left)
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // gone
        }
      await new Promise((r) => setTimeout(r, 50));
    }
    return this.pids(dir).length === 0;
  }

  /** Removes an op's cgroup once it is empty (a cgroup still holding processes stays for {@link close}). */
  release(dir: string): void {
    try {
      rmdirSync(dir);
      this.created.splice(this.created.indexOf(dir), 1);
    } catch {
      // not empty: close() kills and removes it
    }
  }

  /** Kills whatever is left in the run's cgroups and removes them; returns the pids it had to kill. */
  async close(): Promise<number[]> {
    open.delete(this);
    const left = this.pids(this.root);
    await this.kill(this.root);
    for (const dir of [...this.created].reverse())
      try {
        rmdirSync(dir);
      } catch {
        // a process that survived SIGKILL (uninterruptible sleep): leave the directory
      }
    try {
      rmdirSync(this.root);
    } catch {
      // same
    }
    return left;
  }

  /** At exit (an interrupted run): SIGKILL what is left, remove the directories, without waiting. */
  killNow(): void {
    for (const pid of this.pids(this.root))
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone
      }
    // children first, the run directory last
    for (const dir of [this.root, ...this.created].reverse())
      try {
        rmdirSync(dir);
      } catch {
        // still emptying: the kernel removes nothing by itself, but the processes are dead
      }
  }
}

/**
 * The "some" stall total of a PSI pressure file (`some avg10=... total=<usec>`), in ms.
 *
 * @example
 * parseCpuWaitMs('some avg10=0.00 avg60=0.00 avg300=0.00 total=662826\nfull ...') // 662.826
 */
function parseCpuWaitMs(text: string): number | undefined {
  const m = /^some\b.*\btotal=(\d+)/m.exec(text);
  return m ? Number(m[1]) / 1000 : undefined;
}

/** The run cgroups not closed yet: an interrupted run (Ctrl-C, a failed test) leaves no agent behind. */
const open = new Set<OpCgroups>();
process.on('exit', () => {
  for (const cg of open) cg.killNow();
});

function subdirs(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name);
  } catch {
    return [];
  }
}

function isZombie(pid: string): boolean {
  // gone counts as a zombie here; a process /proc hides (hidepid) but kill -0 finds is alive
  return processLiveness(Number(pid)) !== 'alive';
}
