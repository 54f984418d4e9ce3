// SPDX-License-Identifier: GPL-2.0-only
/*
 * One SDES a=crypto attribute (RFC 4568 9.2):
 *
 *   TAG SP SUITE SP inline:KEY_SALT[|LIFETIME][|MKI:LEN][;inline:...] *(SP PARAM)
 *
 * A line whose tag cannot be read is malformed (the body is refused); any
 * other fault (unknown suite, bad base64, a key of the wrong length, an
 * MKI we cannot carry, a session parameter we cannot honour) keeps the
 * line but marks it unusable, so the far end's other lines may still do.
 * Decoded key bytes are wiped from every temporary.
 */
#include <errno.h>
#include <string.h>
#include <openssl/evp.h>

#include "secret.h"
#include "sdp_text.h"

#define SDP_B64_MAX 128		/* longest inline key text accepted */

static bool b64_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       (c >= '0' && c <= '9') || c == '+' || c == '/';
}

/* Strict base64 (RFC 4648, padded) of at most out_size bytes. */
static bool b64_decode(struct sdp_span s, uint8_t *out, size_t out_size,
		       size_t *out_len)
{
	unsigned char tmp[SDP_B64_MAX / 4 * 3];
	size_t pad = 0;
	int n;

	if (s.n == 0 || s.n > SDP_B64_MAX || s.n % 4 != 0)
		return false;
	for (size_t i = 0; i < s.n; i++) {
		if (s.p[i] == '=') {
			if (i < s.n - 2)
				return false;
			pad++;
		} else if (pad || !b64_char(s.p[i])) {
			return false;
		}
	}
	n = EVP_DecodeBlock(tmp, (const unsigned char *)s.p, (int)s.n);
	if (n < 0 || (size_t)n < pad || (size_t)n - pad > out_size) {
		secret_zero(tmp, sizeof(tmp));
		return false;
	}
	*out_len = (size_t)n - pad;
	memcpy(out, tmp, *out_len);
	secret_zero(tmp, sizeof(tmp));
	return true;
}

/* "2^n" or a decimal count of packets; at most 2^48 (RFC 3711 9.2). */
static bool parse_lifetime(struct sdp_span s, uint64_t *out)
{
	uint64_t v;

	if (s.n > 2 && s.p[0] == '2' && s.p[1] == '^') {
		struct sdp_span e = { s.p + 2, s.n - 2 };

		if (!sdp_span_u64(e, 48, &v))
			return false;
		*out = (uint64_t)1 << v;
		return true;
	}
	if (!sdp_span_u64(s, (uint64_t)1 << 48, &v) || v == 0)
		return false;
	*out = v;
	return true;
}

/* "VALUE:LEN": LEN 1..4 bytes here (RFC 4568 allows 128), VALUE fits. */
static bool parse_mki(struct sdp_span s, struct sdp_key *k)
{
	const char *colon = memchr(s.p, ':', s.n);
	struct sdp_span v, l;
	uint64_t val, len;

	if (!colon)
		return false;
	v = (struct sdp_span){ s.p, (size_t)(colon - s.p) };
	l = (struct sdp_span){ colon + 1, s.n - v.n - 1 };
	if (!sdp_span_u64(l, 4, &len) || len == 0)
		return false;
	if (!sdp_span_u64(v, len == 4 ? UINT32_MAX : (1ULL << (8 * len)) - 1, &val))
		return false;
	k->mki = (uint32_t)val;
	k->mki_len = (uint8_t)len;
	return true;
}

/* "inline:KEY_SALT[|LIFETIME][|MKI:LEN]" into *k. */
static bool parse_key(struct sdp_span s, struct sdp_key *k)
{
	struct sdp_span rest, part;
	size_t len;
	int field = 0;

	if (s.n < 7 || memcmp(s.p, "inline:", 7) != 0)
		return false;
	rest = (struct sdp_span){ s.p + 7, s.n - 7 };
	/* Empty fields ("KEY||1:1") are refused by the position checks. */
	while (rest.n) {
		const char *bar = memchr(rest.p, '|', rest.n);

		part.p = rest.p;
		part.n = bar ? (size_t)(bar - rest.p) : rest.n;
		rest.p += part.n + (bar ? 1 : 0);
		rest.n -= part.n + (bar ? 1 : 0);
		if (bar && rest.n == 0)
			return false;
		if (field == 0) {
			if (!b64_decode(part, k->key_salt, sizeof(k->key_salt), &len))
				return false;
			k->key_salt_len = (uint8_t)len;
		} else if (memchr(part.p, ':', part.n)) {
			if (k->mki_len || !parse_mki(part, k))
				return false;
		} else {
			if (k->has_lifetime || k->mki_len ||
			    !parse_lifetime(part, &k->lifetime))
				return false;
			k->has_lifetime = true;
		}
		if (++field > 3)
			return false;
	}
	return field > 0;
}

