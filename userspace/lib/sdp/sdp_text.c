// SPDX-License-Identifier: GPL-2.0-only
/*
 * Bounded text helpers for the SDP parser, and the SRTP suite table.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "sdp_text.h"

bool sdp_span_token(struct sdp_span *rest, const char *seps, struct sdp_span *tok)
{
	size_t i = 0;

	while (i < rest->n && strchr(seps, rest->p[i]))
		i++;
	if (i == rest->n) {
		rest->p += i;
		rest->n = 0;
		return false;
	}
	tok->p = rest->p + i;
	while (i < rest->n && !strchr(seps, rest->p[i]))
		i++;
	tok->n = (size_t)(rest->p + i - tok->p);
	rest->p += i;
	rest->n -= i;
	return true;
}

bool sdp_span_eq(struct sdp_span s, const char *lit)
{
	size_t n = strlen(lit);

	return s.n == n && memcmp(s.p, lit, n) == 0;
}

bool sdp_span_caseeq(struct sdp_span s, const char *lit)
{
	size_t n = strlen(lit);

	return s.n == n && strncasecmp(s.p, lit, n) == 0;
}

bool sdp_span_u64(struct sdp_span s, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;

	if (s.n == 0 || s.n > 20)
		return false;
	for (size_t i = 0; i < s.n; i++) {
		unsigned int d;

		if (s.p[i] < '0' || s.p[i] > '9')
			return false;
		d = (unsigned int)(s.p[i] - '0');
		if (v > (UINT64_MAX - d) / 10)
			return false;
		v = v * 10 + d;
	}
	if (v > max)
		return false;
	*out = v;
	return true;
}

bool sdp_span_copy(struct sdp_span s, char *dst, size_t size)
{
	if (s.n >= size)
		return false;
	for (size_t i = 0; i < s.n; i++)
		if (s.p[i] < 0x20 || s.p[i] > 0x7e)
			return false;
	memcpy(dst, s.p, s.n);
	dst[s.n] = '\0';
	return true;
}

bool sdp_span_addr(struct sdp_span addrtype, struct sdp_span addr,
		   struct sdp_addr *out)
{
	char buf[INET6_ADDRSTRLEN + 1];
	struct sdp_span a = addr;
	const char *slash;

	/* IP4 multicast carries a /ttl; the phone never joins one. */
	slash = memchr(a.p, '/', a.n);
	if (slash)
		return false;
	if (!sdp_span_copy(a, buf, sizeof(buf)))
		return false;
	if (sdp_span_eq(addrtype, "IP4")) {
		out->family = AF_INET;
		return inet_pton(AF_INET, buf, out->v4) == 1;
	}
	if (sdp_span_eq(addrtype, "IP6")) {
		out->family = AF_INET6;
		return inet_pton(AF_INET6, buf, out->v6) == 1;
	}
	return false;
}

void sdp_set_error(struct sdp_error *err, unsigned int status, const char *reason)
{
	if (!err)
		return;
	err->status = status;
	snprintf(err->reason, sizeof(err->reason), "%s", reason);
}

static const struct {
	const char *name;
	size_t key, salt;
} suites[] = {
	[UCPHONE_SRTP_AES_CM_128_HMAC_SHA1_80] = { "AES_CM_128_HMAC_SHA1_80", 16, 14 },
	[UCPHONE_SRTP_AES_CM_128_HMAC_SHA1_32] = { "AES_CM_128_HMAC_SHA1_32", 16, 14 },
	[UCPHONE_SRTP_AES_256_CM_HMAC_SHA1_80] = { "AES_256_CM_HMAC_SHA1_80", 32, 14 },
	[UCPHONE_SRTP_AEAD_AES_128_GCM] = { "AEAD_AES_128_GCM", 16, 12 },
	[UCPHONE_SRTP_AEAD_AES_256_GCM] = { "AEAD_AES_256_GCM", 32, 12 },
};

const char *sdp_suite_name(enum ucphone_srtp_suite suite)
{
	if (suite <= UCPHONE_SRTP_SUITE_UNSPEC || suite > UCPHONE_SRTP_SUITE_MAX)
		return NULL;
	return suites[suite].name;
}

size_t sdp_suite_key_len(enum ucphone_srtp_suite suite)
{
	if (suite <= UCPHONE_SRTP_SUITE_UNSPEC || suite > UCPHONE_SRTP_SUITE_MAX)
		return 0;
	return suites[suite].key;
}

size_t sdp_suite_salt_len(enum ucphone_srtp_suite suite)
{
	if (suite <= UCPHONE_SRTP_SUITE_UNSPEC || suite > UCPHONE_SRTP_SUITE_MAX)
		return 0;
	return suites[suite].salt;
}
