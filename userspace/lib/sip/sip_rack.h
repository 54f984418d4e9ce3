/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * RSeq and RAck header values (RFC 3262 7.1, 7.2): a reliable provisional
 * response's sequence number, and the PRACK's naming of the response it
 * acknowledges: "RAck: response-num CSeq-num Method".
 */
#ifndef UCPHONE_LIB_SIP_RACK_H
#define UCPHONE_LIB_SIP_RACK_H

#include <stdint.h>

#include "lib/sip/sip_msg.h"

#define SIP_RACK_METHOD_MAX 16

struct sip_rack {
	uint32_t rseq;		/* 1 .. 2^31 - 1 */
	uint32_t cseq;
	char method[SIP_RACK_METHOD_MAX];	/* a token, NUL-terminated */
};

/* 0, or -EINVAL for anything but the grammar above (numbers in range). */
int sip_rack_parse(struct sip_str value, struct sip_rack *out);

#endif
