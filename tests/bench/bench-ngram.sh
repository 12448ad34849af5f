#!/usr/bin/env bash
# make bench: n-gram training and scoring speed on a large trace (target 10M+
# syscalls/s per core). The trace is ADFA-LD's validation and attack sets
# imported REPEAT times over (default 40: about 100M syscalls, 220k processes);
# speeds are syscalls per CPU-second of the one thread doing the work, trace
# reading included, so a busy host does not distort them.
# Then peak memory on the same calls with an exit after each process, at a
# quarter of the length and at the whole: train and score free a process's
# state when it ends, so memory should stay flat with the distinct windows
# (ADFA-LD's traces are cut out of longer runs and end in no exit, so the
# import adds none, and on the plain trace every process stays to the end).
cd "$(dirname "$0")/../.." || exit 1
data=${ADFA_DIR:-/work/shared/datasets/adfa-ld}
repeat=${REPEAT:-40}
if [ ! -d "$data/Validation_Data_Master" ]; then
	echo "skipped: ADFA-LD not found at $data (set ADFA_DIR)"
	exit 0
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/bench-ngram.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
inputs=()
for _ in $(seq "$repeat"); do
	inputs+=("$data/Validation_Data_Master" "$data/Attack_Data_Master")
done
bin/sysrec import -q --from adfa "${inputs[@]}" -o "$tmp/big.sysrec" || exit 1
quarter=$(( (repeat + 3) / 4 ))
bin/sysrec import -q --from adfa "${inputs[@]:0:$((2 * quarter))}" -o "$tmp/quarter.sysrec" || exit 1
build/tools/add_exits "$tmp/big.sysrec" "$tmp/big-exits.sysrec" || exit 1
build/tools/add_exits "$tmp/quarter.sysrec" "$tmp/quarter-exits.sysrec" || exit 1
echo "trace: $(du -h "$tmp/big.sysrec" | cut -f1) on disk"
for n in 6 9; do
	bin/sysrec analyze train -n "$n" -o "$tmp/big$n.model" "$tmp/big.sysrec" 2>&1 | sed "s/^/n=$n /"
	bin/sysrec analyze score -v --top 10 --no-processes --model "$tmp/big$n.model" \
		"$tmp/big.sysrec" 2>&1 >/dev/null | sed "s/^/n=$n /"
	echo "n=$n peak memory (train, score): $(/usr/bin/time -f '%M' bin/sysrec analyze train -q -n "$n" \
		-o "$tmp/x.model" "$tmp/big.sysrec" 2>&1 | tail -1) KiB, $(/usr/bin/time -f '%M' \
		bin/sysrec analyze score --top 0 --no-processes --model "$tmp/big$n.model" "$tmp/big.sysrec" \
		2>&1 >/dev/null | tail -1) KiB"
done
peak() { /usr/bin/time -f '%M' "$@" 2>&1 >/dev/null | tail -1; }
for n in 6 9; do
	t=()
	for f in quarter-exits big-exits; do
		bin/sysrec analyze train -q -n "$n" -o "$tmp/$f.model" "$tmp/$f.sysrec" || exit 1
		t+=("$(peak bin/sysrec analyze train -q -n "$n" -o "$tmp/x.model" "$tmp/$f.sysrec")")
		t+=("$(peak bin/sysrec analyze score --top 0 --no-processes --model "$tmp/$f.model" "$tmp/$f.sysrec")")
	done
	echo "n=$n peak memory with exits, ${quarter}x -> ${repeat}x: train ${t[0]} -> ${t[2]} KiB" \
		"($(awk "BEGIN {printf \"%.2f\", ${t[2]} / ${t[0]}}")x), score ${t[1]} -> ${t[3]} KiB" \
		"($(awk "BEGIN {printf \"%.2f\", ${t[3]} / ${t[1]}}")x)"
done
