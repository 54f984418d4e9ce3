// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: one RAck header value of a PRACK. An accepted value
 * has an RSeq of 1 .. 2^31 - 1, a CSeq of at most 2^31 - 1 and a
 * NUL-terminated method of token characters.
 */
#include <stdint.h>
#include <string.h>

#include "lib/sip/sip_rack.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sip_rack r;
	size_t n;

	if (sip_rack_parse((struct sip_str){ (const char *)data, size }, &r))
		return 0;
	if (!r.rseq || r.rseq > 0x7fffffffu || r.cseq > 0x7fffffffu)
		__builtin_trap();
	n = strnlen(r.method, sizeof(r.method));
	if (!n || n == sizeof(r.method))
		__builtin_trap();
	for (size_t i = 0; i < n; i++)
		if (r.method[i] <= ' ' || (unsigned char)r.method[i] >= 0x7f)
			__builtin_trap();
	return 0;
}
