#!/bin/sh
# Breaks lifecycle.stop-idempotent: stop of a stopped resource returns 1 instead of 0.
. "${0%/*}/lib/base.sh"
stop() { if ! monitor; then reason "not running"; return 1; fi; /bin/rm -f "$OCF_RESKEY_state"; }
main "$@"
