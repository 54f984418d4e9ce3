// SPDX-License-Identifier: GPL-2.0-only
/*
 * SIP Digest: challenge parser and response builder (see sip_digest.h).
 * Hashes through OpenSSL's EVP interface; the password is fed to the hash
 * in pieces so that no buffer ever holds it, and every intermediate that
 * could stand in for it (H(A1)) is zeroed before return.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <openssl/evp.h>

#include "lib/sip/sip_auth_param.h"
#include "lib/sip/sip_digest.h"
#include "lib/util/random_hex.h"
#include "lib/util/secret.h"

/* True when the comma-separated qop list holds the token "auth". */
static bool qop_list_has_auth(const char *list)
{
	struct sip_auth_cursor cur = { list, list + strlen(list) };

	while (cur.p < cur.end) {
		const char *s;
		size_t len;

		sip_auth_skip_lws(&cur);
		if (!sip_auth_read_token(&cur, &s, &len) && sip_auth_token_is(s, len, "auth"))
			return true;
		while (cur.p < cur.end && *cur.p != ',')
			cur.p++;
		if (cur.p < cur.end)
			cur.p++;
	}
	return false;
}

enum digest_param { P_REALM, P_NONCE, P_OPAQUE, P_ALGORITHM, P_QOP, P_STALE,
		    P_OTHER };

static enum digest_param param_of(const char *s, size_t len)
{
	static const char *const names[] = {
		[P_REALM] = "realm", [P_NONCE] = "nonce",
		[P_OPAQUE] = "opaque", [P_ALGORITHM] = "algorithm",
		[P_QOP] = "qop", [P_STALE] = "stale",
	};

	for (size_t i = 0; i < P_OTHER; i++)
		if (sip_auth_token_is(s, len, names[i]))
			return i;
	return P_OTHER;
}

int digest_parse_challenge(const char *value, size_t len,
			   struct digest_challenge *out)
{
	struct sip_auth_cursor cur = { value, value + len };
	struct digest_challenge c = { .algorithm = DIGEST_MD5 };
	char algorithm[32] = "MD5", qop[128] = "", stale[16] = "";
	unsigned int seen = 0;
	const char *s;
	size_t n;
	int ret;

	if (!value || !out)
		return -EINVAL;
	if (memchr(value, '\0', len))
		return -EINVAL;
	sip_auth_skip_lws(&cur);
	if (sip_auth_read_token(&cur, &s, &n))
		return -EINVAL;
	if (!sip_auth_token_is(s, n, "Digest"))
		return -EPROTONOSUPPORT;
	if (cur.p < cur.end && !sip_auth_is_lws(*cur.p))
		return -EINVAL;

	for (;;) {
		enum digest_param param;
		char *buf = NULL;
		size_t cap = 0;

		/* Empty list elements ("a, , b") are allowed (RFC 3261 7.3.1). */
		sip_auth_skip_lws(&cur);
		while (cur.p < cur.end && *cur.p == ',') {
			cur.p++;
			sip_auth_skip_lws(&cur);
		}
		if (cur.p >= cur.end)
			break;
		if (sip_auth_read_token(&cur, &s, &n))
			return -EINVAL;
		param = param_of(s, n);
		if (param != P_OTHER) {
			if (seen & (1u << param))
				return -EINVAL;
			seen |= 1u << param;
		}
		sip_auth_skip_lws(&cur);
		if (cur.p >= cur.end || *cur.p != '=')
			return -EINVAL;
		cur.p++;
		sip_auth_skip_lws(&cur);
		switch (param) {
		case P_REALM:
			buf = c.realm, cap = sizeof(c.realm);
			break;
		case P_NONCE:
			buf = c.nonce, cap = sizeof(c.nonce);
			break;
		case P_OPAQUE:
			buf = c.opaque, cap = sizeof(c.opaque);
			break;
		case P_ALGORITHM:
			buf = algorithm, cap = sizeof(algorithm);
			break;
		case P_QOP:
			buf = qop, cap = sizeof(qop);
			break;
		case P_STALE:
			buf = stale, cap = sizeof(stale);
			break;
		case P_OTHER:
			break;
		}
		ret = sip_auth_read_value(&cur, buf, cap);
		if (ret)
			return ret;
		sip_auth_skip_lws(&cur);
		if (cur.p < cur.end && *cur.p != ',')
			return -EINVAL;
	}

	if (!(seen & (1u << P_REALM)) || !(seen & (1u << P_NONCE)) ||
	    !c.nonce[0])
		return -EINVAL;
	if (!strcasecmp(algorithm, "MD5"))
		c.algorithm = DIGEST_MD5;
	else if (!strcasecmp(algorithm, "SHA-256"))
		c.algorithm = DIGEST_SHA256;
	else
		return -EPROTONOSUPPORT;
	c.qop_auth = qop_list_has_auth(qop);
	c.stale = !strcasecmp(stale, "true");
	*out = c;
	return 0;
}

const struct digest_challenge *
digest_pick_best(const struct digest_challenge *challenges, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (challenges[i].algorithm == DIGEST_SHA256)
			return &challenges[i];
	return n ? &challenges[0] : NULL;
}

