// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>

#include "config.h"
#include "sip/transaction.h"

#define SUBSYS "sip-txn"
#define WATCH_MAX 4
#define NOTIFY_MAX 4

struct sip_client_txn {
	struct sip_txn_layer *l;
	struct sip_client_txn *next;
	struct sip_conn *conn;		/* referenced */
	char branch[SIP_BRANCH_MAX];
	char method[32];
	sd_event_source *timer_f;
	sip_txn_cb cb;
	void *ctx;
	bool provisional;
};

struct sip_txn_layer {
	struct ucphoned *d;
	struct log *log;
	struct sip_tls_transport *tp;
	struct sip_client_txn *txns;
	struct {
		struct sip_conn_watch w;
		void *ctx;
	} watch[WATCH_MAX];
	struct {
		char event[64];
		sip_notify_cb cb;
		void *ctx;
	} notify[NOTIFY_MAX];
	sip_call_cb call_cb;
	void *call_ctx;
	uint64_t sent, answered, timeouts, stray, requests_in;
};

void sip_random_hex(char *out, size_t size, unsigned int n)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char rnd[32] = { 0 };

	if (n >= size)
		n = (unsigned int)size - 1;
	if (n > 2 * sizeof(rnd))
		n = 2 * sizeof(rnd);
	if (getrandom(rnd, (n + 1) / 2, 0) < 0)
		memset(rnd, 0x5a, sizeof(rnd));	/* getrandom cannot fail here */
	for (unsigned int i = 0; i < n; i++)
		out[i] = hex[(rnd[i / 2] >> (i % 2 ? 0 : 4)) & 0xf];
	out[n] = '\0';
}

void sip_txn_new_branch(char out[SIP_BRANCH_MAX])
{
	memcpy(out, "z9hG4bK", 7);
	sip_random_hex(out + 7, SIP_BRANCH_MAX - 7, 24);
}

static void txn_destroy(struct sip_client_txn *tx)
{
	struct sip_txn_layer *l = tx->l;

	for (struct sip_client_txn **pp = &l->txns; *pp; pp = &(*pp)->next)
		if (*pp == tx) {
			*pp = tx->next;
			break;
		}
	tx->timer_f = sd_event_source_disable_unref(tx->timer_f);
	sip_conn_unref(tx->conn);
	free(tx);
}

/* Unlinks first: the callback may start the next transaction. */
static void txn_complete(struct sip_client_txn *tx, const struct sip_msg *resp,
			 int err)
{
	sip_txn_cb cb = tx->cb;
	void *ctx = tx->ctx;

	txn_destroy(tx);
	cb(ctx, resp, err);
}

static int on_timer_f(sd_event_source *s, uint64_t usec, void *ud)
{
	struct sip_client_txn *tx = ud;

	(void)s;
	(void)usec;
	tx->l->timeouts++;
	log_warning(tx->l->log, SUBSYS, "no final answer (Timer F)",
		    LOG_STR("method", tx->method),
		    LOG_STR("host", sip_conn_host(tx->conn)));
	txn_complete(tx, NULL, -ETIMEDOUT);
	return 0;
}

int sip_txn_request(struct sip_txn_layer *l, struct sip_conn *c,
		    const char *msg, size_t len, const char *branch,
		    const char *method, sip_txn_cb cb, void *ctx,
		    struct sip_client_txn **out)
{
	struct sip_client_txn *tx = calloc(1, sizeof(*tx));
	int ret;

	if (!tx)
		return -ENOMEM;
	tx->l = l;
	snprintf(tx->branch, sizeof(tx->branch), "%s", branch);
	snprintf(tx->method, sizeof(tx->method), "%s", method);
	tx->cb = cb;
	tx->ctx = ctx;
	ret = sd_event_add_time_relative(l->d->event, &tx->timer_f,
					 CLOCK_MONOTONIC, SIP_TIMER_F_USEC,
					 100000, on_timer_f, tx);
	if (ret < 0) {
		free(tx);
		return ret;
	}
	ret = sip_conn_send(c, msg, len);
	if (ret < 0) {
		sd_event_source_disable_unref(tx->timer_f);
		free(tx);
		return ret;
	}
	sip_conn_ref(c);
	tx->conn = c;
	tx->next = l->txns;
	l->txns = tx;
	l->sent++;
	log_debug(l->log, SUBSYS, "request sent", LOG_STR("method", method),
		  LOG_STR("host", sip_conn_host(c)), LOG_STR("branch", branch));
	if (out)
		*out = tx;
	return 0;
}

void sip_txn_cancel(struct sip_txn_layer *l, struct sip_client_txn *tx)
{
	for (struct sip_client_txn *it = l->txns; it; it = it->next)
		if (it == tx) {
			txn_destroy(tx);
			return;
		}
}

void sip_txn_cancel_all(struct sip_txn_layer *l, void *ctx)
{
	struct sip_client_txn *tx = l->txns, *next;

	for (; tx; tx = next) {
		next = tx->next;
		if (tx->ctx == ctx)
			txn_destroy(tx);
	}
}

