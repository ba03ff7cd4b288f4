#!/bin/sh
# Breaks exit-reason.length (a warning): exit reasons longer than 128 characters.
. "${0%/*}/lib/base.sh"
reason() { printf "%s%s %0150d\n" "$OCF_EXIT_REASON_PREFIX" "$*" 0 >&2; }
main "$@"
