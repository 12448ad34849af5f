#!/usr/bin/env bash
# make bench: the ADFA-LD evaluation table (scripts/eval-adfa.sh), when the data set is here.
cd "$(dirname "$0")/../.." || exit 1
data=${ADFA_DIR:-/work/shared/datasets/adfa-ld}
if [ ! -d "$data/Training_Data_Master" ]; then
	echo "skipped: ADFA-LD not found at $data (set ADFA_DIR)"
	exit 0
fi
exec scripts/eval-adfa.sh "$data"
