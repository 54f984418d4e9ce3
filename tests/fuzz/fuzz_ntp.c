// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: one NTP answer. The first 8 bytes of the input are the
 * nonce the answer must echo, the rest the datagram; an accepted answer
 * must have a non-negative delay.
 */
#include <string.h>

#include "lib/ntp/ntp_packet.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ntp_answer a;
	uint64_t nonce = 0;

	if (size < 8)
		return 0;
	memcpy(&nonce, data, 8);
	if (ntp_parse_answer(data + 8, size - 8, nonce, 1ull << 63,
			     (1ull << 63) + (1ull << 30), &a) == NTP_OK &&
	    a.delay_ns < 0)
		__builtin_trap();
	return 0;
}
