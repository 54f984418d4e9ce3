// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: a Refer-To URI's headers (a REFER's, from the network).
 * A value found is NUL-terminated inside the buffer, holds no CR or LF,
 * and the target length never passes the URI.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/sip/sip_uri_headers.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *uri = malloc(size + 1), v[256];
	size_t n;

	if (!uri)
		return 0;
	memcpy(uri, data, size);
	uri[size] = '\0';
	if (sip_uri_target_len(uri) > strlen(uri))
		__builtin_trap();
	if (sip_uri_header(uri, "Replaces", v, sizeof(v)) == 1) {
		n = strnlen(v, sizeof(v));
		if (n == sizeof(v) || memchr(v, '\r', n) || memchr(v, '\n', n))
			__builtin_trap();
	}
	free(uri);
	return 0;
}
