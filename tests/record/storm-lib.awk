# Shared by storm-check.awk and procstorm-check.awk: load it first,
# awk -F'\t' -f storm-lib.awk -f storm-check.awk ...

# Count a problem of kind KIND; the first 5 of each kind go to stderr.
function bad(kind, msg) {
	nbad[kind]++
	if (nbad[kind] <= 5) {
		print kind ": " msg >"/dev/stderr"
	}
}

# The workloads mark each call as getpriority(which, WHO) with
# WHO = 0x40000000 | kind << 26 | 26 low bits; ARGS is trdump's argument
# column (a0,a1,...). Sets who_kind and who_lo.
function who_of(args,   a, who) {
	split(args, a, ",")
	who = a[2] + 0
	who_kind = int(who / 67108864) - 16
	who_lo = who % 67108864
}
