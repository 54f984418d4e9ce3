/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Voice-mail waiting (RFC 3842 over RFC 6665): once registered, the phone
 * SUBSCRIBEs to the message-summary event of its own address of record
 * (Expires 3600, with Digest when challenged, over the registration's
 * connection), and subscribes again before the granted time runs out
 * (at 80 % of it) within the subscription's dialog (To tag, the 2xx's
 * Contact, the next CSeq; RFC 6665 4.1.2.1); a refresh answered 481 (or
 * another answer RFC 6665 4.1.2.2 says ends it) or not at all starts a
 * new subscription at once. 5 minutes after a
 * refusal or a lost first answer it subscribes anew.
 * NOTIFYs for message-summary (in the subscription, or unsolicited, as
 * many voice-mail servers send them) carry an application/simple-message-
 * summary body parsed by lib/sip/msg_summary: the message light and the
 * counts follow, a body that does not parse is answered 400 and changes
 * nothing.
 *
 *   IDLE --registered--> SUBSCRIBING --401/407--> AUTHENTICATING
 *   SUBSCRIBING/AUTHENTICATING --2xx--> ACTIVE --refresh timer--> SUBSCRIBING
 *        (in the dialog; --481, no answer--> a new subscription)
 *   any --error, timeout--> FAILED --retry timer--> SUBSCRIBING
 *   any --signed out / connection gone--> IDLE (counts forgotten)
 */
#ifndef UCPHONED_SIP_MWI_H
#define UCPHONED_SIP_MWI_H

#include <json-c/json.h>

#include "core/daemon.h"
#include "sip/register.h"
#include "sip/transaction.h"

#define SIP_MWI_EVENT "message-summary"
#define SIP_MWI_CONTENT_TYPE "application/simple-message-summary"
#define SIP_MWI_EXPIRES_S 3600
#define SIP_MWI_RETRY_S 300

struct sip_mwi;

/* Told each time the counts or the light change: {"event":"mwi", ...}. */
typedef void (*sip_mwi_cb)(void *ctx, struct json_object *event);

int sip_mwi_new(struct ucphoned *d, struct sip_txn_layer *l,
		struct sip_register *reg, struct sip_mwi **out);
void sip_mwi_free(struct sip_mwi *m);
void sip_mwi_on_change(struct sip_mwi *m, sip_mwi_cb cb, void *ctx);

/* A new registration: subscribe on its connection. */
void sip_mwi_start(struct sip_mwi *m);
/* Signed out: unsubscribed locally, counts forgotten. */
void sip_mwi_reset(struct sip_mwi *m);

/* {"state":..., "waiting":bool, "new":N, "old":N, ...} */
struct json_object *sip_mwi_status(const struct sip_mwi *m);

#endif /* UCPHONED_SIP_MWI_H */
