/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * One SUBSCRIBE (RFC 6665) to the phone's own address of record, as the
 * voice-mail subscription (mwi.c) and the provisioning subscription
 * (provision.c) send it: the subscription's dialog (Call-ID, tags, CSeq,
 * the remote target learnt from the 2xx), the request built and signed
 * (Digest after a challenge, else on the registration's MS-SIPAE
 * association), and the answer's challenge handled. A first SUBSCRIBE
 * goes to the AOR with no To tag; a refresh goes in the dialog (To tag,
 * the 2xx's Contact as Request-URI, the next CSeq).
 */
#ifndef UCPHONED_SIP_SUBSCRIBE_H
#define UCPHONED_SIP_SUBSCRIBE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/sip/sip_msg.h"
#include "sip/auth.h"
#include "sip/register.h"
#include "sip/transaction.h"

#define SIP_SUB_URI_MAX 300
/* A grant under a minute counts as a minute: refreshes at most every 48 s. */
#define SIP_SUB_MIN_EXPIRES_S 60

struct sip_subscription {
	char call_id[64], tag[24];
	char to_tag[128];		/* "" before the first 2xx */
	char target[SIP_SUB_URI_MAX];	/* the 2xx's Contact; "" : the AOR */
	uint32_t cseq;
	unsigned int expires_s;		/* granted by the last 2xx */
	uint64_t refresh_at;		/* when to refresh it (usec, the caller's clock) */
	struct sip_auth auth;
	struct sip_auth *signer;	/* the registration's, when it signed */
};

/* What a package's SUBSCRIBE says beyond the dialog. */
struct sip_subscribe_req {
	const char *aor;		/* "sip:alice@corp.test" */
	const char *from_params;	/* appended to From (";epid=..."); NULL: none */
	const char *via_local;		/* the connection's local end */
	const char *branch;
	const char *contact;
	const char *event, *accept;
	const char *supported;		/* NULL: no Supported header */
	unsigned int expires;
	const char *content_type;	/* NULL: no body */
	const char *body;
	size_t body_len;
	const char *auth_user, *password;
	struct sip_auth *reg_signer;	/* the registration's association, or NULL */
};

/* A new dialog: fresh Call-ID and tag, CSeq 0, no To tag or target. */
void sip_subscription_new(struct sip_subscription *s);
/* In the dialog once a 2xx named the To tag. */
bool sip_subscription_in_dialog(const struct sip_subscription *s);
/* From a 2xx: the To tag and the Contact as the refreshes' target. */
void sip_subscription_confirmed(struct sip_subscription *s, const struct sip_msg *r);
/*
 * A 2xx received at now_usec: the grant is its Expires (asked_s when it
 * has none), kept within [SIP_SUB_MIN_EXPIRES_S, asked_s]; the refresh
 * is due at 80 % of it (RFC 6665 4.1.2.1: before it runs out, with room
 * for a retransmitted request). Returns the grant in seconds.
 */
unsigned int sip_subscription_granted(struct sip_subscription *s, const struct sip_msg *r,
				      unsigned int asked_s, uint64_t now_usec);
/* Forgets the credentials (secrets zeroed). */
void sip_subscription_clear(struct sip_subscription *s);

/*
 * Builds the next SUBSCRIBE (CSeq + 1) into buf. 0, -ENOSPC or a Digest
 * error. The caller zeroes buf after sending (it may hold credentials).
 */
int sip_subscribe_build(struct sip_subscription *s, const struct sip_subscribe_req *req,
			char *buf, size_t cap, size_t *len);

/*
 * Builds the next SUBSCRIBE for the registration's account (its AOR,
 * Contact, credentials and MS-SIPAE association fill req's aor, contact,
 * auth_user, password and reg_signer; c's local end and a fresh branch
 * the Via) and sends it on c. 0 or -errno (-ENOTCONN: no account).
 */
int sip_subscribe_send(struct sip_subscription *s, struct sip_subscribe_req *req,
		       struct sip_txn_layer *l, struct sip_conn *c,
		       struct sip_register *reg, sip_txn_cb cb, void *ctx,
		       struct sip_client_txn **tx);

/*
 * A 401/407 to the last SUBSCRIBE: 0 when it should be sent again with
 * the credentials, else -EACCES with *why ("challenge not understood",
 * "credentials refused").
 */
int sip_subscribe_challenged(struct sip_subscription *s, const struct sip_msg *r,
			     const char **why);
/* A 2xx's MS-SIPAE signature: 0, or -EBADMSG. */
int sip_subscribe_verify(struct sip_subscription *s, const struct sip_msg *r);

#endif /* UCPHONED_SIP_SUBSCRIBE_H */
