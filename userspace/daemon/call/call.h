/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The call manager: what the phone does with its handset, speaker key,
 * keypad and the calls SIP brings. One call at a time (a second incoming
 * call is answered 486 Busy Here).
 *
 *   IDLE --off hook / speaker--> DIALLING (dial tone)
 *   DIALLING --'#' or 4 s after the last digit--> CALLING
 *   IDLE --dial URI--> CALLING (INVITE sent)
 *   CALLING --180/183--> RINGBACK (ring-back tone) --2xx--> CONNECTED
 *   IDLE --INVITE--> INCOMING (ring tone) --off hook / speaker / answer-->
 *        CONNECTED
 *   CONNECTED <--> HELD (the far end put the call on hold)
 *   CONNECTED/HELD --HOLD key / hold--> ON_HOLD (re-INVITE a=sendonly, or
 *        a=inactive when the far end holds too; RFC 3264 8.4, RFC 6337)
 *   ON_HOLD --HOLD key / resume--> CONNECTED (a=sendrecv) or HELD
 *   any call --on hook / hangup--> ENDING --> IDLE (or DIALLING/busy tone
 *        while the handset is still off hook)
 *
 * A refused or failed call leaves the reason (SIP status and text) in
 * call_status() and plays the busy (486/600) or reorder tone while the
 * handset is off hook. Digits during a call go out as RFC 4733 events, or
 * as SIP INFO when the far end did not offer telephone-event.
 *
 * No I/O of its own: the environment (struct call_env) gives the time,
 * timers, the SIP flow and identity, and the media (struct
 * call_media_ops: SDP negotiation and the media engine), so the unit test
 * drives it without a network or a sound card.
 */
#ifndef UCPHONED_CALL_CALL_H
#define UCPHONED_CALL_CALL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#include "sip/invite.h"
#include "lib/sdp/media_params.h"
#include "lib/sip/sip_msg.h"

enum call_state {
	CALL_IDLE,
	CALL_DIALLING,		/* off hook, collecting digits */
	CALL_CALLING,		/* INVITE sent */
	CALL_RINGBACK,		/* the far end rings */
	CALL_INCOMING,		/* the phone rings */
	CALL_CONNECTED,
	CALL_HELD,		/* the far end holds the call */
	CALL_ENDING,		/* BYE/CANCEL sent, waiting for the answer */
	CALL_ON_HOLD,		/* the phone holds the call */
};

enum call_timer {
	CALL_TIMER_SIP,		/* the INVITE session's timers */
	CALL_TIMER_DIGITS,	/* inter-digit timeout */
	CALL_TIMER_NOANSWER,	/* ringing long enough: forward (forward.h) */
	__CALL_TIMER_COUNT
};

/* Keys that matter to calls (the keypad driver's, or `ucphonectl press`). */
enum call_key {
	CALL_KEY_NONE,
	CALL_KEY_DIGIT,		/* with the character */
	CALL_KEY_SEND,		/* '#' */
	CALL_KEY_SPEAKER,
	CALL_KEY_OFF_HOOK,
	CALL_KEY_ON_HOOK,
	CALL_KEY_HOLD,		/* hold, or resume a held call */
	CALL_KEY_NEW_CALL,	/* NEW CALL / LINE: a second call (call_set.h) */
	/*
	 * A volume or arrow key while digits are collected: the user is
	 * choosing one of the screen's matches (ucphone-ui), which OK dials
	 * with `dial`. The 4 s inter-digit timeout stops, so the typed
	 * digits never go out under the match being chosen; another digit
	 * starts it again, '#' sends the digits, `dial` replaces them.
	 */
	CALL_KEY_CHOOSE,
};

/* Who the phone is on SIP right now (from the registration). */
struct call_identity {
	char local_na[300];	/* "<sip:alice@corp.test>" */
	char contact[512];
	char sent_by[128];	/* the flow's local end */
	char domain[256];
	char auth_user[256];
	char password[256];	/* secret: zeroed after use */
};

