#!/bin/sh
# Breaks validate.invalid-value: validate-all accepts count="not-a-number".
. "${0%/*}/lib/base.sh"
validate() { if [ -z "$OCF_RESKEY_state" ]; then reason "the state parameter is required"; return 6; fi; return 0; }
main "$@"
