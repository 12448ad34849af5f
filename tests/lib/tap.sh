# shellcheck shell=bash
# TAP helpers for shell tests. Source it, call ok/not_ok/check/skip, end with done_testing.
# Paths: $TOP (repo), $SYSREC (bin/sysrec), $WL (built workloads), $TMP (per-test scratch).
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
SYSREC=$TOP/bin/sysrec
WL=$TOP/build/workloads
TMP=$(mktemp -d "${TMPDIR:-/tmp}/sysrec-test.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
_tap_n=0
_tap_failed=0

ok() { _tap_n=$((_tap_n + 1)); echo "ok $_tap_n - $*"; }
not_ok() { _tap_n=$((_tap_n + 1)); _tap_failed=$((_tap_failed + 1)); echo "not ok $_tap_n - $*"; }
skip() { _tap_n=$((_tap_n + 1)); echo "ok $_tap_n - # SKIP $*"; }
diag() { printf '# %s\n' "$@"; }
# check "what" command...: ok when the command succeeds
check() { local what=$1; shift; if "$@"; then ok "$what"; else not_ok "$what"; fi; }
# is "what" got expected
is() {
	if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1"; diag "got:      '$2'" "expected: '$3'"; fi
}
# needs_root: skip the whole file (exit 77 semantics) when not root
needs_root() {
	if [ "$(id -u)" -ne 0 ]; then
		skip "needs root (CAP_BPF) to load BPF programs: $0"
		done_testing
	fi
}
done_testing() { echo "1..$_tap_n"; [ "$_tap_failed" -eq 0 ]; exit $?; }
