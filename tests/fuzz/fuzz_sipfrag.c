// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: one message/sipfrag body of a REFER's NOTIFY. An
 * accepted body must give a status of 100-699 and a NUL-terminated reason
 * without CR, LF or NUL inside; whatever is accepted writes back.
 */
#include <stdint.h>
#include <string.h>

#include "lib/sip/sipfrag.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sipfrag f;
	char out[SIPFRAG_REASON_MAX + 32];
	size_t n;

	if (sipfrag_parse((const char *)data, size, &f))
		return 0;
	if (f.status < 100 || f.status > 699)
		__builtin_trap();
	n = strnlen(f.reason, sizeof(f.reason));
	if (n == sizeof(f.reason) || memchr(f.reason, '\r', n) || memchr(f.reason, '\n', n))
		__builtin_trap();
	if (sipfrag_write(out, sizeof(out), f.status, f.reason) < 0)
		__builtin_trap();
	return 0;
}
