#!/bin/sh
# Control: the unbroken base agent. The suite must pass it on every error-level rule.
. "${0%/*}/lib/base.sh"
main "$@"
