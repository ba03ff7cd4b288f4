#!/bin/sh
# Breaks notify.zero: advertises notify and returns 1 from it.
. "${0%/*}/lib/base.sh"
EXTRA_ACTIONS='<action name="notify" timeout="5s"/>'
notify() { reason "notify failed"; return 1; }
main "$@"
