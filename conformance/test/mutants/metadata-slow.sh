#!/bin/sh
# Breaks timing.within-advertised: meta-data takes 2 s but advertises a 1 s timeout.
. "${0%/*}/lib/base.sh"
MD_TIMEOUT=1s
meta_data() { /bin/sleep 2; emit_meta_data; }
main "$@"
