#!/usr/bin/env bash
# Recorder benchmark (make bench), all figures from one run:
#  1. ns per getppid(2) in a loop: untraced; under the floor (empty BPF
#     programs on tp_btf/sys_enter and sys_exit); under the clock floor (the
#     same plus one boot-clock read in each); untraced while sysrec records
#     another command (what the rest of the host pays); under `sysrec record` with
#     and without arguments; under strace -f, perf trace and bpftrace when
#     they work. Ratios to untraced, and sysrec's cost above the floor as a
#     fraction of the untraced cost (target <= 0.3), and above the clock
#     floor (what sysrec adds beyond reading the clock twice).
#  2. The highest getppid rate (2 threads, 2 cores) recorded without loss
#     with default buffers.
#  3. A mixed real workload (find, tar, gcc): slowdown under sysrec and
#     bytes per event with and without arguments (target <= 3 without).
#  4. The recorder's own CPU time and peak RSS.
# A missing or failing peer is reported and skipped: this script fails only
# when it cannot measure the untraced baseline. Knobs (environment):
# BENCH_CALLS (5000000) BENCH_RUNS (5) BENCH_QUICK=1 (fewer calls and runs).
set -u
cd "$(dirname "$0")/../.." || exit 1
TOP=$PWD
SYSREC=${SYSREC:-$TOP/bin/sysrec} # or an installed one
WL=$TOP/build/workloads
TOOLS=$TOP/build/tools
BT=$TOP/build/benchtools
LOOP=$WL/bench_getppid
TMP=$(mktemp -d /tmp/sysrec-bench.XXXXXX)
trap 'rm -rf "$TMP"' EXIT

CALLS=${BENCH_CALLS:-5000000}
RUNS=${BENCH_RUNS:-5}
if [ "${BENCH_QUICK:-0}" = 1 ]; then
	CALLS=1000000
	RUNS=3
fi
PEER_RUNS=3
MIXED_RUNS=5
STRACE_CALLS=$((CALLS / 50))   # strace is ~150x slower
PERF_CALLS=$((CALLS / 25))
BPFTRACE_CALLS=$((CALLS / 5))
FLOOD_SECS=2

note() { printf '   %s\n' "$*"; }
median() { sort -g | awk '{ a[NR] = $1 } END { if (NR) print a[int((NR + 1) / 2)] }'; }
# kv KEY FILE: value of KEY=... in a one-line key=value file
kv() { sed -n "s/.*\\b$1=\\([^ ]*\\).*/\\1/p" "$2" 2>/dev/null | head -1; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }

if [ "$(id -u)" -ne 0 ]; then
	echo "bench-record: needs root (CAP_BPF) for the floor and the recorder; skipped"
	exit 0
fi
if [ ! -x "$LOOP" ]; then
	echo "bench-record: $LOOP is not built (run make)"
	exit 1
fi

# ---- helpers built here: the floor's BPF object and its loader ----
build_floor() {
	mkdir -p "$BT"
	clang -g -O2 -target bpf -Wall -Werror -I"/usr/include/$(gcc -dumpmachine)" \
		-c tests/bench/floor/floor.bpf.c -o "$BT/floor.bpf.o" 2>"$TMP/floor.err" &&
		clang -g -O2 -target bpf -Wall -Werror -I"/usr/include/$(gcc -dumpmachine)" \
			-c tests/bench/floor/clock.bpf.c -o "$BT/clock.bpf.o" 2>>"$TMP/floor.err" &&
		gcc -O2 -Wall -Werror -o "$BT/floor_loader" tests/bench/floor/floor_loader.c -lbpf \
			2>>"$TMP/floor.err"
}

# loop_runs N RUNS PREFIX...: median ns/call of bench_getppid -n N run
# RUNS times under PREFIX (a command that runs the rest of its arguments).
# Prints nothing when a run fails; the reason is in $TMP/last.err.
loop_runs() {
	local n=$1 runs=$2 i
	shift 2
	: >"$TMP/vals"
	for ((i = 0; i < runs; i++)); do
		rm -f "$TMP/loop.out"
		if ! "$@" "$LOOP" -n "$n" -o "$TMP/loop.out" >"$TMP/last.out" 2>"$TMP/last.err" ||
			[ ! -s "$TMP/loop.out" ]; then
			[ -s "$TMP/last.err" ] || echo "exit status non-zero, no output" >"$TMP/last.err"
			return 1
		fi
		kv ns_per_call "$TMP/loop.out" >>"$TMP/vals"
	done
	median <"$TMP/vals"
}

