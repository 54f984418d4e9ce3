// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "call/call.h"
#include "sip/dialog.h"
#include "call/dialplan.h"
#include "call/forward.h"
#include "lib/util/secret.h"

#define SDP_MAX INVITE_SDP_MAX

struct call_manager {
	struct call_env env;
	enum call_state st;
	bool offhook;		/* handset lifted or speaker on */
	bool speaker;		/* off hook through the speaker key */
	char digits[DIALPLAN_DIGITS_MAX + 1];
	size_t n_digits;
	enum call_tone tone;

	struct invite *inv;	/* the call's SIP session */
	struct invite *dead;	/* ended inside its own callback: freed after */
	void *stream;		/* its media */
	bool outgoing;
	enum media_dir dir;
	bool local_hold;	/* the phone holds the call */
	bool reoffering, hold_wanted;	/* a re-INVITE of ours is open */
	bool transferring;	/* our REFER: its outcome awaited */
	bool transferred;	/* the last call ended by a transfer */
	bool offer_in;		/* the INVITE's offer is answered, not yet run */
	bool media_up;		/* the stream runs since before the 200 */
	char remote[DIALOG_URI_MAX];
	char display[128];	/* the far end's display name (incoming) */
	char forward_uri[INVITE_REDIRECT_URI_MAX];	/* no-answer target */
	uint64_t started_usec, connected_usec;

	unsigned int last_status;
	char last_error[160];
	const char *replaces;	/* call_dial_replacing(): the next INVITE's Replaces */
};

static const char *const state_names[] = {
	[CALL_IDLE] = "idle",
	[CALL_DIALLING] = "dialling",
	[CALL_CALLING] = "calling",
	[CALL_RINGBACK] = "ringing-out",
	[CALL_INCOMING] = "ringing-in",
	[CALL_CONNECTED] = "connected",
	[CALL_HELD] = "held",
	[CALL_ENDING] = "ending",
	[CALL_ON_HOLD] = "on-hold",
};

const char *call_state_name(enum call_state st)
{
	return (unsigned int)st < sizeof(state_names) / sizeof(state_names[0]) ?
	       state_names[st] : "?";
}

/* Connected, whoever holds it. */
static bool in_call(enum call_state st)
{
	return st == CALL_CONNECTED || st == CALL_HELD || st == CALL_ON_HOLD;
}

static uint64_t now(struct call_manager *cm)
{
	return cm->env.now(cm->env.ctx);
}

static void set_tone(struct call_manager *cm, enum call_tone tone)
{
	if (cm->tone == tone)
		return;
	cm->tone = tone;
	cm->env.media->tone(cm->env.mctx, tone);
}

static void enter(struct call_manager *cm, enum call_state st)
{
	if (st != CALL_DIALLING) {
		cm->env.arm(cm->env.ctx, CALL_TIMER_DIGITS, UINT64_MAX);
		if (st != CALL_IDLE) {
			cm->n_digits = 0;
			cm->digits[0] = '\0';
		}
	}
	cm->st = st;
	cm->env.changed(cm->env.ctx);
}

static void reap(struct call_manager *cm)
{
	if (cm->dead) {
		invite_free(cm->dead);
		cm->dead = NULL;
	}
}

static void close_stream(struct call_manager *cm)
{
	if (cm->stream)
		cm->env.media->close(cm->stream);
	cm->stream = NULL;
}

/* ---- the INVITE session's environment ---- */

static uint64_t inv_now(void *ctx)
{
	return now(ctx);
}

static void inv_arm(void *ctx, uint64_t at)
{
	struct call_manager *cm = ctx;

	cm->env.arm(cm->env.ctx, CALL_TIMER_SIP, at);
}

static int inv_send(void *ctx, const char *buf, size_t len)
{
	struct call_manager *cm = ctx;

	return cm->env.send(cm->env.ctx, buf, len);
}

/* Runs the agreed stream; HELD when the far end does not both send and hear. */
static void run_media(struct call_manager *cm)
{
	int dir = cm->env.media->run(cm->stream);

	if (dir < 0) {
		snprintf(cm->last_error, sizeof(cm->last_error),
			 "media could not start");
		if (cm->inv)
			invite_hangup(cm->inv);
		return;
	}
	cm->dir = (enum media_dir)dir;
	if (in_call(cm->st))
		enter(cm, cm->local_hold ? CALL_ON_HOLD :
			  cm->dir == MEDIA_DIR_SENDRECV ? CALL_CONNECTED :
			  CALL_HELD);
}

static void record(struct call_manager *cm, const struct call_record *r)
{
	if (cm->env.ended)
		cm->env.ended(cm->env.ctx, r);
}

