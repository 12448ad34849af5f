/* SPDX-License-Identifier: MIT */
/* Reading traces into an n-gram model (the work of 'sysrec analyze train'). */
#ifndef SYSREC_TRAINER_H
#define SYSREC_TRAINER_H

#include <stdint.h>

#include "ngram.h"

#define TRAIN_DEFAULT_N 6

struct trainer;

struct trainer *trainer_new(uint32_t n, const char *group_by);
void trainer_free(struct trainer *t);
/* Count every syscall of PATH ("-" = stdin); damage is reported and skipped.
 * Returns -1 after printing the reason when the file cannot be used. */
int trainer_file(struct trainer *t, const char *path);
struct ng_model *trainer_model(struct trainer *t);
/* Wall time spent in trainer_file() so far. */
double trainer_seconds(const struct trainer *t);
/* CPU time of the same (per-core speed on a busy host). */
double trainer_cpu_seconds(const struct trainer *t);

#endif
