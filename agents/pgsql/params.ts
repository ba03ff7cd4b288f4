/**
 * Parameters of ocf:ocfkit:pgsql: the names and defaults of ocf:heartbeat:pgsql (resource-agents
 * 4.12), so a CIB written for the heartbeat agent works unchanged, replication (rep_mode async and
 * sync, a promotable clone) included.
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
    longdesc:
      'Replication mode: "none" (standalone), "async" or "sync" (streaming replication; the resource must be a promotable clone, and node_list and master_ip are required). PostgreSQL 12 or later. heartbeat\'s "slave" is refused with OCF_ERR_CONFIGURED.',
    default: 'none',
  },
  node_list: {
    type: 'string',
    shortdesc: 'node list',
    longdesc:
      'All node names, separated by spaces (required for async and sync). A standby connects with application_name set to its node name (lower case), which is how the primary recognises it in pg_stat_replication.',
    default: '',
  },
  restore_command: {
    type: 'string',
    shortdesc: 'restore_command',
    longdesc: 'restore_command written into the recovery settings the agent owns (<tmpdir>/recovery.conf).',
    default: '',
  },
  archive_cleanup_command: {
    type: 'string',
    shortdesc: 'archive_cleanup_command',
    longdesc: 'archive_cleanup_command for the recovery settings (optional).',
    default: '',
  },
  recovery_end_command: {
    type: 'string',
    shortdesc: 'recovery_end_command',
    longdesc: 'recovery_end_command for the recovery settings (optional).',
    default: '',
  },
  master_ip: {
    type: 'string',
    shortdesc: 'master ip',
    longdesc:
      "The primary's floating address that standbys connect to (host= of primary_conninfo; libpq also takes a socket directory here). Required for replication.",
    default: '',
  },
  repuser: {
    type: 'string',
    shortdesc: 'repuser',
    longdesc: 'User the standbys connect to the primary as (user= of primary_conninfo).',
    default: 'postgres',
  },
  primary_conninfo_opt: {
    type: 'string',
    shortdesc: 'primary_conninfo_opt',
    longdesc:
      'Further primary_conninfo options (keyword=value ...) except host, port, user and application_name. Written to <tmpdir>/recovery.conf (mode 0600), never to a command line.',
    default: '',
  },
  restart_on_promote: {
    type: 'boolean',
    shortdesc: 'restart_on_promote',
    longdesc:
      'Promote by restarting PostgreSQL without standby.signal instead of pg_ctl promote. PostgreSQL 12+ still switches to a new timeline at the end of recovery; this only changes how the switch is made. Slower.',
    default: false,
  },
  replication_slot_name: {
    type: 'string',
    shortdesc: 'replication_slot_name',
    longdesc:
      'Use physical replication slots: the primary keeps one slot per other node, named <replication_slot_name>_<node> (upper case, "-" and "." in node names become lower case and "_"). Only a-z, 0-9 and _. Slots of a disconnected standby keep WAL on the primary until it returns or the slot is dropped.',
    default: '',
    pattern: '^[a-z0-9_]*$',
  },
  tmpdir: {
    type: 'string',
    shortdesc: 'tmpdir',
    longdesc:
      "Directory for the agent's replication state (owned by pgdba, mode 0700): PGSQL.lock, the generated postgresql.conf wrapper, recovery.conf, rep_mode.conf and xlog_note.",
    default: '/var/lib/pgsql/tmp',
    pattern: ABSOLUTE,
  },
  xlog_check_count: {
    type: 'integer',
    shortdesc: 'xlog check count',
    longdesc:
      'How many consecutive monitors must see the same WAL positions on every node before a standby, when no primary exists, declares itself the one to promote.',
    default: 3,
    min: 1,
  },
  crm_attr_timeout: {
    type: 'integer',
    shortdesc: 'The timeout of crm_attribute forever update command.',
    longdesc: 'Accepted for compatibility with ocf:heartbeat:pgsql; attribute updates here are bounded by the action timeout.',
    default: 5,
    min: 1,
  },
  stop_escalate_in_slave: {
    type: 'integer',
    shortdesc: 'stop escalation_in_slave',
    longdesc: 'Like stop_escalate, for a standby.',
    default: 90,
    min: 0,
  },
  check_wal_receiver: {
    type: 'boolean',
    shortdesc: 'check_wal_receiver',
    longdesc:
      'Maintain the node attribute <rsc>-receiver-status ("normal", "normal (master)" or "ERROR"), and report a standby whose WAL receiver is not streaming while a primary exists as degraded (190) with the reason.',
    default: false,
  },
} as const;
