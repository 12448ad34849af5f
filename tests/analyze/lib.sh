# shellcheck shell=bash
# Helpers of the analyze report/compare tests (sourced after tests/lib/tap.sh).
GEN=$TOP/build/tools/gen_trace
GOLDEN=$TOP/tests/golden/analyze
PY=/usr/bin/python3

# golden NAME FILE: compare FILE with the golden file (UPDATE=1 rewrites it).
golden() {
	golden_files "$1 matches the golden file" "$GOLDEN/$1" "$2"
}

# jq-like lookup with python: jget FILE EXPR (EXPR in python over `d`)
jget() {
	$PY -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$1"
}

# svgs_wellformed DIR: every plots/*.svg parses as XML; prints the count
svgs_wellformed() {
	local n=0 f
	for f in "$1"/plots/*.svg; do
		[ -f "$f" ] || continue
		xmllint --noout "$f" 2>>"$TMP/xmllint.err" || return 1
		n=$((n + 1))
	done
	echo "$n"
}

# html_refs_exist DIR: every src="..." in DIR/index.html names an existing file
html_refs_exist() {
	local f
	for f in $(grep -o 'src="[^"]*"' "$1/index.html" | sed 's/^src="//; s/"$//'); do
		[ -f "$1/$f" ] || { diag "missing $f"; return 1; }
	done
	return 0
}

# screenshot DIR PNG: open DIR/index.html in headless Chromium; stderr in PNG.err
screenshot() {
	local prof
	prof=$(mktemp -d "$TMP/chrome.XXXXXX")
	timeout 60 /usr/bin/chromium --headless --no-sandbox --disable-gpu --disable-quic \
		--no-first-run --disable-background-networking --disable-component-update \
		--disable-sync --user-data-dir="$prof" --enable-logging=stderr --v=0 \
		--screenshot="$2" --window-size=1200,2000 "file://$1/index.html" \
		>"$2.out" 2>"$2.err"
}
