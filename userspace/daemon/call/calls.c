// SPDX-License-Identifier: GPL-2.0-only
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <linux/input-event-codes.h>

#include "call/call.h"
#include "call/call_set.h"
#include "call/calllog.h"
#include "call/calls.h"
#include "call/calls_features.h"
#include "call/forward.h"
#include "call/media_link.h"
#include "sip/signin.h"
#include "sip/register.h"
#include "sip/transaction.h"

#define SUBSYS "call"

struct calls {
	struct ucphoned *d;
	struct call_set *set;		/* the phone's lines */
	struct media_link *ml;
	struct sip_txn_layer *l;
	struct sip_register *reg;
	sd_event_source *timer[__CALL_TIMER_COUNT];
	sd_event_source *media_io;
	enum call_state last_state;
	struct calls_listener listener;
	struct forward_rules fwd;
	struct calllog *log;
	bool echo_cancel;
};

static uint64_t env_now(void *ctx)
{
	struct calls *c = ctx;
	uint64_t t = 0;

	sd_event_now(c->d->event, CLOCK_MONOTONIC, &t);
	return t;
}

static int on_timer(sd_event_source *s, uint64_t usec, void *ud)
{
	struct calls *c = ud;

	(void)usec;
	for (int i = 0; i < __CALL_TIMER_COUNT; i++)
		if (c->timer[i] == s) {
			sd_event_source_set_enabled(s, SD_EVENT_OFF);
			call_set_timer(c->set, (enum call_timer)i);
			break;
		}
	return 0;
}

static void env_arm(void *ctx, enum call_timer t, uint64_t at)
{
	struct calls *c = ctx;

	if (at == UINT64_MAX) {
		sd_event_source_set_enabled(c->timer[t], SD_EVENT_OFF);
		return;
	}
	sd_event_source_set_time(c->timer[t], at);
	sd_event_source_set_enabled(c->timer[t], SD_EVENT_ONESHOT);
}

static bool registered(const struct calls *c)
{
	enum sip_reg_state st = sip_register_state(c->reg);

	return (st == SIP_REG_REGISTERED || st == SIP_REG_REFRESHING) &&
	       sip_register_conn(c->reg) &&
	       sip_conn_state(sip_register_conn(c->reg)) == SIP_CONN_UP;
}

static int env_send(void *ctx, const char *buf, size_t len)
{
	struct calls *c = ctx;
	struct sip_conn *conn = sip_register_conn(c->reg);

	if (!conn)
		return -ENOTCONN;
	return sip_conn_send(conn, buf, len);
}

/* "10.77.0.100:40312" -> the address, for SDP's c= line */
static void local_addr(const char *hostport, struct sockaddr_storage *ss)
{
	char host[64];
	const char *colon = strrchr(hostport, ':');
	size_t n = colon ? (size_t)(colon - hostport) : strlen(hostport);
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (n && hostport[0] == '[' && hostport[n - 1] == ']') {
		hostport++;
		n -= 2;
	}
	if (n >= sizeof(host))
		return;
	memcpy(host, hostport, n);
	host[n] = '\0';
	if (inet_pton(AF_INET, host, &sin->sin_addr) == 1)
		sin->sin_family = AF_INET;
	else if (inet_pton(AF_INET6, host, &sin6->sin6_addr) == 1)
		sin6->sin6_family = AF_INET6;
}

static int env_identity(void *ctx, struct call_identity *id)
{
	struct calls *c = ctx;
	const struct sip_account *a;
	const char *local, *at;
	struct sockaddr_storage ss;

	if (!registered(c))
		return -ENOTCONN;
	a = sip_register_account(c->reg);
	local = sip_conn_local(sip_register_conn(c->reg));
	at = strchr(a->address, '@');
	snprintf(id->local_na, sizeof(id->local_na), "<sip:%s>", a->address);
	snprintf(id->contact, sizeof(id->contact), "<sip:%.*s@%s;transport=tls>",
		 at ? (int)(at - a->address) : 0, a->address, local);
	snprintf(id->sent_by, sizeof(id->sent_by), "%s", local);
	snprintf(id->domain, sizeof(id->domain), "%s", a->domain);
	snprintf(id->auth_user, sizeof(id->auth_user), "%s", a->auth_user);
	snprintf(id->password, sizeof(id->password), "%s", a->password);
	local_addr(local, &ss);
	if (ss.ss_family)
		media_link_set_local(c->ml, &ss);
	return 0;
}

static struct sip_auth *env_signer(void *ctx)
{
	struct calls *c = ctx;

