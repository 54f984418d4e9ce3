/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Credentials for one client (registration, provisioning): keeps the
 * challenge a 401/407 brought, and writes the Authorization or
 * Proxy-Authorization header for the next request. The scheme is the
 * challenge's: Digest (lib/sip_digest, nc counted per nonce), or MS-SIPAE
 * NTLM as Office Communications Server asks for it (sip/sipae_sa: a
 * handshake, then every request signed and the answers' signatures
 * checked). Whether a failed answer means a wrong password is the caller's
 * call: sent_fresh tells it the last credentials answered a challenge
 * just received, so a new challenge (not stale) means they are wrong.
 */
#ifndef UCPHONED_SIP_AUTH_H
#define UCPHONED_SIP_AUTH_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/sip/sip_digest.h"
#include "lib/sip/sip_msg.h"

struct sipae_sa;

struct sip_auth {
	struct digest_challenge ch;
	bool have;		/* a challenge to answer */
	bool proxy;		/* it came in a 407 */
	bool fresh;		/* not answered yet */
	bool sent_fresh;	/* the last credentials sent answered a fresh one */
	uint32_t nc;
	struct sipae_sa *sa;	/* MS-SIPAE (NTLM) instead of Digest */
};

/*
 * Takes the challenge of a 401 (WWW-Authenticate) or 407
 * (Proxy-Authenticate): MS-SIPAE NTLM when offered, else the best Digest
 * one. Returns 0, -EPROTONOSUPPORT when no challenge is one the phone
 * answers (Kerberos alone, TLS-DSK, an unknown Digest algorithm), -EINVAL
 * when none parses or an NTLM handshake token comes out of turn.
 */
int sip_auth_challenge(struct sip_auth *a, const struct sip_msg *resp);

/*
 * Adds the credentials header for method/uri to o when there is a
 * challenge (nothing otherwise). Returns 0 or a digest_build_response error.
 */
int sip_auth_add(struct sip_auth *a, const char *user, const char *password,
		 const char *method, const char *uri, struct sip_out *o);

/*
 * Checks the server's signature on a final answer when an MS-SIPAE
 * security association is in play. 0 (also for Digest), -EBADMSG when a
 * signature is missing or does not verify (the association is dropped).
 */
int sip_auth_verify(struct sip_auth *a, const struct sip_msg *resp);

/* The scheme in use, for logs and status: "digest", "ntlm" or "none". */
const char *sip_auth_scheme(const struct sip_auth *a);

void sip_auth_clear(struct sip_auth *a);

#endif /* UCPHONED_SIP_AUTH_H */
