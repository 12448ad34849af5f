#!/usr/bin/env bash
# ADFA-LD evaluation of the n-gram models and the call-set score, through
# bin/sysrec only: import (sysrec import --from adfa) -> train -> eval, then a table.
# Protocol: train on Training_Data_Master (833 traces) only; score
# Validation_Data_Master (4,372 normal) against Attack_Data_Master (746),
# one score per trace (each imported trace is one process).
# The window length of the language model is chosen without attack data:
# 2-fold cross-validation on the training traces (held-out cross-entropy,
# bits per call), smallest n within 1% of the best n in 2..12.
# Usage: scripts/eval-adfa.sh [ADFA_DIR]   (default /work/shared/datasets/adfa-ld)
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
S=$top/bin/sysrec
PY=/usr/bin/python3
data=${1:-${ADFA_DIR:-/work/shared/datasets/adfa-ld}}
for d in Training_Data_Master Validation_Data_Master Attack_Data_Master; do
	if [ ! -d "$data/$d" ]; then
		echo "eval-adfa: $data/$d not found (give the ADFA-LD folder as argument)" >&2
		exit 1
	fi
done
[ -x "$S" ] || { echo "eval-adfa: $S not built (run make)" >&2; exit 1; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/eval-adfa.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

"$S" import -q --from adfa "$data/Training_Data_Master" -o "$tmp/train.sysrec"
"$S" import -q --from adfa "$data/Validation_Data_Master" "$data/Attack_Data_Master" -o "$tmp/test.sysrec"

# --- choose n on the training data alone: 2 folds of the training traces ---
mapfile -t files < <(find "$data/Training_Data_Master" -type f | LC_ALL=C sort)
fold0=() fold1=()
for i in "${!files[@]}"; do
	if [ $((i % 2)) -eq 0 ]; then fold0+=("${files[$i]}"); else fold1+=("${files[$i]}"); fi
done
"$S" import -q --from adfa "${fold0[@]}" -o "$tmp/f0.sysrec"
"$S" import -q --from adfa "${fold1[@]}" -o "$tmp/f1.sysrec"
: >"$tmp/cv.txt"
for n in 2 3 4 5 6 7 8 9 10 11 12; do
	"$S" analyze train -q -n "$n" -o "$tmp/f0.model" "$tmp/f0.sysrec"
	"$S" analyze train -q -n "$n" -o "$tmp/f1.model" "$tmp/f1.sysrec"
	"$S" analyze score --format json --top 0 --no-processes --model "$tmp/f0.model" "$tmp/f1.sysrec" >"$tmp/s01.json"
	"$S" analyze score --format json --top 0 --no-processes --model "$tmp/f1.model" "$tmp/f0.sysrec" >"$tmp/s10.json"
	$PY - "$n" "$tmp/s01.json" "$tmp/s10.json" >>"$tmp/cv.txt" <<'PY'
import json, sys
bits = calls = 0
for p in sys.argv[2:]:
    f = json.load(open(p))["files"][0]
    bits += f["nll"] * f["calls"]
    calls += f["calls"]
print(sys.argv[1], bits / calls)
PY
done
best_n=$($PY - "$tmp/cv.txt" <<'PY'
import sys
rows = [l.split() for l in open(sys.argv[1])]
ce = {int(n): float(v) for n, v in rows}
best = min(ce.values())
print(min(n for n, v in ce.items() if v <= best * 1.01))
PY
)

# --- train, evaluate ---
run() { # run N SCORE NAME
	local n=$1 score=$2 name=$3
	"$S" analyze train -n "$n" -o "$tmp/m$n.model" "$tmp/train.sysrec" 2>"$tmp/train$n.err"
	"$S" analyze eval --model "$tmp/m$n.model" --normal-label validation --attack-label 'attack:*' \
		--score "$score" --format json --roc "$tmp/roc-$name.csv" "$tmp/test.sysrec" >"$tmp/eval-$name.json"
	$PY - "$name" "$tmp/eval-$name.json" "$tmp/train$n.err" <<'PY'
import json, re, sys
name, ev, err = sys.argv[1:]
d = json.load(open(ev))
s = d["scores"][0]
m = re.search(r"([0-9.]+)M syscalls/s per core", open(err).read())
train = float(m.group(1)) if m else float("nan")
score = d["syscalls"] / d["cpu_seconds"] / 1e6 if d["cpu_seconds"] else float("nan")
f = s["dr_at_far"]
print(f"{name:<24} {s['auc']:.4f} [{s['auc_ci95'][0]:.4f}, {s['auc_ci95'][1]:.4f}]"
      f" {100*f['0.01']:6.1f}% {100*f['0.05']:6.1f}% {100*f['0.10']:6.1f}%"
      f" {100*s['far_at_dr90']:8.1f}%   {train:6.1f}M/s {score:6.1f}M/s")
PY
}
echo "ADFA-LD: train 833 traces, test 4372 normal (validation) vs 746 attack; one score per trace"
echo "n chosen by 2-fold held-out cross-entropy on the training traces (bits/call):"
$PY -c '
import sys
print("  " + "  ".join("n=%s %.3f" % tuple((l.split()[0], float(l.split()[1]))) for l in open(sys.argv[1])))' "$tmp/cv.txt"
echo "  -> n=$best_n (smallest n within 1% of the best)"
echo
printf '%-24s %-24s %7s %7s %7s %9s   %-8s %-8s\n' "model" "AUC [95% CI]" "DR@1%" "DR@5%" "DR@10%" \
	"FAR@90%DR" "train" "score"
run 6 stide "STIDE n=6"
run "$best_n" stide "STIDE n=$best_n"
run "$best_n" nll "KN-LM n=$best_n (nll)"
# call sets do not depend on n: the same model's fourth score
run "$best_n" callset "call-set 1-NN (callset)"
echo
echo "AUC interval: 1000 stratified bootstrap resamples, seed 1. Speeds: syscalls per CPU-second"
echo "on one core, reading the trace included (ADFA is small: see bench-ngram for a large trace)."