first_err() { grep -v '^$' "$TMP/last.err" | grep -vi 'RLIMIT_MEMLOCK' | head -1 | cut -c1-100; }

# trace_counts FILE ERRFILE: "syscalls lost" of a recording, from the
# recorder's summary on stderr ("N events (N syscalls, ...), N lost, ..."),
# else from the trace's totals through build/tools/trdump (slow: it prints
# every event).
trace_counts() {
	local f=$1 err=$2 ev lost
	ev=$(grep -oE '[0-9]+ syscalls' "$err" | head -1 | tr -dc '0-9')
	lost=$(grep -oE '[0-9]+ lost' "$err" | head -1 | tr -dc '0-9')
	if [ -n "$ev" ] && [ -n "$lost" ]; then
		echo "$ev $lost"
		return
	fi
	if [ -x "$TOOLS/trdump" ]; then
		# TOTALS exit_reason exit_code exit_signal lost unfinished syscalls
		local t
		t=$("$TOOLS/trdump" "$f" 2>/dev/null | awk -F'\t' '$1 == "TOTALS" { print $7, $5 }')
		[ -n "$t" ] && { echo "$t"; return; }
	fi
	echo "${ev:-0} ${lost:-?}"
}

# sysrec_rec OUT_TRACE [record options] -- CMD...: record under benchrun so the
# recorder's own CPU and peak RSS land in $TMP/br.out.
sysrec_rec() {
	local out=$1
	shift
	"$TOOLS/benchrun" -o "$TMP/br.out" -- "$SYSREC" record -o "$out" "$@"
}

printf '\n%-44s %12s %10s  %s\n' "getppid loop ($CALLS calls, median of $RUNS)" "ns/call" "x untraced" "notes"
row() { printf '%-44s %12s %10s  %s\n' "$1" "$2" "$3" "${4:-}"; }

# Tracing programs someone else loaded (another recorder, a test) run on
# every syscall of the host and inflate every figure here, the untraced one
# included. Wait a little for them to go away, and say so if they do not.
PY=/usr/bin/python3
foreign_progs() {
	command -v bpftool >/dev/null || return 0
	bpftool prog show -j 2>/dev/null | "$PY" -c '
import json, sys
try:
    progs = json.load(sys.stdin)
except ValueError:
    progs = []
print(" ".join(sorted(set(p.get("name", "?") for p in progs if p.get("type") in ("tracing", "raw_tracepoint", "tracepoint")))))'
}
foreign_seen=""
quiet_host() {
	local i others
	# Waited in vain once already: do not spend the run waiting again.
	[ -n "$foreign_seen" ] && return 0
	for ((i = 0; i < 12; i++)); do
		others=$(foreign_progs)
		[ -z "$others" ] && return 0
		sleep 0.5
	done
	foreign_seen=$others
}

# ---- 1. per-syscall cost ----
if [ "$(sysctl -n kernel.bpf_stats_enabled 2>/dev/null)" = 1 ]; then
	note "warning: kernel.bpf_stats_enabled is 1: every BPF program run (the floor's, sysrec's) costs more than usual"
fi
floor_err=""
build_floor || floor_err="build failed: $(head -1 "$TMP/floor.err")"
sysrec_ok=0
if [ -x "$SYSREC" ] && "$SYSREC" record -o "$TMP/probe.trace" -- true >/dev/null 2>"$TMP/probe.err" &&
	[ -s "$TMP/probe.trace" ]; then
	sysrec_ok=1
fi
# The kernel ring buffer's size (header), to tell the recorder's own memory
# from the buffer it maps.
ring_kb=""
if [ $sysrec_ok = 1 ] && [ -x "$TOOLS/trdump" ]; then
	ring_kb=$("$TOOLS/trdump" "$TMP/probe.trace" 2>/dev/null |
		awk -F'\t' '$1 == "HDR" && $7 > 0 { printf "%d", $7 / 1024; exit }')
fi
rm -f "$TMP/probe.trace"

