#!/bin/sh
# Breaks exit-reason.present: validation failures return 6 without an exit reason.
. "${0%/*}/lib/base.sh"
reason() { :; }
main "$@"
