#!/usr/bin/env bash
# analyze train/merge/score/eval on small hand-made traces with known answers.
. "$(dirname "$0")/../lib/tap.sh"
PY=/usr/bin/python3
SEQ=$TOP/build/tools/seqtrace
mk() { "$SEQ" "$TMP/$1.sysrec" || { not_ok "seqtrace $1"; done_testing; }; }
js() { $PY -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$1"; }

# training: sh runs 0 1 2 0 1 2 3, cat runs 5 6 7 5 6 7
printf 'proc 10 1 sh\nseq 10 10 1000 1000 0 1 2 0 1 2 3\n' | mk a
printf 'proc 20 1 cat\nseq 20 20 1000 1000 5 6 7 5 6 7\n' | mk b
cd "$TMP" || exit 1
"$SYSREC" analyze train -n 3 -o ab.model a.sysrec b.sysrec 2>train.err
is "train exit status" "$?" 0
# sh: ^^0 ^01 012 120 201 123, cat: ^^5 ^56 567 675 756 (n=3); sets {0..3}, {5,6,7}
is "train summary: windows and call sets counted" "$(head -1 train.err)" \
	"sysrec analyze train: 2 traces, 13 syscalls, 2 sequences, 2 programs, 11 distinct windows (n=3), 2 distinct call sets -> ab.model"
is "model file magic" "$(head -c 8 ab.model | od -An -c | tr -s ' ')" ' 211 S R M O D L \n'
# stock tools read the model: 32-byte preamble, zstd frame, protobuf Model
if command -v protoc >/dev/null && command -v zstd >/dev/null; then
	tail -c +33 ab.model | zstd -dq | protoc --decode=sysrec.Model -I "$TOP/formats" \
		"$TOP/formats/model.proto" >ab.txt 2>&1
	is "protoc decodes the model: n, profiles, first window of cat (^ ^ 5 = 0 0 6)" \
		"$(grep -E '^(n|traces|calls):' ab.txt | tr '\n' ' ')$(grep -c 'name:' ab.txt) $(grep -m3 'symbols:' ab.txt | tr -d ' \n')" \
		"n: 3 traces: 2 calls: 13 2 symbols:0symbols:0symbols:6"
else
	skip "protoc or zstd not installed"
fi
if command -v protoc >/dev/null && command -v zstd >/dev/null; then
	is "the model keeps each process's call set: cat {5,6,7}, sh {0,1,2,3} (symbols nr+1)" \
		"$(grep -E '^ *(name|set_[a-z]+|callsets):' ab.txt | tr -d ' \n')" \
		"name:\"cat\"set_sizes:3set_symbols:6set_symbols:7set_symbols:8set_counts:1name:\"sh\"set_sizes:4set_symbols:1set_symbols:2set_symbols:3set_symbols:4set_counts:1callsets:true"
else
	skip "protoc or zstd not installed"
fi
"$SYSREC" analyze train -q -n 3 -o ba.model b.sysrec a.sysrec
"$SYSREC" analyze train -q -n 3 -o a.model a.sysrec
"$SYSREC" analyze train -q -n 3 -o b.model b.sysrec
"$SYSREC" analyze merge -o m1.model a.model b.model
is "merge exit status" "$?" 0
"$SYSREC" analyze merge -o m2.model b.model a.model
check "train(a b) == train(b a), byte for byte" cmp -s ab.model ba.model
check "merge(a, b) == train(a b), byte for byte" cmp -s m1.model ab.model
check "merge(b, a) == train(a b), byte for byte" cmp -s m2.model ab.model
"$SYSREC" analyze merge -o m3.model m1.model a.model
check "merge with an overlapping shard differs (counts add up)" bash -c '! cmp -s m3.model ab.model'
"$SYSREC" analyze train -q -n 4 -o a4.model a.sysrec
"$SYSREC" analyze merge -o bad.model a.model a4.model 2>merge.err
is "merge of different n fails" "$?" 1
is "merge error names the model" "$(cat merge.err)" \
	"sysrec analyze merge: a4.model: n=4 --by comm does not match the first model's n=3 --by comm"

"$SYSREC" analyze score --format json --model ab.model a.sysrec b.sysrec >self.json
is "training traces score 0 (stide, lfc)" "$(js self.json '[(f["stide"], f["lfc"], f["windows"]) for f in d["files"]]')" \
	"[(0, 0, 5), (0, 0, 4)]"

# test: sh doing a new ordering, cat doing sh's sequence, an unknown program
cat <<'SPEC' | mk t
proc 30 1 sh
proc 40 1 cat
proc 50 1 ls
seq 30 30 1000 1000 0 1 2 3 0 1
seq 40 40 9000 1000 0 1 2 0 1 2
seq 50 50 20000 1000 5 6 7
seq 30 31 30000 1000 0 1
SPEC
"$SYSREC" analyze score --format json --model ab.model t.sysrec >t.json
is "score exit status" "$?" 0
P='{p["pid"]: p for p in d["files"][0]["processes"]}'
is "callset: sh {0,1,2,3} seen, cat {0,1,2} shares nothing with cat's, ls {5,6,7} matches cat's; file: the highest" \
	"$(js t.json "[($P)[q]['callset'] for q in (30, 40, 50)] + [d['files'][0]['callset']]")" "[0, 1, 0, 1]"
is "sh: windows 4+1 (a short thread counts once), mismatches 2 (2 3 0, 3 0 1)" \
	"$(js t.json "[($P)[30][k] for k in ('windows','mismatches','lfc','profile')]")" "[5, 2, 2, 'sh']"
is "cat doing sh's calls: every window unseen in cat's profile" \
	"$(js t.json "[($P)[40][k] for k in ('windows','mismatches','stide','profile')]")" "[4, 4, 1, 'cat']"
is "unknown program ls: scored against all profiles" \
	"$(js t.json "[($P)[50][k] for k in ('windows','mismatches','profile','unknown_program_calls')]")" \
	"[1, 0, '*all*', 3]"
is "file totals" "$(js t.json "[d['files'][0][k] for k in ('calls','windows','mismatches','lfc')]")" "[17, 10, 6, 4]"
is "top windows: 10, the first is cat's first call (read, unseen), named" \
	"$(js t.json "len(d['top_windows']), d['top_windows'][0]['pid'], d['top_windows'][0]['seen'], d['top_windows'][0]['sequence'], d['top_windows'][1]['sequence']")" \
	"10 40 False ['read'] ['read', 'write']"
is "top window times: absolute ts_ns, time from the trace start (first call at 1000 ns)" \
	"$(js t.json "d['top_windows'][0]['ts_ns'], d['top_windows'][0]['time']")" "9000 8e-06"
"$SYSREC" analyze score --model ab.model -k 1 t.sysrec >top.txt
is "text top window: seconds from the trace start, as replay prints them" \
	"$(grep -A1 '^time(s) ' top.txt | tail -1 | awk '{print $1, $2}')" \
	"$("$SYSREC" replay --pid 40 t.sysrec | grep -m1 'read(' | awk '{print $1}') 40"
nll_sh=$(js t.json "($P)[30]['nll']")
check "nll of sh's odd sequence ($nll_sh) above its training traces'" $PY -c "import json,sys
d=json.load(open('self.json')); sys.exit(not $nll_sh > d['files'][0]['nll'])"

"$SYSREC" analyze train -q -n 3 --by global -o g.model a.sysrec b.sysrec
"$SYSREC" analyze score --format json --model g.model t.sysrec >g.json
is "--by global: cat doing sh's calls is normal" "$(js g.json "($P)[40]['mismatches']")" 0

"$SYSREC" analyze score --model ab.model --score stide --threshold 0.9 t.sysrec >/dev/null 2>thr.err
is "--threshold 0.9 on stide: exit 1 (cat at 1.0)" "$?" 1
is "threshold message" "$(cat thr.err)" "sysrec analyze score: 1 process with stide above 0.9"
"$SYSREC" analyze score --model ab.model --score stide --threshold 1 t.sysrec >/dev/null
is "--threshold 1 on stide: exit 0" "$?" 0
"$SYSREC" analyze score --format json --model ab.model - <t.sysrec >stdin.json
is "score reads stdin ('-')" "$(js stdin.json "[d['files'][0][k] for k in ('calls','mismatches')]")" "[17, 6]"
"$SYSREC" analyze score --model ab.model t.sysrec >t.txt
is "text output: a line per process plus the file line" "$(grep -cE '^(all|[0-9]+) ' t.txt)" 4

# a pid used again after its process exited is a new process: its own
# windows, call set and result row; a tid used again after its thread exited
# starts a new sequence (ab.model's sh: ^^0 ^01 012 120 201 123, set {0,1,2,3})
cat <<'SPEC' | mk reuse
proc 1 0 sh
fork 1000 1 50
seq 50 50 2000 1000 0 1 2
exit 5000 50 0
fork 6000 1 50
seq 50 50 7000 1000 1 2
exit 9000 50 0
fork 10000 1 60
seq 60 60 11000 1000 0 1 2 3
seq 60 61 20000 1000 0 1 2 0
texit 25000 60 61
seq 60 61 30000 1000 1 2 3
SPEC
"$SYSREC" analyze score --format json --model ab.model reuse.sysrec >reuse.json
RP='[(p["pid"], p["calls"], p["windows"], p["mismatches"], p["lfc"], p["callset"]) for p in d["files"][0]["processes"]]'
is "pid 50 twice: 012 (set 3/4 of sh's), then ^12 short and unseen (set 2/4); pid 60: tid 61's second life is 123, not 201 012 123" \
	"$(js reuse.json "$RP")" "[(50, 3, 1, 0, 0, 0.25), (50, 2, 1, 1, 1, 0.5), (60, 11, 5, 0, 0, 0)]"
FT='[d["files"][0][k] for k in ("calls", "windows", "mismatches", "lfc", "callset")]'
is "file totals over the three processes" "$(js reuse.json "$FT")" "[16, 7, 1, 1, 0.5]"
"$SYSREC" analyze score --format json --no-processes --model ab.model reuse.sysrec >reuse-np.json
is "--no-processes: the same totals, no rows" "$(js reuse-np.json "$FT, d['files'][0]['processes']")" \
	"[16, 7, 1, 1, 0.5] []"
"$SYSREC" analyze score --no-processes --model ab.model --score stide --threshold 0.5 reuse.sysrec \
	>/dev/null 2>thr.err
is "--no-processes --threshold: counted as processes end (exit 1)" "$?:$(cat thr.err)" \
	"1:sysrec analyze score: 1 process with stide above 0.5"
"$SYSREC" analyze train -n 3 -o reuse.model reuse.sysrec 2>train.err
is "train: 5 sequences, windows ^^0 ^01 012 ^^1 ^12 123 120, sets {0,1,2} {1,2} {0,1,2,3}" \
	"$(head -1 train.err)" \
	"sysrec analyze train: 1 traces, 16 syscalls, 5 sequences, 1 programs, 7 distinct windows (n=3), 3 distinct call sets -> reuse.model"

# a process ends with its last exit even when a thread's own exit is missing:
# that thread's short sequence (^01, seen) still counts, and its tid taken by
# a new process later starts afresh (123)
cat <<'SPEC' | mk lost
proc 1 0 sh
fork 1000 1 70
seq 70 70 2000 1000 0 1 2
seq 70 71 2500 100 0 1
exit 5000 70 0
fork 6000 1 80
seq 80 71 7000 1000 1 2 3
SPEC
"$SYSREC" analyze score --format json --model ab.model lost.sysrec >lost.json
is "thread without an exit: pid 70 has windows 012 and ^01, pid 80 (tid 71 again) 123" \
	"$(js lost.json "[(p['pid'], p['calls'], p['windows'], p['mismatches']) for p in d['files'][0]['processes']]")" \
	"[(70, 5, 2, 0), (80, 3, 1, 0)]"

# callset by hand: an exec splits a process (the worst segment counts), each
# syscall the model never saw is an element of its own
cat <<'SPEC' | mk u
proc 100 1 sh
proc 101 1 sh
seq 100 100 1000 1000 0 1 2 3
exec 5000 100 cat /bin/cat
seq 100 100 6000 1000 5 5
seq 101 101 1000 1000 0 1 2 3 200 201 200
SPEC
"$SYSREC" analyze score --format json --model ab.model u.sysrec >u.json
is "exec: sh {0,1,2,3} 0 then cat {5} vs {5,6,7} 2/3 -> 0.666667; unknown 200, 201: 1 - 4/6" \
	"$(js u.json "[($P)[q]['callset'] for q in (100, 101)]")" "[0.666667, 0.333333]"
"$SYSREC" analyze score --model ab.model -k 0 u.sysrec >u.txt
is "text output: a callset column" "$(sed -n 2p u.txt | awk '{print $NF}') $(awk '$1 == 101 {print $NF}' u.txt)" \
	"callset 0.3333"
"$SYSREC" analyze score --model ab.model --score callset --threshold 0.5 u.sysrec >/dev/null 2>thr.err
is "--threshold 0.5 on callset: exit 1 (pid 100 at 2/3)" "$?" 1
is "callset threshold message" "$(cat thr.err)" "sysrec analyze score: 1 process with callset above 0.5"
"$SYSREC" analyze score --model ab.model --score callset --threshold 0.7 u.sysrec >/dev/null
is "--threshold 0.7 on callset: exit 0" "$?" 0

# more distinct syscalls than an open set keeps in place (ids >= 128)
{ echo 'proc 110 1 big'; echo "seq 110 110 1000 1000 $(seq -s ' ' 0 199)"; } | mk w
{ echo 'proc 111 1 big'; echo 'proc 112 1 big'
  echo "seq 111 111 1000 1000 $(seq -s ' ' 199 -1 0)"; echo "seq 112 112 1000 1000 $(seq -s ' ' 0 189)"; } | mk wt
"$SYSREC" analyze train -q -n 2 -o w.model w.sysrec
"$SYSREC" analyze score --format json --model w.model wt.sysrec >w.json
is "200 distinct calls: the same set 0, 190 of them 1 - 190/200" \
	"$(js w.json "[($P)[q]['callset'] for q in (111, 112)]")" "[0, 0.05]"

# a model written before call sets (kept from an older sysrec): n-gram
# scores as before, callset refused with the reason
OLD=$TOP/tests/analyze/data/ab-before-callset.model
"$SYSREC" analyze score --format json --model "$OLD" t.sysrec >old.json
is "old model: loads, same stide, lfc and nll as a fresh one, callset null" \
	"$(js old.json "[(($P)[q]['stide'], ($P)[q]['lfc'], ($P)[q]['nll'], ($P)[q]['callset']) for q in (30, 40)]")" \
	"$(js t.json "[(($P)[q]['stide'], ($P)[q]['lfc'], ($P)[q]['nll'], None) for q in (30, 40)]")"
"$SYSREC" analyze score --model "$OLD" -k 0 t.sysrec >old.txt
is "old model, text: callset shown as -" "$(awk '$1 == 30 {print $NF}' old.txt)" "-"
"$SYSREC" analyze score --model "$OLD" --score callset --threshold 0.5 t.sysrec >/dev/null 2>old.err
is "old model, --score callset --threshold: exit 1" "$?" 1
is "old model: the error names the reason" "$(cat old.err)" \
	"sysrec analyze score: $OLD: the model has no call sets (written by a sysrec from before the callset score): retrain it to use --score callset"
"$SYSREC" analyze merge -o mix.model ab.model "$OLD"
"$SYSREC" analyze score --format json --model mix.model t.sysrec >mix.json
is "merge with an old model: no call sets in the result" "$(js mix.json "($P)[30]['callset']")" "None"

# eval: normal = processes repeating training, attack = one seen, one novel -> AUC 3/4
cat <<'SPEC' | mk n
proc 60 1 sh
proc 61 1 cat
seq 60 60 1000 1000 0 1 2 0 1 2
seq 61 61 1000 1000 5 6 7 5 6
SPEC
cat <<'SPEC' | mk x
proc 70 1 sh
proc 71 1 sh
seq 70 70 1000 1000 0 1 2 0
seq 71 71 1000 1000 2 1 0 2 1 0
SPEC
"$SYSREC" analyze eval --model ab.model --normal n.sysrec --attack x.sysrec --score stide \
	--format json --roc roc.csv >e.json
is "eval exit status" "$?" 0
is "eval: 2 normal, 2 attack, stide AUC 0.75 (ties count 1/2)" \
	"$(js e.json "d['normal'], d['attack'], d['scores'][0]['score'], d['scores'][0]['auc']")" "2 2 stide 0.75"
is "eval: DR at 1% FAR 1/2, FAR at 90% DR 1" \
	"$(js e.json "d['scores'][0]['dr_at_far']['0.01'], d['scores'][0]['far_at_dr90']")" "0.5 1"
is "ROC CSV: header and 3 points" "$(tr '\n' ' ' <roc.csv)" \
	"score,threshold,far,dr stide,inf,0.000000,0.000000 stide,1,0.000000,0.500000 stide,0,1.000000,1.000000 "
# callset: normal sh {0,1,2} 0.25, cat 0; attack sh {0,1,2} 0.25 twice -> AUC (2 * 1/2 + 2) / 4
"$SYSREC" analyze eval --model ab.model --normal n.sysrec --attack x.sysrec --score callset \
	--format json >ec.json
is "eval --score callset: AUC 0.75, FAR at 90% DR 1/2 (both attacks tie the flagged normal)" \
	"$(js ec.json "d['scores'][0]['score'], d['scores'][0]['auc'], d['scores'][0]['far_at_dr90']")" "callset 0.75 0.5"
"$SYSREC" analyze eval --model ab.model --normal n.sysrec --attack x.sysrec --format json >eall.json
is "eval, no --score: four rows" "$(js eall.json "[s['score'] for s in d['scores']]")" \
	"['stide', 'lfc', 'nll', 'callset']"
"$SYSREC" analyze eval --model "$OLD" --normal n.sysrec --attack x.sysrec --format json >eold.json
is "eval of an old model, no --score: the three it has" "$(js eold.json "[s['score'] for s in d['scores']]")" \
	"['stide', 'lfc', 'nll']"
"$SYSREC" analyze eval --model "$OLD" --normal n.sysrec --attack x.sysrec --score callset 2>eold.err
is "eval --score callset of an old model: exit 1, the reason" "$? $(grep -c 'retrain it' eold.err)" "1 1"
# the same with labels inside one file
cat <<'SPEC' | mk l
proc 80 1 sh validation a1
proc 81 1 sh attack:x a2
proc 82 1 sh training a3
seq 80 80 1000 1000 0 1 2 0
seq 81 81 1000 1000 2 1 0 2
seq 82 82 1000 1000 2 1 0 2
SPEC
"$SYSREC" analyze eval --model ab.model --normal-label validation --attack-label 'attack:*' \
	--format json l.sysrec >l.json
is "eval by label: 1 normal, 1 attack, AUC 1 for every n-gram score, 0.5 for callset (same set)" \
	"$(js l.json "d['normal'], d['attack'], [s['auc'] for s in d['scores']]")" "1 1 [1, 1, 1, 0.5]"

# live pipeline: record -o - | score -
if [ "$(id -u)" -eq 0 ] && "$SYSREC" record -q -o rec.sysrec -- "$WL/nanosleep_rhythm" 3 2>/dev/null; then
	"$SYSREC" analyze train -q -o rec.model rec.sysrec
	"$SYSREC" record -q -o - -- "$WL/nanosleep_rhythm" 3 2>/dev/null |
		"$SYSREC" analyze score --format json --model rec.model - >live.json
	is "record -o - | score -: exit 0" "$?" 0
	check "live pipeline scored the workload's calls" $PY -c "import json,sys
d=json.load(open('live.json')); p=[p for p in d['files'][0]['processes'] if p['comm']=='nanosleep_rhyth']
sys.exit(not (p and p[0]['calls'] >= 3))"
else
	skip "recorder not usable here (needs root)"
	skip "recorder not usable here (needs root)"
fi

# usage and runtime errors
"$SYSREC" analyze train a.sysrec 2>err.txt
is "train without -o: exit 2" "$?" 2
is "train without -o: one-line reason" "$(head -1 err.txt)" "sysrec analyze train: missing -o MODEL"
"$SYSREC" analyze train -n 13 -o x.model a.sysrec 2>err.txt
is "train -n 13: usage error naming the option" "$(head -1 err.txt)" \
	"sysrec analyze train: invalid -n argument: '13' (expected a window length from 1 to 12)"
"$SYSREC" analyze score --model nosuch.model a.sysrec 2>err.txt
is "missing model: exit 1" "$?" 1
head -c 100 ab.model >cut.model
"$SYSREC" analyze score --model cut.model a.sysrec 2>err.txt
is "cut model: exit 1" "$?" 1
check "cut model: says truncated ($(cat err.txt))" grep -q "cut.model: .*truncated" err.txt
"$SYSREC" analyze eval --model ab.model n.sysrec 2>err.txt
is "eval file without a class: usage error" "$?" 2
"$SYSREC" analyze score --model ab.model --format yaml a.sysrec 2>err.txt
is "score --format yaml: usage error" "$(head -1 err.txt)" \
	"sysrec analyze score: invalid --format argument: 'yaml' (expected text or json)"
done_testing