cfgs=(untraced)
[ -z "$floor_err" ] && cfgs+=(floor clock)
[ $sysrec_ok = 1 ] && cfgs+=(args noargs bystander)
declare -A cfg_err
for c in "${cfgs[@]}"; do
	: >"$TMP/vals.$c"
	: >"$TMP/cpus.$c"
	: >"$TMP/hwms.$c"
	: >"$TMP/owns.$c"
	: >"$TMP/bpe.$c"
done

# bystander_run: the loop untraced while sysrec records another command:
# what every other process of the host pays while a recording runs.
bystander_run() {
	local rpid i
	rm -f "$TMP/by.trace"
	"$SYSREC" record -q --sample-interval 0 -o "$TMP/by.trace" -- sleep 600 &
	rpid=$!
	for ((i = 0; i < 50; i++)); do
		[ -s "$TMP/by.trace" ] && break
		sleep 0.1
	done
	sleep 0.3 # attached before the header is written; some margin
	"$LOOP" -n "$CALLS" -o "$TMP/loop.out"
	local rc=$?
	kill -INT "$rpid" 2>/dev/null
	wait "$rpid" 2>/dev/null
	return $rc
}

# one_run CFG: one loop run of configuration CFG; its figures are appended
# to $TMP/*.CFG. A failure is kept in cfg_err[CFG] and ends that configuration.
one_run() {
	local c=$1 ev lost size
	[ -n "${cfg_err[$c]:-}" ] && return
	rm -f "$TMP/loop.out" "$TMP/loop.trace"
	case $c in
	untraced | floor | clock) quiet_host ;;
	esac
	case $c in
	untraced) "$LOOP" -n "$CALLS" -o "$TMP/loop.out" ;;
	floor) "$BT/floor_loader" "$BT/floor.bpf.o" -- "$LOOP" -n "$CALLS" -o "$TMP/loop.out" ;;
	clock) "$BT/floor_loader" "$BT/clock.bpf.o" -- "$LOOP" -n "$CALLS" -o "$TMP/loop.out" ;;
	args) sysrec_rec "$TMP/loop.trace" -- "$LOOP" -n "$CALLS" -o "$TMP/loop.out" ;;
	noargs) sysrec_rec "$TMP/loop.trace" --no-args -- "$LOOP" -n "$CALLS" -o "$TMP/loop.out" ;;
	bystander) bystander_run ;;
	esac >/dev/null 2>"$TMP/last.err"
	local rc=$?
	if [ $rc -ne 0 ] || [ ! -s "$TMP/loop.out" ]; then
		[ -s "$TMP/last.err" ] || echo "exit status $rc, no output" >"$TMP/last.err"
		cfg_err[$c]=$(first_err)
		return
	fi
	kv ns_per_call "$TMP/loop.out" >>"$TMP/vals.$c"
	case $c in
	args | noargs)
		kv cpu_ms "$TMP/br.out" >>"$TMP/cpus.$c"
		kv hwm_kb "$TMP/br.out" >>"$TMP/hwms.$c"
		kv own_kb "$TMP/br.out" >>"$TMP/owns.$c"
		read -r ev lost < <(trace_counts "$TMP/loop.trace" "$TMP/last.err")
		size=$(stat -c %s "$TMP/loop.trace")
		echo "$ev $lost" >"$TMP/counts.$c"
		[ "${ev:-0}" -gt 0 ] && awk -v s="$size" -v e="$ev" 'BEGIN { printf "%.2f\n", s / e }' >>"$TMP/bpe.$c"
		;;
	esac
}

# The configurations take turns, run after run, so that drift on a noisy
# host (other jobs, CPU frequency) hits all of them alike; each figure is
# the median of its configuration's runs.
for ((i = 0; i < RUNS; i++)); do
	for c in "${cfgs[@]}"; do
		one_run "$c"
	done
done
if [ -n "${cfg_err[untraced]:-}" ]; then
	echo "bench-record: the untraced loop failed: ${cfg_err[untraced]}"
	exit 1
fi
# spread CFG: "runs MIN..MAX" of a configuration's ns/call, to judge the noise
spreadf() { sort -g "$1" | awk '{ a[NR] = $1 } END { if (NR) printf "runs %s..%s", a[1], a[NR] }'; }
spread() { spreadf "$TMP/vals.$1"; }
base=$(median <"$TMP/vals.untraced")
row "untraced" "$base" "1.00" "$(spread untraced)"
floor=""
if [ -n "$floor_err" ] || [ -n "${cfg_err[floor]:-}" ]; then
	row "floor: empty tp_btf sys_enter+sys_exit" "-" "-" "${floor_err:-failed: ${cfg_err[floor]}}"
