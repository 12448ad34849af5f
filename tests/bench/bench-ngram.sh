#!/usr/bin/env bash
# make bench: n-gram training and scoring speed on a large trace (target 10M+
# syscalls/s per core). The trace is ADFA-LD's validation and attack sets
# imported REPEAT times over (default 40: about 100M syscalls, 220k processes);
# speeds are syscalls per CPU-second of the one thread doing the work, trace
# reading included, so a busy host does not distort them.
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
