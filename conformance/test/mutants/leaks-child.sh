#!/bin/sh
# Breaks process.no-orphans: monitor leaves a background sleep behind.
. "${0%/*}/lib/base.sh"
monitor() { /bin/sleep 60 >/dev/null 2>&1 </dev/null & [ -f "$OCF_RESKEY_state" ] && return 0; return 7; }
main "$@"