else
	floor=$(median <"$TMP/vals.floor")
	row "floor: empty tp_btf sys_enter+sys_exit" "$floor" "$(ratio "$floor" "$base")" "$(spread floor)"
fi
# The clock floor: the floor plus one boot-clock read at entry and one at
# exit, which any recorder of times and durations pays.
clockf=""
if [ -n "$floor" ] && [ -z "${cfg_err[clock]:-}" ]; then
	clockf=$(median <"$TMP/vals.clock")
	row "clock floor: floor + 2 clock reads" "$clockf" "$(ratio "$clockf" "$base")" \
		"clock reads: $(awk -v c="$clockf" -v f="$floor" -v b="$base" 'BEGIN { printf "%.2f", (c - f) / b }')x untraced; $(spread clock)"
fi

declare -A rec_cpu rec_hwm rec_own
sysrec_row() { # cfg label
	local c=$1 label=$2 v extra="" ev lost
	if [ -n "${cfg_err[$c]:-}" ]; then
		row "$label" "-" "-" "failed: ${cfg_err[$c]}"
		return
	fi
	v=$(median <"$TMP/vals.$c")
	if [ -n "$floor" ]; then
		extra="above floor: $(awk -v s="$v" -v f="$floor" -v b="$base" 'BEGIN { printf "%.2f", (s - f) / b }')x untraced (target <= 0.3)"
	fi
	if [ -n "$clockf" ]; then
		extra="$extra; above clock floor: $(awk -v s="$v" -v f="$clockf" -v b="$base" 'BEGIN { printf "%.2f", (s - f) / b }')x"
	fi
	row "$label" "$v" "$(ratio "$v" "$base")" "$extra; $(spread "$c")"
	read -r ev lost <"$TMP/counts.$c"
	rec_cpu[$label]=$(median <"$TMP/cpus.$c")
	rec_hwm[$label]=$(sort -g "$TMP/hwms.$c" | tail -1)
	rec_own[$label]=$(sort -g "$TMP/owns.$c" | tail -1)
	note "trace: $(median <"$TMP/bpe.$c") bytes/event, last run $ev events, lost ${lost}; recorder cpu ${rec_cpu[$label]} ms, peak RSS ${rec_hwm[$label]} kB"
}

# Where sysrec's time goes in the kernel: with BPF run-time statistics on,
# the kernel counts each program's runs and run time (the counting itself
# adds to each run, so this run is not one of the timed ones). Statistics
# are switched on through floor_loader --stats (an fd the kernel counts),
# never the kernel.bpf_stats_enabled sysctl, which concurrent benchmarks
# could leave on. sysrec's programs are those whose fds it holds
# (/proc/PID/fdinfo prog_id), read while the loop runs.
# prog_costs LABEL OWNER_IS_CHILD CMD...: run CMD (which starts with
# floor_loader --stats) and print the run cost of the BPF programs held by
# the floor_loader (OWNER_IS_CHILD=0) or by its child (1).
prog_costs() {
	local label=$1 child=$2 pid owner
	shift 2
	"$@" >/dev/null 2>&1 &
	pid=$!
	: >"$TMP/ids"
	rm -f "$TMP/progs.json"
	while kill -0 "$pid" 2>/dev/null; do
		owner=$pid
		[ "$child" = 1 ] && owner=$(pgrep -P "$pid" | head -1)
		if [ -n "$owner" ]; then
			cat /proc/"$owner"/fdinfo/* 2>/dev/null | sed -n 's/^prog_id:[[:space:]]*//p' >>"$TMP/ids"
			bpftool prog show -j >"$TMP/progs.tmp" 2>/dev/null && mv "$TMP/progs.tmp" "$TMP/progs.json"
		fi
		sleep 0.2
	done
	wait "$pid"
	[ -s "$TMP/progs.json" ] && [ -s "$TMP/ids" ] || return 0
	"$PY" - "$label" "$TMP/ids" "$TMP/progs.json" <<'PYEOF'
import json, sys
ids = set(int(x) for x in open(sys.argv[2]).read().split())
rows = []
for p in json.load(open(sys.argv[3])):
    if p["id"] in ids and p.get("run_cnt"):
        rows.append("%s %.0f ns x %d" % (p.get("name", "?"), p["run_time_ns"] / p["run_cnt"], p["run_cnt"]))
if rows:
    print("   %s: %s" % (sys.argv[1], "; ".join(rows)))
PYEOF
}
bpf_costs() {
	command -v bpftool >/dev/null && [ -z "$floor_err" ] || return 0
	note "BPF run time per program run (statistics on, untimed runs; the counting inflates each figure):"
	prog_costs "empty programs (calibration)" 0 \
		"$BT/floor_loader" --stats "$BT/floor.bpf.o" -- "$LOOP" -n "$CALLS" -o "$TMP/stats.out"
	prog_costs "clock floor programs" 0 \
		"$BT/floor_loader" --stats "$BT/clock.bpf.o" -- "$LOOP" -n "$CALLS" -o "$TMP/stats.out"
	prog_costs "sysrec" 1 \
		"$BT/floor_loader" --stats -- "$SYSREC" record -q -o "$TMP/stats.trace" -- \
		"$LOOP" -n "$CALLS" -o "$TMP/stats.out"
}

