#!/usr/bin/env bash
# Golden outputs of `sysrec analyze` over the recorded traces in samples/
# (STYLE 14). Each tests/golden/analyze/cli/NAME.cmd holds the arguments
# after `sysrec analyze`; NAME.stdout, NAME.stderr and NAME.exit the
# expected results; NAME.files, when present, lists files the command
# writes (paths relative to its run folder, e.g. out/compare.json), each
# kept as NAME.<basename>. Every case runs twice in two fresh folders and
# must give the same bytes both times (outputs over a fixed trace are
# deterministic) before it is compared. UPDATE=1 rewrites the golden files.
. "$(dirname "$0")/../lib/tap.sh"
G=$TOP/tests/golden/analyze/cli
export TZ=UTC LC_ALL=C

if ! ls "$TOP"/samples/*.trace >/dev/null 2>&1; then
	skip "no samples/*.trace in the tree"
	done_testing
fi
have_gnuplot=1
command -v gnuplot >/dev/null || have_gnuplot=0

# run_case NAME DIR: run the case in DIR (a fresh folder with the samples
# linked by bare name, so every path in the outputs is short and stable)
run_case() {
	local name=$1 dir=$2 t
	mkdir -p "$dir"
	for t in "$TOP"/samples/*.trace; do
		ln -sf "$t" "$dir/"
	done
	eval "set -- $(cat "$G/$name.cmd")"
	(cd "$dir" && "$SYSREC" analyze "$@" >stdout 2>stderr; echo $? >exit)
}

for cmdf in "$G"/*.cmd; do
	name=$(basename "$cmdf" .cmd)
	files=()
	if [ -f "$G/$name.files" ]; then
		mapfile -t files <"$G/$name.files"
	fi
	if [ ${#files[@]} -gt 0 ] && [ $have_gnuplot = 0 ]; then
		skip "golden $name: gnuplot is not installed (plots are part of the page)"
		continue
	fi
	run_case "$name" "$TMP/$name.1"
	run_case "$name" "$TMP/$name.2"
	parts=(stdout stderr exit "${files[@]}")
	unstable=
	for p in "${parts[@]}"; do
		cmp -s "$TMP/$name.1/$p" "$TMP/$name.2/$p" || unstable="$unstable $p"
	done
	if [ -n "$unstable" ]; then
		not_ok "golden $name: two runs give the same bytes (differs:$unstable)"
	else
		ok "golden $name: two runs give the same bytes"
	fi
	pairs=()
	for p in "${parts[@]}"; do
		case $p in
		stdout | stderr | exit) pairs+=("$G/$name.$p") ;;
		*) pairs+=("$G/$name.$(basename "$p")") ;;
		esac
		pairs+=("$TMP/$name.1/$p")
	done
	golden_files "golden $name" "${pairs[@]}"
done
done_testing