static void on_response(struct sip_txn_layer *l, struct sip_conn *c,
			const struct sip_msg *m)
{
	struct sip_str items[1], branch = { 0 };
	struct sip_via via;

	/* The top Via is ours: the first item of the first Via header. */
	if (sip_split_list(sip_msg_value(m, SIP_HDR_VIA), items, 1) < 1 ||
	    sip_parse_via(items[0], &via) ||
	    !sip_param(via.params, "branch", &branch)) {
		l->stray++;
		return;
	}
	for (struct sip_client_txn *tx = l->txns; tx; tx = tx->next) {
		if (tx->conn != c || !sip_str_eq(branch, tx->branch) ||
		    !sip_str_eq(m->cseq_method, tx->method))
			continue;
		if (m->status < 200) {
			tx->provisional = true;
			return;
		}
		l->answered++;
		txn_complete(tx, m, 0);
		return;
	}
	if (l->call_cb && l->call_cb(l->call_ctx, c, m))
		return;
	l->stray++;
	log_debug(l->log, SUBSYS, "response matches no transaction",
		  LOG_UINT("status", m->status));
}

/* Copies Via, From, To, Call-ID, CSeq from the request (RFC 3261 8.2.6.2). */
static void respond(struct sip_txn_layer *l, struct sip_conn *c,
		    const struct sip_msg *req, unsigned int status,
		    const char *reason)
{
	char buf[4096], tag[17];
	const struct sip_header *h;
	struct sip_str to = sip_msg_value(req, SIP_HDR_TO);
	struct sip_name_addr na;
	struct sip_out o;
	size_t len;

	sip_out_init(&o, buf, sizeof(buf));
	sip_out_status_line(&o, status, reason);
	for (unsigned int i = 0; (h = sip_msg_header(req, SIP_HDR_VIA, i)); i++)
		sip_out_header(&o, "Via", "%.*s", (int)h->value.len, h->value.p);
	h = sip_msg_header(req, SIP_HDR_FROM, 0);
	sip_out_header(&o, "From", "%.*s", (int)h->value.len, h->value.p);
	if (sip_parse_name_addr(to, &na) == 0 && !sip_param(na.params, "tag", NULL)) {
		sip_random_hex(tag, sizeof(tag), 16);
		sip_out_header(&o, "To", "%.*s;tag=%s", (int)to.len, to.p, tag);
	} else {
		sip_out_header(&o, "To", "%.*s", (int)to.len, to.p);
	}
	sip_out_header(&o, "Call-ID", "%.*s", (int)req->call_id.len, req->call_id.p);
	sip_out_header(&o, "CSeq", "%u %.*s", req->cseq,
		       (int)req->cseq_method.len, req->cseq_method.p);
	sip_out_header(&o, "User-Agent", "ucphone/%s", UCPHONE_VERSION);
	if (sip_str_eq(req->method, "OPTIONS")) {
		sip_out_header(&o, "Allow", l->call_cb ?
			       "INVITE, ACK, BYE, CANCEL, OPTIONS, UPDATE, INFO, NOTIFY" :
			       "OPTIONS, NOTIFY");
		sip_out_header(&o, "Accept", "application/vnd-microsoft-roaming-provisioning-v2+xml");
		sip_out_header(&o, "Supported", "gruu-10, adhoclist, msrtc-event-categories, com.microsoft.msrtc.presence");
	}
	sip_out_body(&o, NULL, NULL, 0);
	if (sip_out_finish(&o, &len) < 0) {
		log_warning(l->log, SUBSYS, "cannot answer a request (too long)",
			    LOG_UINT("status", status));
		return;
	}
	sip_conn_send(c, buf, len);
}

static bool refer_notify(const struct sip_msg *m)
{
	struct sip_str ev = sip_msg_value(m, SIP_HDR_EVENT);

	return ev.len >= 5 && !strncasecmp(ev.p, "refer", 5) &&
	       (ev.len == 5 || ev.p[5] == ';' || ev.p[5] == ' ');
}

static void on_request(struct sip_txn_layer *l, struct sip_conn *c,
		       const struct sip_msg *m)
{
	char method[32] = "?";

	l->requests_in++;
	sip_str_copy(m->method, method, sizeof(method));
	log_debug(l->log, SUBSYS, "request received", LOG_STR("method", method));
	/* NOTIFYs go by event package; a REFER's (Event: refer) is a call's */
	if (l->call_cb && !sip_str_eq(m->method, "OPTIONS") &&
	    (!sip_str_eq(m->method, "NOTIFY") || refer_notify(m)) &&
	    l->call_cb(l->call_ctx, c, m))
		return;
	if (sip_str_eq(m->method, "ACK"))
		return;
	if (sip_str_eq(m->method, "OPTIONS")) {
		respond(l, c, m, 200, "OK");
		return;
	}
	if (sip_str_eq(m->method, "NOTIFY")) {
		struct sip_str ev = sip_msg_value(m, SIP_HDR_EVENT);
		size_t n = 0;

		/* the package name, before any ;id= parameter */
		while (n < ev.len && ev.p[n] != ';' && ev.p[n] != ' ')
			n++;
		ev.len = n;
		for (int i = 0; i < NOTIFY_MAX; i++)
			if (l->notify[i].cb && sip_str_ieq(ev, l->notify[i].event)) {
				unsigned int st = l->notify[i].cb(l->notify[i].ctx, m);

				respond(l, c, m, st, st < 300 ? "OK" : "Bad Event");
				return;
			}
		respond(l, c, m, 489, "Bad Event");
		return;
	}
	respond(l, c, m, 501, "Not Implemented");
}