	return registered(c) ? sip_register_signer(c->reg) : NULL;
}

static void env_changed(void *ctx)
{
	struct calls *c = ctx;
	struct json_object *msg, *st;
	enum call_state now = call_set_state(c->set);

	st = call_set_status(c->set);
	if (now != c->last_state)
		log_info(&c->d->log, SUBSYS, "call state",
			 LOG_STR("from", call_state_name(c->last_state)),
			 LOG_STR("to", call_state_name(now)));
	/*
	 * No call left on any line (a held or waiting call ending leaves the
	 * call up muted): the microphone is live again for the next call.
	 */
	if (now == CALL_IDLE && c->last_state != CALL_IDLE)
		media_engine_set_mute(media_link_engine(c->ml), false);
	c->last_state = now;
	msg = json_object_new_object();
	if (!msg || !st) {
		json_object_put(msg);
		json_object_put(st);
		return;
	}
	json_object_object_add(msg, "event", json_object_new_string("call"));
	json_object_object_add(msg, "call", st);
	if (c->listener.changed)
		c->listener.changed(c->listener.userdata, msg);
	json_object_put(msg);
}

/* {"event":"calllog","missed":N,"call":{the new entry}} */
static void calllog_event(struct calls *c, const struct calllog_entry *e)
{
	struct json_object *msg = json_object_new_object(), *one;

	if (!msg)
		return;
	one = calllog_entry_json(e);
	json_object_object_add(msg, "event", json_object_new_string("calllog"));
	json_object_object_add(msg, "missed",
			       json_object_new_int64(calllog_missed(c->log)));
	json_object_object_add(msg, "call", one);
	if (c->listener.changed)
		c->listener.changed(c->listener.userdata, msg);
	json_object_put(msg);
}

static void env_ended(void *ctx, const struct call_record *rec)
{
	struct calls *c = ctx;
	struct calllog_entry e;
	struct timespec ts;
	int ret;

	clock_gettime(CLOCK_REALTIME, &ts);
	calllog_entry_from_call(&e, rec, ts.tv_sec);
	ret = calllog_add(c->log, &e);
	if (ret < 0)
		log_error(&c->d->log, SUBSYS, "cannot save the call log",
			  LOG_ERRNO(ret));
	log_info(&c->d->log, SUBSYS, "call logged",
		 LOG_STR("kind", calllog_kind_name(e.kind)),
		 LOG_STR("outcome", e.outcome));
	calllog_event(c, &e);
}

static bool on_sip(void *ctx, struct sip_conn *conn, const struct sip_msg *m)
{
	struct calls *c = ctx;

	(void)conn;
	return call_set_sip_message(c->set, m);
}

static void on_conn_down(void *ctx, struct sip_conn *conn,
			 enum sip_conn_error err)
{
	struct calls *c = ctx;

	(void)err;
	if (conn == sip_register_conn(c->reg))
		call_set_flow_lost(c->set);
}

static int on_media_event(sd_event_source *s, int fd, uint32_t revents, void *ud)
{
	struct calls *c = ud;
	struct media_event ev;

	(void)s;
	(void)fd;
	(void)revents;
	while (media_engine_next_event(media_link_engine(c->ml), &ev) == 1) {
		switch (ev.type) {
		case MEDIA_EVENT_DTMF:
			/* digits a far end sends may be a PIN: never logged */
			break;
		case MEDIA_EVENT_FIRST_PACKET:
			log_info(&c->d->log, SUBSYS, "first media packet played");
			break;
		case MEDIA_EVENT_RTP_TIMEOUT:
			log_warning(&c->d->log, SUBSYS, "no media from the far end");
			break;
		case MEDIA_EVENT_STREAM_ERROR:
			log_warning(&c->d->log, SUBSYS, "media stream error",
				    LOG_ERRNO(ev.error));
			break;
		case MEDIA_EVENT_OVERFLOW:
			log_warning(&c->d->log, SUBSYS, "media events lost");
			break;
		case MEDIA_EVENT_AUDIO_RESTART:
			log_warning(&c->d->log, SUBSYS, "sound card stalled, its streams restarted",
				    LOG_ERRNO(ev.error));
			break;
		case MEDIA_EVENT_DTMF_SENT:
			break;
		}
	}
	return 0;
}

int calls_new(struct ucphoned *d, const struct calls_listener *listener,
	      struct calls **out)
{
	struct media_link_config mcfg = { 0 };
	static const struct sip_conn_watch watch = { .down = on_conn_down };
	struct call_env env;
	struct calls *c;
	int ret;

