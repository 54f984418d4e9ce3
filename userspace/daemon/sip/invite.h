/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * One INVITE session (RFC 3261 13-17, RFC 3264, RFC 4028): the call's
 * signalling, with the SDP as opaque bytes handed to and taken from the
 * owner's callbacks. It holds its own dialog (sip/dialog.h), the INVITE
 * client or server transaction and the in-dialog non-INVITE ones (BYE,
 * CANCEL, UPDATE, INFO). Everything runs over one reliable flow (TLS to
 * the registrar): requests are sent once (Timers A, E and G do not run),
 * Timers B/F (64*T1) bound each wait, and a 2xx the phone sends is
 * retransmitted (T1 doubling to T2) until the ACK comes, for 64*T1 at
 * most (13.3.1.4), since proxies between may forward over UDP.
 *
 * No I/O and no clock of its own: ops->now() is the time, ops->arm()
 * tells the owner when invite_timer() must run next, ops->send() writes a
 * message on the flow. A test drives it with a fake clock and captures
 * what it sends.
 *
 *   outgoing:  CALLING --1xx--> EARLY --2xx/ACK--> CONFIRMED
 *              CALLING/EARLY --hangup--> CANCELLING --487--> TERMINATED
 *              401/407 -> the INVITE again with credentials (once)
 *              422 -> the INVITE again asking for the Min-SE named (once)
 *   forks (RFC 3261 13.2.2.4): every far end's 18x is taken; a reliable
 *   one (Require: 100rel, RFC 3262) is PRACKed in its early dialog, in
 *   RSeq order, retransmissions dropped; the first 2xx makes the call, a
 *   later 2xx from another far end is ACKed and sent BYE. The INVITE says
 *   Supported: 100rel.
 *   incoming:  INCOMING (180 sent) --accept: 2xx--> ANSWERED --ACK-->
 *              CONFIRMED; --reject(486/480/603)--> TERMINATED
 *   an INVITE that supports or requires 100rel (RFC 3262) gets a reliable
 *   180 (Require: 100rel, a random first RSeq), resent at T1 doubling
 *   until a PRACK naming it (answered 200; one naming nothing 481, an
 *   unreadable RAck 400) or the final answer; after 64*T1 unPRACKed the
 *   INVITE is answered 504 and the call ends.
 *   CONFIRMED --hangup: BYE--> ENDING --answer/Timer F--> TERMINATED
 *   CONFIRMED --BYE received: 200--> TERMINATED
 *
 * In CONFIRMED, a re-INVITE or UPDATE with an offer goes to ops->offer
 * (answered 200 with the answer, or the status it returns), and session
 * timers (RFC 4028) run: the refresher sends an UPDATE (or a re-INVITE
 * when the peer does not allow UPDATE) at half the interval; the other end
 * sends BYE when the interval runs out without a refresh.
 *
 * Secrets: an SDP carries SRTP keys; every buffer that held one is zeroed.
 */
#ifndef UCPHONED_SIP_INVITE_H
#define UCPHONED_SIP_INVITE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/sip/sip_msg.h"

struct sip_auth;

#define INVITE_T1_USEC 500000ull
#define INVITE_T2_USEC 4000000ull
#define INVITE_TIMER_B_USEC (64 * INVITE_T1_USEC)
#define INVITE_SDP_MAX 4096
#define INVITE_MIN_SE 90
#define INVITE_SESSION_EXPIRES 1800

enum invite_state {
	INVITE_CALLING,		/* INVITE sent, nothing back yet */
	INVITE_EARLY,		/* a provisional answer (ringing) */
	INVITE_CANCELLING,	/* CANCEL sent, the INVITE's end awaited */
	INVITE_INCOMING,	/* INVITE received, 180 Ringing sent */
	INVITE_ANSWERED,	/* 2xx sent, waiting for the ACK */
	INVITE_CONFIRMED,	/* the call is up */
	INVITE_ENDING,		/* BYE sent */
	INVITE_TERMINATED,
};

struct invite_config {
	const char *local_na;	/* "<sip:alice@corp.test>" (From of calls) */
	const char *contact;	/* "<sip:alice@10.77.0.100:40312;transport=tls;ob>" */
	const char *sent_by;	/* Via sent-by: the flow's local end */
	const char *user_agent;
	const char *auth_user;	/* Digest; NULL: a challenge ends the call */
	const char *password;	/* copied; zeroed when the session is freed */
	uint32_t session_expires;	/* asked for on outgoing calls; 0: none */
	/* an outgoing call's Replaces header value (RFC 3891); NULL: none */
	const char *replaces;
};

struct invite;