static void call_ended(struct call_manager *cm, unsigned int status,
		       const char *reason)
{
	bool failed = status >= 300 || cm->st == CALL_CALLING;

	cm->local_hold = cm->reoffering = cm->transferring = false;
	record(cm, &(struct call_record){
		.outgoing = cm->outgoing, .uri = cm->remote,
		.display = cm->display, .started_usec = cm->started_usec,
		.connected_usec = cm->connected_usec, .ended_usec = now(cm),
		.status = status, .reason = reason,
		.forwarded_to = status == 302 && !cm->outgoing ? cm->forward_uri : NULL,
	});
	cm->env.arm(cm->env.ctx, CALL_TIMER_NOANSWER, UINT64_MAX);
	close_stream(cm);
	cm->dead = cm->inv;
	cm->inv = NULL;
	if (status >= 300 || (failed && cm->outgoing)) {
		cm->last_status = status;
		snprintf(cm->last_error, sizeof(cm->last_error), "%s", reason);
	}
	if (cm->offhook && cm->outgoing && status >= 300)
		set_tone(cm, status == 486 || status == 600 ? CALL_TONE_BUSY :
			 CALL_TONE_REORDER);
	else
		set_tone(cm, CALL_TONE_NONE);
	enter(cm, CALL_IDLE);
}

static void inv_state(void *ctx, enum invite_state st, unsigned int status,
		      const char *reason)
{
	struct call_manager *cm = ctx;

	switch (st) {
	case INVITE_CALLING:
	case INVITE_INCOMING:
		break;
	case INVITE_EARLY:
		if (cm->st == CALL_CALLING || cm->st == CALL_RINGBACK) {
			set_tone(cm, CALL_TONE_RINGBACK);
			enter(cm, CALL_RINGBACK);
		}
		break;
	case INVITE_ANSWERED:
	case INVITE_CONFIRMED:
		if (in_call(cm->st))
			break;
		set_tone(cm, CALL_TONE_NONE);
		cm->connected_usec = now(cm);
		cm->st = CALL_CONNECTED;
		cm->last_status = 0;
		cm->last_error[0] = '\0';
		if (cm->media_up)
			cm->st = cm->dir == MEDIA_DIR_SENDRECV ? CALL_CONNECTED :
				 CALL_HELD;
		else
			run_media(cm);
		cm->env.changed(cm->env.ctx);
		break;
	case INVITE_CANCELLING:
	case INVITE_ENDING:
		set_tone(cm, CALL_TONE_NONE);
		enter(cm, CALL_ENDING);
		break;
	case INVITE_TERMINATED:
		call_ended(cm, status, reason);
		break;
	}
}

static unsigned int inv_offer(void *ctx, const char *sdp, size_t len,
			      char *ans, size_t cap, size_t *alen)
{
	struct call_manager *cm = ctx;
	char why[96] = "";
	unsigned int st;

	/* on hold, the answer stays a=sendonly (or inactive), RFC 6337 5.3 */
	if (cm->local_hold)
		cm->env.media->set_direction(cm->stream, MEDIA_DIR_SENDONLY);
	st = cm->env.media->offer_received(cm->stream, sdp, len, ans, cap, alen,
					   why, sizeof(why));
	if (st) {
		snprintf(cm->last_error, sizeof(cm->last_error), "%s", why);
		cm->last_status = st;
		return st;
	}
	/* a re-offer during the call: the stream follows at once */
	if (in_call(cm->st))
		run_media(cm);
	else
		cm->offer_in = true;
	return 0;
}

/*
 * The Warning of a refused offer (RFC 3261 20.43): 305 when no codec
 * fits, 304 when there is no RTP audio stream to take, 399 otherwise.
 */
static unsigned int inv_warning(void *ctx, char *text, size_t cap)
{
	struct call_manager *cm = ctx;

	if (!cm->last_error[0])
		return 0;
	snprintf(text, cap, "%s", cm->last_error);
	if (strstr(cm->last_error, "codec"))
		return 305;
	if (strstr(cm->last_error, "not RTP") ||
	    strstr(cm->last_error, "no audio stream"))
		return 304;
	return 399;
}

static unsigned int inv_answer(void *ctx, const char *sdp, size_t len)
{
	struct call_manager *cm = ctx;
	char why[96] = "";
	unsigned int st;

	st = cm->env.media->answer_received(cm->stream, sdp, len, why,
					    sizeof(why));
	if (st) {
		snprintf(cm->last_error, sizeof(cm->last_error), "%s", why);
		cm->last_status = st;
	}
	return st;
}

static int inv_make_offer(void *ctx, char *sdp, size_t cap, size_t *len)
{
	struct call_manager *cm = ctx;

	return cm->env.media->offer(cm->stream, sdp, cap, len);
}

/* Our re-INVITE (hold, resume) was answered or refused. */
static void inv_reoffer(void *ctx, unsigned int status)
{
	struct call_manager *cm = ctx;

	cm->reoffering = false;
	if (status >= 200 && status < 300) {
		cm->local_hold = cm->hold_wanted;
		run_media(cm);
		return;
	}
	cm->env.media->set_direction(cm->stream, cm->local_hold ?
				     MEDIA_DIR_SENDONLY : MEDIA_DIR_SENDRECV);
	cm->last_status = status;
	snprintf(cm->last_error, sizeof(cm->last_error), "%s refused (%u)",
		 cm->hold_wanted ? "hold" : "resume", status);
	cm->env.changed(cm->env.ctx);
}

