/* SPDX-License-Identifier: MIT */
/* Pieces of a run shared by report, compare and stats: facts and summary as JSON and tables. */
#ifndef SYSREC_RUN_OUTPUT_H
#define SYSREC_RUN_OUTPUT_H

#include "jsonw.h"
#include "runstats.h"
#include "table.h"

/* "run" object members: command, host, kernel, start, duration, exit, losses. */
void ro_json_facts(struct jw *w, const struct rs_run *r);
/* "summary" object members: runtime_ms, peak_cpu, ... (null without samples). */
void ro_json_summary(struct jw *w, const struct rs_run *r);
/* Two-column table of the run facts (key | value). */
void ro_facts_table(struct table *t, const struct rs_run *r);
/* Two-column table of the summary figures. */
void ro_summary_table(struct table *t, const struct rs_run *r);
/* "exited with 0", "killed by SIGKILL", ... */
const char *ro_exit_str(const struct rs_run *r);
/* Human latency: "812ns", "12.3us", "4.20ms", "1.50s". */
const char *ro_ns(double ns);
/* DIR/NAME opened for writing; NULL (reported) when it cannot be. */
FILE *ro_open_out(const char *dir, const char *name);
/* Close F written as DIR/NAME; -1 (reported with the reason) on a write error. */
int ro_close_out(FILE *f, const char *dir, const char *name);

#endif
