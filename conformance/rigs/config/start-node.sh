#!/bin/bash
# PID 1's child (under tini) of every rig node: prepares the node, then runs the cluster stack in
# the foreground. OCFKIT_RIG_ENGINE picks the stack:
#   pacemaker  corosync -f + pacemakerd (Debian's Pacemaker 2.1 / Corosync 3)
#   ocfkit     ocfkit node start (the bundled engine; ha.cf + authkeys)
# Read-only inputs: /etc/ocfkit-rig (this directory), /opt/ocfkit (the checkout, for the CLI),
# /usr/lib/ocf/resource.d/* (agents). /shared is the shared disk (PostgreSQL's data directory).
# The `local` rig (nodes in namespaces on the host, conformance/src/rigs/local-rig.ts) moves the
# paths of a container that are not the host's: OCFKIT_RIG_CONFIG (this directory),
# OCFKIT_RIG_SHARED (/shared), OCFKIT_RIG_ETC (/etc/ocfkit), OCFKIT_RIG_STATE_DIR (the daemon's
# state), OCFKIT_RIG_NODE_BIN (/usr/local/bin/node), OCFKIT_RIG_CHECKOUT (/opt/ocfkit).
set -euo pipefail
engine=${OCFKIT_RIG_ENGINE:-ocfkit}
cfg=${OCFKIT_RIG_CONFIG:-/etc/ocfkit-rig}
shared=${OCFKIT_RIG_SHARED:-/shared}
etc=${OCFKIT_RIG_ETC:-/etc/ocfkit}
cib_seed=${OCFKIT_RIG_CIB:-$cfg/cib.xml}
log() { echo "[start-node $(hostname) $engine] $*"; }

# OCFKIT_RIG_NET=A.B: the rig's bridges are A.B.1.0/24 and A.B.2.0/24 (docker-compose.yml), so the
# node addresses of ha.cf and corosync.conf (written for 10.217) are rewritten to match
net=${OCFKIT_RIG_NET:-10.217}
if ! [[ $net =~ ^(25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])\.(25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])$ ]]; then
  log "OCFKIT_RIG_NET must be the first two octets of the rig's subnets (e.g. 10.230), not '$net'"
  exit 2
fi
addresses() { sed -i "s/\b10\.217\.\([12]\)\./$net.\1./g" "$1"; }

# /run is a tmpfs: nothing survives a "reboot" (a state file that did would make the resource
# look active twice)
mkdir -p /run/resource-agents /run/crm /var/log/pacemaker /var/log/cluster /run/postgresql
chmod 1755 /run/resource-agents
chown postgres:postgres /run/postgresql 2>/dev/null || true

# the shared disk: the first node to get the lock creates the PostgreSQL cluster, once
if [ -d "$shared" ] && [ -z "${OCFKIT_RIG_NO_INITDB:-}" ]; then
  exec 9>"$shared/.initdb.lock"
  flock 9
  if [ ! -f "$shared/pgdata/PG_VERSION" ]; then
    log "initdb $shared/pgdata"
    install -d -o postgres -g postgres -m 0700 "$shared/pgdata"
    runuser -u postgres -- /usr/lib/postgresql/15/bin/initdb -D "$shared/pgdata" -A trust --no-sync >/dev/null
    echo "listen_addresses = '*'" >> "$shared/pgdata/postgresql.conf"
    # After a crash (every node kill) PostgreSQL syncs the data directory before recovery; one
    # syncfs() of its file system instead of an fsync() per file: 1.0-1.4 s instead of 4.2-4.9 s
    # for pg_ctl start -w at load 18 here. Nothing less is synced (fsync stays on); on Linux < 5.8
    # syncfs() may not report a write error to PostgreSQL.
    echo "recovery_init_sync_method = syncfs" >> "$shared/pgdata/postgresql.conf"
    # A test database of a few kB: 16 MB of shared buffers instead of initdb's 128 MB. The server
    # sets the whole segment up (page faults) before it starts, after every kill too: by hand
    # after a kill -9, launch -> first log line 0.40 -> 0.32 s, launch -> ready 0.60 -> 0.55 s
    # (medians of 6, load 7). Durability is unchanged (fsync, full_page_writes, synchronous_commit).
    echo "shared_buffers = 16MB" >> "$shared/pgdata/postgresql.conf"
    echo "host all all 0.0.0.0/0 trust" >> "$shared/pgdata/pg_hba.conf"
  fi
  flock -u 9
  exec 9>&-
