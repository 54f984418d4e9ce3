/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * SIP transactions (RFC 3261 17) on top of sip_transport.
 *
 * Client side: non-INVITE transactions. Over TLS the transport is
 * reliable, so the request is sent once (Timer E does not run, 17.1.2.2)
 * and Timer F (64*T1) bounds the wait for a final answer; provisional
 * answers are noted and the wait goes on. A response is matched by the
 * branch of its top Via and its CSeq method (17.1.3). The callback runs
 * once: with the final response, or with no response and an error (Timer
 * F, the connection lost).
 *
 * Server side, enough for a registered phone: OPTIONS is answered 200
 * with what the phone supports; NOTIFY goes to the handler registered for
 * its Event package and is answered with the status it returns; any other
 * request gets 501 (ACK gets nothing). Requests arrive over a reliable
 * transport, so no retransmission absorbing is needed.
 */
#ifndef UCPHONED_SIP_TRANSACTION_H
#define UCPHONED_SIP_TRANSACTION_H

#include <stdint.h>

#include "core/daemon.h"
#include "lib/sip/sip_msg.h"
#include "sip/transport.h"

#define SIP_T1_USEC 500000ull
#define SIP_TIMER_F_USEC (64 * SIP_T1_USEC)
#define SIP_BRANCH_MAX 40

struct sip_txn_layer;
struct sip_client_txn;

/* resp NULL: no final answer; err is -ETIMEDOUT (Timer F) or -ECONNRESET. */
typedef void (*sip_txn_cb)(void *ctx, const struct sip_msg *resp, int err);
/* Connection events for whoever uses connections (the registration). */
struct sip_conn_watch {
	void (*up)(void *ctx, struct sip_conn *c);
	void (*down)(void *ctx, struct sip_conn *c, enum sip_conn_error err);
};
/*
 * Calls (sip/invite.c): every request but OPTIONS/NOTIFY, and every
 * response no transaction here matches, go to the call handler first;
 * it returns true when the message was a call's.
 */
typedef bool (*sip_call_cb)(void *ctx, struct sip_conn *c,
			    const struct sip_msg *m);
/* A NOTIFY for an event package: returns the SIP status to answer. */
typedef unsigned int (*sip_notify_cb)(void *ctx, const struct sip_msg *req);

int sip_txn_layer_new(struct ucphoned *d,
		      const struct sip_transport_options *opt,
		      struct sip_txn_layer **out);
void sip_txn_layer_free(struct sip_txn_layer *l);
struct sip_tls_transport *sip_txn_transport(struct sip_txn_layer *l);

int sip_txn_watch(struct sip_txn_layer *l, const struct sip_conn_watch *w,
		  void *ctx);
void sip_txn_unwatch(struct sip_txn_layer *l, void *ctx);
/* event: "vnd-microsoft-provisioning-v2"; one handler per package. */
int sip_txn_on_notify(struct sip_txn_layer *l, const char *event,
		      sip_notify_cb cb, void *ctx);

/* The one call handler (NULL: none); requests it does not take get 501. */
void sip_txn_on_call(struct sip_txn_layer *l, sip_call_cb cb, void *ctx);

/* A fresh branch, "z9hG4bK" + 24 random hex digits (RFC 3261 8.1.1.7). */
void sip_txn_new_branch(char out[SIP_BRANCH_MAX]);
/* A fresh tag or Call-ID word: n random hex digits (n < size). */
void sip_random_hex(char *out, size_t size, unsigned int n);

/*
 * Sends one request (already built, its top Via carrying branch) on c and
 * starts Timer F. *out (may be NULL) lets the owner cancel it; it is
 * invalid once cb has run. Returns 0 or the send error (cb never runs).
 */
int sip_txn_request(struct sip_txn_layer *l, struct sip_conn *c,
		    const char *msg, size_t len, const char *branch,
		    const char *method, sip_txn_cb cb, void *ctx,
		    struct sip_client_txn **out);
/* Forgets a transaction: its callback will not run. */
void sip_txn_cancel(struct sip_txn_layer *l, struct sip_client_txn *tx);
/* Forgets every transaction whose callback context is ctx. */
void sip_txn_cancel_all(struct sip_txn_layer *l, void *ctx);

struct json_object *sip_txn_status(const struct sip_txn_layer *l);

#endif /* UCPHONED_SIP_TRANSACTION_H */
