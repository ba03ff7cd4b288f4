/**
 * Parameters of ocf:ocfkit:pgsql: the names and defaults of ocf:heartbeat:pgsql (resource-agents
 * 4.12), so a CIB written for the heartbeat agent works unchanged. Replication parameters come
 * with the promotable-clone mode; `rep_mode` is declared now so a replicated configuration is
 * refused instead of silently run standalone.
 */
const ABSOLUTE = '^/';

export const params = {
  pgctl: {
    type: 'string',
    shortdesc: 'pgctl',
    longdesc: 'Path to pg_ctl (or a command name on PATH). Debian: /usr/lib/postgresql/<major>/bin/pg_ctl.',
    default: '/usr/bin/pg_ctl',
  },
  start_opt: {
    type: 'string',
    shortdesc: 'start_opt',
    longdesc:
      'Extra options for the postgres server, appended to pg_ctl -o. pg_ctl hands that string to /bin/sh, so quote values with spaces.',
    default: '',
  },
  ctl_opt: {
    type: 'string',
    shortdesc: 'ctl_opt',
    longdesc: 'Extra options for pg_ctl start, split on whitespace.',
    default: '',
  },
  psql: {
    type: 'string',
    shortdesc: 'psql',
    longdesc: 'Path to psql (or a command name on PATH). Debian: /usr/lib/postgresql/<major>/bin/psql.',
    default: '/usr/bin/psql',
  },
  pgdata: {
    type: 'string',
    shortdesc: 'pgdata',
    longdesc: 'Absolute path of the data directory (it holds postmaster.pid).',
    default: '/var/lib/pgsql/data',
    pattern: ABSOLUTE,
  },
  pgdba: {
    type: 'string',
    shortdesc: 'pgdba',
    longdesc: 'The OS user that owns the cluster; pg_ctl and psql run as this user.',
    default: 'postgres',
    pattern: '^[^-:/\\s][^:/\\s]*$',
  },
  pghost: {
    type: 'string',
    shortdesc: 'pghost',
    longdesc: 'Host name or address the server listens on (postgres -h) and the monitor connects to.',
    default: '',
  },
  pgport: {
    type: 'integer',
    shortdesc: 'pgport',
    longdesc: 'Port of the server: exported as PGPORT to pg_ctl (the server uses it unless postgresql.conf sets port) and to psql.',
    default: 5432,
    min: 1,
    max: 65535,
  },
  pglibs: {
    type: 'string',
    shortdesc: 'pglibs',
    longdesc: 'Directory appended to LD_LIBRARY_PATH for pg_ctl and psql.',
    default: '/usr/lib',
  },
  monitor_user: {
    type: 'string',
    shortdesc: 'monitor_user',
    longdesc: 'Database user for the monitor query (with monitor_password). Default: connect as pgdba.',
    default: '',
  },
  monitor_password: {
    type: 'string',
    shortdesc: 'monitor_password',
    longdesc: 'Password of monitor_user. Passed to psql in its environment, never as an argument, and never logged.',
    default: '',
    private: true,
  },
  monitor_sql: {
    type: 'string',
    shortdesc: 'monitor_sql',
    longdesc: 'SQL the monitor runs; any error means the resource failed.',
    default: 'select now();',
  },
  config: {
    type: 'string',
    shortdesc: 'Configuration file',
    longdesc: 'Absolute path of postgresql.conf, passed as -c config_file. Default: <pgdata>/postgresql.conf.',
    pattern: ABSOLUTE,
  },
  pgdb: {
    type: 'string',
    shortdesc: 'pgdb',
    longdesc: 'Database the monitor connects to.',
    default: 'template1',
  },
  logfile: {
    type: 'string',
    shortdesc: 'logfile',
    longdesc: 'Server log file (pg_ctl -l). Created and given to pgdba when missing.',
    default: '/dev/null',
    pattern: ABSOLUTE,
  },
  socketdir: {
    type: 'string',
    shortdesc: 'socketdir',
    longdesc:
      'Unix socket directory the monitor connects through. Required when postgresql.conf sets unix_socket_directories. Created (owned by pgdba, mode 2775) on start when missing.',
    default: '',
    pattern: '^(/.*)?$',
  },
  stop_escalate: {
    type: 'integer',
    shortdesc: 'stop escalation',
    longdesc:
      'Seconds to wait for a fast shutdown before an immediate one. Capped at timeout - 10 s when not shorter than the stop timeout, and so that the immediate shutdown keeps min(10 s, half the time left).',
    default: 90,
    min: 0,
  },
  rep_mode: {
    type: 'string',
    shortdesc: 'rep_mode',
    longdesc: 'Replication mode. Only "none" is supported so far; async, sync and slave are refused with OCF_ERR_CONFIGURED.',
    default: 'none',
  },
} as const;
