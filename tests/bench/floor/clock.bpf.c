// SPDX-License-Identifier: GPL-2.0
/*
 * The clock floor: the empty floor plus what any recorder of syscall times
 * and durations must do, one read of the boot clock at entry and one at
 * exit (the same helper sysrec uses). The readings go to a per-CPU slot so
 * that they are not optimised away.
 */
#include <linux/types.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} last SEC(".maps");

static __always_inline int stamp(void)
{
	__u32 zero = 0;
	__u64 *v = bpf_map_lookup_elem(&last, &zero);

	if (v) {
		*v = bpf_ktime_get_boot_ns() - *v;
	}
	return 0;
}

SEC("tp_btf/sys_enter")
int clock_enter(__u64 *ctx)
{
	return stamp();
}

SEC("tp_btf/sys_exit")
int clock_exit(__u64 *ctx)
{
	return stamp();
}

char LICENSE[] SEC("license") = "GPL";
