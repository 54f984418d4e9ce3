/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Small text helpers the SDP parser shares between its files: views into
 * the body (never NUL-terminated), token splitting and bounded numbers.
 */
#ifndef UCPHONE_SDP_TEXT_H
#define UCPHONE_SDP_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sdp.h"

struct sdp_span {
	const char *p;
	size_t n;
};

/* Next token up to a byte in seps (skipping leading seps); false at end. */
bool sdp_span_token(struct sdp_span *rest, const char *seps, struct sdp_span *tok);
bool sdp_span_eq(struct sdp_span s, const char *lit);
bool sdp_span_caseeq(struct sdp_span s, const char *lit);
/* Decimal, no sign, no leading garbage, value <= max. */
bool sdp_span_u64(struct sdp_span s, uint64_t max, uint64_t *out);
/* Copies into dst[size] (NUL-terminated); false if it does not fit or has
 * a byte outside printable ASCII. */
bool sdp_span_copy(struct sdp_span s, char *dst, size_t size);
/* Literal IPv4/IPv6 address text of the given "IP4"/"IP6" type. */
bool sdp_span_addr(struct sdp_span addrtype, struct sdp_span addr,
		   struct sdp_addr *out);

void sdp_set_error(struct sdp_error *err, unsigned int status, const char *reason);

/* One a=crypto value (after "crypto:") into *c; -EINVAL if malformed so
 * badly that no tag can be read (the body is then refused). */
int sdp_crypto_parse(struct sdp_span value, struct sdp_crypto *c);

#endif /* UCPHONE_SDP_TEXT_H */
