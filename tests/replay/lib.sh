# shellcheck shell=bash
# Shared setup of the replay tests: deterministic traces made by
# build/tools/mksample in $TMP (plus links to samples/*.trace), and the
# commands run from there so that file names in outputs are short and stable.
MKSAMPLE=$TOP/build/tools/mksample
export TZ=UTC LC_ALL=C

replay_setup() {
	if [ ! -x "$MKSAMPLE" ] || [ ! -x "$SYSREC" ]; then
		not_ok "build/tools/mksample and bin/sysrec are built (make)"
		done_testing
	fi
	cd "$TMP" || exit 1
	"$MKSAMPLE" basic basic.trace && "$MKSAMPLE" second second.trace &&
		"$MKSAMPLE" long long.trace && "$MKSAMPLE" oddcomm oddcomm.trace || { not_ok "mksample writes the sample traces"; done_testing; }
	local size
	size=$(stat -c %s basic.trace)
	# A cut mid-frame (a killed recorder) and one flipped byte (a bad disk).
	head -c $((size * 85 / 100)) basic.trace >cut.trace
	cp basic.trace flip.trace
	printf '\xa5' | dd of=flip.trace bs=1 seek=$((size * 80 / 100)) conv=notrunc status=none
	echo "this is not a trace" >notatrace.txt
	# Recorded samples are reachable by their bare names (stable in goldens).
	local t
	for t in "$TOP"/samples/*.trace; do
		[ -f "$t" ] && ln -sf "$t" .
	done
	return 0
}
