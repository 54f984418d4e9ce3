/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Sign-in orchestration: waits for everything registration needs, in the
 * seed's order, then registers and provisions.
 *
 *   identity (ucphonectl signin)  -> the SIP domain is the address's domain
 *   lease + registrar discovery   -> the target list (discovery.c)
 *   root CA discovery finished    -> the trust store (trust.c)
 *   => sip_register (TLS, REGISTER, Digest, failover)
 *   => sip_provision (SUBSCRIBE vnd-microsoft-provisioning-v2)
 *
 * Sign-out un-REGISTERs. A new identity, a new registrar list or a new
 * trust store are taken as they come. The epid is made once and kept in
 * <state>/sip-epid, so the +sip.instance the registrar knows survives a
 * restart; a hard reset (wipe) makes a new one.
 */
#ifndef UCPHONED_SIGNIN_H
#define UCPHONED_SIGNIN_H

#include <json-c/json.h>

#include "core/daemon.h"

struct signin;

int signin_new(struct ucphoned *d, struct signin **out);
void signin_free(struct signin *s);

/* The SIP layers calls share (the registration's transactions and flow). */
struct sip_txn_layer *signin_txn_layer(const struct signin *s);
struct sip_register *signin_register(const struct signin *s);
/*
 * cb gets {"event":"mwi","waiting":bool,"new":N,"old":N,...} each time the
 * voice-mail server's message summary changes (sip/mwi.h).
 */
void signin_on_mwi(struct signin *s, void (*cb)(void *ctx, struct json_object *ev),
		   void *ctx);
/* A provisioned ServerConfiguration value ("voicemailUri"), or NULL. */
const char *signin_provisioned(const struct signin *s, const char *name);
/*
 * cb gets the user's primary SMTP address whenever in-band provisioning
 * delivers it, NULL when it is forgotten (sign-out): see sip_provision.h.
 */
void signin_on_smtp_address(struct signin *s,
			    void (*cb)(void *ctx, const char *smtp_address),
			    void *ctx);

/* The status "sip" section. */
struct json_object *signin_status(const struct signin *s);

/*
 * The registrars' certificate chains as each one's last TLS handshake saw
 * them (sip_transport_peer_chains()).
 */
struct json_object *signin_registrar_chains(struct signin *s);

#endif /* UCPHONED_SIGNIN_H */
