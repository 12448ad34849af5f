#!/usr/bin/env bash
# Records the traces kept in samples/ (see samples/README.md) with the real
# recorder. Needs root (CAP_BPF) and a built tree (make). Writes into
# samples/ only when every recording succeeded; each one is read back with
# `sysrec replay --stats` before it is kept.
set -eu
cd "$(dirname "$0")/.."
sysrec=bin/sysrec
wl=build/workloads
out=samples
# A fixed folder, not mktemp: the output path is in each header's recorder
# command line, so the same name keeps regenerated headers comparable.
tmp=/tmp/sysrec-samples
trap 'rm -rf "$tmp" /tmp/sysrec-sample' EXIT

if [ "$(id -u)" -ne 0 ]; then
	echo "make-samples: recording needs root (CAP_BPF)" >&2
	exit 1
fi
rm -rf "$tmp" && mkdir -m 0700 "$tmp"
for b in "$sysrec" "$wl/getppid_loop" "$wl/file_ops" "$wl/net_ops" "$wl/proc_tree" \
	"$wl/alloc_touch" build/samples/demo_workload build/samples/threads; do
	[ -x "$b" ] || { echo "make-samples: $b is not built (run make)" >&2; exit 1; }
done
command -v strace >/dev/null || { echo "make-samples: strace is not installed" >&2; exit 1; }

# rec NAME [record options] -- CMD...
rec() {
	local name=$1
	shift
	echo "== $name: sysrec record $*"
	"$sysrec" record -o "$tmp/$name.trace" "$@"
	"$sysrec" replay --stats "$tmp/$name.trace" >/dev/null
}
fresh_dir() { rm -rf /tmp/sysrec-sample && mkdir -p /tmp/sysrec-sample; }

rec getppid -- "$wl/getppid_loop" 1000
fresh_dir
rec file_ops -- "$wl/file_ops" /tmp/sysrec-sample 10
fresh_dir
rec file_ops-noargs --no-args -- "$wl/file_ops" /tmp/sysrec-sample 10
rec net_ops -- "$wl/net_ops" 5
rec proc_tree -- "$wl/proc_tree" 3 2
rec alloc_touch --sample-interval 50ms -- "$wl/alloc_touch" 96 400 32
rec demo -- build/samples/demo_workload 20
# The same workload with 50% more rounds: the known difference for compare
# (openat of the missing file 100 -> 150, of /etc/os-release 20 -> 30).
rec demo-more -- build/samples/demo_workload 30
rec threads -- build/samples/threads 20
# An imported trace: a strace log of the threads workload (5 rounds), kept
# beside the trace it became.
echo "== strace-import: strace -f -ttt -T -o strace-import.log threads 5"
strace -f -ttt -T -o "$tmp/strace-import.log" build/samples/threads 5
# from inside $tmp, so the trace names its source by the bare file name
(cd "$tmp" && "$OLDPWD/$sysrec" import --from strace strace-import.log -o strace-import.trace)
"$sysrec" replay --stats "$tmp/strace-import.trace" >/dev/null

for f in "$tmp"/*.trace; do
	size=$(stat -c %s "$f")
	if [ "$size" -gt $((64 * 1024)) ]; then
		echo "make-samples: $(basename "$f") is $size bytes (over 64 KiB): not kept" >&2
		exit 1
	fi
done
cp "$tmp"/*.trace "$tmp/strace-import.log" "$out/"
# git keeps no file modes but the x bit: readable copies, like a checkout
chmod 0644 "$out"/*.trace "$out/strace-import.log"
ls -l "$out"/*.trace "$out/strace-import.log"
echo "make-samples: done; regenerate the golden files (UPDATE=1 make test) and review them"
