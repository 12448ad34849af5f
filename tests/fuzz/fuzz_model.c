// SPDX-License-Identifier: MIT
/*
 * Fuzz the model file decoder (formats/model.c) over arbitrary bytes.
 * Invariants: no crash; what decodes re-encodes, and the re-encoded file
 * decodes to a message of the same packed size and encodes to the same bytes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	Sysrec__Model *m = NULL, *m2 = NULL;
	void *buf = NULL, *buf2 = NULL;
	size_t len = 0, len2 = 0;
	struct sr_error err;

	if (sr_model_decode(data, size, &m, &err) != SR_OK) {
		if (m || err.status == SR_OK) {
			abort();
		}
		return 0;
	}
	if (sr_model_encode(m, 1, &buf, &len, &err) != SR_OK) {
		abort();
	}
	if (sr_model_decode(buf, len, &m2, &err) != SR_OK) {
		abort();
	}
	if (sysrec__model__get_packed_size(m) != sysrec__model__get_packed_size(m2)) {
		abort();
	}
	if (sr_model_encode(m2, 1, &buf2, &len2, &err) != SR_OK || len2 != len ||
	    memcmp(buf, buf2, len)) {
		abort();
	}
	free(buf2);
	free(buf);
	sr_model_free(m2);
	sr_model_free(m);
	return 0;
}
