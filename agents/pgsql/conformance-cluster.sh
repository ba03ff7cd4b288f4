#!/bin/sh
# Setup/teardown hook of conformance.json (see conformance/README.md): prepares the two
# PostgreSQL clusters the conformance suite runs ocf:ocfkit:pgsql against, in the suite's
# per-run directory $CONFORMANCE_TMP: a/ and b/, each initdb'd as postgres with sockets only
# (in <cluster>/run, no TCP listener), and bin/pg_ctl, bin/psql linking the newest
# /usr/lib/postgresql/<major>/bin. Nothing touches a system cluster.
# setup-replica (conformance-replication.json) also starts and stops each cluster once, so its
# control file records the settings above (max_connections…): a hot standby refuses to start
# with lower ones than its control file holds, and initdb records its own defaults.
# Usage: conformance-cluster.sh setup|setup-replica|teardown
set -eu
tmp=${CONFORMANCE_TMP:?CONFORMANCE_TMP is not set}
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)

case "${1:-}" in
setup | setup-replica)
  if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
    echo "no PostgreSQL server under /usr/lib/postgresql/<major>/bin (Debian package postgresql)" >&2
    exit 1
  fi
  mkdir -p "$tmp/bin"
  ln -sf "$bin/pg_ctl" "$tmp/bin/pg_ctl"
  ln -sf "$bin/psql" "$tmp/bin/psql"
  for c in a b; do
    mkdir "$tmp/$c"
    chown postgres: "$tmp/$c"
    (cd / && runuser -u postgres -- "$bin/initdb" -N -A trust -U postgres -D "$tmp/$c/data" >/dev/null)
    printf "unix_socket_directories = '%s'\nlisten_addresses = ''\nfsync = off\nmax_connections = 20\nshared_buffers = 16MB\n" \
      "$tmp/$c/run" >>"$tmp/$c/data/postgresql.conf"
    if [ "$1" = setup-replica ]; then
      install -d -o postgres -g postgres -m 0700 "$tmp/$c/run"
      (cd / && runuser -u postgres -- "$bin/pg_ctl" -D "$tmp/$c/data" -l "$tmp/$c/server.log" -w start >/dev/null &&
        runuser -u postgres -- "$bin/pg_ctl" -D "$tmp/$c/data" -m fast -w stop >/dev/null)
    fi
  done
  ;;
teardown)
  for c in a b; do
    if [ -f "$tmp/$c/data/postmaster.pid" ] && [ -n "$bin" ]; then
      (cd / && runuser -u postgres -- "$bin/pg_ctl" -D "$tmp/$c/data" -m immediate -w stop >/dev/null 2>&1) || true
    fi
  done
  ;;
*)
  echo "usage: $0 setup|setup-replica|teardown" >&2
  exit 2
  ;;
esac
