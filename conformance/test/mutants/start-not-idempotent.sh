#!/bin/sh
# Breaks lifecycle.start-idempotent: start of a running resource fails.
. "${0%/*}/lib/base.sh"
start() { if monitor; then reason "already running"; return 1; fi; printf "1\n" >"$OCF_RESKEY_state"; }
main "$@"