if [ $sysrec_ok = 1 ]; then
	sysrec_row args "sysrec record (full capture, args)"
	sysrec_row noargs "sysrec record --no-args"
	if [ -z "${cfg_err[bystander]:-}" ]; then
		v=$(median <"$TMP/vals.bystander")
		row "untraced, while sysrec records another" "$v" "$(ratio "$v" "$base")" \
			"${floor:+above floor: $(awk -v s="$v" -v f="$floor" -v b="$base" 'BEGIN { printf "%.2f", (s - f) / b }')x untraced; }$(spread bystander)"
	fi
	bpf_costs
else
	row "sysrec record" "-" "-" "not functional: $(grep -v '^$' "$TMP/probe.err" | head -1 | cut -c1-80)"
fi
[ -n "$foreign_seen" ] &&
	note "warning: other tracing BPF programs were loaded during some runs ($foreign_seen): those runs include their cost"

# Peers: slower, so fewer calls. perf and bpftrace run in a private mount
# namespace: perf mounts tracefs by itself and bpftrace needs it for
# tracepoint formats; the host's mounts stay as they were (no tracefs).
peer() { # label calls prefix...
	local label=$1 n=$2 v
	shift 2
	if v=$(loop_runs "$n" "$PEER_RUNS" "$@") && [ -n "$v" ]; then
		row "$label" "$v" "$(ratio "$v" "$base")" "$n calls, median of $PEER_RUNS"
	else
		row "$label" "-" "-" "failed: $(first_err)"
	fi
}
if command -v strace >/dev/null; then
	peer "strace -f -o /dev/null" "$STRACE_CALLS" strace -f -o /dev/null
else
	row "strace -f" "-" "-" "not installed"
fi
if command -v perf >/dev/null && unshare -m --propagation private true 2>/dev/null; then
	peer "perf trace -o /dev/null" "$PERF_CALLS" unshare -m --propagation private perf trace -o /dev/null --
else
	row "perf trace" "-" "-" "perf or unshare not available"
fi
cat >"$TMP/bpftrace.sh" <<'EOF'
#!/bin/sh
# bpftrace -c takes one command string; tracefs only inside this namespace.
mount -t tracefs nodev /sys/kernel/tracing 2>/dev/null
exec bpftrace -e 'tracepoint:raw_syscalls:sys_enter { @[tid] = count(); }' -c "$*" >/dev/null
EOF
if command -v bpftrace >/dev/null; then
	if ! unshare -m --propagation private bpftrace -e 'tracepoint:raw_syscalls:sys_enter { @[tid] = count(); }' -c true \
		>/dev/null 2>&1 </dev/null; then
		note "bpftrace cannot attach without tracefs mounted; mounting it in a private mount namespace"
	fi
	peer "bpftrace (count per tid)" "$BPFTRACE_CALLS" unshare -m --propagation private sh "$TMP/bpftrace.sh"
else
	row "bpftrace" "-" "-" "not installed"
fi

