#!/bin/sh
# Breaks timing.within-advertised: start advertises a 1 s timeout and takes 2 s.
. "${0%/*}/lib/base.sh"
START_TIMEOUT=1s
start() { /bin/sleep 2; monitor && return 0; printf "1\n" >"$OCF_RESKEY_state"; }
main "$@"
