// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/sip/msg_summary.h"
#include "sip/auth.h"
#include "sip/mwi.h"
#include "sip/subscribe.h"

#define SUBSYS "sip-mwi"
#define USEC 1000000ull

enum mwi_state {
	MWI_IDLE,
	MWI_SUBSCRIBING,
	MWI_AUTHENTICATING,
	MWI_ACTIVE,
	MWI_FAILED,
};

static const char *const state_names[] = {
	"idle", "subscribing", "authenticating", "active", "failed",
};

struct sip_mwi {
	struct ucphoned *d;
	struct log *log;
	struct sip_txn_layer *l;
	struct sip_register *reg;
	enum mwi_state state;
	struct sip_conn *conn;		/* referenced while subscribing */
	struct sip_client_txn *tx;
	struct sip_subscription sub;	/* the subscription's dialog */
	bool refreshing;		/* the SUBSCRIBE out is an in-dialog refresh */
	sd_event_source *timer;		/* refresh or retry */
	unsigned int expires_s;		/* granted by the last 2xx */
	struct msg_summary summary;
	bool have_summary;
	char error[160];
	uint64_t subscribes, notifies, bad_bodies;
	sip_mwi_cb cb;
	void *cb_ctx;
};

static uint64_t now_usec(struct sip_mwi *m)
{
	uint64_t now = 0;

	sd_event_now(m->d->event, CLOCK_MONOTONIC, &now);
	return now;
}

static void arm_at(struct sip_mwi *m, uint64_t usec)
{
	sd_event_source_set_time(m->timer, usec);
	sd_event_source_set_enabled(m->timer, SD_EVENT_ONESHOT);
}

static void arm(struct sip_mwi *m, unsigned int seconds)
{
	arm_at(m, now_usec(m) + seconds * USEC);
}

static void disarm(struct sip_mwi *m)
{
	sd_event_source_set_enabled(m->timer, SD_EVENT_OFF);
}

static void drop_flow(struct sip_mwi *m)
{
	if (m->tx)
		sip_txn_cancel(m->l, m->tx);
	m->tx = NULL;
	sip_conn_unref(m->conn);
	m->conn = NULL;
	sip_subscription_clear(&m->sub);
}

static void fail(struct sip_mwi *m, const char *why)
{
	drop_flow(m);
	m->state = MWI_FAILED;
	snprintf(m->error, sizeof(m->error), "%s", why);
	log_warning(m->log, SUBSYS, "voice-mail subscription failed; trying again later",
		    LOG_STR("error", why), LOG_UINT("retry_s", SIP_MWI_RETRY_S));
	arm(m, SIP_MWI_RETRY_S);
}

static struct json_object *summary_json(const struct sip_mwi *m)
{
	struct json_object *o = json_object_new_object();

	if (!o)
		return NULL;
	json_object_object_add(o, "waiting", json_object_new_boolean(m->have_summary &&
								      m->summary.waiting));
	json_object_object_add(o, "new", json_object_new_int64(m->summary.voice_new));
	json_object_object_add(o, "old", json_object_new_int64(m->summary.voice_old));
	json_object_object_add(o, "urgent_new", json_object_new_int64(m->summary.urgent_new));
	json_object_object_add(o, "urgent_old", json_object_new_int64(m->summary.urgent_old));
	if (m->summary.account[0])
		json_object_object_add(o, "account", json_object_new_string(m->summary.account));
	return o;
}

static void tell(struct sip_mwi *m)
{
	struct json_object *ev;

	if (!m->cb)
		return;
	ev = summary_json(m);
	if (!ev)
		return;
	json_object_object_add(ev, "event", json_object_new_string("mwi"));
	m->cb(m->cb_ctx, ev);
	json_object_put(ev);
}

static int send_subscribe(struct sip_mwi *m);
static void subscribe(struct sip_mwi *m);

/* A refresh's answers that end the subscription (RFC 6665 4.1.2.2), and 408. */
static bool subscription_gone(unsigned int status)
{
	return status == 404 || status == 405 || status == 408 || status == 410 ||
	       status == 416 || (status >= 480 && status <= 485) || status == 489 ||
	       status == 501 || status == 604;
}

