/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The MS-SIPAE security association of one registration, NTLM through
 * GSSAPI (gss-ntlmssp in connectionless mode, GSS_C_DATAGRAM_FLAG):
 *
 *   401 NTLM realm, targetname          -> REGISTER gssapi-data=""
 *   401 NTLM gssapi-data=<CHALLENGE>    -> REGISTER gssapi-data=<AUTHENTICATE>
 *   200 Authentication-Info rspauth     -> verified (gss_verify_mic); the SA
 *                                          is up: every later request carries
 *                                          crand, cnum and response (gss_get_mic
 *                                          over the signature buffer)
 *   401 NTLM without gssapi-data while the SA is up: it expired at the
 *   server; a new handshake starts (the registration stays).
 *   The same after our AUTHENTICATE: the directory refused the password.
 *
 * The password only passes through sipae_sa_credentials() into
 * gss_acquire_cred_with_password(); the credential handle is released
 * right after the AUTHENTICATE is made. Nothing secret is logged.
 */
#ifndef UCPHONED_SIP_SIPAE_SA_H
#define UCPHONED_SIP_SIPAE_SA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/sip/sip_msg.h"
#include "lib/sip/sip_sipae.h"

struct sipae_sa;

struct sipae_sa *sipae_sa_new(void);
void sipae_sa_free(struct sipae_sa *sa);

/*
 * A 401/407 challenge for this SA. Returns 0 (answer it with the next
 * request), -EACCES when it refuses the AUTHENTICATE just sent (wrong
 * password or user name), -EPROTO when a handshake token comes without a
 * handshake under way, -EINVAL for gssapi-data that is not base64.
 */
int sipae_sa_challenge(struct sipae_sa *sa, const struct sipae_challenge *c);

/* The SA is established (signing requests). */
bool sipae_sa_ready(const struct sipae_sa *sa);

/* The AUTHENTICATE went out and no answer has accepted it yet. */
bool sipae_sa_awaiting_verdict(const struct sipae_sa *sa);

/*
 * The Authorization value for a request whose start line and headers so
 * far are head[0..head_len) (CRLF-terminated lines, no blank line): the
 * next handshake step, or the request's signature once the SA is up.
 * user is DOMAIN\user or user@domain. Returns 0, -EACCES when GSSAPI
 * refuses the credentials or the server's token, -EINVAL, -ENOSPC.
 */
int sipae_sa_credentials(struct sipae_sa *sa, const char *user,
			 const char *password, const char *head,
			 size_t head_len, char *out, size_t cap);

/*
 * A final answer to a request this SA signed or authenticated. A 2xx that
 * answers our AUTHENTICATE or a signed request must carry a server
 * signature (Authentication-Info rspauth over the response's signature
 * buffer) that verifies. Returns 0, -EBADMSG for a missing or wrong
 * signature (the SA is dropped), 0 without checking when no SA is in play.
 */
int sipae_sa_verify_response(struct sipae_sa *sa, const struct sip_msg *m);

/* Counters for status and tests. */
struct sipae_sa_stats {
	uint64_t handshakes, signed_requests, verified_responses;
};
void sipae_sa_stats(const struct sipae_sa *sa, struct sipae_sa_stats *st);

#endif /* UCPHONED_SIP_SIPAE_SA_H */