/* Our REFER's progress: 2xx hangs up (transferred), a failure stays. */
static void inv_transfer(void *ctx, unsigned int status, bool done)
{
	struct call_manager *cm = ctx;

	if (!cm->transferring || !done)
		return;
	cm->transferring = false;
	if (status >= 200 && status < 300) {
		cm->transferred = true;
		snprintf(cm->last_error, sizeof(cm->last_error), "transferred");
		cm->last_status = 0;
		if (cm->inv)
			invite_hangup(cm->inv);
		return;
	}
	cm->last_status = status;
	snprintf(cm->last_error, sizeof(cm->last_error), "transfer failed (%u)",
		 status);
	cm->env.changed(cm->env.ctx);
}

static unsigned int inv_referred(void *ctx, const char *uri)
{
	struct call_manager *cm = ctx;

	if (!cm->env.referred)
		return 501;
	return cm->env.referred(cm->env.ctx, uri);
}

static struct sip_auth *inv_signer(void *ctx)
{
	struct call_manager *cm = ctx;

	return cm->env.signer ? cm->env.signer(cm->env.ctx) : NULL;
}

static const struct invite_ops inv_ops = {
	.now = inv_now,
	.arm = inv_arm,
	.send = inv_send,
	.state = inv_state,
	.offer = inv_offer,
	.answer = inv_answer,
	.make_offer = inv_make_offer,
	.reoffer = inv_reoffer,
	.transfer = inv_transfer,
	.referred = inv_referred,
	.warning = inv_warning,
	.signer = inv_signer,
};

static void invite_cfg(const struct call_identity *id, struct invite_config *c)
{
	*c = (struct invite_config){
		.local_na = id->local_na,
		.contact = id->contact,
		.sent_by = id->sent_by,
		.user_agent = "ucphone",
		.auth_user = id->auth_user,
		.password = id->password,
		.session_expires = INVITE_SESSION_EXPIRES,
	};
}

/* ---- user actions ---- */

int call_dial(struct call_manager *cm, const char *target, char *why,
	      size_t why_len)
{
	struct call_identity *id;
	struct invite_config cfg;
	char uri[DIALOG_URI_MAX], *sdp = NULL;
	size_t sdp_len = 0;
	int ret;

	if (cm->inv || (cm->st != CALL_IDLE && cm->st != CALL_DIALLING)) {
		snprintf(why, why_len, "a call is already up");
		return -EBUSY;
	}
	id = calloc(1, sizeof(*id));
	sdp = malloc(SDP_MAX);
	if (!id || !sdp) {
		ret = -ENOMEM;
		snprintf(why, why_len, "out of memory");
		goto out;
	}
	ret = cm->env.identity(cm->env.ctx, id);
	if (ret < 0) {
		snprintf(why, why_len, "not signed in (no registration)");
		goto out;
	}
	ret = dialplan_uri(target, id->domain, uri, sizeof(uri));
	if (ret < 0) {
		snprintf(why, why_len, "cannot dial that: %s",
			 ret == -ENXIO ? "no SIP domain" : "not a number, name or SIP URI");
		goto out;
	}
	cm->stream = cm->env.media->open(cm->env.mctx, why, why_len);
	if (!cm->stream) {
		ret = -EIO;
		goto out;
	}
	ret = cm->env.media->offer(cm->stream, sdp, SDP_MAX, &sdp_len);
	if (ret < 0) {
		snprintf(why, why_len, "cannot make the SDP offer");
		close_stream(cm);
		goto out;
	}
	invite_cfg(id, &cfg);
	cfg.replaces = cm->replaces;
	cm->outgoing = true;
	cm->offer_in = cm->media_up = false;
	cm->display[0] = '\0';
	cm->started_usec = now(cm);
	cm->connected_usec = 0;
	snprintf(cm->remote, sizeof(cm->remote), "%s", uri);
	ret = invite_new_outgoing(&cfg, &inv_ops, cm, uri, sdp, sdp_len, &cm->inv);
	if (ret < 0) {
		snprintf(why, why_len, "cannot send the INVITE");
		close_stream(cm);
		goto out;
	}
	cm->last_status = 0;
	cm->last_error[0] = '\0';
	set_tone(cm, CALL_TONE_NONE);
	enter(cm, CALL_CALLING);
out:
	if (sdp)
		secret_zero(sdp, SDP_MAX);
	free(sdp);
	if (id)
		secret_zero(id, sizeof(*id));
	free(id);
	return ret;
}

int call_dial_replacing(struct call_manager *cm, const char *uri,
			const char *replaces, char *why, size_t why_len)
{
	int ret;

	cm->replaces = replaces;
	ret = call_dial(cm, uri, why, why_len);
	cm->replaces = NULL;
	return ret;
}

