#!/bin/sh
# Breaks robust.two-instances: every instance uses the same state file, whatever its parameters.
. "${0%/*}/lib/base.sh"
OCF_RESKEY_state_shared=/tmp/ocfkit-conformance-mutant-shared.state
monitor() { [ -f "$OCF_RESKEY_state_shared" ] && return 0; return 7; }
start() { monitor && return 0; : >"$OCF_RESKEY_state_shared"; }
stop() { /bin/rm -f "$OCF_RESKEY_state_shared"; }
main "$@"
