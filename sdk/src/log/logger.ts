import { appendFileSync } from 'node:fs';
import { redact } from '../params/private';

/** Levels as `ocf_log` names them. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'crit';

/** An agent's logger: `ctx.log.info('started')`. */
export interface Logger {
  /** Written only when `HA_debug` is set and not 0. */
  debug(msg: string): void;
  /** Normal progress (`ocf_log info`). */
  info(msg: string): void;
  /** Something odd that the agent handled (`ocf_log warn`). */
  warn(msg: string): void;
  /** A failure (`ocf_log err`); the exit reason is logged this way too when logging to a file or syslog. */
  error(msg: string): void;
  /** A failure that needs a human now (`ocf_log crit`). */
  crit(msg: string): void;
  /** Writes a trace line when `OCF_TRACE_RA` is true (to `OCF_TRACE_FILE`, else stderr). */
  trace(msg: string): void;
  /** Resolves once every syslog message has been handed to `logger`. */
  flush(): Promise<void>;
}

const PREFIX: Record<LogLevel, string> = { debug: 'DEBUG', info: 'INFO', warn: 'WARNING', error: 'ERROR', crit: 'CRIT' };
const SYSLOG: Record<LogLevel, string> = { debug: 'debug', info: 'info', warn: 'warning', error: 'err', crit: 'crit' };
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `HA_DATEFMT`'s default, `"%b %d %T "`. */
function stamp(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${MONTHS[d.getMonth()]} ${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())} `;
}

function truthy(v: string | undefined): boolean {
  return v !== undefined && v !== '' && v !== '0' && !/^(no|false|off)$/i.test(v);
}

export interface LoggerOptions {
  env: Readonly<Record<string, string | undefined>>;
  /** Tag like `ocf_log`'s: `<type>(<instance>)[<pid>]`. */
  tag: string;
  writeStderr(text: string): void;
  /** True when stdout is a terminal: then logs go to stderr only, as `ocf_log` does. */
  tty?: boolean;
  now?: () => Date;
  /** Values (private parameters) replaced by `***` in every line written. */
  secrets?: readonly string[];
}

/**
 * A logger following the HA contract (contract §3.6): syslog through `logger` when
 * `HA_LOGFACILITY` is set, appended to `HA_LOGFILE` when set, stderr when neither is, and to
 * `HA_DEBUGLOG` too when it names another file. Debug lines only with `HA_debug` set and non-zero.
 */
export function createLogger(opts: LoggerOptions): Logger {
  const { env, tag } = opts;
  const now = opts.now ?? (() => new Date());
  const facility = env.HA_LOGFACILITY && !/^(none|\/dev\/null)$/.test(env.HA_LOGFACILITY) ? env.HA_LOGFACILITY : undefined;
  const logfile = env.HA_LOGFILE || undefined;
  const debuglog = env.HA_DEBUGLOG && env.HA_DEBUGLOG !== logfile && env.HA_DEBUGLOG !== '/dev/null' ? env.HA_DEBUGLOG : undefined;
  const debugOn = truthy(env.HA_debug);
  const traceOn = truthy(env.OCF_TRACE_RA);
  const traceFile = env.OCF_TRACE_FILE && env.OCF_TRACE_FILE !== '/dev/stderr' ? env.OCF_TRACE_FILE : undefined;

  // child_process costs several ms to load; only syslog needs it, so load it on first use.
  const pending: Promise<unknown>[] = [];
  const syslog = (prio: string, text: string) => {
    pending.push(
      import('node:child_process').then(
        (cp) =>
          new Promise((resolve) => {
            // argv, never a shell string: the message may contain anything.
            const child = cp.spawn('logger', ['-t', tag, '-p', `${facility}.${prio}`, text], { stdio: 'ignore' });
            child.on('error', resolve).on('close', resolve);
          }),
      ),
    );
  };

  const append = (file: string, line: string) => {
    try {
      appendFileSync(file, line, { mode: 0o640 });
    } catch {
      opts.writeStderr(line);
    }
  };

  const emit = (level: LogLevel, msg: string) => {
    if (level === 'debug' && !debugOn) return;
    const text = `${PREFIX[level]}: ${redact(msg, opts.secrets)}`;
    if (opts.tty) {
      opts.writeStderr(`${stamp(now())}${text}\n`);
      return;
    }
    if (facility) syslog(SYSLOG[level], text);
    if (logfile) append(logfile, `${stamp(now())}${tag}:    ${text}\n`);
    if (!facility && !logfile) opts.writeStderr(`${stamp(now())}${text}\n`);
    if (debuglog) append(debuglog, `${stamp(now())}${tag}:    ${text}\n`);
  };

  return {
    debug: (m) => emit('debug', m),
    info: (m) => emit('info', m),
    warn: (m) => emit('warn', m),
    error: (m) => emit('error', m),
    crit: (m) => emit('crit', m),
    trace: (m) => {
      if (!traceOn) return;
      const line = `+ ${tag} ${redact(m, opts.secrets)}\n`;
      if (traceFile) append(traceFile, line);
      else opts.writeStderr(line);
    },
    flush: async () => {
      await Promise.all(pending);
    },
  };
}