int call_answer(struct call_manager *cm)
{
	int ret;

	if (cm->st != CALL_INCOMING || !cm->inv)
		return -ENOENT;
	/*
	 * An offer that came with the INVITE: its stream must start before
	 * the 200 says yes, or the answer is 488 (not 200 and a BYE).
	 */
	if (cm->offer_in && !cm->media_up) {
		int dir = cm->env.media->run(cm->stream);

		if (dir < 0) {
			snprintf(cm->last_error, sizeof(cm->last_error),
				 "media could not start");
			invite_reject(cm->inv, 488);
			reap(cm);
			cm->last_status = 488;
			snprintf(cm->last_error, sizeof(cm->last_error),
				 "media could not start");
			return dir;
		}
		cm->dir = (enum media_dir)dir;
		cm->media_up = true;
	}
	ret = invite_accept(cm->inv);
	reap(cm);
	return ret;
}

int call_hangup(struct call_manager *cm)
{
	int ret;

	if (!cm->inv) {
		if (cm->st == CALL_DIALLING) {
			set_tone(cm, CALL_TONE_NONE);
			enter(cm, CALL_IDLE);
			return 0;
		}
		return -ENOENT;
	}
	ret = invite_hangup(cm->inv);
	reap(cm);
	return ret == -EALREADY ? 0 : ret;
}

/* A re-INVITE offering dir: hold (SENDONLY/INACTIVE) or resume (SENDRECV). */
static int reoffer(struct call_manager *cm, enum media_dir dir, bool hold)
{
	char *sdp;
	size_t len = 0;
	int ret;

	if (cm->reoffering)
		return -EBUSY;
	sdp = malloc(SDP_MAX);
	if (!sdp)
		return -ENOMEM;
	cm->env.media->set_direction(cm->stream, dir);
	ret = cm->env.media->offer(cm->stream, sdp, SDP_MAX, &len);
	if (ret == 0)
		ret = invite_reoffer(cm->inv, sdp, len);
	secret_zero(sdp, SDP_MAX);
	free(sdp);
	if (ret < 0) {
		cm->env.media->set_direction(cm->stream, cm->local_hold ?
					     MEDIA_DIR_SENDONLY : MEDIA_DIR_SENDRECV);
		return ret;
	}
	cm->reoffering = true;
	cm->hold_wanted = hold;
	cm->env.changed(cm->env.ctx);
	return 0;
}

int call_hold(struct call_manager *cm)
{
	enum media_dir far;

	if (!cm->inv || !in_call(cm->st))
		return -ENOTCONN;
	if (cm->local_hold)
		return -EALREADY;
	/* held by the far end already: inactive, else sendonly */
	far = cm->env.media->far_direction(cm->stream);
	return reoffer(cm, MEDIA_DIR_SENDS(far) ? MEDIA_DIR_SENDONLY :
		       MEDIA_DIR_INACTIVE, true);
}

int call_conference(struct call_manager *cm, bool on)
{
	if (!cm->stream)
		return -ENOTCONN;
	if (!cm->env.media->conference)
		return -EOPNOTSUPP;
	cm->env.media->conference(cm->stream, on);
	return 0;
}

int call_resume(struct call_manager *cm)
{
	if (!cm->inv || !in_call(cm->st))
		return -ENOTCONN;
	if (!cm->local_hold)
		return -EALREADY;
	return reoffer(cm, MEDIA_DIR_SENDRECV, false);
}

int call_transfer(struct call_manager *cm, const char *target, char *why,
		  size_t why_len)
{
	struct call_identity *id;
	char uri[DIALOG_URI_MAX];
	int ret;

	if (!cm->inv || !in_call(cm->st)) {
		snprintf(why, why_len, "no call is connected");
		return -ENOTCONN;
	}
	id = calloc(1, sizeof(*id));
	if (!id)
		return -ENOMEM;
	ret = cm->env.identity(cm->env.ctx, id);
	if (ret == 0)
		ret = dialplan_uri(target, id->domain, uri, sizeof(uri));
	secret_zero(id, sizeof(*id));
	free(id);
	if (ret < 0) {
		snprintf(why, why_len, "cannot transfer to that: not a number, name or SIP URI");
		return -EINVAL;
	}
	return call_transfer_uri(cm, uri, why, why_len);
}

int call_transfer_uri(struct call_manager *cm, const char *uri, char *why,
		      size_t why_len)
{
	int ret;

	if (!cm->inv || !in_call(cm->st)) {
		snprintf(why, why_len, "no call is connected");
		return -ENOTCONN;
	}
	ret = invite_refer(cm->inv, uri);
	if (ret < 0) {
		snprintf(why, why_len, "%s", ret == -EBUSY ? "a transfer is under way" :
			 "cannot send the REFER");
		return ret;
	}
	cm->transferring = true;
	cm->transferred = false;
	cm->env.changed(cm->env.ctx);
	return 0;
}

bool call_transferred(const struct call_manager *cm)
{
	return cm->transferred;
}

/* RFC 3986 escaping of the Replaces value inside a URI header. */
static size_t escape(const char *s, char *out, size_t size)
{
	size_t n = 0;

	for (; *s && n + 4 < size; s++) {
		if (strchr(";=?&%@ \"<>", *s))
			n += (size_t)snprintf(out + n, size - n, "%%%02X", (unsigned char)*s);
		else
			out[n++] = *s;
	}
	out[n] = '\0';
	return n;
}

