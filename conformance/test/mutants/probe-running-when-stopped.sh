#!/bin/sh
# Breaks lifecycle.probe-stopped: a probe (no interval) says "running" although the resource is stopped.
. "${0%/*}/lib/base.sh"
case "$1" in monitor) [ "${OCF_RESKEY_CRM_meta_interval:-0}" = 0 ] && exit 0 ;; esac
main "$@"
