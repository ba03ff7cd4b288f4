#!/bin/sh
# Breaks robust.kill-during-start: start holds a lock while it works; killed, it leaves the lock and stop then fails.
. "${0%/*}/lib/base.sh"
start() { monitor && return 0; : >"$OCF_RESKEY_state.lock"; /bin/sleep 1; printf "1\n" >"$OCF_RESKEY_state"; /bin/rm -f "$OCF_RESKEY_state.lock"; }
stop() { if [ -e "$OCF_RESKEY_state.lock" ]; then reason "a start is in progress"; return 1; fi; /bin/rm -f "$OCF_RESKEY_state"; }
main "$@"
