#!/bin/sh
# Breaks lifecycle.stop: stop returns 0 but the resource keeps running.
. "${0%/*}/lib/base.sh"
stop() { return 0; }
main "$@"