fi

case "$engine" in
pacemaker)
  install -m 0400 "$cfg/corosync-authkey" /etc/corosync/authkey
  install -m 0644 "$cfg/corosync.conf" /etc/corosync/corosync.conf
  addresses /etc/corosync/corosync.conf
  # a loaded machine (CI, shared hosts) needs a longer token than the 1000 ms of the file
  if [ -n "${OCFKIT_RIG_TOKEN:-}" ]; then
    case "$OCFKIT_RIG_TOKEN" in *[!0-9]*) log "OCFKIT_RIG_TOKEN must be milliseconds, not '$OCFKIT_RIG_TOKEN'"; exit 2 ;; esac
    sed -i "s/^\([[:space:]]*token:\).*/\1 $OCFKIT_RIG_TOKEN/" /etc/corosync/corosync.conf
  fi
  if [ ! -s /var/lib/pacemaker/cib/cib.xml ] && [ -s "$cib_seed" ]; then
    install -o hacluster -g haclient -m 0600 "$cib_seed" /var/lib/pacemaker/cib/cib.xml
    log "seeded the CIB from $cib_seed"
  fi
  corosync -f &
  corosync=$!
  for _ in $(seq 100); do corosync-cfgtool -s >/dev/null 2>&1 && break; sleep 0.1; done
  pacemakerd &
  pacemaker=$!
  trap 'kill -TERM $pacemaker 2>/dev/null; wait $pacemaker; kill -TERM $corosync 2>/dev/null; wait $corosync; exit 0' TERM INT
  log "corosync $corosync, pacemakerd $pacemaker"
  wait -n $corosync $pacemaker || true
  log "a cluster daemon exited; stopping the node"
  kill -TERM $pacemaker $corosync 2>/dev/null || true
  exit 1
  ;;
