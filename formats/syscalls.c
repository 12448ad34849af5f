// SPDX-License-Identifier: MIT
/* Placeholder until the syscall tables land. */
#include <string.h>
#include "sysrec.h"

enum sr_abi sr_abi_from_name(const char *name)
{
	if (!name) {
		return SR_ABI_UNKNOWN;
	}
	if (!strcmp(name, "x86_64")) {
		return SR_ABI_X86_64;
	}
	if (!strcmp(name, "i386")) {
		return SR_ABI_I386;
	}
	if (!strcmp(name, "aarch64")) {
		return SR_ABI_AARCH64;
	}
	return SR_ABI_UNKNOWN;
}
const char *sr_abi_name(enum sr_abi abi) { return abi == SR_ABI_X86_64 ? "x86_64" : abi == SR_ABI_I386 ? "i386" : abi == SR_ABI_AARCH64 ? "aarch64" : ""; }
enum sr_abi sr_abi_native(void) { return SR_ABI_X86_64; }
uint32_t sr_syscall_count(enum sr_abi abi) { return 0; }
const struct sr_syscall_info *sr_syscall_by_nr(enum sr_abi abi, uint32_t nr) { return NULL; }
const struct sr_syscall_info *sr_syscall_by_name(enum sr_abi abi, const char *name) { return NULL; }
uint32_t sr_class_from_name(const char *cls) { return 0; }
const char *sr_class_name(uint32_t b) { return NULL; }
const char *sr_errno_name(int err) { return NULL; }
const char *sr_errno_text(int err) { return NULL; }
int sr_errno_by_name(const char *name) { return 0; }
const char *sr_signal_name(int sig) { return NULL; }
int sr_signal_by_name(const char *name) { return 0; }