static void on_answer(void *ctx, const struct sip_msg *r, int err)
{
	struct sip_mwi *m = ctx;
	const char *reason;
	char why[160];

	m->tx = NULL;
	/*
	 * A refresh the notifier no longer knows (481 and the other answers
	 * RFC 6665 4.1.2.2 says end the subscription) or never answered:
	 * the subscription is gone, a new one starts at once.
	 */
	if (m->refreshing && (!r || subscription_gone(r->status))) {
		log_info(m->log, SUBSYS, "voice-mail subscription lost; subscribing anew",
			 LOG_UINT("status", r ? r->status : 408));
		subscribe(m);
		return;
	}
	if (!r) {
		fail(m, err == -ETIMEDOUT ? "no answer to SUBSCRIBE" :
		     "connection lost during SUBSCRIBE");
		return;
	}
	if (r->status == 401 || r->status == 407) {
		if (sip_subscribe_challenged(&m->sub, r, &reason) < 0) {
			snprintf(why, sizeof(why), "SUBSCRIBE %s", reason);
			fail(m, why);
			return;
		}
		m->state = MWI_AUTHENTICATING;
		if (send_subscribe(m) < 0)
			fail(m, "cannot send SUBSCRIBE");
		return;
	}
	if (r->status >= 200 && r->status < 300) {
		if (sip_subscribe_verify(&m->sub, r) < 0) {
			fail(m, "SUBSCRIBE answer's signature does not verify");
			return;
		}
		if (!sip_subscription_in_dialog(&m->sub))
			sip_subscription_confirmed(&m->sub, r);
		m->expires_s = sip_subscription_granted(&m->sub, r, SIP_MWI_EXPIRES_S,
							now_usec(m));
		drop_flow(m);
		m->state = MWI_ACTIVE;
		m->error[0] = '\0';
		log_info(m->log, SUBSYS, m->refreshing ? "voice-mail subscription refreshed" :
			 "voice-mail subscription active", LOG_UINT("expires_s", m->expires_s));
		arm_at(m, m->sub.refresh_at);
		return;
	}
	snprintf(why, sizeof(why), "SUBSCRIBE answered %u", r->status);
	fail(m, why);
}

static int send_subscribe(struct sip_mwi *m)
{
	struct sip_subscribe_req req = {
		.event = SIP_MWI_EVENT, .accept = SIP_MWI_CONTENT_TYPE,
		.expires = SIP_MWI_EXPIRES_S,
	};
	int ret = sip_subscribe_send(&m->sub, &req, m->l, m->conn, m->reg,
				     on_answer, m, &m->tx);

	if (!ret)
		m->subscribes++;
	return ret;
}

/* A fresh subscription on the registration's connection. */
static void subscribe(struct sip_mwi *m)
{
	struct sip_conn *c = sip_register_conn(m->reg);

	drop_flow(m);
	disarm(m);
	m->refreshing = false;
	if (!c) {
		m->state = MWI_IDLE;
		return;
	}
	sip_conn_ref(c);
	m->conn = c;
	sip_subscription_new(&m->sub);
	m->state = MWI_SUBSCRIBING;
	if (send_subscribe(m) < 0)
		fail(m, "cannot send SUBSCRIBE");
}

/* The active subscription refreshed in its dialog (RFC 6665 4.1.2.1). */
static void refresh(struct sip_mwi *m)
{
	struct sip_conn *c = sip_register_conn(m->reg);

	drop_flow(m);
	if (!c) {
		m->state = MWI_IDLE;
		return;
	}
	sip_conn_ref(c);
	m->conn = c;
	m->refreshing = true;
	m->state = MWI_SUBSCRIBING;
	if (send_subscribe(m) < 0)
		subscribe(m);
}

static int on_timer(sd_event_source *s, uint64_t usec, void *ud)
{
	struct sip_mwi *m = ud;

	(void)s;
	(void)usec;
	if (m->state == MWI_ACTIVE && sip_subscription_in_dialog(&m->sub))
		refresh(m);
	else
		subscribe(m);
	return 0;
}

