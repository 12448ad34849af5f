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
# golden_files "what" GOLDEN ACTUAL [GOLDEN ACTUAL ...]: ok when every ACTUAL
# equals its GOLDEN byte for byte, else not_ok naming those that differ,
# with their diffs. UPDATE=1 first copies each ACTUAL over its GOLDEN.
golden_files() {
	local what=$1 bad= g a
	shift
	while [ $# -ge 2 ]; do
		g=$1 a=$2
		shift 2
		if [ "${UPDATE:-0}" = 1 ]; then
			cp "$a" "$g"
		fi
		if ! cmp -s "$g" "$a"; then
			bad="$bad ${g##*/}"
			diff -u "$g" "$a" 2>&1 | head -40 | sed 's/^/# /'
		fi
	done
	if [ -z "$bad" ]; then ok "$what"; else not_ok "$what (differs:$bad)"; fi
}
# needs_root: skip the whole file (exit 77 semantics) when not root
needs_root() {
	if [ "$(id -u)" -ne 0 ]; then
		skip "needs root (CAP_BPF) to load BPF programs: $0"
		done_testing
	fi
}
done_testing() { echo "1..$_tap_n"; [ "$_tap_failed" -eq 0 ]; exit $?; }