static enum ucphone_srtp_suite suite_by_name(struct sdp_span s)
{
	for (int i = UCPHONE_SRTP_SUITE_UNSPEC + 1; i <= UCPHONE_SRTP_SUITE_MAX; i++)
		if (sdp_span_eq(s, sdp_suite_name(i)))
			return i;
	return UCPHONE_SRTP_SUITE_UNSPEC;
}

/*
 * Session parameters (RFC 4568 6.3): the phone runs none of the ones that
 * change SRTP itself, so a line asking for them cannot be used; WSH and
 * FEC_ORDER=FEC_SRTP are fine, "-"-prefixed ones may be ignored.
 */
static bool session_param_ok(struct sdp_span p, struct sdp_crypto *c)
{
	uint64_t v;

	if (p.n && p.p[0] == '-')
		return true;
	if (sdp_span_eq(p, "UNENCRYPTED_SRTP")) {
		c->unencrypted_srtp = true;
		return false;
	}
	if (sdp_span_eq(p, "UNENCRYPTED_SRTCP")) {
		c->unencrypted_srtcp = true;
		return false;
	}
	if (sdp_span_eq(p, "UNAUTHENTICATED_SRTP")) {
		c->unauthenticated_srtp = true;
		return false;
	}
	if (sdp_span_eq(p, "FEC_ORDER=FEC_SRTP"))
		return true;
	if (p.n > 4 && memcmp(p.p, "WSH=", 4) == 0)
		return sdp_span_u64((struct sdp_span){ p.p + 4, p.n - 4 }, 1 << 15, &v) &&
		       v >= 64;
	if (sdp_span_eq(p, "KDR=0"))
		return true;
	return false;
}

int sdp_crypto_parse(struct sdp_span value, struct sdp_crypto *c)
{
	struct sdp_span rest = value, tag, suite, keys, param;
	bool usable = true;
	uint64_t t;

	memset(c, 0, sizeof(*c));
	if (!sdp_span_token(&rest, " \t", &tag) ||
	    !sdp_span_u64(tag, 999999999, &t) || t == 0 || tag.n > 9)
		return -EINVAL;
	c->tag = (unsigned int)t;
	if (!sdp_span_token(&rest, " \t", &suite) ||
	    !sdp_span_token(&rest, " \t", &keys))
		return -EINVAL;
	if (!sdp_span_copy(suite, c->suite_name, sizeof(c->suite_name)))
		usable = false;
	c->suite = suite_by_name(suite);
	if (c->suite == UCPHONE_SRTP_SUITE_UNSPEC)
		usable = false;

	while (keys.n) {
		const char *semi = memchr(keys.p, ';', keys.n);
		struct sdp_span k = { keys.p, semi ? (size_t)(semi - keys.p) : keys.n };

		keys.p += k.n + (semi ? 1 : 0);
		keys.n -= k.n + (semi ? 1 : 0);
		if (c->n_keys == SDP_CRYPTO_KEYS_MAX) {
			usable = false;
			break;
		}
		if (!parse_key(k, &c->keys[c->n_keys])) {
			secret_zero(&c->keys[c->n_keys], sizeof(c->keys[0]));
			usable = false;
			break;
		}
		c->n_keys++;
	}
	if (c->n_keys == 0)
		usable = false;
	/*
	 * The phone keeps one key per direction: a line with several keys
	 * (told apart by MKI, RFC 4568 6.1) is understood but never chosen.
	 */
	if (c->n_keys > 1)
		usable = false;
	for (unsigned int i = 0; i < c->n_keys && usable; i++) {
		size_t want = sdp_suite_key_len(c->suite) + sdp_suite_salt_len(c->suite);

		if (c->keys[i].key_salt_len != want)
			usable = false;
	}
	while (sdp_span_token(&rest, " \t", &param))
		if (!session_param_ok(param, c))
			usable = false;
	c->usable = usable;
	return 0;
}
