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
	if [ "${UPDATE:-0}" = 1 ]; then
		cp "$name.out" "$G/$name.stdout"
		cp "$name.err" "$G/$name.stderr"
		cp "$name.rc" "$G/$name.exit"
	fi
	bad=
	for part in stdout:out stderr:err exit:rc; do
		if ! cmp -s "$G/$name.${part%%:*}" "$name.${part#*:}"; then
			bad="$bad ${part%%:*}"
			diff -u "$G/$name.${part%%:*}" "$name.${part#*:}" | head -20 | sed 's/^/# /'
		fi
	done
	if [ -z "$bad" ]; then
		ok "golden $name"
	else
		not_ok "golden $name (differs:$bad)"
	fi
done
done_testing
