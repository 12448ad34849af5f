/* SPDX-License-Identifier: MIT */
/*
 * Model files: a 32-byte preamble and one zstd frame holding a protobuf
 * Model message (formats/model.proto). The bytes are described in
 * formats/MODEL.md. Like the rest of formats/, this never prints or exits.
 */
#ifndef SYSREC_MODEL_H
#define SYSREC_MODEL_H

#include <stddef.h>

#include "sysrec.h"
#include "model.pb-c.h" /* generated from formats/model.proto */

#define SR_MODEL_MAGIC "\x89SRMODL\n" /* 8 bytes */
#define SR_MODEL_VERSION 1
#define SR_MODEL_PREAMBLE_SIZE 32
#define SR_MODEL_MAX_PAYLOAD (1ull << 34) /* 16 GiB: larger is taken as corruption */

/* Encode M into a malloc'd buffer (preamble + compressed message). LEVEL 0 = 19. */
enum sr_status sr_model_encode(const Sysrec__Model *m, int level, void **buf, size_t *len,
			       struct sr_error *err);
/* Decode a whole model file held in memory; free *out with sr_model_free(). */
enum sr_status sr_model_decode(const void *buf, size_t len, Sysrec__Model **out,
			       struct sr_error *err);
/* Write PATH ("-" = stdout) through a temporary file renamed into place. */
enum sr_status sr_model_write(const char *path, const Sysrec__Model *m, int level,
			      struct sr_error *err);
/* Read PATH ("-" = stdin). */
enum sr_status sr_model_read(const char *path, Sysrec__Model **out, struct sr_error *err);
void sr_model_free(Sysrec__Model *m);

#endif