ocfkit)
  install -d -m 0700 "$etc"
  install -m 0644 "$cfg/ha.cf" "$etc/ha.cf"
  addresses "$etc/ha.cf"
  # Docker names a container's interfaces in its own order (eth0 was the hb bridge here), and a
  # ucast link sends from its interface's address to the peers, routed by their subnet: with the
  # names of the file both links crossed both bridges. Each ucast line gets the interface holding
  # this node's address on the peer's subnet, so link 0 is the lan and link 1 the hb bridge.
  for sub in 1 2; do
    # awk reads to the end: an early exit would leave ip writing into a closed pipe, and under
    # pipefail its SIGPIPE (141) ended this script (a restarted node exited 141 in 150 ms)
    ifc=$(ip -o -4 addr show | awk -v p="$net.$sub." 'index($4, p) == 1 && !ifc { ifc = $2 } END { print ifc }')
    if [ -n "$ifc" ]; then
      sed -i "s/^ucast [^ ]* \(${net//./\\.}\.$sub\.\)/ucast $ifc \1/" "$etc/ha.cf"
      log "heartbeat link on $net.$sub.0/24: $ifc"
    fi
  done
  # The detection budget: OCFKIT_RIG_DEADTIME (ms), else the one Corosync has with OCFKIT_RIG_TOKEN
  # (a 3-node membership change takes token + 650 ms of token_coefficient, then consensus = 1.2 x
  # that: about 2.2 x (token + 650) ms), else ha.cf's own (deadtime 2 s). A loaded machine needs a
  # longer one on both rigs: the daemons are not scheduled for seconds and membership flaps.
  deadtime=${OCFKIT_RIG_DEADTIME:-}
  if [ -z "$deadtime" ] && [ -n "${OCFKIT_RIG_TOKEN:-}" ]; then
    case "$OCFKIT_RIG_TOKEN" in *[!0-9]*) log "OCFKIT_RIG_TOKEN must be milliseconds, not '$OCFKIT_RIG_TOKEN'"; exit 2 ;; esac
    deadtime=$(((OCFKIT_RIG_TOKEN + 650) * 22 / 10))
  fi
  if [ -n "$deadtime" ]; then
    case "$deadtime" in '' | *[!0-9]*) log "OCFKIT_RIG_DEADTIME must be milliseconds, not '$deadtime'"; exit 2 ;; esac
    if [ "$deadtime" -lt 400 ]; then log "OCFKIT_RIG_DEADTIME must be at least 400 ms, not $deadtime"; exit 2; fi
    # OCFKIT_RIG_KEEPALIVE (ms), else a quarter of the deadtime
    keepalive=${OCFKIT_RIG_KEEPALIVE:-$((deadtime / 4))}
    case "$keepalive" in '' | *[!0-9]*) log "OCFKIT_RIG_KEEPALIVE must be milliseconds, not '$keepalive'"; exit 2 ;; esac
    if [ "$keepalive" -lt 50 ] || [ $((keepalive * 2)) -gt "$deadtime" ]; then
      log "OCFKIT_RIG_KEEPALIVE must be from 50 ms to half the deadtime ($deadtime ms), not $keepalive"
      exit 2
    fi
    sed -i -e "s/^keepalive .*/keepalive ${keepalive}ms/" -e "s/^warntime .*/warntime $((deadtime / 2))ms/" \
      -e "s/^deadtime .*/deadtime ${deadtime}ms/" -e "s/^initdead .*/initdead $((deadtime > 5000 ? deadtime * 2 : 10000))ms/" "$etc/ha.cf"
    log "deadtime ${deadtime} ms, keepalive ${keepalive} ms"
  elif [ -n "${OCFKIT_RIG_KEEPALIVE:-}" ]; then
    log "OCFKIT_RIG_KEEPALIVE needs OCFKIT_RIG_DEADTIME (or OCFKIT_RIG_TOKEN)"
    exit 2
  fi
  install -m 0600 "$cfg/authkeys" "$etc/authkeys"
  ocfkit=("${OCFKIT_RIG_NODE_BIN:-/usr/local/bin/node}" "${OCFKIT_RIG_CHECKOUT:-/opt/ocfkit}/conformance/bin/ocfkit.js")
  if ! "${ocfkit[@]}" node --help >/dev/null 2>&1; then
    log "this checkout has no 'ocfkit node' command yet (the node daemon); use OCFKIT_RIG_ENGINE=pacemaker"
    exit 2
  fi
  # Heartbeats must go out on time on a loaded host (Corosync runs SCHED_RR for this): real-time
  # when the container may (CAP_SYS_NICE and a real-time budget, dockerd --cpu-rt-runtime), else
  # nice -10. --reset-on-fork: the agents it starts run SCHED_OTHER at nice 0 all the same.
  # Measured with bench/heartbeat-priority.bench.ts; see engine/src/node/README.md.
  prio=()
  if chrt --reset-on-fork --rr 10 true 2>/dev/null; then
    prio=(chrt --reset-on-fork --rr 10)
  elif nice -n -10 chrt --reset-on-fork --other 0 true 2>/dev/null; then
    prio=(nice -n -10 chrt --reset-on-fork --other 0)
  fi
  log "node daemon scheduling: ${prio[*]:-default (no CAP_SYS_NICE)}"
  exec "${prio[@]}" "${ocfkit[@]}" node start --config-dir "$etc" --cib "$cib_seed" \
    ${OCFKIT_RIG_STATE_DIR:+--state-dir "$OCFKIT_RIG_STATE_DIR"}
  ;;
*)
  log "OCFKIT_RIG_ENGINE must be pacemaker or ocfkit, not '$engine'"
  exit 2
  ;;
esac
