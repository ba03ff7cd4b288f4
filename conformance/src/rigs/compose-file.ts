import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parse } from 'yaml';

/** A mount of a service: a host directory (bind) or a named volume of the file. */
interface ComposeMount {
  kind: 'bind' | 'volume';
  /** Absolute host path (bind) or the volume's name in the file (volume). */
  source: string;
  target: string;
  readOnly: boolean;
}

/** One service of docker-compose.yml, with variables substituted and paths resolved. */
export interface ComposeService {
  name: string;
  image: string;
  entrypoint?: string[];
  command?: string[];
  hostname: string;
  environment: Record<string, string>;
  capAdd: string[];
  tmpfs: string[];
  shmSize?: number;
  /** Networks in the order of the file, with the fixed address when there is one. */
  networks: { name: string; ipv4?: string }[];
  mounts: ComposeMount[];
}

/** The parts of docker-compose.yml a rig needs. */
export interface ComposeFile {
  file: string;
  services: Map<string, ComposeService>;
  networks: Map<string, { subnet?: string }>;
  volumes: string[];
}

const VAR = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?\}|\$\$/g;

/**
 * `${VAR}`, `${VAR:-default}`, `${VAR-default}` and `$$` as docker-compose substitutes them.
 *
 * @example
 * interpolate('${IMG:-ocfkit-rig:latest}', {}) // 'ocfkit-rig:latest'
 */
export function interpolate(text: string, env: Record<string, string | undefined>): string {
  return text.replace(VAR, (whole, name: string | undefined, def: string | undefined) => {
    if (whole === '$$') return '$';
    const v = env[name as string];
    return v !== undefined && v !== '' ? v : (def ?? '');
  });
}

const list = (v: unknown, what: string): string[] => {
  if (v === undefined) return [];
  if (typeof v === 'string') return [v];
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v;
  throw new Error(`${what} must be a string or a list of strings, not ${JSON.stringify(v)}`);
};

function size(v: unknown): number | undefined {
  if (v === undefined) return undefined;
  const m = /^(\d+)([kmg]?)b?$/i.exec(String(v));
  if (!m) throw new Error(`shm_size ${JSON.stringify(v)} is not a size like 256m`);
  return Number(m[1]) * ({ '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 } as Record<string, number>)[(m[2] ?? '').toLowerCase()]!;
}

function mount(spec: unknown, dir: string, volumes: readonly string[], where: string): ComposeMount {
  if (typeof spec !== 'string')
    throw new Error(`${where}: only the short volume syntax SRC:DST[:ro] is supported, not ${JSON.stringify(spec)}`);
  const [src = '', target = '', mode] = spec.split(':');
  if (!target.startsWith('/')) throw new Error(`${where}: ${JSON.stringify(spec)} needs an absolute container path`);
  const readOnly = mode === 'ro';
  if (src.startsWith('.') || isAbsolute(src)) return { kind: 'bind', source: resolve(dir, src), target, readOnly };
  if (!volumes.includes(src)) throw new Error(`${where}: volume ${JSON.stringify(src)} is not declared under volumes:`);
  return { kind: 'volume', source: src, target, readOnly };
}

function environment(v: unknown): Record<string, string> {
  if (v === undefined) return {};
  if (Array.isArray(v))
    return Object.fromEntries(
      v.map((s) => {
        const at = String(s).indexOf('=');
        return at < 0 ? [String(s), ''] : [String(s).slice(0, at), String(s).slice(at + 1)];
      }),
    );
  return Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, x === null ? '' : String(x)]));
}

/**
 * Reads docker-compose.yml (anchors and merge keys included) the way docker-compose does for the
 * fields rigs use: image, entrypoint, command, hostname, environment, cap_add, tmpfs, shm_size,
 * networks with ipv4_address, volumes (short syntax). Relative bind paths are resolved against the
 * file's folder.
 *
 * @example
 * const rig = loadComposeFile('docker-compose.yml', process.env);
 * rig.services.get('node1')?.networks // [{ name: 'lan', ipv4: '10.217.1.11' }, { name: 'hb', ipv4: '10.217.2.11' }]
 */
export function loadComposeFile(file: string, env: Record<string, string | undefined> = process.env): ComposeFile {
  const path = resolve(file);
  const doc = parse(interpolate(readFileSync(path, 'utf8'), env), { merge: true }) as Record<string, unknown>;
  const dir = dirname(path);
  const volumes = Object.keys((doc.volumes as Record<string, unknown>) ?? {});
  const networks = new Map<string, { subnet?: string }>();
  for (const [name, n] of Object.entries((doc.networks as Record<string, { ipam?: { config?: { subnet?: string }[] } }>) ?? {})) {
    const subnet = n?.ipam?.config?.[0]?.subnet;
    networks.set(name, subnet ? { subnet } : {});
  }
  const services = new Map<string, ComposeService>();
  for (const [name, raw] of Object.entries((doc.services as Record<string, Record<string, unknown>>) ?? {})) {
    const where = `${path}: services.${name}`;
    if (typeof raw.image !== 'string') throw new Error(`${where}.image is missing (rigs do not build)`);
    const nets = raw.networks ?? {};
    const netList = Array.isArray(nets)
      ? nets.map((n) => ({ name: String(n) }))
      : Object.entries(nets as Record<string, { ipv4_address?: string } | null>).map(([n, c]) => ({
          name: n,
          ...(c?.ipv4_address ? { ipv4: c.ipv4_address } : {}),
        }));
    for (const n of netList) if (!networks.has(n.name)) throw new Error(`${where}: network ${n.name} is not declared under networks:`);
    const shm = size(raw.shm_size);
    services.set(name, {
      name,
      image: raw.image,
      ...(raw.entrypoint !== undefined ? { entrypoint: list(raw.entrypoint, `${where}.entrypoint`) } : {}),
      ...(raw.command !== undefined ? { command: list(raw.command, `${where}.command`) } : {}),
      hostname: typeof raw.hostname === 'string' ? raw.hostname : name,
      environment: environment(raw.environment),
      capAdd: list(raw.cap_add, `${where}.cap_add`),
      tmpfs: list(raw.tmpfs, `${where}.tmpfs`),
      ...(shm !== undefined ? { shmSize: shm } : {}),
      networks: netList,
      mounts: list(raw.volumes, `${where}.volumes`).map((v) => mount(v, dir, volumes, where)),
    });
  }
  return { file: path, services, networks, volumes };
}
