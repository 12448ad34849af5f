/* SPDX-License-Identifier: MIT */
/* Between the in-memory n-gram model and its file (formats/model.h). */
#ifndef SYSREC_MODEL_IO_H
#define SYSREC_MODEL_IO_H

#include "sysrec.h"
#include "ngram.h"

/*
 * Write M canonically to PATH: profiles by name, windows sorted by symbols,
 * sources sorted, so equal counts give equal bytes. Sorts M in place.
 */
enum sr_status model_save(struct ng_model *m, const char *path, struct sr_error *err);
/* Read PATH into a new model (NULL with err filled on failure). */
struct ng_model *model_load(const char *path, struct sr_error *err);
/* In-memory versions, for tests: encode to a malloc'd buffer / decode one. */
enum sr_status model_encode(struct ng_model *m, void **buf, size_t *len, struct sr_error *err);
struct ng_model *model_decode(const void *buf, size_t len, struct sr_error *err);

#endif
