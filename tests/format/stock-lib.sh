# shellcheck shell=bash
# Reading a trace with stock tools only, as formats/FORMAT.md describes
# (sourced after tests/lib/tap.sh, with T set to the trace).
PROTO_DIR=$TOP/formats

# The tools FORMAT.md's worked decode uses; skip the whole file without them.
for cmd in zstd protoc od dd; do
	if ! command -v $cmd >/dev/null; then
		skip "$cmd not installed"
		done_testing
	fi
done

u32() { # u32 little endian at offset $1 (od prints host order: x86/arm64)
	dd if="$T" bs=1 skip="$1" count=4 status=none | od -A n -t u4 | tr -d ' '
}
payload() { # payload of the frame at offset $1
	dd if="$T" bs=1 skip=$(($1 + 8)) count="$(u32 "$1")" status=none
}
decode() { # decompressed Frame at offset $1, as protoc text
	payload "$1" | zstd -dc | protoc --decode=sysrec.Frame -I "$PROTO_DIR" "$PROTO_DIR/sysrec.proto"
}
# walk_frames: offs = the frames' offsets, walked by their lengths; trailer =
# where the zero length that ends them is
walk_frames() {
	local size len
	size=$(stat -c %s "$T")
	offs=()
	trailer=16
	while [ $trailer -lt "$size" ]; do
		len=$(u32 $trailer)
		[ "$len" -eq 0 ] && break
		offs+=("$trailer")
		trailer=$((trailer + 8 + len))
	done
}
