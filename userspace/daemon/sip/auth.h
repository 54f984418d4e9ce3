/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Digest credentials for one client (registration, provisioning): keeps
 * the challenge a 401/407 brought (lib/sip_digest), counts nc per nonce,
 * and writes the Authorization or Proxy-Authorization header for the next
 * request. Whether a failed answer means a wrong password is the caller's
 * call: sent_fresh tells it the last credentials answered a challenge
 * just received, so a new challenge (not stale) means they are wrong.
 */
#ifndef UCPHONED_SIP_AUTH_H
#define UCPHONED_SIP_AUTH_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/sip/sip_digest.h"
#include "lib/sip/sip_msg.h"

struct sip_auth {
	struct digest_challenge ch;
	bool have;		/* a challenge to answer */
	bool proxy;		/* it came in a 407 */
	bool fresh;		/* not answered yet */
	bool sent_fresh;	/* the last credentials sent answered a fresh one */
	uint32_t nc;
};

/*
 * Takes the best Digest challenge of a 401 (WWW-Authenticate) or 407
 * (Proxy-Authenticate). Returns 0, -EPROTONOSUPPORT when no challenge is
 * Digest with a known algorithm, -EINVAL when none parses.
 */
int sip_auth_challenge(struct sip_auth *a, const struct sip_msg *resp);

/*
 * Adds the credentials header for method/uri to o when there is a
 * challenge (nothing otherwise). Returns 0 or a digest_build_response error.
 */
int sip_auth_add(struct sip_auth *a, const char *user, const char *password,
		 const char *method, const char *uri, struct sip_out *o);

void sip_auth_clear(struct sip_auth *a);

#endif /* UCPHONED_SIP_AUTH_H */
