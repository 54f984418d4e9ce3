/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * SIP HTTP Digest authentication, client side: parse a server's challenge
 * (WWW-Authenticate / Proxy-Authenticate, RFC 3261 22.4 and 25.1) and build
 * the Authorization header that answers it (RFC 2617 3.2.2, RFC 7616 and
 * RFC 8760 for SHA-256). Only qop=auth and no qop are answered; "-sess"
 * algorithms and auth-int are not offered by any registrar we target.
 * No I/O; the password only ever goes into the hash.
 */
#ifndef UCPHONE_SIP_DIGEST_H
#define UCPHONE_SIP_DIGEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum digest_algorithm { DIGEST_MD5, DIGEST_SHA256 };

struct digest_challenge {
	char realm[128], nonce[256], opaque[256];
	enum digest_algorithm algorithm;
	bool qop_auth;		/* server offered qop containing "auth" */
	bool stale;
};

/*
 * Parses the value of one WWW-Authenticate/Proxy-Authenticate header (after
 * the colon). Returns 0, -EPROTONOSUPPORT for a scheme other than Digest or
 * an unknown algorithm, -EINVAL for malformed input (never crashes, never
 * reads past len). Parameters may come in any order, with or without quotes
 * and surrounding whitespace; unknown parameters are ignored. A realm, nonce
 * or opaque longer than its field is -EINVAL, never truncated: a truncated
 * nonce would only earn a 401 loop.
 */
int digest_parse_challenge(const char *value, size_t len,
			   struct digest_challenge *out);

/*
 * Picks the best of several challenges (SHA-256 over MD5, RFC 8760 2.4:
 * the client uses the first one it supports, in its own preference order).
 * Returns NULL only when n is 0.
 */
const struct digest_challenge *
digest_pick_best(const struct digest_challenge *challenges, size_t n);

/* A fresh client nonce: 16 lowercase hex digits from getrandom(). 0 or -errno. */
int digest_cnonce_new(char out[17]);

/* Name as it appears on the wire: "MD5" or "SHA-256". */
const char *digest_algorithm_name(enum digest_algorithm algorithm);

/*
 * Writes the Authorization header VALUE ("Digest username=...") into out,
 * NUL-terminated. nc counts per nonce (starts at 1); cnonce is needed when
 * the challenge offered qop=auth. Returns 0, -EINVAL for arguments that
 * cannot go into a header (CR, LF, NUL-less or missing cnonce with qop), or
 * -ENOSPC when out is too small (out is then the empty string).
 */
int digest_build_response(const struct digest_challenge *c,
			  const char *username, const char *password,
			  const char *method, const char *uri, uint32_t nc,
			  const char *cnonce, char *out, size_t out_len);

#endif /* UCPHONE_SIP_DIGEST_H */
