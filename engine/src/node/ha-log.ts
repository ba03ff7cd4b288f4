/**
 * The node daemon's log, in the HA format the agents' SDK writes (contract §3.6): appended to
 * `HA_LOGFILE` as `<date> <tag>:    <LEVEL>: <message>`, sent to syslog when `HA_LOGFACILITY` names
 * a facility (through one long-lived `logger` process, not one per line), and to stderr when
 * neither is set. Debug lines only with `HA_debug` set and non-zero. The controller logs through
 * the same object: one line per decision and per action result, with the transition number.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { appendFileSync } from 'node:fs';

export type HaLevel = 'debug' | 'info' | 'warn' | 'error' | 'crit';

/** The log the daemon and the controller share. */
export interface HaLog {
  debug(msg: string): void;
  info(msg: string): void;
  warn(msg: string): void;
  error(msg: string): void;
  crit(msg: string): void;
  /** A decision of transition `n`: `Transition 3: Start d1 on n1`. */
  decision(transition: number, msg: string): void;
  /** An action result of transition `n`; `failed` logs it as a warning. */
  result(transition: number, msg: string, failed?: boolean): void;
  /** The same sinks under another tag (`ocfkit-controller[pid]`). */
  child(component: string): HaLog;
  /** Stops the syslog writer (after handing it every pending line). */
  close(): Promise<void>;
}

export interface HaLogOptions {
  env?: Readonly<Record<string, string | undefined>>;
  /** Component name: the tag is `ocfkit-<component>[<pid>]`. */
  component: string;
  writeStderr?: (text: string) => void;
  now?: () => Date;
}

const LABEL: Record<HaLevel, string> = { debug: 'DEBUG', info: 'INFO', warn: 'WARNING', error: 'ERROR', crit: 'CRIT' };
// syslog priorities (RFC 5424 severities) for `logger --prio-prefix`.
const SEVERITY: Record<HaLevel, number> = { debug: 7, info: 6, warn: 4, error: 3, crit: 2 };
const FACILITIES: Record<string, number> = {
  kern: 0,
  user: 1,
  mail: 2,
  daemon: 3,
  auth: 4,
  syslog: 5,
  lpr: 6,
  news: 7,
  uucp: 8,
  cron: 9,
  authpriv: 10,
  ftp: 11,
  local0: 16,
  local1: 17,
  local2: 18,
  local3: 19,
  local4: 20,
  local5: 21,
  local6: 22,
  local7: 23,
};
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `HA_DATEFMT`'s default, `"%b %d %T "`. */
function stamp(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${MONTHS[d.getMonth()]} ${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())} `;
}

function truthy(v: string | undefined): boolean {
  return v !== undefined && v !== '' && v !== '0' && !/^(no|false|off)$/i.test(v);
}

/**
 * Creates the daemon's log from the HA environment variables.
 *
 * @example
 * const log = createHaLog({ component: 'node' });
 * log.decision(3, 'Start d1 on n1');
 */
export function createHaLog(options: HaLogOptions): HaLog {
  const env = options.env ?? process.env;
  const now = options.now ?? (() => new Date());
  const writeStderr = options.writeStderr ?? ((t: string) => process.stderr.write(t));
  const facilityName = env.HA_LOGFACILITY && !/^(none|\/dev\/null)$/.test(env.HA_LOGFACILITY) ? env.HA_LOGFACILITY : undefined;
  const facility = facilityName === undefined ? undefined : FACILITIES[facilityName];
  const logfile = env.HA_LOGFILE || undefined;
  const debugOn = truthy(env.HA_debug);
  let syslog: ChildProcess | undefined;
  let syslogFailed = false;

  const toSyslog = (tag: string, level: HaLevel, text: string): boolean => {
    if (facility === undefined || syslogFailed) return false;
    if (!syslog) {
      // argv, never a shell: one `logger` reading lines, each with its own <priority> prefix.
      syslog = spawn('logger', ['--prio-prefix', '-t', 'ocfkit'], { stdio: ['pipe', 'ignore', 'ignore'] });
      syslog.on('error', () => {
        syslogFailed = true;
      });
      syslog.stdin?.on('error', () => {
        syslogFailed = true;
      });
      syslog.unref();
      (syslog.stdin as unknown as { unref?: () => void } | null)?.unref?.();
    }
    const line = `<${facility * 8 + SEVERITY[level]}>${tag}: ${text.replace(/\n/g, ' ')}\n`;
    syslog.stdin?.write(line);
    return true;
  };

  const make = (component: string): HaLog => {
    const tag = `ocfkit-${component}[${process.pid}]`;
    const emit = (level: HaLevel, msg: string) => {
      if (level === 'debug' && !debugOn) return;
      const text = `${LABEL[level]}: ${msg}`;
      const sent = toSyslog(tag, level, text);
      let written = false;
      if (logfile) {
        try {
          appendFileSync(logfile, `${stamp(now())}${tag}:    ${text}\n`, { mode: 0o640 });
          written = true;
        } catch {
          written = false;
        }
      }
      if (!sent && !written) writeStderr(`${stamp(now())}${tag}: ${text}\n`);
    };
    return {
      debug: (m) => emit('debug', m),
      info: (m) => emit('info', m),
      warn: (m) => emit('warn', m),
      error: (m) => emit('error', m),
      crit: (m) => emit('crit', m),
      decision: (n, m) => emit('info', `Transition ${n}: ${m}`),
      result: (n, m, failed) => emit(failed ? 'warn' : 'info', `Transition ${n}: ${m}`),
      child: (c) => make(c),
      close: () =>
        new Promise<void>((resolve) => {
          const s = syslog;
          syslog = undefined;
          if (!s?.stdin || syslogFailed) return resolve();
          s.on('close', () => resolve());
          s.stdin.end();
        }),
    };
  };
  return make(options.component);
}
