/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The phone's trust store: the public CA bundle (the seed's "trusted
 * authorities cache") plus the enterprise root(s) learned from Active
 * Directory, in the seed's order: the certificationAuthority object's
 * cACertificate over LDAP, else the pKIEnrollmentService's certsrv web
 * page. Learned roots persist under <state>/trust/ and count at start-up,
 * so a phone that learned its root signs in again before rediscovery.
 * Discovery starts when there is both a lease (the DHCP domain, DNS) and
 * a sign-in identity (LDAP binds as the user); every network step runs
 * asynchronously on the daemon's loop with a timeout.
 */
#ifndef UCPHONED_TRUST_H
#define UCPHONED_TRUST_H

#include <json-c/json.h>
#include <openssl/x509.h>

#include "core/daemon.h"
#include "lib/dhcp/dhcp_msg.h"

struct trust;

/* Loads the public bundle and the persisted roots. */
int trust_new(struct ucphoned *d, struct trust **out);
void trust_free(struct trust *t);

/* NULL: lease lost. Called from core/network.c. */
void trust_set_lease(struct trust *t, const struct dhcp_reply *lease);

enum trust_state {
	TRUST_WAITING,		/* no lease or not signed in */
	TRUST_DISCOVERING,
	TRUST_DONE,		/* discovery finished, with or without a learned root */
};

enum trust_state trust_get_state(const struct trust *t);

/*
 * The store to verify servers with: public bundle + every learned root.
 * New reference (X509_STORE_up_ref); the caller X509_STORE_free()s it.
 * Never NULL after trust_new.
 */
X509_STORE *trust_store(struct trust *t);

typedef void (*trust_changed_cb)(void *ctx);
/* cb runs after the state or the store changed. */
int trust_watch(struct trust *t, trust_changed_cb cb, void *ctx);
void trust_unwatch(struct trust *t, void *ctx);

struct json_object *trust_status(const struct trust *t);

/*
 * The certificates behind the status, for the troubleshooting bundle:
 * {"learned_roots":[cert...], "dc":{"host":..., "chain":[cert...]}}
 * with each cert as cert_info_json() writes it (dc only after an LDAPS
 * lookup). Public certificates only.
 */
struct json_object *trust_certificates(const struct trust *t);

#endif /* UCPHONED_TRUST_H */
