#!/bin/sh
# Breaks metadata.exit-zero: meta-data fails without the state parameter (Pacemaker never passes parameters to meta-data).
. "${0%/*}/lib/base.sh"
case "$1" in meta-data) if [ -z "$OCF_RESKEY_state" ]; then reason "state is required"; exit 6; fi ;; esac
main "$@"