int digest_cnonce_new(char out[17])
{
	return random_hex(out, 8);
}

const char *digest_algorithm_name(enum digest_algorithm algorithm)
{
	return algorithm == DIGEST_SHA256 ? "SHA-256" : "MD5";
}

#define DIGEST_HEX_MAX (EVP_MAX_MD_SIZE * 2 + 1)

/* Hex of H(part[0] ":" part[1] ":" ...), parts NULL-terminated. */
static int hash_hex(enum digest_algorithm algorithm, const char *const *parts,
		    char hex[DIGEST_HEX_MAX])
{
	const EVP_MD *md = algorithm == DIGEST_SHA256 ? EVP_sha256() : EVP_md5();
	unsigned char raw[EVP_MAX_MD_SIZE];
	unsigned int raw_len = 0;
	EVP_MD_CTX *ctx;
	int ok;

	ctx = EVP_MD_CTX_new();
	if (!ctx)
		return -ENOMEM;
	ok = EVP_DigestInit_ex(ctx, md, NULL);
	for (size_t i = 0; ok && parts[i]; i++) {
		if (i)
			ok = EVP_DigestUpdate(ctx, ":", 1);
		if (ok)
			ok = EVP_DigestUpdate(ctx, parts[i], strlen(parts[i]));
	}
	if (ok)
		ok = EVP_DigestFinal_ex(ctx, raw, &raw_len);
	EVP_MD_CTX_free(ctx);
	if (!ok) {
		secret_zero(raw, sizeof(raw));
		return -EIO;
	}
	for (unsigned int i = 0; i < raw_len; i++)
		snprintf(hex + 2 * i, 3, "%02x", raw[i]);
	secret_zero(raw, sizeof(raw));
	return 0;
}

/* Nothing that would end or fold the header line. */
static bool header_safe(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return false;
	return true;
}

struct writer {
	char *buf;
	size_t cap, len;
	bool overflow;
};

__attribute__((format(printf, 2, 3)))
static void put(struct writer *w, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (w->overflow)
		return;
	va_start(ap, fmt);
	n = vsnprintf(w->buf + w->len, w->cap - w->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= w->cap - w->len)
		w->overflow = true;
	else
		w->len += n;
}

/* sep name="value", '"' and '\' escaped (RFC 3261 25.1 quoted-pair). */
static void put_quoted(struct writer *w, const char *sep, const char *name,
		       const char *value)
{
	put(w, "%s%s=\"", sep, name);
	for (; *value; value++) {
		if (*value == '"' || *value == '\\')
			put(w, "\\");
		put(w, "%c", *value);
	}
	put(w, "\"");
}

int digest_build_response(const struct digest_challenge *c,
			  const char *username, const char *password,
			  const char *method, const char *uri, uint32_t nc,
			  const char *cnonce, char *out, size_t out_len)
{
	struct writer w = { out, out_len, 0, false };
	char ha1[DIGEST_HEX_MAX], ha2[DIGEST_HEX_MAX], resp[DIGEST_HEX_MAX];
	char nc_hex[9];
	int ret;

	if (!out || !out_len)
		return -ENOSPC;
	out[0] = '\0';
	if (!c || !username || !password || !method || !uri)
		return -EINVAL;
	if (!header_safe(username) || !header_safe(method) ||
	    !header_safe(uri) || !header_safe(c->realm) ||
	    !header_safe(c->nonce) || !header_safe(c->opaque) ||
	    !*method || !*uri || !*c->nonce)
		return -EINVAL;
	if (c->qop_auth && (!cnonce || !*cnonce || !header_safe(cnonce) ||
			    strchr(cnonce, '"') || strchr(cnonce, '\\')))
		return -EINVAL;
	snprintf(nc_hex, sizeof(nc_hex), "%08x", nc);

	ret = hash_hex(c->algorithm,
		       (const char *const[]){ username, c->realm, password, NULL },
		       ha1);
	if (!ret)
		ret = hash_hex(c->algorithm,
			       (const char *const[]){ method, uri, NULL }, ha2);
	if (!ret && c->qop_auth)
		ret = hash_hex(c->algorithm,
			       (const char *const[]){ ha1, c->nonce, nc_hex,
						      cnonce, "auth", ha2, NULL },
			       resp);
	else if (!ret)
		ret = hash_hex(c->algorithm,
			       (const char *const[]){ ha1, c->nonce, ha2, NULL },
			       resp);
	secret_zero(ha1, sizeof(ha1));
	if (ret)
		return ret;

	put_quoted(&w, "Digest ", "username", username);
	put_quoted(&w, ", ", "realm", c->realm);
	put_quoted(&w, ", ", "nonce", c->nonce);
	put_quoted(&w, ", ", "uri", uri);
	put(&w, ", response=\"%s\"", resp);
	put(&w, ", algorithm=%s", digest_algorithm_name(c->algorithm));
	if (c->qop_auth)
		put(&w, ", cnonce=\"%s\", qop=auth, nc=%s", cnonce, nc_hex);
	if (c->opaque[0])
		put_quoted(&w, ", ", "opaque", c->opaque);
	if (w.overflow) {
		out[0] = '\0';
		return -ENOSPC;
	}
	return 0;
}
