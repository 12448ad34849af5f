#!/usr/bin/env bash
# The report and compare pages open in headless Chromium without console
# errors and the screenshots show the plots (non-blank, many colours).
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/lib.sh"

if [ ! -x /usr/bin/chromium ] || ! command -v gnuplot >/dev/null; then
	skip "needs /usr/bin/chromium and gnuplot (scripts/install-deps.sh installs both)"
	done_testing
fi
cd "$TMP" || exit 1
"$GEN" a.trace 100 0 5000 && "$GEN" b.trace 200 1 9000 || { not_ok "gen_trace"; done_testing; }
"$SYSREC" analyze report -q a.trace -o rep
"$SYSREC" analyze compare -q a.trace b.trace -o cmp >/dev/null
for d in rep cmp; do
	screenshot "$TMP/$d" "$TMP/$d.png"
	check "$d: chromium made a screenshot" test -s "$d.png"
	out=$($PY "$TOP/tests/tools/png_check.py" "$d.png" 64)
	rc=$?
	diag "$d.png: $out"
	is "$d: screenshot decodes and has many colours (plots drawn)" "$rc" 0
	if grep -E 'Uncaught|CONSOLE.*(Error|error)|Failed to load|Not allowed to load' "$d.png.err" >"$d.console"; then
		not_ok "$d: no console errors"
		sed 's/^/# /' "$d.console" | head -5
	else
		ok "$d: no console errors"
	fi
	[ -n "${KEEP_SCREENSHOTS:-}" ] && cp "$d.png" "$KEEP_SCREENSHOTS/$d.png"
done
done_testing
