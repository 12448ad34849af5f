/* SPDX-License-Identifier: MIT */
/*
 * Syscall argument and return value formatting for the replay printer,
 * strace-like. Every function writes into BUF of size N, always
 * NUL-terminates (when N > 0), cuts quietly when BUF is too small, and
 * returns the length written (not counting the NUL).
 *
 * Flag values are the Linux UAPI ones of x86_64 and i386 (also the generic
 * ones aarch64 uses, except four open flags: see argfmt.c).
 */
#ifndef SYSREC_ARGFMT_H
#define SYSREC_ARGFMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sysrec.h"

/* Quote S C-style ("..." with \n \t \\ \" \xNN escapes), cutting after MAXLEN chars with "..." appended; returns length written (always NUL-terminated). MAXLEN 0 = no limit. */
size_t argfmt_quote(char *buf, size_t n, const char *s, size_t maxlen);
/* One argument of kind K with raw value V (STR = captured string for path/str kinds, or NULL -> hex pointer). */
size_t argfmt_arg(char *buf, size_t n, enum sr_arg_kind k, uint64_t v, const char *str);
/* The whole call, strace-like: "openat(AT_FDCWD, \"/etc/passwd\", O_RDONLY|O_CLOEXEC)". INFO may be NULL (unknown syscall: NAME(0x.., ...) with 6 hex args, or "NAME()" when !sc->has_args with "..." inside: "NAME(...)"). */
size_t argfmt_call(char *buf, size_t n, const struct sr_syscall_info *info, const char *name,
		   const struct sr_syscall *sc);
/* Return value: "3", "-1 ENOENT (No such file or directory)", "0x7f12a000" for mmap/brk-like pointer results, "?" when unfinished. */
size_t argfmt_ret(char *buf, size_t n, const struct sr_syscall_info *info,
		  const struct sr_syscall *sc);
/*
 * True for an execve/execveat recorded as not returning: it replaced the
 * image, which strace (and every output of replay) shows as "= 0".
 */
bool argfmt_exec_succeeded(const char *name, const struct sr_syscall *sc);
/* Symbolic flag sets for JSON/CSV users too */
size_t argfmt_open_flags(char *buf, size_t n, uint64_t flags);
size_t argfmt_mmap_prot(char *buf, size_t n, uint64_t prot);
size_t argfmt_mmap_flags(char *buf, size_t n, uint64_t flags);
size_t argfmt_clone_flags(char *buf, size_t n, uint64_t flags);
size_t argfmt_signal(char *buf, size_t n, int64_t sig);

#endif /* SYSREC_ARGFMT_H */
