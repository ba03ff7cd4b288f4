#!/bin/bash
# PID 1 of a `local` rig node (conformance/src/rigs/local-rig.ts): started by
#   ip netns exec NS unshare --pid --fork --kill-child --mount --uts --ipc --mount-proc -- node-init.sh NODE OPS... -- COMMAND...
# so it runs in the node's own network, PID, mount, UTS and IPC namespaces. It names the host,
# makes the node's private mounts, then runs COMMAND (start-node.sh) under tini, which reaps what
# the node's daemons leave (PostgreSQL's forks). Everything the node runs dies with this process:
# the rig's "kill" is a SIGKILL of it, as docker kill is of a container's init.
# OPS, each an argv group (no shell evaluation of any value):
#   bind SRC DST      bind mount, read-only (DST made if missing)
#   rbind SRC DST     recursive bind mount, read-only submounts kept (the agents' resource.d)
#   tmpfs DST MODE    a fresh tmpfs (/run, /tmp, /dev/shm: nothing survives a "reboot")
set -euo pipefail
node=$1
shift
hostname "$node"
while [ $# -gt 0 ] && [ "$1" != -- ]; do
  case "$1" in
  bind)
    # a target on a fresh tmpfs (the checkout back at its path under /tmp) is made first
    [ -e "$3" ] || mkdir -p -- "$3"
    mount --bind -- "$2" "$3"
    mount -o remount,bind,ro -- "$3"
    shift 3
    ;;
  rbind)
    mount --rbind -- "$2" "$3"
    shift 3
    ;;
  tmpfs)
    mount -t tmpfs -o "mode=$3,nosuid,nodev" tmpfs "$2"
    shift 3
    ;;
  *)
    echo "[node-init $node] unknown mount op '$1'" >&2
    exit 2
    ;;
  esac
done
[ "${1:-}" = -- ] || { echo "[node-init $node] no command after --" >&2; exit 2; }
shift
mkdir -p /run/lock
if command -v tini >/dev/null; then exec tini -s -- "$@"; fi
# no tini: bash as PID 1 reaps orphans while it waits
"$@" &
child=$!
trap 'kill -TERM $child 2>/dev/null' TERM INT
wait $child