void sip_mwi_start(struct sip_mwi *m)
{
	subscribe(m);
}

void sip_mwi_reset(struct sip_mwi *m)
{
	bool had = m->have_summary && m->summary.waiting;

	drop_flow(m);
	disarm(m);
	m->state = MWI_IDLE;
	m->error[0] = '\0';
	memset(&m->summary, 0, sizeof(m->summary));
	m->have_summary = false;
	if (had)
		tell(m);
}

static bool is_summary_body(const struct sip_msg *r)
{
	struct sip_str ct = sip_msg_value(r, SIP_HDR_CONTENT_TYPE);
	size_t n = strlen(SIP_MWI_CONTENT_TYPE);

	return ct.p && ct.len >= n && !strncasecmp(ct.p, SIP_MWI_CONTENT_TYPE, n);
}

static unsigned int on_notify(void *ctx, const struct sip_msg *r)
{
	struct sip_mwi *m = ctx;
	struct msg_summary s;
	int ret;

	m->notifies++;
	if (!r->body.len)
		return 200;	/* e.g. a terminating NOTIFY */
	if (!is_summary_body(r)) {
		m->bad_bodies++;
		return 415;
	}
	ret = msg_summary_parse(r->body.p, r->body.len, &s);
	if (ret < 0) {
		m->bad_bodies++;
		log_warning(m->log, SUBSYS, "message-summary body refused",
			    LOG_UINT("bytes", r->body.len), LOG_ERRNO(ret));
		return 400;
	}
	m->summary = s;
	m->have_summary = true;
	log_info(m->log, SUBSYS, "voice mail", LOG_BOOL("waiting", s.waiting),
		 LOG_UINT("new", s.voice_new), LOG_UINT("old", s.voice_old));
	tell(m);
	return 200;
}

void sip_mwi_on_change(struct sip_mwi *m, sip_mwi_cb cb, void *ctx)
{
	m->cb = cb;
	m->cb_ctx = ctx;
}

int sip_mwi_new(struct ucphoned *d, struct sip_txn_layer *l,
		struct sip_register *reg, struct sip_mwi **out)
{
	struct sip_mwi *m = calloc(1, sizeof(*m));
	int ret;

	if (!m)
		return -ENOMEM;
	m->d = d;
	m->log = &d->log;
	m->l = l;
	m->reg = reg;
	ret = sd_event_add_time(d->event, &m->timer, CLOCK_MONOTONIC, UINT64_MAX,
				USEC, on_timer, m);
	if (ret >= 0)
		ret = sd_event_source_set_enabled(m->timer, SD_EVENT_OFF);
	if (ret >= 0)
		ret = sip_txn_on_notify(l, SIP_MWI_EVENT, on_notify, m);
	if (ret < 0) {
		sd_event_source_disable_unref(m->timer);
		free(m);
		return ret;
	}
	*out = m;
	return 0;
}

void sip_mwi_free(struct sip_mwi *m)
{
	if (!m)
		return;
	sip_txn_on_notify(m->l, SIP_MWI_EVENT, NULL, m);
	drop_flow(m);
	sd_event_source_disable_unref(m->timer);
	free(m);
}

struct json_object *sip_mwi_status(const struct sip_mwi *m)
{
	struct json_object *o = summary_json(m);

	if (!o)
		return NULL;
	json_object_object_add(o, "state", json_object_new_string(state_names[m->state]));
	if (m->error[0])
		json_object_object_add(o, "error", json_object_new_string(m->error));
	if (m->state == MWI_ACTIVE)
		json_object_object_add(o, "expires_s", json_object_new_int64(m->expires_s));
	json_object_object_add(o, "subscribes", json_object_new_uint64(m->subscribes));
	json_object_object_add(o, "notifies", json_object_new_uint64(m->notifies));
	json_object_object_add(o, "bad_bodies", json_object_new_uint64(m->bad_bodies));
	return o;
}
