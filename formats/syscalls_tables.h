/* SPDX-License-Identifier: MIT */
/*
 * Private to formats/: the tables scripts/gen-syscalls.py generates from
 * formats/syscalls/ into build/gen/syscalls_gen.c, read by formats/syscalls.c.
 */
#ifndef SYSREC_SYSCALLS_TABLES_H
#define SYSREC_SYSCALLS_TABLES_H

#include <stdint.h>
#include "sysrec.h"

#define SR_GEN_ABI_COUNT (SR_ABI_AARCH64 + 1)

struct sr_abi_table {
	const struct sr_syscall_info *by_nr; /* count entries, name NULL where unassigned */
	uint32_t count;
	const uint16_t *by_name;             /* numbers, sorted by name (strcmp order) */
	uint32_t nnames;
};

struct sr_errno_desc {
	const char *name;
	const char *text;
};

struct sr_name_num {
	const char *name;
	int num;
};

/* Indexed by enum sr_abi; SR_ABI_UNKNOWN is an empty table. */
extern const struct sr_abi_table sr_gen_abi_tables[SR_GEN_ABI_COUNT];

extern const struct sr_errno_desc sr_gen_errno[]; /* by number, NULL name in gaps */
extern const unsigned sr_gen_errno_count;
extern const struct sr_name_num sr_gen_errno_names[]; /* sorted, aliases included */
extern const unsigned sr_gen_errno_names_count;

extern const char *const sr_gen_signal[]; /* by number, NULL in gaps */
extern const unsigned sr_gen_signal_count;
extern const struct sr_name_num sr_gen_signal_names[]; /* sorted, aliases included */
extern const unsigned sr_gen_signal_names_count;

#endif /* SYSREC_SYSCALLS_TABLES_H */