# ---- 2. highest lossless rate ----
if [ $sysrec_ok = 1 ]; then
	printf '\n%s\n' "sustained getppid rate, 2 threads for ${FLOOD_SECS}s, default options and buffers:"
	flood() { # rate (0 = flat out) -> "rate events lost"
		local r=()
		[ "$1" != 0 ] && r=(-r "$1")
		rm -f "$TMP/flood.out" "$TMP/flood.trace"
		if ! sysrec_rec "$TMP/flood.trace" -- "$LOOP" -t 2 -d "$FLOOD_SECS" "${r[@]}" \
			-o "$TMP/flood.out" >/dev/null 2>"$TMP/last.err" || [ ! -s "$TMP/flood.out" ]; then
			echo "failed"
			return
		fi
		read -r ev lost < <(trace_counts "$TMP/flood.trace" "$TMP/last.err")
		echo "$(kv rate "$TMP/flood.out") $ev $lost"
	}
	read -r rate ev lost < <(flood 0)
	if [ "$rate" = failed ]; then
		note "flood failed: $(first_err)"
	else
		note "flat out: $(printf '%.2f' "$(awk -v r="$rate" 'BEGIN { print r / 1e6 }')") M calls/s, $ev events recorded, $lost lost"
		best=""
		[ "$lost" = 0 ] && best=$rate
		try=$rate
		steps=0
		while [ -z "$best" ] && [ $steps -lt 5 ] && [ "$lost" != "?" ]; do
			try=$(awk -v r="$try" 'BEGIN { printf "%.0f", r * 0.7 }')
			read -r got ev lost < <(flood "$try")
			[ "$got" = failed ] && break
			note "paced at $try/s: got $got/s, $ev events, $lost lost"
			[ "$lost" = 0 ] && best=$got
			steps=$((steps + 1))
		done
		if [ -n "$best" ] && [ "$best" = "$rate" ]; then
			note "no loss even flat out: lossless at $(awk -v r="$best" 'BEGIN { printf "%.2f", r / 1e6 }') M syscalls/s, as fast as the traced threads could go (target >= 1M)"
		elif [ -n "$best" ]; then
			note "highest lossless rate: $(awk -v r="$best" 'BEGIN { printf "%.2f", r / 1e6 }') M syscalls/s (target >= 1M)"
		else
			note "no lossless rate found (last: $lost lost)"
		fi
	fi
fi

# ---- 3. mixed workload ----
cat >"$TMP/prog.c" <<'EOF'
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
static int cmp(const void *a, const void *b) { return strcmp(*(char **)a, *(char **)b); }
int main(int argc, char **argv) { qsort(argv + 1, argc - 1, sizeof(*argv), cmp);
	for (int i = 1; i < argc; i++) puts(argv[i]); return 0; }
EOF
cat >"$TMP/mixed.sh" <<EOF
#!/bin/sh
# find, tar and gcc, three times; times itself (ns) into \$1.
t0=\$(date +%s%N)
for i in 1 2 3; do
	find /usr/include -name '*.h' >/dev/null
	tar cf /dev/null /usr/share/doc 2>/dev/null
	gcc -O2 -o "$TMP/prog" "$TMP/prog.c"
done
echo \$((\$(date +%s%N) - t0)) >"\$1"
EOF
printf '\n%-44s %12s %10s  %s\n' "mixed workload (find+tar+gcc x3, median of $MIXED_RUNS)" "ms" "x untraced" "notes"
# mixed_one CFG: one run of the mixed workload under CFG; its time (ms) is
# appended to $TMP/mvals.CFG. A failure is kept in cfg_err[mixed-CFG].
mixed_one() {
	local c=$1 ev lost size
	[ -n "${cfg_err[mixed-$c]:-}" ] && return
	rm -f "$TMP/mixed.time" "$TMP/mixed.trace"
	case $c in
	untraced) sh "$TMP/mixed.sh" "$TMP/mixed.time" ;;
	args) sysrec_rec "$TMP/mixed.trace" -- sh "$TMP/mixed.sh" "$TMP/mixed.time" ;;
	noargs) sysrec_rec "$TMP/mixed.trace" --no-args -- sh "$TMP/mixed.sh" "$TMP/mixed.time" ;;
	strace) strace -f -o /dev/null sh "$TMP/mixed.sh" "$TMP/mixed.time" ;;
	esac >/dev/null 2>"$TMP/last.err"
	local rc=$?
	if [ $rc -ne 0 ] || [ ! -s "$TMP/mixed.time" ]; then
		[ -s "$TMP/last.err" ] || echo "exit status $rc, no output" >"$TMP/last.err"
		cfg_err[mixed-$c]=$(first_err)
		return
	fi
	awk '{ printf "%.1f\n", $1 / 1e6 }' "$TMP/mixed.time" >>"$TMP/mvals.$c"
	case $c in
	args | noargs)
		read -r ev lost < <(trace_counts "$TMP/mixed.trace" "$TMP/last.err")
		size=$(stat -c %s "$TMP/mixed.trace")
		echo "$ev $lost $size $(kv cpu_ms "$TMP/br.out") $(kv hwm_kb "$TMP/br.out")" >"$TMP/mcounts.$c"
		;;
	esac
}