int call_replaces_uri(const struct call_manager *cm, char *out, size_t size)
{
	char value[3 * DIALOG_URI_MAX], esc[3 * sizeof(value)];
	struct sip_name_addr na;
	const char *remote;
	int n;

	if (!cm->inv || !in_call(cm->st))
		return -ENOTCONN;
	remote = invite_remote(cm->inv);
	if (!cm->outgoing) {
		/* the caller's From: its URI */
		if (sip_parse_name_addr((struct sip_str){ remote, strlen(remote) }, &na) < 0)
			return -EINVAL;
	} else {
		na.uri = (struct sip_str){ remote, strlen(remote) };
	}
	snprintf(value, sizeof(value), "%s;to-tag=%s;from-tag=%s",
		 invite_call_id(cm->inv), invite_remote_tag(cm->inv),
		 invite_local_tag(cm->inv));
	escape(value, esc, sizeof(esc));
	n = snprintf(out, size, "%.*s?Replaces=%s", (int)na.uri.len, na.uri.p, esc);
	return n < 0 || (size_t)n >= size ? -ENOSPC : 0;
}

bool call_is_dialog(const struct call_manager *cm, const char *call_id,
		    const char *to_tag, const char *from_tag)
{
	return cm->inv && !strcmp(invite_call_id(cm->inv), call_id) &&
	       !strcmp(invite_local_tag(cm->inv), to_tag) &&
	       !strcmp(invite_remote_tag(cm->inv), from_tag);
}

bool call_has_call_id(const struct call_manager *cm, const struct sip_msg *m)
{
	return cm->inv && sip_str_eq(m->call_id, invite_call_id(cm->inv));
}

int call_refer_notify(struct call_manager *cm, unsigned int status,
		      const char *reason)
{
	if (!cm->inv)
		return -ENOTCONN;
	return invite_refer_notify(cm->inv, status, reason);
}

unsigned int call_last_status(const struct call_manager *cm)
{
	return cm->last_status;
}

static int send_digit(struct call_manager *cm, char d)
{
	int ret = cm->env.media->dtmf(cm->stream, d);

	if (ret == -EOPNOTSUPP)
		ret = invite_send_info_dtmf(cm->inv, d, 160);
	return ret;
}

int call_dtmf(struct call_manager *cm, const char *digits)
{
	if (!cm->inv || !in_call(cm->st))
		return -ENOTCONN;
	for (const char *p = digits; *p; p++)
		if (!strchr("0123456789*#ABCD", *p))
			return -EINVAL;
	for (const char *p = digits; *p; p++) {
		int ret = send_digit(cm, *p);

		if (ret < 0)
			return ret;
	}
	return 0;
}

static void dial_collected(struct call_manager *cm)
{
	char why[128];

	if (!cm->n_digits)
		return;
	if (call_dial(cm, cm->digits, why, sizeof(why)) < 0) {
		cm->last_status = 0;
		snprintf(cm->last_error, sizeof(cm->last_error), "%s", why);
		cm->n_digits = 0;
		cm->digits[0] = '\0';
		set_tone(cm, cm->offhook ? CALL_TONE_REORDER : CALL_TONE_NONE);
		enter(cm, CALL_IDLE);
	}
}

static void off_hook(struct call_manager *cm)
{
	cm->offhook = true;
	if (cm->st == CALL_INCOMING) {
		call_answer(cm);
		return;
	}
	if (cm->st == CALL_IDLE) {
		set_tone(cm, cm->n_digits ? CALL_TONE_NONE : CALL_TONE_DIAL);
		enter(cm, CALL_DIALLING);
		if (cm->n_digits)
			dial_collected(cm);
	}
}

static void on_hook(struct call_manager *cm)
{
	cm->offhook = false;
	cm->speaker = false;
	if (cm->inv && cm->st != CALL_INCOMING) {
		call_hangup(cm);
		return;
	}
	if (cm->st == CALL_DIALLING) {
		cm->n_digits = 0;
		cm->digits[0] = '\0';
		enter(cm, CALL_IDLE);
	}
	if (cm->st != CALL_INCOMING)
		set_tone(cm, CALL_TONE_NONE);
}