/* The tones the call manager asks for (media.h numbers them the same). */
enum call_tone {
	CALL_TONE_NONE,
	CALL_TONE_DIAL,
	CALL_TONE_RINGBACK,
	CALL_TONE_BUSY,
	CALL_TONE_REORDER,
	CALL_TONE_RING,
	CALL_TONE_CALL_WAITING,	/* over the call: a second call rings */
};

/*
 * The media side of one call, as the manager sees it. "why" receives a
 * short reason for the user (never key material).
 */
struct call_media_ops {
	/* Sockets and SDP state for a new call: a stream handle or NULL. */
	void *(*open)(void *mctx, char *why, size_t why_len);
	void (*close)(void *stream);
	/* The phone's offer. 0 or -errno. */
	int (*offer)(void *stream, char *sdp, size_t cap, size_t *len);
	/* The far end's answer; 0, or the status that ends the call. */
	unsigned int (*answer_received)(void *stream, const char *sdp,
					size_t len, char *why, size_t why_len);
	/* The far end's offer; 0 and the answer, or 400/488. */
	unsigned int (*offer_received)(void *stream, const char *sdp,
				       size_t len, char *ans, size_t cap,
				       size_t *alen, char *why, size_t why_len);
	/* Starts (or updates) the stream as agreed last: the direction or -errno. */
	int (*run)(void *stream);
	/* One RFC 4733 digit; -EOPNOTSUPP when none was agreed. */
	int (*dtmf)(void *stream, char digit);
	int (*tone)(void *mctx, enum call_tone tone);
	/* The direction the next offer or answer asks for (hold: SENDONLY). */
	void (*set_direction)(void *stream, enum media_dir dir);
	/* What the far end's last SDP allows (MEDIA_DIR_SENDS: it listens). */
	enum media_dir (*far_direction)(void *stream);
	/* codec, SRTP, RTCP and jitter-buffer figures for `calls` */
	struct json_object *(*describe)(void *stream);
	/* Optional: joins the stream to the phone's conference bridge or not. */
	void (*conference)(void *stream, bool on);
};

/* A call that ended (or was refused or forwarded without ringing). */
struct call_record {
	bool outgoing;
	const char *uri;		/* the far end */
	const char *display;		/* its display name, "" when none */
	uint64_t started_usec, connected_usec, ended_usec; /* connected 0: never */
	unsigned int status;		/* the final status when not answered */
	const char *reason;
	const char *forwarded_to;	/* the phone answered 302 to this URI */
};

struct forward_rules;

struct call_env {
	uint64_t (*now)(void *ctx);
	void (*arm)(void *ctx, enum call_timer t, uint64_t at_usec);
	/* Writes on the registrar's flow; -ENOTCONN when there is none. */
	int (*send)(void *ctx, const char *buf, size_t len);
	/* -ENOTCONN when not registered. */
	int (*identity)(void *ctx, struct call_identity *id);
	/* The state changed (for events and the screen). */
	void (*changed)(void *ctx);
	/* Optional: each call that ended, for the call log. */
	void (*ended)(void *ctx, const struct call_record *rec);
	/* Optional: forwarding and Do Not Disturb for incoming calls. */
	const struct forward_rules *forward;
	void *ctx;
	const struct call_media_ops *media;
	void *mctx;
	/*
	 * The far end transfers this call (a REFER to uri): start the new
	 * call; 0, or the SIP status telling the transferor it failed.
	 * NULL: refused 501.
	 */
	unsigned int (*referred)(void *ctx, const char *uri);
	/*
	 * Optional: the registration's MS-SIPAE security association while
	 * it is up, NULL otherwise: the calls' requests are signed on it.
	 */
	struct sip_auth *(*signer)(void *ctx);
};

struct call_manager;

int call_manager_new(const struct call_env *env, struct call_manager **out);
void call_manager_free(struct call_manager *cm);

/*
 * Calls target (URI, name or number; the dial plan makes it a URI).
 * 0, or -EBUSY (a call is up), -ENOTCONN (not registered), -EINVAL
 * (not dialable), with a reason in why.
 */
int call_dial(struct call_manager *cm, const char *target, char *why,
	      size_t why_len);
