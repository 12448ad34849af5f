#!/usr/bin/env bash
# Golden outputs of `sysrec replay` (STYLE 14): each tests/golden/replay/NAME.cmd
# holds the arguments; NAME.stdout, NAME.stderr and NAME.exit the expected
# results. UPDATE=1 rewrites the expected files from the current outputs.
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/lib.sh"
replay_setup
G=$TOP/tests/golden/replay
for cmdf in "$G"/*.cmd; do
	name=$(basename "$cmdf" .cmd)
	eval "set -- $(cat "$cmdf")"
	"$SYSREC" replay "$@" >"$name.out" 2>"$name.err"
	echo $? >"$name.rc"
	golden_files "golden $name" "$G/$name.stdout" "$name.out" "$G/$name.stderr" "$name.err" \
		"$G/$name.exit" "$name.rc"
done
done_testing
