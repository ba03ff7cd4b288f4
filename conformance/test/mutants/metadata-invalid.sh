#!/bin/sh
# Breaks metadata.dtd (an error for OCF 1.0 meta-data): a parameter of content type "float", which no grammar knows.
COUNT_TYPE=float
. "${0%/*}/lib/base.sh"
main "$@"
