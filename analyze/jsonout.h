/* SPDX-License-Identifier: MIT */
/* A JSON string writer shared by the analyze commands. */
#ifndef SYSREC_JSONOUT_H
#define SYSREC_JSONOUT_H

#include <stdio.h>

/* Write S as a quoted JSON string ("null" for NULL). */
void json_str(FILE *f, const char *s);
/* A double as JSON ("null" for NaN or infinity). */
void json_num(FILE *f, double v);

#endif
