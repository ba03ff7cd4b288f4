#!/bin/sh
# Breaks action.unknown: an unknown action returns 0.
. "${0%/*}/lib/base.sh"
unknown() { return 0; }
main "$@"
