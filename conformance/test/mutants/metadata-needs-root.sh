#!/bin/sh
# Breaks metadata.unprivileged: meta-data fails unless run as root.
. "${0%/*}/lib/base.sh"
case "$1" in meta-data) if [ "$(/usr/bin/id -u)" != 0 ]; then reason "must be root"; exit 4; fi ;; esac
main "$@"
