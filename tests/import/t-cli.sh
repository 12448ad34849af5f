#!/usr/bin/env bash
# sysrec import on the command line: usage errors (exit 2, one line naming the
# option), runtime errors (exit 1), bad lines reported once per kind with
# file:line and counted, --help, and the summary line.
. "$(dirname "$0")/../lib/tap.sh"

run() { "$SYSREC" import "$@" >"$TMP/out" 2>"$TMP/err"; echo $?; }

is "--help exits 0" "$(run --help)" 0
check "--help prints the usage" grep -q '^Usage: sysrec import --from KIND' "$TMP/out"
check "--help lists the three kinds" grep -q 'lid-ds' "$TMP/out"

printf '100  1700000000.000001 getpid() = 100 <0.000001>\n' >"$TMP/ok.log"

is "missing -o exits 2" "$(run --from strace "$TMP/ok.log")" 2
check "missing -o names the option" grep -q "missing -o/--output" "$TMP/err"
check "usage errors point to --help" grep -q "Try 'sysrec import --help'" "$TMP/err"
is "usage error is 2 lines" "$(wc -l <"$TMP/err")" 2

is "unknown --from exits 2" "$(run --from pcap "$TMP/ok.log" -o "$TMP/x.sr")" 2
check "unknown --from lists the kinds" grep -q "invalid --from argument: 'pcap' (expected strace, adfa or lid-ds)" "$TMP/err"

is "missing --from exits 2" "$(run "$TMP/ok.log" -o "$TMP/x.sr")" 2
check "missing --from is named" grep -q "missing --from" "$TMP/err"

is "missing INPUT exits 2" "$(run --from strace -o "$TMP/x.sr")" 2
is "bad --abi exits 2" "$(run --from strace --abi sparc "$TMP/ok.log" -o "$TMP/x.sr")" 2
check "bad --abi is named" grep -q "invalid --abi argument: 'sparc'" "$TMP/err"
is "unknown option exits 2" "$(run --from strace --bogus "$TMP/ok.log" -o "$TMP/x.sr")" 2
is "--compression-level 20 exits 2 (1-19, as record and --help say)" \
	"$(run --from strace --compression-level 20 "$TMP/ok.log" -o "$TMP/x.sr")" 2
check "bad --compression-level is named" grep -q "invalid --compression-level argument: '20'" "$TMP/err"
is "--compression-level 19 is accepted" "$(run --from strace --compression-level 19 "$TMP/ok.log" -o "$TMP/x.sr")" 0

is "unreadable input exits 1" "$(run --from strace "$TMP/nope.log" -o "$TMP/x.sr")" 1
check "unreadable input names the file" grep -q "cannot open $TMP/nope.log" "$TMP/err"
is "missing ADFA folder exits 1" "$(run --from adfa "$TMP/nope" -o "$TMP/x.sr")" 1

{
	printf '100  1700000000.000001 getpid() = 100 <0.000001>\n'
	printf 'not a strace line\n'
	printf 'another bad one\n'
	printf '100  1700000000.000002 getppid() = 1 <0.000001>\n'
	printf '100  1700000000.000003 not_a_syscall(1) = 0 <0.000001>\n'
	printf '100  1700000000.000004 not_a_syscall(2) = 0 <0.000001>\n'
} >"$TMP/bad.log"
is "bad lines do not fail the import" "$(run --from strace "$TMP/bad.log" -o "$TMP/bad.sr")" 0
is "first bad line reported with file:line" \
	"$(grep -c "bad.log:2: unparsable line: not a strace line" "$TMP/err")" 1
is "second bad line only counted" "$(grep -c "bad.log:3" "$TMP/err")" 0
check "the count of bad lines is reported" grep -q "2 lines: unparsable line" "$TMP/err"
is "unknown syscall name warned once" "$(grep -c "unknown syscall 'not_a_syscall'" "$TMP/err")" 1
check "summary line counts" grep -q "2 syscalls, .* 2 bad lines, 2 unknown syscalls skipped" "$TMP/err"
check "trace written" test -s "$TMP/bad.sr"
is "trace created 0600" "$(stat -c %a "$TMP/bad.sr")" 600

# the imported trace reads back through replay's JSON export
if "$SYSREC" replay --format json "$TMP/bad.sr" >"$TMP/bad.json" 2>"$TMP/replay.err"; then
	is "replay --format json of the import: the two calls" \
		"$(/usr/bin/python3 -c 'import json,sys
calls=[json.loads(l) for l in open(sys.argv[1]) if json.loads(l).get("type")=="syscall"]
print(" ".join("%s=%s@%s" % (c["syscall"], c["ret"], c["ts"]) for c in calls))' "$TMP/bad.json")" \
		"getpid=100@1700000000000001000 getppid=1@1700000000000002000"
else
	not_ok "replay --format json reads the imported trace"
	diag "$(cat "$TMP/replay.err")"
fi

is "-q is quiet" "$(run -q --from strace "$TMP/bad.log" -o "$TMP/bad.sr"; cat "$TMP/err")" 0

done_testing