void call_key(struct call_manager *cm, enum call_key key, char digit)
{
	switch (key) {
	case CALL_KEY_NONE:
	case CALL_KEY_NEW_CALL:		/* the lines' (call_set.c) */
		break;
	case CALL_KEY_CHOOSE:
		if (cm->st == CALL_DIALLING && cm->n_digits)
			cm->env.arm(cm->env.ctx, CALL_TIMER_DIGITS, UINT64_MAX);
		break;
	case CALL_KEY_OFF_HOOK:
		/*
		 * The handset lifted takes a hands-free call over: the speaker
		 * key then moves the audio (device/audio.c) and ends nothing.
		 */
		cm->speaker = false;
		off_hook(cm);
		break;
	case CALL_KEY_ON_HOOK:
		on_hook(cm);
		break;
	case CALL_KEY_SPEAKER:
		if (cm->speaker && cm->offhook) {
			on_hook(cm);
		} else if (!cm->offhook || cm->st == CALL_INCOMING) {
			cm->speaker = true;
			off_hook(cm);
		}
		break;
	case CALL_KEY_HOLD:
		if (cm->local_hold)
			call_resume(cm);
		else
			call_hold(cm);
		break;
	case CALL_KEY_SEND:
		digit = '#';
		/* fall through */
	case CALL_KEY_DIGIT:
		if (in_call(cm->st)) {
			char s[2] = { digit, '\0' };

			call_dtmf(cm, s);
			break;
		}
		if (cm->st != CALL_IDLE && cm->st != CALL_DIALLING)
			break;
		if (digit == '#') {
			if (cm->st == CALL_DIALLING || cm->offhook)
				dial_collected(cm);
			break;
		}
		if (!dialplan_is_digit(digit) || cm->n_digits >= DIALPLAN_DIGITS_MAX)
			break;
		cm->digits[cm->n_digits++] = digit;
		cm->digits[cm->n_digits] = '\0';
		set_tone(cm, CALL_TONE_NONE);
		if (cm->st == CALL_IDLE) {
			if (!cm->offhook) {
				/* on-hook dialling: lifting the handset sends */
				cm->env.changed(cm->env.ctx);
				break;
			}
			enter(cm, CALL_DIALLING);
		}
		cm->env.arm(cm->env.ctx, CALL_TIMER_DIGITS,
			    now(cm) + DIALPLAN_INTERDIGIT_USEC);
		cm->env.changed(cm->env.ctx);
		break;
	}
	reap(cm);
}

int call_press(struct call_manager *cm, const char *name)
{
	if (strlen(name) == 1 && (dialplan_is_digit(name[0]) || name[0] == '#')) {
		call_key(cm, name[0] == '#' ? CALL_KEY_SEND : CALL_KEY_DIGIT, name[0]);
		return 0;
	}
	if (!strcmp(name, "speaker"))
		call_key(cm, CALL_KEY_SPEAKER, 0);
	else if (!strcmp(name, "offhook"))
		call_key(cm, CALL_KEY_OFF_HOOK, 0);
	else if (!strcmp(name, "onhook"))
		call_key(cm, CALL_KEY_ON_HOOK, 0);
	else if (!strcmp(name, "hold"))
		call_key(cm, CALL_KEY_HOLD, 0);
	else
		return -EINVAL;
	return 0;
}

/* ---- SIP ---- */

static bool has_to_tag(const struct sip_msg *m)
{
	struct sip_name_addr na;

	return sip_parse_name_addr(sip_msg_value(m, SIP_HDR_TO), &na) == 0 &&
	       sip_param(na.params, "tag", NULL);
}

/* A NOTIFY about a REFER (other NOTIFYs are not the calls'). */
static bool is_refer_notify(const struct sip_msg *m)
{
	struct sip_str ev = sip_msg_value(m, SIP_HDR_EVENT);

	return sip_str_eq(m->method, "NOTIFY") && ev.len >= 5 &&
	       !strncasecmp(ev.p, "refer", 5);
}

static void refuse(struct call_manager *cm, const struct sip_msg *m,
		   unsigned int status)
{
	struct call_identity id = { 0 };
	struct invite_config cfg;

	if (cm->env.identity(cm->env.ctx, &id) < 0) {
		snprintf(id.local_na, sizeof(id.local_na), "<sip:unknown.invalid>");
		snprintf(id.contact, sizeof(id.contact), "<sip:unknown.invalid>");
	}
	invite_cfg(&id, &cfg);
	invite_refuse(&cfg, &inv_ops, cm, m, status);
	secret_zero(&id, sizeof(id));
}

void call_refuse(struct call_manager *cm, const struct sip_msg *m,
		 unsigned int status)
{
	refuse(cm, m, status);
}

/* The caller's display name and URI, from From. */
static void caller(const struct sip_msg *m, char *name, size_t name_cap,
		   char *uri, size_t uri_cap)
{
	struct sip_name_addr na;

	name[0] = uri[0] = '\0';
	if (sip_parse_name_addr(sip_msg_value(m, SIP_HDR_FROM), &na) == 0) {
		sip_str_copy(na.display, name, name_cap);
		sip_str_copy(na.uri, uri, uri_cap);
	}
}

/*
 * Forwarding and Do Not Disturb: true when the call was answered here
 * (302 or 486) and logged; else it rings, with the no-answer target in
 * cm->forward_uri and *noanswer_s set when one applies.
 */
