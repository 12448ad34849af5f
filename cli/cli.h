/* SPDX-License-Identifier: MIT */
/* Shared helpers of the sysrec commands: messages, option values, output checks. */
#ifndef SYSREC_CLI_H
#define SYSREC_CLI_H

#include <stdint.h>
#include <stdbool.h>
#include <stdio.h>

#include "sysrec.h"

/* Exit codes (STYLE.md): 0 success, 1 runtime failure, 2 usage error. */
#define EXIT_USAGE 2

/* Name of the running command for messages, e.g. "record" or "analyze score". */
extern const char *cli_cmd;

/* "sysrec <cmd>: message\n" to stderr in one write. */
void cli_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void cli_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Verbose note (only when cli_verbose). */
extern int cli_verbose;
void cli_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A usage error: the one-line reason, then "Try 'sysrec <cmd> --help'."; returns EXIT_USAGE. */
int cli_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "invalid OPT argument: 'ARG' (expected WHAT)" as a usage error; returns EXIT_USAGE. */
int cli_bad_arg(const char *opt, const char *arg, const char *what);

/* Report a formats/ error about FILE: "sysrec <cmd>: FILE: frame N at offset X: msg". */
void cli_trace_error(const char *file, const struct sr_error *e);
/* Same, as a warning about damage in FILE (reading goes on). */
void cli_trace_damage(const char *file, const struct sr_error *e);

/* Values: "1.5s", "200ms", "10us", "5m", "1h", a bare number = seconds. */
bool cli_parse_duration(const char *s, uint64_t *ns);
/* Values: "64M", "4k", "1G", "512" (bytes); binary units. */
bool cli_parse_size(const char *s, uint64_t *bytes);
bool cli_parse_u64(const char *s, uint64_t *v);
bool cli_parse_double(const char *s, double *v);
/* Split a comma-separated list in place; returns count (max n). */
int cli_split_list(char *s, char **out, int n);

/*
 * Ignore SIGPIPE so output into a closed pipe is an EPIPE we can stop on
 * quietly; call once from main.
 */
void cli_init_output(void);
/* True once stdout has failed with EPIPE (stop producing output). */
bool cli_stdout_broken(void);
/* Check stdout after a write burst: returns false on a closed pipe or error. */
bool cli_stdout_ok(void);
/* Flush and close stdout: 0, or 1 with "write failure on standard output". */
int cli_finish_stdout(int rc);

/* Format boot-time ns relative/absolute helpers. */
void cli_fmt_duration(char *buf, size_t n, uint64_t ns); /* "1.234s", "12.5ms" */
void cli_fmt_size(char *buf, size_t n, uint64_t bytes); /* "1.5 MiB" */

/* Command entry points (one file each). */
int cmd_record(int argc, char **argv);
int cmd_replay(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_analyze(int argc, char **argv);

#endif