/*
 * As call_dial() to a SIP URI, the INVITE carrying "Replaces: replaces"
 * (RFC 3891): the transferee's call of an attended transfer.
 */
int call_dial_replacing(struct call_manager *cm, const char *uri,
			const char *replaces, char *why, size_t why_len);
int call_answer(struct call_manager *cm);	/* -ENOENT: nothing rings */
int call_hangup(struct call_manager *cm);	/* -ENOENT: no call */
/*
 * Holds the call (re-INVITE a=sendonly, a=inactive when the far end holds
 * it too) / takes it off hold (a=sendrecv). 0 (the answer completes it),
 * -ENOTCONN (no call up), -EALREADY (already so), -EBUSY (an offer is
 * still open).
 */
int call_hold(struct call_manager *cm);
int call_resume(struct call_manager *cm);
/*
 * Blind transfer (RFC 3515): REFER to target (URI, name or number); the
 * far end calls it, and once its NOTIFY says 200 the phone hangs up.
 * 0, -ENOTCONN (no call up), -EINVAL (not dialable), -EBUSY.
 */
int call_transfer(struct call_manager *cm, const char *target, char *why,
		  size_t why_len);
/* As call_transfer() to a complete SIP URI (no dial plan). */
int call_transfer_uri(struct call_manager *cm, const char *uri, char *why,
		      size_t why_len);
/* The last call ended by a transfer that succeeded. */
bool call_transferred(const struct call_manager *cm);
/*
 * The Refer-To that makes a transfer target replace this call (RFC 3891):
 * "sip:carol@corp.test?Replaces=<call-id>%3Bto-tag%3D..%3Bfrom-tag%3D..".
 * 0, -ENOTCONN, -ENOSPC.
 */
int call_replaces_uri(const struct call_manager *cm, char *out, size_t size);
/* Whether this call is the dialog a Replaces header names. */
bool call_is_dialog(const struct call_manager *cm, const char *call_id,
		    const char *to_tag, const char *from_tag);
/* m carries this line's Call-ID (the phone's own call come back to it). */
bool call_has_call_id(const struct call_manager *cm, const struct sip_msg *m);
/* Answers m (a request no call takes) with status. */
void call_refuse(struct call_manager *cm, const struct sip_msg *m,
		 unsigned int status);
/* For a REFER received: the progress of the call it made (NOTIFY). */
int call_refer_notify(struct call_manager *cm, unsigned int status,
		      const char *reason);
/*
 * Joins the call's audio to the phone's conference bridge (it hears the
 * microphone and the other joined calls) or takes it out. 0, -ENOTCONN
 * (no stream), -EOPNOTSUPP (the media cannot mix).
 */
int call_conference(struct call_manager *cm, bool on);
/* The SIP status that ended the last call (0: none). */
unsigned int call_last_status(const struct call_manager *cm);
/* Digits during a call: RFC 4733 or SIP INFO. -ENOTCONN: no call up. */
int call_dtmf(struct call_manager *cm, const char *digits);
/* A key, as the keypad driver reports it (or `ucphonectl press`). */
void call_key(struct call_manager *cm, enum call_key key, char digit);
/*
 * "0".."9", "*", "#", "speaker", "offhook", "onhook", "hold": the same as
 * call_key.
 */
int call_press(struct call_manager *cm, const char *name);

/* true when m belongs to this manager's call (its dialog or INVITE). */
bool call_owns(const struct call_manager *cm, const struct sip_msg *m);
/* true while a SIP session exists (ringing, calling, connected, ending). */
bool call_busy(const struct call_manager *cm);
/* A SIP request or response: true when it was a call's (answered here). */
bool call_sip_message(struct call_manager *cm, const struct sip_msg *m);
/* The SIP flow went down: the call ends. */
void call_flow_lost(struct call_manager *cm);
void call_timer(struct call_manager *cm, enum call_timer t);

enum call_state call_state(const struct call_manager *cm);
const char *call_state_name(enum call_state st);
/* {"state":..., "calls":[{...}], "last_error":...} for `calls` */
struct json_object *call_status(const struct call_manager *cm);

#endif /* UCPHONED_CALL_CALL_H */