	if (!d->signin)
		return -ENODEV;
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->d = d;
	if (listener)
		c->listener = *listener;
	c->l = signin_txn_layer(d->signin);
	c->reg = signin_register(d->signin);
	snprintf(mcfg.engine.playback, sizeof(mcfg.engine.playback), "%s",
		 d->options.audio_playback);
	snprintf(mcfg.engine.capture, sizeof(mcfg.engine.capture), "%s",
		 d->options.audio_capture);
	mcfg.engine.audio_rate = d->options.audio_rate;
	snprintf(mcfg.engine.tone_country, sizeof(mcfg.engine.tone_country), "US");
	mcfg.engine.rt_priority = 10;
	mcfg.engine.srtp_mode = SRTP_FLOW_AUTO;
	mcfg.srtp = !strcmp(d->options.srtp, "off") ? SDP_SRTP_OFF :
		    !strcmp(d->options.srtp, "optional") ? SDP_SRTP_OPTIONAL :
		    SDP_SRTP_MANDATORY;
	forward_rules_init(&c->fwd);
	ret = forward_load(&c->fwd, d->state_dir_fd);
	if (ret < 0 && ret != -ENOENT)
		log_warning(&d->log, SUBSYS,
			    "forwarding rules unreadable: none in force",
			    LOG_ERRNO(ret));
	ret = calllog_new(d->state_dir_fd, &c->log);
	if (ret == -ENOMEM) {
		free(c);
		return ret;
	}
	if (ret < 0)
		log_warning(&d->log, SUBSYS,
			    "call log unreadable: set aside, starting empty",
			    LOG_ERRNO(ret));
	if (sdp_codec_list_parse(d->options.codecs, mcfg.codecs, &mcfg.n_codecs) < 0)
		sdp_codec_list_parse(SDP_CODECS_DEFAULT, mcfg.codecs, &mcfg.n_codecs);
	ret = media_link_new(&mcfg, &d->log, &c->ml);
	if (ret < 0) {
		log_error(&d->log, SUBSYS, "no media engine: calls unavailable",
			  LOG_ERRNO(ret));
		calllog_free(c->log);
		free(c);
		return ret;
	}
	env = (struct call_env){
		.now = env_now,
		.arm = env_arm,
		.send = env_send,
		.identity = env_identity,
		.signer = env_signer,
		.changed = env_changed,
		.ended = env_ended,
		.forward = &c->fwd,
		.ctx = c,
		.media = &media_link_ops,
		.mctx = c->ml,
	};
	ret = call_set_new(&env, &(struct call_set_config){
				.call_waiting = d->options.call_waiting,
			   }, &c->set);
	for (int i = 0; ret >= 0 && i < __CALL_TIMER_COUNT; i++) {
		ret = sd_event_add_time(d->event, &c->timer[i], CLOCK_MONOTONIC,
					UINT64_MAX, 1000, on_timer, c);
		if (ret >= 0)
			ret = sd_event_source_set_enabled(c->timer[i], SD_EVENT_OFF);
	}
	if (ret >= 0)
		ret = sd_event_add_io(d->event, &c->media_io,
				      media_engine_event_fd(media_link_engine(c->ml)),
				      EPOLLIN, on_media_event, c);
	if (ret >= 0)
		ret = sip_txn_watch(c->l, &watch, c);
	if (ret < 0) {
		calls_free(c);
		return ret;
	}
	sip_txn_on_call(c->l, on_sip, c);
	*out = c;
	return 0;
}

void calls_free(struct calls *c)
{
	if (!c)
		return;
	if (c->l) {
		sip_txn_on_call(c->l, NULL, NULL);
		sip_txn_unwatch(c->l, c);
	}
	call_set_free(c->set);
	for (int i = 0; i < __CALL_TIMER_COUNT; i++)
		sd_event_source_disable_unref(c->timer[i]);
	sd_event_source_disable_unref(c->media_io);
	media_link_free(c->ml);
	calllog_free(c->log);
	free(c);
}