static bool route_incoming(struct call_manager *cm, const struct sip_msg *m,
			   const struct call_identity *id, bool busy,
			   unsigned int *noanswer_s)
{
	char name[128], from[DIALOG_URI_MAX], uri[INVITE_REDIRECT_URI_MAX] = "";
	struct invite_config cfg;
	enum forward_action act = busy ? FORWARD_REFUSE : FORWARD_RING;
	const char *target = NULL;
	unsigned int status;

	*noanswer_s = 0;
	if (cm->env.forward)
		act = forward_decide(cm->env.forward, busy, &target, noanswer_s);
	if (target && dialplan_uri(target, id->domain, uri, sizeof(uri)) < 0) {
		/* a target the domain cannot complete: ring (or busy) */
		act = busy ? FORWARD_REFUSE : FORWARD_RING;
		*noanswer_s = 0;
		uri[0] = '\0';
	}
	if (act == FORWARD_RING) {
		snprintf(cm->forward_uri, sizeof(cm->forward_uri), "%s", uri);
		return false;
	}
	invite_cfg(id, &cfg);
	status = act == FORWARD_REDIRECT ? 302 : 486;
	if (status == 302)
		invite_refuse_redirect(&cfg, &inv_ops, cm, m, uri);
	else
		invite_refuse(&cfg, &inv_ops, cm, m, 486);
	caller(m, name, sizeof(name), from, sizeof(from));
	record(cm, &(struct call_record){
		.uri = from, .display = name, .started_usec = now(cm),
		.ended_usec = now(cm), .status = status,
		.reason = status == 302 ? "Moved Temporarily" : "Busy Here",
		.forwarded_to = status == 302 ? uri : NULL,
	});
	return true;
}

/* An INVITE with Replaces takes over a call: never forwarded nor refused. */
static bool replaces_call(const struct sip_msg *m)
{
	for (unsigned int i = 0; i < m->n_hdr; i++)
		if (sip_str_ieq(m->hdr[i].name, "Replaces"))
			return true;
	return false;
}

static void incoming(struct call_manager *cm, const struct sip_msg *m)
{
	struct call_identity *id;
	struct invite_config cfg;
	char why[96] = "";
	unsigned int noanswer_s = 0;
	bool busy = cm->inv || cm->st != CALL_IDLE;
	int ret;

	id = calloc(1, sizeof(*id));
	if (!id || cm->env.identity(cm->env.ctx, id) < 0) {
		free(id);
		refuse(cm, m, busy ? 486 : 480);
		return;
	}
	if (!replaces_call(m) && route_incoming(cm, m, id, busy, &noanswer_s))
		goto out;
	invite_cfg(id, &cfg);
	cm->stream = cm->env.media->open(cm->env.mctx, why, sizeof(why));
	if (!cm->stream) {
		snprintf(cm->last_error, sizeof(cm->last_error), "%s", why);
		invite_refuse(&cfg, &inv_ops, cm, m, 480);
		goto out;
	}
	cm->outgoing = false;
	cm->offer_in = cm->media_up = false;
	ret = invite_new_incoming(&cfg, &inv_ops, cm, m, &cm->inv);
	if (ret < 0) {
		cm->inv = NULL;
		close_stream(cm);
		goto out;
	}
	cm->started_usec = now(cm);
	cm->connected_usec = 0;
	snprintf(cm->remote, sizeof(cm->remote), "%s", invite_remote(cm->inv));
	caller(m, cm->display, sizeof(cm->display), why, sizeof(why));
	cm->last_status = 0;
	cm->last_error[0] = '\0';
	set_tone(cm, CALL_TONE_RING);
	enter(cm, CALL_INCOMING);
	if (noanswer_s)
		cm->env.arm(cm->env.ctx, CALL_TIMER_NOANSWER,
			    now(cm) + noanswer_s * 1000000ull);
	/* the handset already lifted (or the speaker on) answers at once */
	if (cm->offhook)
		call_answer(cm);
out:
	secret_zero(id, sizeof(*id));
	free(id);
}

bool call_owns(const struct call_manager *cm, const struct sip_msg *m)
{
	return cm->inv && invite_matches(cm->inv, m);
}

bool call_busy(const struct call_manager *cm)
{
	return cm->inv != NULL;
}

bool call_sip_message(struct call_manager *cm, const struct sip_msg *m)
{
	bool mine = false;

	if (cm->inv && invite_matches(cm->inv, m)) {
		invite_message(cm->inv, m);
		mine = true;
	} else if (m->request && sip_str_eq(m->method, "INVITE") &&
		   !has_to_tag(m)) {
		incoming(cm, m);
		mine = true;
	} else if (m->request &&
		   (sip_str_eq(m->method, "BYE") || sip_str_eq(m->method, "CANCEL") ||
		    sip_str_eq(m->method, "UPDATE") || sip_str_eq(m->method, "INFO") ||
		    sip_str_eq(m->method, "PRACK") || sip_str_eq(m->method, "REFER") ||
		    is_refer_notify(m) ||
		    (sip_str_eq(m->method, "INVITE") && has_to_tag(m)))) {
		refuse(cm, m, 481);
		mine = true;
	} else if (m->request && sip_str_eq(m->method, "ACK")) {
		mine = true;	/* the ACK of a refused INVITE: nothing to do */
	}
	reap(cm);
	return mine;
}

