#!/bin/sh
# Breaks promotable.cycle: after promote, monitor still says 0 (unpromoted) instead of 8.
. "${0%/*}/lib/base.sh"
EXTRA_ACTIONS='<action name="promote" timeout="10s"/><action name="demote" timeout="10s"/>'
promote() { monitor || { reason "not running"; return 7; }; return 0; }
demote() { monitor || { reason "not running"; return 7; }; return 0; }
case "$1" in promote|demote) validate || exit $?; "$1"; exit $? ;; esac
main "$@"
