// SPDX-License-Identifier: GPL-2.0
/*
 * The floor of syscall tracing: empty programs on the BTF syscall
 * tracepoints that sysrec uses. What a loop pays under these is the price of
 * having the tracepoints enabled at all, which no recorder can go below.
 */
#include <linux/types.h>
#include <bpf/bpf_helpers.h>

SEC("tp_btf/sys_enter")
int floor_enter(__u64 *ctx)
{
	return 0;
}

SEC("tp_btf/sys_exit")
int floor_exit(__u64 *ctx)
{
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