void call_flow_lost(struct call_manager *cm)
{
	if (!cm->inv)
		return;
	/* nothing more can be sent: the session just ends */
	cm->local_hold = cm->reoffering = cm->transferring = false;
	close_stream(cm);
	invite_free(cm->inv);
	cm->inv = NULL;
	cm->last_status = 0;
	snprintf(cm->last_error, sizeof(cm->last_error),
		 "connection to the server lost");
	set_tone(cm, cm->offhook ? CALL_TONE_REORDER : CALL_TONE_NONE);
	cm->env.arm(cm->env.ctx, CALL_TIMER_SIP, UINT64_MAX);
	enter(cm, CALL_IDLE);
}

void call_timer(struct call_manager *cm, enum call_timer t)
{
	if (t == CALL_TIMER_SIP && cm->inv)
		invite_timer(cm->inv);
	else if (t == CALL_TIMER_DIGITS && cm->st == CALL_DIALLING)
		dial_collected(cm);
	else if (t == CALL_TIMER_NOANSWER && cm->st == CALL_INCOMING &&
		 cm->inv && cm->forward_uri[0])
		invite_redirect(cm->inv, cm->forward_uri);
	reap(cm);
}

/* ---- life and status ---- */

int call_manager_new(const struct call_env *env, struct call_manager **out)
{
	struct call_manager *cm = calloc(1, sizeof(*cm));

	if (!cm)
		return -ENOMEM;
	cm->env = *env;
	cm->dir = MEDIA_DIR_INACTIVE;
	*out = cm;
	return 0;
}

void call_manager_free(struct call_manager *cm)
{
	if (!cm)
		return;
	reap(cm);
	if (cm->inv) {
		/* a call still up: BYE or CANCEL, without waiting for the answer */
		invite_hangup(cm->inv);
		reap(cm);
		invite_free(cm->inv);
	}
	close_stream(cm);
	free(cm);
}

enum call_state call_state(const struct call_manager *cm)
{
	return cm->st;
}

/* "hold": who holds the call ("phone", "far end", "both"), when anyone does. */
static void call_status_hold(const struct call_manager *cm, struct json_object *c)
{
	bool far = !MEDIA_DIR_SENDS(cm->env.media->far_direction(cm->stream));
	const char *who = cm->local_hold ? (far ? "both" : "phone") :
			  far ? "far end" : NULL;

	if (who)
		json_object_object_add(c, "hold", json_object_new_string(who));
	if (cm->reoffering)
		json_object_object_add(c, "pending", json_object_new_string(cm->hold_wanted ?
						       "hold" : "resume"));
	if (cm->transferring)
		json_object_object_add(c, "transfer", json_object_new_string("in progress"));
}

struct json_object *call_status(const struct call_manager *cm)
{
	struct json_object *o = json_object_new_object();
	struct json_object *calls = json_object_new_array();
	struct call_manager *mcm = (struct call_manager *)cm;

	if (!o || !calls) {
		json_object_put(o);
		json_object_put(calls);
		return NULL;
	}
	json_object_object_add(o, "state", json_object_new_string(call_state_name(cm->st)));
	json_object_object_add(o, "off_hook", json_object_new_boolean(cm->offhook));
	if (cm->n_digits)
		json_object_object_add(o, "digits", json_object_new_string(cm->digits));
	if (cm->last_error[0] || cm->last_status) {
		json_object_object_add(o, "last_error", json_object_new_string(cm->last_error));
		json_object_object_add(o, "last_status", json_object_new_uint64(cm->last_status));
	}
	if (cm->inv) {
		struct json_object *c = NULL;
		uint64_t t = now(mcm);

		if (cm->stream && in_call(cm->st))
			c = cm->env.media->describe(cm->stream);
		if (!c)
			c = json_object_new_object();
		json_object_object_add(c, "state", json_object_new_string(call_state_name(cm->st)));
		json_object_object_add(c, "direction",
				       json_object_new_string(cm->outgoing ? "outgoing" : "incoming"));
		json_object_object_add(c, "far_end", json_object_new_string(cm->remote));
		json_object_object_add(c, "sip_state",
				       json_object_new_string(invite_state_name(invite_state(cm->inv))));
		json_object_object_add(c, "call_id", json_object_new_string(invite_call_id(cm->inv)));
		if (in_call(cm->st))
			call_status_hold(cm, c);
		if (cm->connected_usec) {
			json_object_object_add(c, "connected_s",
					       json_object_new_uint64((t - cm->connected_usec) / 1000000));
			/* INVITE sent (or received) to 200 OK */
			json_object_object_add(c, "setup_ms",
					       json_object_new_uint64((cm->connected_usec -
								       cm->started_usec) / 1000));
		}
		if (invite_session_expires(cm->inv)) {
			json_object_object_add(c, "session_expires_s",
					       json_object_new_uint64(invite_session_expires(cm->inv)));
			json_object_object_add(c, "session_refresher",
					       json_object_new_string(invite_refresher(cm->inv) ? "phone" : "far end"));
		}
		json_object_array_add(calls, c);
	}
	json_object_object_add(o, "calls", calls);
	return o;
}
