# shellcheck shell=bash
# Helpers for the recorder's integration tests (sourced after tests/lib/tap.sh).
TRDUMP=$TOP/build/tools/trdump

# rec OUT [record options...]: run bin/sysrec record -q -o OUT ...; sets $rc.
rec() {
	local out=$1; shift
	"$SYSREC" record -q -o "$out" "$@" 2>"$TMP/rec.err"
	rc=$?
}

# dump TRACE: its events as tab-separated lines (see tests/tools/trdump.c)
dump() { "$TRDUMP" "$1"; }

# count TSV AWK-CONDITION: number of lines matching
count() { awk -F'\t' "$2 {n++} END {print n+0}" "$1"; }

need_bpf() {
	needs_root
	if [ ! -r /sys/kernel/btf/vmlinux ]; then
		skip "no BTF at /sys/kernel/btf/vmlinux"
		done_testing
	fi
	if [ ! -x "$TRDUMP" ]; then
		not_ok "build/tools/trdump missing: run make"
		done_testing
	fi
}