struct invite_ops {
	uint64_t (*now)(void *ctx);
	/* invite_timer() is due at this CLOCK_MONOTONIC time (UINT64_MAX: none). */
	void (*arm)(void *ctx, uint64_t at_usec);
	int (*send)(void *ctx, const char *buf, size_t len);
	/*
	 * status: the SIP status that moved it (0 for local moves); reason is
	 * a short text for the user ("Busy Here", "no answer to BYE").
	 */
	void (*state)(void *ctx, enum invite_state st, unsigned int status,
		      const char *reason);
	/*
	 * A remote offer (INVITE, re-INVITE, UPDATE): write the answer into
	 * ans (cap bytes, *alen) and return 0, or return the SIP status to
	 * refuse it with (488, 400).
	 */
	unsigned int (*offer)(void *ctx, const char *sdp, size_t len,
			      char *ans, size_t cap, size_t *alen);
	/* The answer to the phone's offer: 0, or a status (488) ending the call. */
	unsigned int (*answer)(void *ctx, const char *sdp, size_t len);
	/* An offer from the phone (for an INVITE that came without one). */
	int (*make_offer)(void *ctx, char *sdp, size_t cap, size_t *len);
	/*
	 * The end of invite_reoffer(): 2xx (the answer went to ops->answer
	 * first), or the status that refused it (the session stays as it
	 * was; 481/408/488 also end the call). NULL: not told.
	 */
	void (*reoffer)(void *ctx, unsigned int status);
	/*
	 * Our REFER's progress: the sipfrag status of a NOTIFY, or the status
	 * refusing the REFER (done); done once the outcome is final.
	 */
	void (*transfer)(void *ctx, unsigned int status, bool done);
	/*
	 * A REFER received (already answered 202, NOTIFY 100 sent): call
	 * uri (a sip: or sips: URI) and report with invite_refer_notify().
	 * 0, or a status (>= 300) the final NOTIFY carries. NULL: 501.
	 */
	unsigned int (*referred)(void *ctx, const char *uri);
	/*
	 * Optional: why the last offer was refused, for the Warning header of
	 * the 488/400 (RFC 3261 20.43): the warn-code (304, 305, 399...) and
	 * a short text (never key material), or 0 for no Warning.
	 */
	unsigned int (*warning)(void *ctx, char *text, size_t cap);
	/*
	 * Optional: the registration's MS-SIPAE security association, when
	 * it is up (NULL otherwise): every request of the session is signed
	 * on it, as [MS-SIPAE] asks of every request after the association.
	 */
	struct sip_auth *(*signer)(void *ctx);
};

/* Sends the INVITE with sdp (the offer) to target ("sip:bob@corp.test"). */
int invite_new_outgoing(const struct invite_config *cfg,
			const struct invite_ops *ops, void *ctx,
			const char *target, const char *sdp, size_t sdp_len,
			struct invite **out);
/*
 * Takes an initial INVITE: answers it 180 Ringing (the offer, if any,
 * already answered through ops->offer) and returns the session, or
 * answers it with an error (400 malformed, 488 offer refused, 420 an
 * unknown Require, 422 too short a Session-Expires) and returns -EPROTO
 * with no session.
 */
int invite_new_incoming(const struct invite_config *cfg,
			const struct invite_ops *ops, void *ctx,
			const struct sip_msg *req, struct invite **out);
void invite_free(struct invite *inv);
/*
 * Answers a request no session takes, statelessly: an INVITE while the
 * phone is busy (486), a request for a dialog the phone does not know
 * (481). ACK gets nothing. 0 or the send error.
 */
int invite_refuse(const struct invite_config *cfg,
		  const struct invite_ops *ops, void *ctx,
		  const struct sip_msg *req, unsigned int status);

/* Answers an incoming call 200 OK (with the SDP answer). */
int invite_accept(struct invite *inv);
/*
 * Refuses an incoming call: 486 Busy Here, 480, 603 Decline, or 488 when
 * the offer cannot be run after all (with the ops->warning text).
 */
int invite_reject(struct invite *inv, unsigned int status);
/*
 * Forwarding: answers an incoming call (a ringing session, or statelessly
 * a request no session took) 302 Moved Temporarily with Contact: <uri>.
 * uri is a SIP URI the dial plan made (no '<', '>' or spaces).
 */
#define INVITE_REDIRECT_URI_MAX 320
int invite_redirect(struct invite *inv, const char *uri);
int invite_refuse_redirect(const struct invite_config *cfg,
			   const struct invite_ops *ops, void *ctx,
			   const struct sip_msg *req, const char *uri);
/* Ends the call whatever its state: CANCEL, BYE, or a 487/603. */
int invite_hangup(struct invite *inv);
/*
 * A new offer during the call (hold, resume): a re-INVITE with sdp; the
 * answer goes to ops->answer, the outcome to ops->reoffer. A 491 is
 * retried after the random wait of RFC 3261 14.1. 0, -ENOTCONN (the call
 * is not up), -EBUSY (an offer is still open), -EINVAL, -ENOMEM.
 */
int invite_reoffer(struct invite *inv, const char *sdp, size_t len);
/*
 * Blind transfer: REFER with Refer-To: <refer_to> (a sip: or sips: URI)
 * and Referred-By; the progress goes to ops->transfer. 0, -ENOTCONN,
 * -EINVAL (not a SIP URI), -EBUSY (a REFER is under way), -EIO.
 */
int invite_refer(struct invite *inv, const char *refer_to);
/*
 * The NOTIFY for a REFER received: "SIP/2.0 status reason" as
 * message/sipfrag, the subscription terminated once status >= 200.
 */
int invite_refer_notify(struct invite *inv, unsigned int status,
			const char *reason);
/* A SIP INFO carrying one DTMF digit (application/dtmf-relay). */
int invite_send_info_dtmf(struct invite *inv, char digit,
			  unsigned int duration_ms);

/* A message for this session (invite_matches() said so). */
void invite_message(struct invite *inv, const struct sip_msg *m);
bool invite_matches(const struct invite *inv, const struct sip_msg *m);
/* The time armed last has come. */
void invite_timer(struct invite *inv);

enum invite_state invite_state(const struct invite *inv);
const char *invite_state_name(enum invite_state st);
bool invite_outgoing(const struct invite *inv);
/* The far end: the peer's From (incoming) or the target (outgoing). */
const char *invite_remote(const struct invite *inv);
const char *invite_call_id(const struct invite *inv);
/* The dialog's tags: this phone's and the far end's. */
const char *invite_local_tag(const struct invite *inv);
const char *invite_remote_tag(const struct invite *inv);
/* The session interval agreed (0: no session timer), and who refreshes. */
uint32_t invite_session_expires(const struct invite *inv);
bool invite_refresher(const struct invite *inv);

#endif /* UCPHONED_SIP_INVITE_H */
