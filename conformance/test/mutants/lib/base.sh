# A small, correct OCF agent in POSIX sh that every shell mutant sources and then breaks in
# exactly one place by redefining one function. Binaries: none on the normal paths (rm is
# called by absolute path), so a probe with PATH emptied still works.
#
# Parameters: state (required, unique: the file whose existence means "running"),
#             count (integer, default 1: written into the state file).

: "${OCF_EXIT_REASON_PREFIX:=ocf-exit-reason:}"
MUTANT_VERSION=1.0
START_TIMEOUT=20s
MD_TIMEOUT=5s
EXTRA_ACTIONS=''

reason() { printf '%s%s\n' "$OCF_EXIT_REASON_PREFIX" "$*" >&2; }

emit_meta_data() {
  printf '%s\n' '<?xml version="1.0"?>' '<!DOCTYPE resource-agent SYSTEM "ra-api-1.dtd">' \
    "<resource-agent name=\"${0##*/}\" version=\"0.1\">" "<version>$MUTANT_VERSION</version>" \
    '<longdesc lang="en">A conformance-suite test agent (see conformance/test/mutants).</longdesc>' \
    '<shortdesc lang="en">conformance test agent</shortdesc>' '<parameters>' \
    '<parameter name="state" unique="1" required="1">' \
    '<longdesc lang="en">File whose existence means running.</longdesc>' '<shortdesc lang="en">State file</shortdesc>' \
    '<content type="string"/>' '</parameter>' \
    '<parameter name="count" unique="0" required="0">' \
    '<longdesc lang="en">A number written into the state file.</longdesc>' '<shortdesc lang="en">Count</shortdesc>' \
    "<content type=\"${COUNT_TYPE:-integer}\" default=\"1\"/>" '</parameter>' '</parameters>' '<actions>' \
    "<action name=\"start\" timeout=\"$START_TIMEOUT\"/>" '<action name="stop" timeout="20s"/>' \
    '<action name="monitor" timeout="20s" interval="10s" depth="0"/>' \
    "$EXTRA_ACTIONS" \
    '<action name="validate-all" timeout="20s"/>' "<action name=\"meta-data\" timeout=\"$MD_TIMEOUT\"/>" \
    '</actions>' '</resource-agent>'
}

validate() {
  if [ -z "$OCF_RESKEY_state" ]; then reason 'the state parameter is required'; return 6; fi
  case "$OCF_RESKEY_count" in
    '') ;;
    *[!0-9]*) reason "count must be an integer, got \"$OCF_RESKEY_count\""; return 6 ;;
  esac
  return 0
}

monitor() { if [ -f "$OCF_RESKEY_state" ]; then return 0; fi; return 7; }

start() {
  monitor && return 0
  if ! printf '%s\n' "${OCF_RESKEY_count:-1}" >"$OCF_RESKEY_state"; then reason "cannot write $OCF_RESKEY_state"; return 1; fi
  return 0
}

stop() { /bin/rm -f "$OCF_RESKEY_state"; return 0; }

notify() { return 0; }

unknown() { printf 'usage: %s {start|stop|monitor|validate-all|meta-data}\n' "$0"; return 3; }

is_probe() { [ "$1" = monitor ] && [ "${OCF_RESKEY_CRM_meta_interval:-0}" = 0 ]; }

main() {
  case "$1" in
    meta-data) meta_data; exit 0 ;;
    validate-all) validate; exit $? ;;
    start|stop|monitor|notify) ;;
    *) unknown; exit $? ;;
  esac
  validate; rc=$?
  if [ $rc -ne 0 ]; then
    [ "$1" = stop ] && exit 0
    is_probe "$1" && exit 7
    exit $rc
  fi
  "$1"; exit $?
}

meta_data() { emit_meta_data; }
