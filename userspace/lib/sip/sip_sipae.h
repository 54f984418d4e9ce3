/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * MS-SIPAE framing (SIP authentication as Office Communications Server does
 * it): the NTLM / Kerberos challenge of a 401/407 (WWW-Authenticate,
 * Proxy-Authenticate), the server's Authentication-Info, the signature
 * buffer every signed message is reduced to before GSS_GetMIC, and the
 * Authorization header value the client sends. No I/O and no crypto: the
 * security context (NTLM or Kerberos through GSSAPI) is the daemon's.
 *
 * Signature buffer ([MS-SIPAE] 3.2.5.x, and the authentication protocol
 * version of the challenge): every field in angle brackets, in order
 *   version < 3: <mech><rand><num><realm><targetname><Call-ID><CSeq number>
 *                <CSeq method><From URI><From tag><To tag><Expires>
 *                then <status> for a response
 *   version >= 3 adds <To URI> after the From tag and the
 *                P-Asserted-Identity sip: and tel: URIs after the To tag.
 * Missing fields are empty brackets; the status is only there for responses.
 */
#ifndef UCPHONE_SIP_SIPAE_H
#define UCPHONE_SIP_SIPAE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/sip/sip_msg.h"

enum sipae_mech { SIPAE_NTLM, SIPAE_KERBEROS };

#define SIPAE_GSSAPI_DATA_MAX 8192	/* base64 of a Kerberos AP-REP fits */

struct sipae_challenge {
	enum sipae_mech mech;
	char realm[128], targetname[256], opaque[64];
	unsigned int version;		/* 0 when the server sent none */
	bool has_gssapi_data;
	char gssapi_data[SIPAE_GSSAPI_DATA_MAX];	/* base64, NUL-terminated */
};

/*
 * Parses the value of one WWW-Authenticate/Proxy-Authenticate header.
 * Returns 0, -EPROTONOSUPPORT for a scheme other than NTLM or Kerberos
 * (Digest goes to sip_digest), -EINVAL for malformed input or a value too
 * long for its field (never truncated, never read past len). realm is
 * mandatory; parameters may come in any order, quoted or not; unknown
 * parameters are ignored.
 */
int sipae_parse_challenge(const char *value, size_t len,
			  struct sipae_challenge *out);

/* "NTLM" or "Kerberos", as on the wire and in the signature buffer. */
const char *sipae_mech_name(enum sipae_mech mech);

/* Authentication-Info / Proxy-Authentication-Info of a signed response. */
struct sipae_auth_info {
	enum sipae_mech mech;
	char rspauth[128], srand[16], snum[16];
	char realm[128], targetname[256], opaque[64];
	bool has_rspauth;
};

/* Same return values as sipae_parse_challenge. */
int sipae_parse_auth_info(const char *value, size_t len,
			  struct sipae_auth_info *out);

/* The message fields a signature covers (any may be empty, none NULL). */
struct sipae_sig_fields {
	struct sip_str call_id, cseq_num, method, from_uri, from_tag, to_uri,
		to_tag, pai_sip, pai_tel, expires;
	unsigned int status;		/* 0 for a request */
};

/*
 * Takes the fields out of a parsed message: Call-ID, CSeq, the From/To URIs
 * and tags, P-Asserted-Identity (or P-Preferred-Identity) URIs, Expires,
 * the status of a response. 0 or -EINVAL when From or To do not parse.
 */
int sipae_sig_fields_from_msg(const struct sip_msg *m,
			      struct sipae_sig_fields *f);

/*
 * Writes the signature buffer (no NUL counted in *len, NUL-terminated) for
 * mech, rand (crand/srand), num (cnum/snum), realm and targetname over the
 * fields. Returns 0, -EINVAL for a missing realm, -ENOSPC when it does not
 * fit (out is then "").
 */
int sipae_signature_buffer(unsigned int version, enum sipae_mech mech,
			   const char *rand, const char *num,
			   const char *realm, const char *targetname,
			   const struct sipae_sig_fields *f,
			   char *out, size_t cap, size_t *len);

/* The client's side of the security association as the header carries it. */
struct sipae_credentials {
	enum sipae_mech mech;
	const char *realm, *targetname, *opaque;	/* opaque may be NULL */
	unsigned int version;				/* 0: not sent */
	const char *gssapi_data;	/* base64 token, or NULL once signed */
	const char *crand, *cnum, *response;	/* NULL until the SA exists */
};

/*
 * Writes the Authorization/Proxy-Authorization value:
 *   NTLM qop="auth", realm="...", opaque="...", targetname="...",
 *        version=3, gssapi-data="..."            (handshake)
 *   NTLM qop="auth", realm="...", opaque="...", targetname="...",
 *        crand="...", cnum="...", response="..."  (signed request)
 * Returns 0, -EINVAL for a value holding a quote, backslash or control
 * character, -ENOSPC when it does not fit (out is then "").
 */
int sipae_build_credentials(const struct sipae_credentials *c, char *out,
			    size_t cap);

#endif /* UCPHONE_SIP_SIPAE_H */
