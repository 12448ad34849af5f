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
tmp=$(mktemp -d /tmp/sysrec-samples.XXXXXX)
trap 'rm -rf "$tmp" /tmp/sysrec-sample' EXIT

if [ "$(id -u)" -ne 0 ]; then
	echo "make-samples: recording needs root (CAP_BPF)" >&2
	exit 1
fi
for b in "$sysrec" "$wl/getppid_loop" "$wl/file_ops" "$wl/net_ops" "$wl/proc_tree" \
	"$wl/alloc_touch" build/samples/demo_workload; do
	[ -x "$b" ] || { echo "make-samples: $b is not built (run make)" >&2; exit 1; }
done

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

for f in "$tmp"/*.trace; do
	size=$(stat -c %s "$f")
	if [ "$size" -gt $((100 * 1024)) ]; then
		echo "make-samples: $(basename "$f") is $size bytes (over 100 KiB): not kept" >&2
		exit 1
	fi
done
cp "$tmp"/*.trace "$out/"
ls -l "$out"/*.trace
echo "make-samples: done; regenerate the golden files (UPDATE=1 make test) and review them"