static void tp_message(void *ctx, struct sip_conn *c, const struct sip_msg *m)
{
	if (m->request)
		on_request(ctx, c, m);
	else
		on_response(ctx, c, m);
}

static void tp_up(void *ctx, struct sip_conn *c)
{
	struct sip_txn_layer *l = ctx;

	for (int i = 0; i < WATCH_MAX; i++)
		if (l->watch[i].w.up)
			l->watch[i].w.up(l->watch[i].ctx, c);
}

static void tp_down(void *ctx, struct sip_conn *c, enum sip_conn_error err)
{
	struct sip_txn_layer *l = ctx;
	struct sip_client_txn *tx;

	/* Transactions first, one at a time: a callback may start others. */
	for (;;) {
		for (tx = l->txns; tx && tx->conn != c; tx = tx->next)
			;
		if (!tx)
			break;
		txn_complete(tx, NULL, -ECONNRESET);
	}
	for (int i = 0; i < WATCH_MAX; i++)
		if (l->watch[i].w.down)
			l->watch[i].w.down(l->watch[i].ctx, c, err);
}

int sip_txn_watch(struct sip_txn_layer *l, const struct sip_conn_watch *w,
		  void *ctx)
{
	for (int i = 0; i < WATCH_MAX; i++)
		if (!l->watch[i].w.up && !l->watch[i].w.down) {
			l->watch[i].w = *w;
			l->watch[i].ctx = ctx;
			return 0;
		}
	return -ENOSPC;
}

void sip_txn_unwatch(struct sip_txn_layer *l, void *ctx)
{
	for (int i = 0; i < WATCH_MAX; i++)
		if (l->watch[i].ctx == ctx)
			memset(&l->watch[i], 0, sizeof(l->watch[i]));
}

int sip_txn_on_notify(struct sip_txn_layer *l, const char *event,
		      sip_notify_cb cb, void *ctx)
{
	for (int i = 0; i < NOTIFY_MAX; i++)
		if (!l->notify[i].cb || l->notify[i].ctx == ctx) {
			snprintf(l->notify[i].event, sizeof(l->notify[i].event),
				 "%s", event);
			l->notify[i].cb = cb;
			l->notify[i].ctx = ctx;
			return 0;
		}
	return -ENOSPC;
}

void sip_txn_on_call(struct sip_txn_layer *l, sip_call_cb cb, void *ctx)
{
	l->call_cb = cb;
	l->call_ctx = ctx;
}

struct sip_tls_transport *sip_txn_transport(struct sip_txn_layer *l)
{
	return l->tp;
}

int sip_txn_layer_new(struct ucphoned *d,
		      const struct sip_transport_options *opt,
		      struct sip_txn_layer **out)
{
	static const struct sip_transport_handler h = {
		.up = tp_up,
		.down = tp_down,
		.message = tp_message,
	};
	struct sip_txn_layer *l = calloc(1, sizeof(*l));
	int ret;

	if (!l)
		return -ENOMEM;
	l->d = d;
	l->log = &d->log;
	ret = sip_transport_new(d, opt, &h, l, &l->tp);
	if (ret < 0) {
		free(l);
		return ret;
	}
	*out = l;
	return 0;
}

void sip_txn_layer_free(struct sip_txn_layer *l)
{
	if (!l)
		return;
	while (l->txns)
		txn_destroy(l->txns);
	sip_transport_free(l->tp);
	free(l);
}

struct json_object *sip_txn_status(const struct sip_txn_layer *l)
{
	struct json_object *o = sip_transport_status(l->tp);
	unsigned int pending = 0;

	for (const struct sip_client_txn *tx = l->txns; tx; tx = tx->next)
		pending++;
	json_object_object_add(o, "transactions_pending", json_object_new_uint64(pending));
	json_object_object_add(o, "requests_sent", json_object_new_uint64(l->sent));
	json_object_object_add(o, "answers", json_object_new_uint64(l->answered));
	json_object_object_add(o, "timeouts", json_object_new_uint64(l->timeouts));
	json_object_object_add(o, "stray_responses", json_object_new_uint64(l->stray));
	json_object_object_add(o, "requests_received", json_object_new_uint64(l->requests_in));
	return o;
}
