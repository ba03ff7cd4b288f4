#!/bin/sh
# Breaks validate.missing-required: validate-all returns 0 without the required state parameter.
. "${0%/*}/lib/base.sh"
case "$1" in validate-all) [ -z "$OCF_RESKEY_state" ] && exit 0 ;; esac
main "$@"
