// SPDX-License-Identifier: MIT
#include "sysrec.h"

const char *sr_status_str(enum sr_status st)
{
	switch (st) {
	case SR_OK:
		return "ok";
	case SR_END:
		return "end of trace";
	case SR_TRUNCATED:
		return "trace is truncated";
	case SR_CORRUPT:
		return "trace is corrupt";
	case SR_IO:
		return "input/output error";
	case SR_NOMEM:
		return "out of memory";
	case SR_VERSION:
		return "not a sysrec trace, or a newer format version";
	case SR_INVALID:
		return "invalid argument";
	}
	return "unknown error";
}
