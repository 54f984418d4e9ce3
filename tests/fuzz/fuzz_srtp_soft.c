// SPDX-License-Identifier: GPL-2.0
/*
 * The libsrtp2 fallback's receive path (userspace/media/srtp_soft.c) on
 * arbitrary datagrams: classification, SSRC filter, libsrtp2 unprotect and
 * the counters, without a crash, a leak or an out-of-bounds access.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "media/srtp_soft.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t key[16] = { 0xe1, 0xf9, 0x7a, 0x0d, 0x3e, 0x01, 0x8b,
					 0xe0, 0xd6, 0x4f, 0xa3, 0x2c, 0x06, 0xde,
					 0x41, 0x39 };
	static const uint8_t salt[14] = { 0x0e, 0xc6, 0x75, 0xad, 0x49, 0x8a, 0xfe,
					  0xeb, 0xb6, 0x96, 0x0b, 0x3a, 0xab, 0xe6 };
	struct srtp_flow_params p = {
		.dir = UCPHONE_SRTP_DIR_RX,
		.suite = UCPHONE_SRTP_AES_CM_128_HMAC_SHA1_80,
		.master_key = key, .master_key_len = sizeof(key),
		.master_salt = salt, .master_salt_len = sizeof(salt),
	};
	struct srtp_soft *soft;
	uint8_t *pkt;
	int len = size;

	if (size > 8192 || srtp_soft_new(&soft, -1, &p))
		return 0;
	/* libsrtp2 writes only inside the datagram; exact-size copy for ASan. */
	pkt = malloc(size ? size : 1);
	if (pkt) {
		memcpy(pkt, data, size);
		if (size && pkt[0] >> 6 == 2)
			srtp_soft_unprotect(soft, pkt, &len);
		free(pkt);
	}
	srtp_soft_free(soft);
	return 0;
}
