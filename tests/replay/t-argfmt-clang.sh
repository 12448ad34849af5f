#!/usr/bin/env bash
# The argument formatter built with clang as well as gcc: unspecified
# evaluation orders (an argument read in the same call that modifies it
# through a pointer) differ between the two, and gcc alone once hid
# "O_RDONLY|O_CLOEXEC|0x80000" from tests/unit/test_argfmt.c.
# Links the unit test against a clang-built replay/argfmt.o and the gcc-built
# build/libsysrec.a (syscall, errno and signal tables).
source "$(dirname "$0")/../lib/tap.sh"
CLANG=${CLANG:-clang}
LIB=$TOP/build/libsysrec.a

if ! command -v "$CLANG" >/dev/null 2>&1; then
	skip "no $CLANG to build test_argfmt with"
	done_testing
fi
if [ ! -f "$LIB" ]; then
	not_ok "build/libsysrec.a is built (make)"
	done_testing
fi
FLAGS=(-O2 -std=gnu11 -D_GNU_SOURCE -Wall -Wextra -Wno-unused-parameter
	-Wno-missing-field-initializers -Werror -I"$TOP/formats" -I"$TOP/cli"
	-I"$TOP/build/gen" -I"$TOP/build/gen/formats" -I"$TOP/tests/lib" -I"$TOP/replay")
if "$CLANG" "${FLAGS[@]}" -o "$TMP/test_argfmt" "$TOP/tests/unit/test_argfmt.c" \
	"$TOP/replay/argfmt.c" "$LIB" -lzstd -lprotobuf-c -lz -lm -lpthread 2>"$TMP/cc.err"; then
	ok "test_argfmt builds with $CLANG"
else
	not_ok "test_argfmt builds with $CLANG"
	diag "$(head -20 "$TMP/cc.err")"
	done_testing
fi
"$TMP/test_argfmt" >"$TMP/out" 2>&1
rc=$?
nok=$(grep -c '^ok ' "$TMP/out")
nbad=$(grep -c '^not ok ' "$TMP/out")
plan=$(sed -n 's/^1\.\.\([0-9]*\)$/\1/p' "$TMP/out")
is "clang build: test_argfmt exits 0" "$rc" 0
is "clang build: no failed check" "$nbad" 0
is "clang build: every planned check passed" "$nok" "${plan:-missing plan}"
if [ "$nbad" -ne 0 ]; then
	diag "$(grep -A2 '^not ok ' "$TMP/out" | head -30)"
fi
done_testing