mcfgs=(untraced)
[ $sysrec_ok = 1 ] && mcfgs+=(args noargs)
for c in "${mcfgs[@]}" strace; do
	: >"$TMP/mvals.$c"
done
# Taking turns, as for the loop; strace (20x slower) runs once at the end.
for ((i = 0; i < MIXED_RUNS; i++)); do
	for c in "${mcfgs[@]}"; do
		mixed_one "$c"
	done
done
command -v strace >/dev/null && mixed_one strace
if [ -z "${cfg_err[mixed-untraced]:-}" ]; then
	mbase=$(median <"$TMP/mvals.untraced")
	row "untraced" "$mbase" "1.00" "$(spreadf "$TMP/mvals.untraced")"
	for c in "${mcfgs[@]:1}"; do
		label="sysrec record"
		tgt=""
		if [ "$c" = noargs ]; then
			label="sysrec record --no-args"
			tgt=" (target <= 3)"
		fi
		if [ -n "${cfg_err[mixed-$c]:-}" ]; then
			row "$label" "-" "-" "failed: ${cfg_err[mixed-$c]}"
			continue
		fi
		v=$(median <"$TMP/mvals.$c")
		read -r ev lost size cpu hwm <"$TMP/mcounts.$c"
		bpe=$(awk -v s="$size" -v e="$ev" 'BEGIN { if (e > 0) printf "%.2f", s / e; else print "-" }')
		row "$label" "$v" "$(ratio "$v" "$mbase")" "$bpe bytes/event$tgt, $ev events, $lost lost, $size bytes; $(spreadf "$TMP/mvals.$c")"
		note "recorder cpu $cpu ms, peak RSS $hwm kB (last run)"
	done
	if [ -s "$TMP/mvals.strace" ]; then
		v=$(median <"$TMP/mvals.strace")
		row "strace -f -o /dev/null" "$v" "$(ratio "$v" "$mbase")" "one run"
	elif [ -n "${cfg_err[mixed-strace]:-}" ]; then
		row "strace -f" "-" "-" "failed: ${cfg_err[mixed-strace]}"
	fi
else
	row "mixed workload" "-" "-" "failed untraced: ${cfg_err[mixed-untraced]}"
fi

if [ $sysrec_ok = 1 ]; then
	printf '\n%s\n' "recorder: own CPU time and peak RSS (VmHWM) over a ${CALLS}-call loop:"
	# The ring buffer's data pages are mapped twice (so that records can
	# wrap around), and RSS counts them twice: the recorder's own memory is
	# its RSS without the BPF map mappings (benchrun reads smaps).
	for k in "${!rec_cpu[@]}"; do
		beyond=""
		if [ -n "${rec_own[$k]}" ] && [ "${rec_own[$k]}" -gt 0 ]; then
			beyond=", own memory $(awk -v o="${rec_own[$k]}" 'BEGIN { printf "%.1f", o / 1024 }') MiB beyond the ${ring_kb:-?} kB ring buffer, which RSS counts twice (target < 32)"
		fi
		note "$k: ${rec_cpu[$k]} ms CPU ($(awk -v c="${rec_cpu[$k]}" -v n="$CALLS" 'BEGIN { printf "%.0f", c * 1e6 / n }') ns per event), ${rec_hwm[$k]} kB peak RSS$beyond"
	done
fi
exit 0
