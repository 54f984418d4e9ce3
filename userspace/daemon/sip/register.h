/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Registration (RFC 3261 10) with the OCS extensions of [MS-SIPREGE]:
 * one state machine,
 *
 *   IDLE -> CONNECTING -> REGISTERING -> (AUTHENTICATING) -> REGISTERED
 *   REGISTERED -> REFRESHING -> REGISTERED          at half the expiry
 *   any -> FAILED (retry later) ; REGISTERED -> UNREGISTERING -> IDLE
 *
 * It walks the registrar list in order (sip/discovery.c): a
 * connect error, TLS failure, an untrusted certificate, a 5xx/6xx or no
 * answer moves to the next target; past the last it waits (5 s doubling
 * to 5 min) and starts again from the first. Registered on a lower
 * target, it tries the first again every failback interval and moves back
 * when that connects. Digest: 401/407 are answered (SHA-256 preferred,
 * qop=auth, nc per nonce, stale=true answered again); a 403, or a new
 * challenge to credentials that answered a fresh one, is a wrong password:
 * a clear error, no retry for a long back-off or until new credentials.
 * Requests carry From ;epid=, Contact +sip.instance (lib/ocs_ident),
 * Supported: gruu-10, adhoclist, msrtc-event-categories,
 * com.microsoft.msrtc.presence and User-Agent ucphone/<version>.
 */
#ifndef UCPHONED_SIP_REGISTER_H
#define UCPHONED_SIP_REGISTER_H

#include <stdint.h>

#include <json-c/json.h>
#include <openssl/x509.h>

#include "core/daemon.h"
#include "sip/discovery.h"
#include "sip/transaction.h"

enum sip_reg_state {
	SIP_REG_IDLE,
	SIP_REG_CONNECTING,
	SIP_REG_REGISTERING,
	SIP_REG_AUTHENTICATING,
	SIP_REG_REGISTERED,
	SIP_REG_REFRESHING,
	SIP_REG_FAILED,
	SIP_REG_UNREGISTERING,
};

struct sip_account {
	char address[256];	/* alice@corp.test: the AOR without "sip:" */
	char domain[256];	/* corp.test */
	char auth_user[256];	/* Digest username */
	char password[256];	/* secret: zeroed when dropped */
};

struct sip_register_options {
	uint32_t expires_s;		/* asked for; the registrar decides */
	uint64_t failback_usec;		/* retry the first target this often */
	uint64_t auth_retry_usec;	/* after a wrong password */
};

struct sip_register;

typedef void (*sip_register_cb)(void *ctx, enum sip_reg_state state);

int sip_register_new(struct ucphoned *d, struct sip_txn_layer *l,
		     const struct sip_register_options *opt,
		     const char *epid, sip_register_cb cb, void *ctx,
		     struct sip_register **out);
/* Sends an un-REGISTER (without waiting) when registered, then frees. */
void sip_register_free(struct sip_register *r);

/*
 * Registers acct at the first of targets, verifying with store. Copies
 * everything (the password into memory zeroed when dropped). A call with
 * the same account and targets changes nothing.
 */
int sip_register_start(struct sip_register *r, const struct sip_account *acct,
		       const struct registrar *targets, unsigned int n,
		       X509_STORE *store);
/* New registrar list: restarts only if the current target left the list. */
void sip_register_set_targets(struct sip_register *r,
			      const struct registrar *targets, unsigned int n);
/* New trust store: a registration that failed retries at once. */
void sip_register_set_store(struct sip_register *r, X509_STORE *store);
/* Sign-out: un-REGISTER and wait for the answer (bounded), then IDLE. */
void sip_register_stop(struct sip_register *r);

enum sip_reg_state sip_register_state(const struct sip_register *r);
const char *sip_register_state_name(enum sip_reg_state s);
/* The connection registered on (for provisioning), or NULL. */
struct sip_conn *sip_register_conn(const struct sip_register *r);
const struct sip_account *sip_register_account(const struct sip_register *r);
/*
 * The registration's credentials while they hold an established MS-SIPAE
 * security association (the registrar then expects every request of the
 * endpoint signed with it), else NULL.
 */
struct sip_auth *sip_register_signer(struct sip_register *r);
/* The Contact the phone registered with, for other requests. */
const char *sip_register_contact(const struct sip_register *r);
const char *sip_register_from_tag(const struct sip_register *r);
const char *sip_register_epid(const struct sip_register *r);

struct json_object *sip_register_status(const struct sip_register *r);

#endif /* UCPHONED_SIP_REGISTER_H */