void calls_on_event(struct calls *c, const struct ucphone_event *ev)
{
	char why[128];

	if (!c)
		return;
	if (ev->type == UCPHONE_EVENT_HOOK) {
		if (ev->hook.state == UCPHONE_HOOK_OFF)
			call_set_key(c->set, CALL_KEY_OFF_HOOK, 0);
		else if (ev->hook.state == UCPHONE_HOOK_ON)
			call_set_key(c->set, CALL_KEY_ON_HOOK, 0);
		return;
	}
	if (ev->type != UCPHONE_EVENT_KEY || !ev->key.pressed)
		return;
	switch (ev->key.code) {
	case KEY_1: case KEY_2: case KEY_3: case KEY_4: case KEY_5:
	case KEY_6: case KEY_7: case KEY_8: case KEY_9:
		call_set_key(c->set, CALL_KEY_DIGIT, (char)('1' + ev->key.code - KEY_1));
		break;
	case KEY_0:
		call_set_key(c->set, CALL_KEY_DIGIT, '0');
		break;
	case KEY_NUMERIC_STAR:
		call_set_key(c->set, CALL_KEY_DIGIT, '*');
		break;
	case KEY_NUMERIC_POUND:
		call_set_key(c->set, CALL_KEY_SEND, '#');
		break;
	case KEY_SOUND:
		call_set_key(c->set, CALL_KEY_SPEAKER, 0);
		break;
	case KEY_PAUSE:		/* HOLD */
		call_set_key(c->set, CALL_KEY_HOLD, 0);
		break;
	case KEY_FORWARD:	/* TRANSFER: a held call to the active one */
		call_set_transfer_attended(c->set, why, sizeof(why));
		break;
	case KEY_NEW:		/* NEW CALL: a second call on a free line */
		call_set_key(c->set, CALL_KEY_NEW_CALL, 0);
		break;
	case KEY_CONNECT:	/* CONFERENCE: the held call and the active one bridged */
		call_set_conference(c->set, why, sizeof(why));
		break;
	case KEY_VOLUMEUP:	/* while dialling: choosing a match on the screen */
	case KEY_VOLUMEDOWN:
	case KEY_UP:
	case KEY_DOWN:
		call_set_key(c->set, CALL_KEY_CHOOSE, 0);
		break;
	case KEY_OK:		/* a waiting call answered, or the two calls swapped */
		if (call_set_answer(c->set) == -ENOENT)
			call_set_swap(c->set);
		break;
	case KEY_LAST:
	case KEY_VOICEMAIL:
	case KEY_MICMUTE:
		calls_feature_key(c, ev->key.code);
		break;
	default:
		break;
	}
}

int calls_dial(struct calls *c, const char *target, char *why, size_t why_len)
{
	return call_set_dial(c->set, target, why, why_len);
}

int calls_answer(struct calls *c)
{
	return call_set_answer(c->set);
}

int calls_hangup(struct calls *c)
{
	return call_set_hangup(c->set);
}

int calls_dtmf(struct calls *c, const char *digits)
{
	return call_set_dtmf(c->set, digits);
}

int calls_hold(struct calls *c)
{
	return call_set_hold(c->set);
}

int calls_resume(struct calls *c)
{
	return call_set_resume(c->set);
}

int calls_transfer(struct calls *c, const char *target, char *why,
		   size_t why_len)
{
	return call_set_transfer(c->set, target, why, why_len);
}

int calls_transfer_attended(struct calls *c, char *why, size_t why_len)
{
	return call_set_transfer_attended(c->set, why, why_len);
}

int calls_swap(struct calls *c)
{
	return call_set_swap(c->set);
}

int calls_conference(struct calls *c, char *why, size_t why_len)
{
	return call_set_conference(c->set, why, why_len);
}

struct json_object *calls_status(const struct calls *c)
{
	struct json_object *o = call_set_status(c->set);

	if (o) {
		json_object_object_add(o, "media_realtime",
				       json_object_new_boolean(media_engine_realtime(
					       media_link_engine(c->ml))));
		calls_add_features(c, o);
	}
	return o;
}

/* ---- for calls_features.c ---- */

struct forward_rules *calls_forward_rules(struct calls *c)
{
	return &c->fwd;
}

struct calllog *calls_log(const struct calls *c)
{
	return c->log;
}

struct media_engine *calls_media(const struct calls *c)
{
	return media_link_engine(c->ml);
}

struct ucphoned *calls_daemon(const struct calls *c)
{
	return c->d;
}

void calls_notify(struct calls *c)
{
	env_changed(c);
}

bool calls_ringing(const struct calls *c)
{
	return c && call_set_state(c->set) == CALL_INCOMING;
}

void calls_set_echo_cancel(struct calls *c, bool on)
{
	if (!c || c->echo_cancel == on)
		return;
	if (media_engine_set_echo_cancel(media_link_engine(c->ml), on) < 0)
		return;		/* the command ring is full: tried again next event */
	c->echo_cancel = on;
}
