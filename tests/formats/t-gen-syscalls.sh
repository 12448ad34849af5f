#!/usr/bin/env bash
# scripts/gen-syscalls.py: deterministic output, every table line makes it
# into the C tables, and bad data stops the build with a message naming it.
source "$(dirname "$0")/../lib/tap.sh"
PY=/usr/bin/python3
GEN=$TOP/scripts/gen-syscalls.py
DATA=$TOP/formats/syscalls

$PY "$GEN" "$DATA" "$TMP/a.c"; rc=$?
is "generator succeeds on the repo data" "$rc" 0
$PY "$GEN" "$DATA" "$TMP/b.c"
check "output is deterministic" cmp -s "$TMP/a.c" "$TMP/b.c"

for abi in x86_64 i386 aarch64; do
	want=$(grep -vc '^#' "$DATA/$abi.tbl")
	got=$(sed -n "/^static const struct sr_syscall_info ${abi}_by_nr/,/^};/p" "$TMP/a.c" |
		grep -c '= { "')
	is "$abi: every table line is a named entry" "$got" "$want"
done
is "x86_64 257 is openat with 4 args" \
	"$(grep -c '\[257\] = { "openat", 257, SR_CLASS_FILE|SR_CLASS_DESC, 4,' "$TMP/a.c")" 1

bad=$TMP/bad
cp -r "$DATA" "$bad"
echo "999 made_up_call" >>"$bad/x86_64.tbl"
err=$($PY "$GEN" "$bad" "$TMP/c.c" 2>&1); rc=$?
is "syscall without signature: exit 1" "$rc" 1
is "... names it" "$err" "gen-syscalls.py: $bad/x86_64.tbl: no signature in signatures.tbl for: made_up_call"
check "... and leaves no output" test ! -e "$TMP/c.c"

cp "$DATA/x86_64.tbl" "$bad/x86_64.tbl"
echo "made_up_call desc fd bogus_kind" >>"$bad/signatures.tbl"
err=$($PY "$GEN" "$bad" "$TMP/c.c" 2>&1); rc=$?
is "unknown argument kind: exit 1" "$rc" 1
case $err in *"unknown argument kind 'bogus_kind'"*) ok "... names the kind" ;; *) not_ok "... names the kind: $err" ;; esac

cp "$DATA/signatures.tbl" "$bad/signatures.tbl"
echo "0 dup_of_read" >>"$bad/i386.tbl"
$PY "$GEN" "$bad" "$TMP/c.c" 2>/dev/null; rc=$?
is "number given twice: exit 1" "$rc" 1
done_testing
