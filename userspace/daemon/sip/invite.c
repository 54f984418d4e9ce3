// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>

#include "sip/dialog.h"
#include "sip/invite.h"
#include "lib/sip/sip_rack.h"
#include "lib/sip/sipfrag.h"
#include "lib/sip/sip_uri_headers.h"
#include "lib/util/random_hex.h"
#include "lib/util/secret.h"
#include "sip/auth.h"

#define NICT_MAX 4
#define FORKS_MAX 4
#define OUT_MAX (INVITE_SDP_MAX + 4096)
#define ALLOW "INVITE, ACK, BYE, CANCEL, OPTIONS, UPDATE, INFO, NOTIFY, REFER, PRACK"
#define BRANCH_MAX 40

/*
 * A far end the INVITE forked to (RFC 3261 13.2.2.4), by its To tag: the
 * last reliable provisional PRACKed (RFC 3262 4), and whether its 2xx
 * lost to an earlier one and was ACKed and BYEd.
 */
struct fork {
	char tag[64];
	uint32_t rseq;
	bool rseq_set, byed;
};

/* An in-dialog non-INVITE request of ours awaiting its final answer. */
struct nict {
	bool active;
	char method[12];
	char branch[BRANCH_MAX];
	uint32_t cseq;
	uint64_t deadline;	/* Timer F */
};

struct invite {
	struct invite_ops ops;
	void *ctx;
	char local_na[DIALOG_URI_MAX], contact[DIALOG_URI_MAX];
	char sent_by[128], ua[64];
	char auth_user[256], password[256];
	bool outgoing;
	enum invite_state st;
	struct sip_dialog dl;
	char target[DIALOG_URI_MAX];
	char replaces[DIALOG_URI_MAX];	/* the new call takes over this dialog */

	/* the initial INVITE's client side */
	char inv_branch[BRANCH_MAX];
	uint32_t inv_cseq;
	uint64_t timer_b;		/* no final answer by then: give up */
	bool provisional, cancel_pending, auth_tried, got_answer;
	struct sip_auth auth;
	char *ack;			/* the ACK to the 2xx, resent on a resent 2xx */
	size_t ack_len;
	uint32_t se_asked, min_se;
	bool se_retried;		/* the INVITE was resent after a 422 */
	struct fork forks[FORKS_MAX];
	char answer_tag[64];		/* the far end whose SDP answer we took */

	/* our SDP: the offer we made or the answer we gave, last one */
	char sdp[INVITE_SDP_MAX];
	size_t sdp_len;

	/* the INVITE (initial or re-INVITE) we answer; its 2xx resent until ACK */
	struct sip_msg req;
	bool have_req;
	char *resp;
	size_t resp_len;
	uint64_t retrans_at, retrans_iv, ack_deadline;
	uint32_t resp_cseq;
	bool offer_in_2xx;		/* an INVITE without offer: answer in ACK */

	/*
	 * Our reliable 180 (RFC 3262 3) when the caller supports 100rel:
	 * resent at T1, doubling, until PRACKed, answered or 64*T1 passed.
	 */
	char *rel;
	size_t rel_len;
	uint32_t rseq;
	uint64_t rel_at, rel_iv, rel_deadline;

	/* a re-INVITE of ours (session refresh) */
	char reinv_branch[BRANCH_MAX];
	uint32_t reinv_cseq;
	uint64_t reinv_deadline;
	/* a new offer of ours in a re-INVITE (hold, resume); NULL: none */
	char *offer;
	size_t offer_len;
	uint64_t reinv_retry_at;	/* after a 491: sent again then */
	bool refer_pending;		/* our REFER: its final NOTIFY awaited */

	/* session timer (RFC 4028) */
	uint32_t se;
	bool refresher, peer_update;
	uint64_t se_deadline;

	struct nict nict[NICT_MAX];
};

static const char *const state_names[] = {
	[INVITE_CALLING] = "calling",
	[INVITE_EARLY] = "early",
	[INVITE_CANCELLING] = "cancelling",
	[INVITE_INCOMING] = "incoming",
	[INVITE_ANSWERED] = "answered",
	[INVITE_CONFIRMED] = "confirmed",
	[INVITE_ENDING] = "ending",
	[INVITE_TERMINATED] = "terminated",
};

const char *invite_state_name(enum invite_state st)
{
	return (unsigned int)st < sizeof(state_names) / sizeof(state_names[0]) ?
	       state_names[st] : "?";
}

/* ---- small helpers ---- */

static struct sip_str header_named(const struct sip_msg *m, const char *name,
				   const char *compact)
{
	for (unsigned int i = 0; i < m->n_hdr; i++)
		if (sip_str_ieq(m->hdr[i].name, name) ||
		    (compact && sip_str_ieq(m->hdr[i].name, compact)))
			return m->hdr[i].value;
	return (struct sip_str){ NULL, 0 };
}

/* Whether a comma list header (Supported, Allow, Require) names item. */
static bool list_has(const struct sip_msg *m, const char *name,
		     const char *compact, const char *item)
{
	struct sip_str items[SIP_LIST_MAX];

	for (unsigned int i = 0; i < m->n_hdr; i++) {
		int n;

		if (!sip_str_ieq(m->hdr[i].name, name) &&
		    !(compact && sip_str_ieq(m->hdr[i].name, compact)))
			continue;
		n = sip_split_list(m->hdr[i].value, items, SIP_LIST_MAX);
		for (int j = 0; j < n; j++)
			if (sip_str_ieq(items[j], item))
				return true;
	}
	return false;
}

static void new_branch(char out[BRANCH_MAX])
{
	memcpy(out, "z9hG4bK", 7);
	if (random_hex(out + 7, 12) < 0)
		memcpy(out + 7, "000000000000000000000000", 25);
}

static struct sip_str top_branch(const struct sip_msg *m)
{
	struct sip_str items[1], branch = { NULL, 0 };
	struct sip_via via;

	if (sip_split_list(sip_msg_value(m, SIP_HDR_VIA), items, 1) == 1 &&
	    sip_parse_via(items[0], &via) == 0)
		sip_param(via.params, "branch", &branch);
	return branch;
}

static struct sip_str tag_of(const struct sip_msg *m, enum sip_hdr id)
{
	struct sip_name_addr na;
	struct sip_str tag = { NULL, 0 };

	if (sip_parse_name_addr(sip_msg_value(m, id), &na) == 0)
		sip_param(na.params, "tag", &tag);
	return tag;
}

static bool body_is_sdp(const struct sip_msg *m)
{
	struct sip_str ct = sip_msg_value(m, SIP_HDR_CONTENT_TYPE);
	size_t n = 0;

	while (n < ct.len && ct.p[n] != ';' && ct.p[n] != ' ')
		n++;
	ct.len = n;
	return sip_str_ieq(ct, "application/sdp");
}

static uint64_t now(struct invite *inv)
{
	return inv->ops.now(inv->ctx);
}

static int send_out(struct invite *inv, struct sip_out *o)
{
	size_t len;
	int ret = sip_out_finish(o, &len);

	if (ret == 0)
		ret = inv->ops.send(inv->ctx, o->buf, len);
	return ret;
}

static void rearm(struct invite *inv)
{
	uint64_t at = UINT64_MAX;
	const uint64_t t[] = { inv->timer_b, inv->retrans_at, inv->ack_deadline,
			       inv->se_deadline, inv->reinv_deadline,
			       inv->reinv_retry_at, inv->rel_at, inv->rel_deadline };

	if (inv->st == INVITE_TERMINATED) {
		inv->ops.arm(inv->ctx, UINT64_MAX);
		return;
	}
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (t[i] && t[i] < at)
			at = t[i];
	for (int i = 0; i < NICT_MAX; i++)
		if (inv->nict[i].active && inv->nict[i].deadline < at)
			at = inv->nict[i].deadline;
	inv->ops.arm(inv->ctx, at);
}

static void clear_timers(struct invite *inv)
{
	inv->timer_b = inv->retrans_at = inv->ack_deadline = 0;
	inv->se_deadline = inv->reinv_deadline = inv->reinv_retry_at = 0;
	inv->rel_at = inv->rel_deadline = 0;
	for (int i = 0; i < NICT_MAX; i++)
		inv->nict[i].active = false;
}

/* The last thing a handler does: the owner may free the session after. */
static void set_state(struct invite *inv, enum invite_state st,
		      unsigned int status, const char *reason)
{
	if (st == INVITE_TERMINATED)
		clear_timers(inv);
	inv->st = st;
	rearm(inv);
	inv->ops.state(inv->ctx, st, status, reason);
}

/* ---- session timer ---- */

static void se_start(struct invite *inv)
{
	uint64_t se = (uint64_t)inv->se * 1000000ull;

	if (!inv->se) {
		inv->se_deadline = 0;
		return;
	}
	if (inv->refresher)
		inv->se_deadline = now(inv) + se / 2;
	else
		inv->se_deadline = now(inv) + se -
				   (inv->se / 3 < 32 ? se / 3 : 32000000ull);
}

/*
 * Session-Expires of a request or a 2xx: the interval and who refreshes;
 * uac/uas name the ends of the transaction m belongs to, and the phone is
 * its UAC when we_are_uac (it sent the request).
 */
static void se_take(struct invite *inv, const struct sip_msg *m, bool we_are_uac)
{
	struct sip_str v = header_named(m, "Session-Expires", "x");
	struct sip_str num = v, who = { NULL, 0 };
	uint32_t n;
	size_t k = 0;

	if (!v.len)
		return;
	while (k < v.len && v.p[k] != ';' && v.p[k] != ' ')
		k++;
	num.len = k;
	if (sip_parse_uint(num, &n) < 0 || n < INVITE_MIN_SE)
		return;
	inv->se = n;
	if (sip_param((struct sip_str){ v.p + k, v.len - k }, "refresher", &who)) {
		inv->refresher = sip_str_ieq(who, "uac") == we_are_uac;
	} else {
		inv->refresher = we_are_uac;
	}
}

/* ---- responses to requests ---- */

enum reply_flags {
	REPLY_CONTACT = 1,	/* dialog-creating or target refresh */
	REPLY_RR = 2,		/* copy Record-Route (dialog-creating) */
	REPLY_SE = 4,		/* carries the session timer */
	REPLY_KEEP = 8,		/* keep for retransmission until ACK */
	REPLY_100REL = 16,	/* reliable provisional: kept until PRACK */
};

static int reply(struct invite *inv, const struct sip_msg *req,
		 unsigned int status, const char *reason, unsigned int flags,
		 const char *sdp, size_t sdp_len, const char *extra)
{
	char *buf = malloc(OUT_MAX);
	const struct sip_header *h;
	struct sip_str to = sip_msg_value(req, SIP_HDR_TO);
	struct sip_out o;
	size_t len;
	int ret;

	if (!buf)
		return -ENOMEM;
	sip_out_init(&o, buf, OUT_MAX);
	sip_out_status_line(&o, status, reason);
	for (unsigned int i = 0; (h = sip_msg_header(req, SIP_HDR_VIA, i)); i++)
		sip_out_header(&o, "Via", "%.*s", (int)h->value.len, h->value.p);
	if (flags & REPLY_RR)
		for (unsigned int i = 0;
		     (h = sip_msg_header(req, SIP_HDR_RECORD_ROUTE, i)); i++)
			sip_out_header(&o, "Record-Route", "%.*s",
				       (int)h->value.len, h->value.p);
	h = sip_msg_header(req, SIP_HDR_FROM, 0);
	sip_out_header(&o, "From", "%.*s", (int)h->value.len, h->value.p);
	if (!tag_of(req, SIP_HDR_TO).len && status > 100)
		sip_out_header(&o, "To", "%.*s;tag=%s", (int)to.len, to.p,
			       inv->dl.local_tag);
	else
		sip_out_header(&o, "To", "%.*s", (int)to.len, to.p);
	sip_out_header(&o, "Call-ID", "%.*s", (int)req->call_id.len,
		       req->call_id.p);
	sip_out_header(&o, "CSeq", "%u %.*s", req->cseq,
		       (int)req->cseq_method.len, req->cseq_method.p);
	if (flags & REPLY_CONTACT)
		sip_out_header(&o, "Contact", "%s", inv->contact);
	if ((flags & REPLY_SE) && inv->se) {
		sip_out_header(&o, "Session-Expires", "%u;refresher=%s", inv->se,
			       inv->refresher ? "uas" : "uac");
		if (list_has(req, "Supported", "k", "timer"))
			sip_out_header(&o, "Require", "timer");
	}
	if (flags & REPLY_100REL) {
		sip_out_header(&o, "Require", "100rel");
		sip_out_header(&o, "RSeq", "%u", inv->rseq);
	}
	sip_out_header(&o, "Allow", ALLOW);
	sip_out_header(&o, "Supported", "100rel, timer");
	sip_out_header(&o, "User-Agent", "%s", inv->ua);
	if (extra)
		sip_out_header(&o, extra, "%s", extra + strlen(extra) + 1);
	sip_out_body(&o, sdp ? "application/sdp" : NULL, sdp, sdp_len);
	ret = sip_out_finish(&o, &len);
	if (ret == 0)
		ret = inv->ops.send(inv->ctx, buf, len);
	if (ret == 0 && (flags & REPLY_KEEP)) {
		if (inv->resp) {
			secret_zero(inv->resp, inv->resp_len);
			free(inv->resp);
		}
		inv->resp = buf;
		inv->resp_len = len;
		inv->resp_cseq = req->cseq;
		inv->retrans_iv = INVITE_T1_USEC;
		inv->retrans_at = now(inv) + INVITE_T1_USEC;
		inv->ack_deadline = now(inv) + INVITE_TIMER_B_USEC;
		return 0;
	}
	if (ret == 0 && (flags & REPLY_100REL)) {
		free(inv->rel);
		inv->rel = buf;
		inv->rel_len = len;
		inv->rel_iv = INVITE_T1_USEC;
		inv->rel_at = now(inv) + INVITE_T1_USEC;
		inv->rel_deadline = now(inv) + INVITE_TIMER_B_USEC;
		return 0;
	}
	secret_zero(buf, OUT_MAX);
	free(buf);
	return ret;
}

/* The reliable 180 is PRACKed or moot: no more resends. */
static void drop_rel(struct invite *inv)
{
	free(inv->rel);
	inv->rel = NULL;
	inv->rel_len = 0;
	inv->rel_at = inv->rel_deadline = 0;
}

static void drop_resp(struct invite *inv)
{
	if (inv->resp) {
		secret_zero(inv->resp, inv->resp_len);
		free(inv->resp);
	}
	inv->resp = NULL;
	inv->resp_len = 0;
	inv->retrans_at = inv->ack_deadline = 0;
}

static void drop_req(struct invite *inv)
{
	if (inv->have_req) {
		secret_zero(inv->req.buf, inv->req.len);
		sip_msg_free(&inv->req);
	}
	inv->have_req = false;
}

static int keep_req(struct invite *inv, const struct sip_msg *m)
{
	drop_req(inv);
	if (sip_msg_parse(m->buf, m->len, &inv->req) < 0)
		return -ENOMEM;
	inv->have_req = true;
	return 0;
}

/* ---- requests of ours ---- */

/* The registration's MS-SIPAE association while it is up, else NULL. */
static struct sip_auth *signer(struct invite *inv)
{
	if (inv->auth.have || inv->auth.sa || !inv->ops.signer)
		return NULL;	/* the session answers its own challenge */
	return inv->ops.signer(inv->ctx);
}

/*
 * The last header of a request (just before the body): once the
 * registration's MS-SIPAE security association is up, its signature
 * ([MS-SIPAE] 3.2.5.1: every request after the association, ACK and
 * CANCEL included). A request that cannot be signed is not sent.
 */
static void sign_request(struct invite *inv, struct sip_out *o)
{
	struct sip_auth *s = signer(inv);
	int ret;

	if (!s)
		return;
	ret = sip_auth_add(s, inv->auth_user, inv->password, NULL, NULL, o);
	if (ret < 0 && !o->error)
		o->error = ret;
}

/* The headers every request of ours ends with, the signature last. */
static void add_common(struct invite *inv, struct sip_out *o)
{
	sip_out_header(o, "Allow", ALLOW);
	sip_out_header(o, "Supported", "timer");
	sip_out_header(o, "User-Agent", "%s", inv->ua);
	sign_request(inv, o);
}

/*
 * The INVITE's own: the phone PRACKs reliable provisionals (RFC 3262) as
 * a caller, so it says 100rel there; it never sends them as callee.
 */
static void add_invite_common(struct invite *inv, struct sip_out *o)
{
	sip_out_header(o, "Allow", ALLOW);
	sip_out_header(o, "Supported", "100rel, timer");
	sip_out_header(o, "User-Agent", "%s", inv->ua);
}

static int send_initial_invite(struct invite *inv)
{
	char *buf = malloc(OUT_MAX);
	struct sip_out o;
	int ret;

	if (!buf)
		return -ENOMEM;
	new_branch(inv->inv_branch);
	sip_out_init(&o, buf, OUT_MAX);
	dialog_request(&inv->dl, &o, "INVITE", inv->sent_by, inv->inv_branch, 0);
	inv->inv_cseq = inv->dl.local_cseq;
	sip_out_header(&o, "Contact", "%s", inv->contact);
	add_invite_common(inv, &o);
	if (inv->se_asked) {
		sip_out_header(&o, "Session-Expires", "%u", inv->se_asked);
		sip_out_header(&o, "Min-SE", "%u", inv->min_se);
	}
	if (inv->replaces[0])
		sip_out_header(&o, "Replaces", "%s", inv->replaces);
	ret = sip_auth_add(signer(inv) ? signer(inv) : &inv->auth,
			   inv->auth_user, inv->password, "INVITE", inv->target,
			   &o);
	sip_out_body(&o, "application/sdp", inv->sdp, inv->sdp_len);
	if (ret == 0)
		ret = send_out(inv, &o);
	secret_zero(buf, OUT_MAX);
	free(buf);
	if (ret == 0) {
		inv->timer_b = now(inv) + INVITE_TIMER_B_USEC;
		inv->provisional = false;
	}
	return ret;
}

/* ACK to a non-2xx: part of the INVITE transaction (17.1.1.3). */
static void send_ack_non2xx(struct invite *inv, const struct sip_msg *resp,
			    uint32_t cseq, const char *branch)
{
	char buf[4096];
	struct sip_str to = sip_msg_value(resp, SIP_HDR_TO);
	struct sip_out o;

	sip_out_init(&o, buf, sizeof(buf));
	sip_out_request_line(&o, "ACK", cseq == inv->inv_cseq ? inv->target :
			     inv->dl.remote_target);
	sip_out_header(&o, "Via", "SIP/2.0/TLS %s;branch=%s;rport",
		       inv->sent_by, branch);
	sip_out_header(&o, "Max-Forwards", "70");
	if (cseq != inv->inv_cseq)
		for (unsigned int i = 0; i < inv->dl.n_route; i++)
			sip_out_header(&o, "Route", "%s", inv->dl.route[i]);
	sip_out_header(&o, "From", "%s;tag=%s", inv->dl.local_na,
		       inv->dl.local_tag);
	sip_out_header(&o, "To", "%.*s", (int)to.len, to.p);
	sip_out_header(&o, "Call-ID", "%s", inv->dl.call_id);
	sip_out_header(&o, "CSeq", "%u ACK", cseq);
	sign_request(inv, &o);
	sip_out_body(&o, NULL, NULL, 0);
	send_out(inv, &o);
}

/* ACK to a 2xx: a new transaction, end to end (13.2.2.4). Kept for resends. */
static void send_ack_2xx(struct invite *inv, uint32_t cseq)
{
	char branch[BRANCH_MAX], buf[4096];
	struct sip_out o;
	size_t len;

	new_branch(branch);
	sip_out_init(&o, buf, sizeof(buf));
	dialog_request(&inv->dl, &o, "ACK", inv->sent_by, branch, cseq);
	sign_request(inv, &o);
	sip_out_body(&o, NULL, NULL, 0);
	if (sip_out_finish(&o, &len) < 0)
		return;
	inv->ops.send(inv->ctx, buf, len);
	free(inv->ack);
	inv->ack = malloc(len);
	if (inv->ack) {
		memcpy(inv->ack, buf, len);
		inv->ack_len = len;
	}
}

static int send_cancel(struct invite *inv)
{
	char buf[4096];
	struct sip_out o;

	sip_out_init(&o, buf, sizeof(buf));
	sip_out_request_line(&o, "CANCEL", inv->target);
	sip_out_header(&o, "Via", "SIP/2.0/TLS %s;branch=%s;rport",
		       inv->sent_by, inv->inv_branch);
	sip_out_header(&o, "Max-Forwards", "70");
	sip_out_header(&o, "From", "%s;tag=%s", inv->dl.local_na,
		       inv->dl.local_tag);
	sip_out_header(&o, "To", "<%s>", inv->target);
	sip_out_header(&o, "Call-ID", "%s", inv->dl.call_id);
	sip_out_header(&o, "CSeq", "%u CANCEL", inv->inv_cseq);
	sip_out_header(&o, "User-Agent", "%s", inv->ua);
	sign_request(inv, &o);
	sip_out_body(&o, NULL, NULL, 0);
	/* the INVITE's 487 (or a 2xx that crossed) is awaited for 64*T1 */
	inv->timer_b = now(inv) + INVITE_TIMER_B_USEC;
	return send_out(inv, &o);
}

static struct nict *nict_new(struct invite *inv)
{
	for (int i = 0; i < NICT_MAX; i++)
		if (!inv->nict[i].active)
			return &inv->nict[i];
	return NULL;
}

/*
 * An in-dialog non-INVITE request: BYE, UPDATE, INFO in the call's
 * dialog, PRACK in an early one (dl, from fork_dialog()).
 */
static int send_in(struct invite *inv, struct sip_dialog *dl,
		   const char *method, const char *ctype, const char *body,
		   size_t len, const char *extra_name, const char *extra_value)
{
	struct nict *t = nict_new(inv);
	char buf[OUT_MAX];
	struct sip_out o;
	int ret;

	if (!t)
		return -EBUSY;
	new_branch(t->branch);
	sip_out_init(&o, buf, sizeof(buf));
	dialog_request(dl, &o, method, inv->sent_by, t->branch, 0);
	t->cseq = dl->local_cseq;
	if (dl != &inv->dl)
		inv->dl.local_cseq = dl->local_cseq;
	if (!strcmp(method, "UPDATE"))
		sip_out_header(&o, "Contact", "%s", inv->contact);
	if (extra_name)
		sip_out_header(&o, extra_name, "%s", extra_value);
	add_common(inv, &o);
	sip_out_body(&o, ctype, body, len);
	ret = send_out(inv, &o);
	secret_zero(buf, sizeof(buf));
	if (ret < 0)
		return ret;
	snprintf(t->method, sizeof(t->method), "%s", method);
	t->deadline = now(inv) + INVITE_TIMER_B_USEC;
	t->active = true;
	return 0;
}

static int send_in_dialog(struct invite *inv, const char *method,
			  const char *ctype, const char *body, size_t len,
			  const char *extra_name, const char *extra_value)
{
	return send_in(inv, &inv->dl, method, ctype, body, len, extra_name,
		       extra_value);
}

static void send_bye(struct invite *inv, const char *reason)
{
	drop_resp(inv);
	inv->se_deadline = 0;
	if (send_in_dialog(inv, "BYE", NULL, NULL, 0, NULL, NULL) < 0) {
		set_state(inv, INVITE_TERMINATED, 0, reason);
		return;
	}
	set_state(inv, INVITE_ENDING, 0, reason);
}

/* A session refresh: UPDATE when the peer allows it, else a re-INVITE. */
static void send_refresh(struct invite *inv)
{
	char se[32];

	/* the phone sends the refresh and stays the refresher */
	snprintf(se, sizeof(se), "%u;refresher=uac", inv->se);
	inv->se_deadline = 0;
	if (inv->peer_update) {
		if (send_in_dialog(inv, "UPDATE", NULL, NULL, 0,
				   "Session-Expires", se) < 0)
			send_bye(inv, "session refresh failed");
		return;
	} else {
		char *buf = malloc(OUT_MAX);
		struct sip_out o;

		if (!buf) {
			send_bye(inv, "session refresh failed");
			return;
		}
		new_branch(inv->reinv_branch);
		sip_out_init(&o, buf, OUT_MAX);
		dialog_request(&inv->dl, &o, "INVITE", inv->sent_by,
			       inv->reinv_branch, 0);
		inv->reinv_cseq = inv->dl.local_cseq;
		sip_out_header(&o, "Contact", "%s", inv->contact);
		sip_out_header(&o, "Session-Expires", "%s", se);
		add_common(inv, &o);
		sip_out_body(&o, "application/sdp", inv->sdp, inv->sdp_len);
		if (send_out(inv, &o) == 0)
			inv->reinv_deadline = now(inv) + INVITE_TIMER_B_USEC;
		secret_zero(buf, OUT_MAX);
		free(buf);
		if (!inv->reinv_deadline)
			send_bye(inv, "session refresh failed");
	}
}

/* ---- a new offer of ours mid-call (hold, resume): RFC 3261 14 ---- */

static void reoffer_drop(struct invite *inv)
{
	if (inv->offer) {
		secret_zero(inv->offer, inv->offer_len);
		free(inv->offer);
	}
	inv->offer = NULL;
	inv->offer_len = 0;
	inv->reinv_retry_at = 0;
}

static void reoffer_report(struct invite *inv, unsigned int status)
{
	if (inv->ops.reoffer)
		inv->ops.reoffer(inv->ctx, status);
}

static int send_reoffer(struct invite *inv)
{
	char *buf = malloc(OUT_MAX);
	struct sip_out o;
	int ret;

	if (!buf)
		return -ENOMEM;
	new_branch(inv->reinv_branch);
	sip_out_init(&o, buf, OUT_MAX);
	dialog_request(&inv->dl, &o, "INVITE", inv->sent_by, inv->reinv_branch, 0);
	inv->reinv_cseq = inv->dl.local_cseq;
	sip_out_header(&o, "Contact", "%s", inv->contact);
	if (inv->se)
		sip_out_header(&o, "Session-Expires", "%u;refresher=%s", inv->se,
			       inv->refresher ? "uac" : "uas");
	add_common(inv, &o);
	sip_out_body(&o, "application/sdp", inv->offer, inv->offer_len);
	ret = send_out(inv, &o);
	secret_zero(buf, OUT_MAX);
	free(buf);
	if (ret == 0)
		inv->reinv_deadline = now(inv) + INVITE_TIMER_B_USEC;
	rearm(inv);
	return ret;
}

int invite_reoffer(struct invite *inv, const char *sdp, size_t len)
{
	int ret;

	if (inv->st != INVITE_CONFIRMED)
		return -ENOTCONN;
	if (!len || len > INVITE_SDP_MAX)
		return -EINVAL;
	/* one offer at a time (RFC 3264 4): ours, or the far end's unanswered */
	if (inv->offer || inv->reinv_deadline || inv->resp)
		return -EBUSY;
	inv->offer = malloc(len);
	if (!inv->offer)
		return -ENOMEM;
	memcpy(inv->offer, sdp, len);
	inv->offer_len = len;
	ret = send_reoffer(inv);
	if (ret < 0)
		reoffer_drop(inv);
	return ret;
}

/* A 491 (glare) is retried after a random wait, 14.1. */
static void reoffer_retry(struct invite *inv)
{
	inv->reinv_retry_at = 0;
	if (send_reoffer(inv) < 0) {
		reoffer_drop(inv);
		reoffer_report(inv, 503);
	}
}

static void reoffer_response(struct invite *inv, const struct sip_msg *m)
{
	inv->reinv_deadline = 0;
	if (m->status < 300) {
		send_ack_2xx(inv, inv->reinv_cseq);
		dialog_refresh_target(&inv->dl, m);
		se_take(inv, m, true);
		se_start(inv);
		if (!m->body.len || !body_is_sdp(m) ||
		    inv->ops.answer(inv->ctx, m->body.p, m->body.len)) {
			reoffer_drop(inv);
			reoffer_report(inv, 488);
			send_bye(inv, "no usable SDP answer to the re-INVITE");
			return;
		}
		memcpy(inv->sdp, inv->offer, inv->offer_len);
		inv->sdp_len = inv->offer_len;
		reoffer_drop(inv);
		rearm(inv);
		reoffer_report(inv, m->status);
		return;
	}
	send_ack_non2xx(inv, m, inv->reinv_cseq, inv->reinv_branch);
	if (m->status == 491) {
		uint32_t r = 0;

		/* the Call-ID's owner waits 2.1-4 s, the other end 0-2 s */
		if (getrandom(&r, sizeof(r), 0) != sizeof(r))
			r = 0;
		inv->reinv_retry_at = now(inv) +
			(inv->outgoing ? 2100000ull + r % 1900001u : r % 2000001u);
		rearm(inv);
		return;
	}
	reoffer_drop(inv);
	if (m->status == 481 || m->status == 408) {
		reoffer_report(inv, m->status);
		send_bye(inv, "the far end lost the call");
		return;
	}
	/* refused (488...): the session stays as it was, RFC 3261 14.1 */
	se_start(inv);
	rearm(inv);
	reoffer_report(inv, m->status);
}

/* ---- transfer: REFER and its NOTIFYs (RFC 3515, RFC 5589) ---- */

/* REFER or NOTIFY of ours, with up to three extra header lines. */
static int send_event_request(struct invite *inv, const char *method,
			      const char *const hdrs[][2], unsigned int n,
			      const char *ctype, const char *body, size_t len)
{
	struct nict *t = nict_new(inv);
	char buf[4096];
	struct sip_out o;
	int ret;

	if (!t)
		return -EBUSY;
	new_branch(t->branch);
	sip_out_init(&o, buf, sizeof(buf));
	dialog_request(&inv->dl, &o, method, inv->sent_by, t->branch, 0);
	t->cseq = inv->dl.local_cseq;
	sip_out_header(&o, "Contact", "%s", inv->contact);
	for (unsigned int i = 0; i < n; i++)
		sip_out_header(&o, hdrs[i][0], "%s", hdrs[i][1]);
	add_common(inv, &o);
	sip_out_body(&o, ctype, body, len);
	ret = send_out(inv, &o);
	if (ret < 0)
		return ret;
	snprintf(t->method, sizeof(t->method), "%s", method);
	t->deadline = now(inv) + INVITE_TIMER_B_USEC;
	t->active = true;
	rearm(inv);
	return 0;
}

static bool uri_ok(const char *uri)
{
	for (const char *p = uri; *p; p++)
		if ((unsigned char)*p <= ' ' || *p == '<' || *p == '>' || *p == '"')
			return false;
	return !strncasecmp(uri, "sip:", 4) || !strncasecmp(uri, "sips:", 5);
}

int invite_refer(struct invite *inv, const char *refer_to)
{
	char rt[DIALOG_URI_MAX + 2];
	const char *hdrs[2][2] = {
		{ "Refer-To", rt }, { "Referred-By", inv->dl.local_na },
	};

	if (inv->st != INVITE_CONFIRMED)
		return -ENOTCONN;
	if (!uri_ok(refer_to) || strlen(refer_to) >= DIALOG_URI_MAX)
		return -EINVAL;
	if (inv->refer_pending)
		return -EBUSY;
	snprintf(rt, sizeof(rt), "<%s>", refer_to);
	if (send_event_request(inv, "REFER", hdrs, 2, NULL, NULL, 0) < 0)
		return -EIO;
	inv->refer_pending = true;
	return 0;
}

int invite_refer_notify(struct invite *inv, unsigned int status,
			const char *reason)
{
	char frag[SIPFRAG_REASON_MAX + 32];
	const char *hdrs[2][2] = {
		{ "Event", "refer" },
		{ "Subscription-State", status < 200 ? "active;expires=60" :
		  "terminated;reason=noresource" },
	};
	int n;

	if (inv->st != INVITE_CONFIRMED && inv->st != INVITE_ENDING)
		return -ENOTCONN;
	n = sipfrag_write(frag, sizeof(frag), status, reason);
	if (n < 0)
		return n;
	return send_event_request(inv, "NOTIFY", hdrs, 2,
				  "message/sipfrag;version=2.0", frag, (size_t)n);
}

/* Our REFER was refused or timed out: the transfer failed. */
static void refer_failed(struct invite *inv, unsigned int status)
{
	inv->refer_pending = false;
	if (inv->ops.transfer)
		inv->ops.transfer(inv->ctx, status, true);
}

/* A NOTIFY in the dialog: for our REFER (Event: refer), a sipfrag. */
static void on_notify(struct invite *inv, const struct sip_msg *m)
{
	struct sip_str ev = header_named(m, "Event", "o");
	struct sip_str ss = sip_msg_value(m, SIP_HDR_SUBSCRIPTION_STATE);
	struct sipfrag f;
	bool done;

	if (ev.len < 5 || strncasecmp(ev.p, "refer", 5) ||
	    (ev.len > 5 && ev.p[5] != ';' && ev.p[5] != ' ')) {
		reply(inv, m, 489, "Bad Event", 0, NULL, 0, NULL);
		return;
	}
	if (!inv->refer_pending) {
		reply(inv, m, 481, "Subscription Does Not Exist", 0, NULL, 0, NULL);
		return;
	}
	if (sipfrag_parse(m->body.p, m->body.len, &f) < 0) {
		reply(inv, m, 400, "Bad sipfrag body", 0, NULL, 0, NULL);
		return;
	}
	reply(inv, m, 200, "OK", 0, NULL, 0, NULL);
	done = f.status >= 200 || (ss.len >= 10 && !strncasecmp(ss.p, "terminated", 10));
	if (done)
		inv->refer_pending = false;
	if (inv->ops.transfer)
		inv->ops.transfer(inv->ctx, f.status, done);
}

/* A REFER in the dialog: the far end transfers this phone. */
static void on_refer(struct invite *inv, const struct sip_msg *m)
{
	struct sip_str v = header_named(m, "Refer-To", "r");
	struct sip_name_addr na;
	char uri[DIALOG_URI_MAX], target[DIALOG_URI_MAX];
	unsigned int st;

	if (!v.len || sip_parse_name_addr(v, &na) < 0 ||
	    sip_str_copy(na.uri, uri, sizeof(uri)) < 0) {
		reply(inv, m, 400, "Bad Refer-To", 0, NULL, 0, NULL);
		return;
	}
	if (strncasecmp(uri, "sip:", 4) && strncasecmp(uri, "sips:", 5)) {
		reply(inv, m, 416, "Unsupported URI Scheme", 0, NULL, 0, NULL);
		return;
	}
	if (!inv->ops.referred) {
		reply(inv, m, 501, "Not Implemented", 0, NULL, 0, NULL);
		return;
	}
	/*
	 * The URI's own headers (?Replaces=... of an attended transfer) go
	 * to the transfer's new call with the URI (RFC 3515 2.1, RFC 3891).
	 */
	snprintf(target, sizeof(target), "%.*s", (int)sip_uri_target_len(uri), uri);
	if (!uri_ok(target)) {
		reply(inv, m, 400, "Bad Refer-To", 0, NULL, 0, NULL);
		return;
	}
	reply(inv, m, 202, "Accepted", 0, NULL, 0, NULL);
	invite_refer_notify(inv, 100, "Trying");
	st = inv->ops.referred(inv->ctx, uri);
	if (st >= 300)
		invite_refer_notify(inv, st, "Transfer failed");
}

/* ---- public: creation ---- */

static int copy_cfg(struct invite *inv, const struct invite_config *cfg,
		    const struct invite_ops *ops, void *ctx)
{
	inv->ops = *ops;
	inv->ctx = ctx;
	if (snprintf(inv->local_na, sizeof(inv->local_na), "%s", cfg->local_na) >=
		     (int)sizeof(inv->local_na) ||
	    snprintf(inv->contact, sizeof(inv->contact), "%s", cfg->contact) >=
		     (int)sizeof(inv->contact) ||
	    snprintf(inv->sent_by, sizeof(inv->sent_by), "%s", cfg->sent_by) >=
		     (int)sizeof(inv->sent_by))
		return -EMSGSIZE;
	snprintf(inv->ua, sizeof(inv->ua), "%s",
		 cfg->user_agent ? cfg->user_agent : "ucphone");
	if (cfg->auth_user && cfg->password) {
		snprintf(inv->auth_user, sizeof(inv->auth_user), "%s", cfg->auth_user);
		snprintf(inv->password, sizeof(inv->password), "%s", cfg->password);
	}
	inv->se_asked = cfg->session_expires;
	inv->min_se = INVITE_MIN_SE;
	if (cfg->replaces &&
	    snprintf(inv->replaces, sizeof(inv->replaces), "%s", cfg->replaces) >=
		     (int)sizeof(inv->replaces))
		return -EMSGSIZE;
	return 0;
}

int invite_new_outgoing(const struct invite_config *cfg,
			const struct invite_ops *ops, void *ctx,
			const char *target, const char *sdp, size_t sdp_len,
			struct invite **out)
{
	struct invite *inv;
	int ret;

	if (sdp_len > sizeof(inv->sdp))
		return -EMSGSIZE;
	inv = calloc(1, sizeof(*inv));
	if (!inv)
		return -ENOMEM;
	ret = copy_cfg(inv, cfg, ops, ctx);
	if (ret == 0 && snprintf(inv->target, sizeof(inv->target), "%s", target) >=
	    (int)sizeof(inv->target))
		ret = -EMSGSIZE;
	if (ret == 0)
		ret = dialog_init_uac(&inv->dl, inv->local_na, target);
	if (ret < 0) {
		invite_free(inv);
		return ret;
	}
	inv->outgoing = true;
	memcpy(inv->sdp, sdp, sdp_len);
	inv->sdp_len = sdp_len;
	inv->st = INVITE_CALLING;
	ret = send_initial_invite(inv);
	if (ret < 0) {
		invite_free(inv);
		return ret;
	}
	rearm(inv);
	*out = inv;
	return 0;
}

/* Refuses an INVITE before any session exists (stateless over TLS). */
static int refuse(struct invite *inv, const struct sip_msg *req,
		  unsigned int status, const char *reason, const char *extra)
{
	reply(inv, req, status, reason, 0, NULL, 0, extra);
	return -EPROTO;
}

static const char *status_reason(unsigned int status)
{
	switch (status) {
	case 400: return "Bad Request";
	case 415: return "Unsupported Media Type";
	case 480: return "Temporarily Unavailable";
	case 486: return "Busy Here";
	case 487: return "Request Terminated";
	case 302: return "Moved Temporarily";
	case 488: return "Not Acceptable Here";
	case 491: return "Request Pending";
	case 500: return "Server Internal Error";
	case 603: return "Decline";
	default: return status < 300 ? "OK" : "Error";
	}
}

/*
 * The Warning header (RFC 3261 20.43) of an offer refused with status:
 * "Warning\0<code> <sent-by> \"<text>\"" in extra, or "" when the owner
 * gives no reason. The text is the owner's, kept printable and unquoted.
 */
static const char *offer_warning(struct invite *inv, unsigned int status,
				 char *extra, size_t cap)
{
	char text[96] = "";
	unsigned int code;
	size_t n;

	extra[0] = '\0';
	if ((status != 488 && status != 400) || !inv->ops.warning)
		return NULL;
	code = inv->ops.warning(inv->ctx, text, sizeof(text));
	if (code < 300 || code > 399 || !text[0])
		return NULL;
	for (n = 0; text[n]; n++)
		if ((unsigned char)text[n] < 0x20 || (unsigned char)text[n] >= 0x7f ||
		    text[n] == '"' || text[n] == '\\')
			text[n] = ' ';
	snprintf(extra, cap, "Warning%c%u %s \"%s\"", '\0', code, inv->sent_by,
		 text);
	return extra;
}

/* The Warning of an offer too long to take (check_body's 488). */
static const char *body_warning(struct invite *inv, char *extra, size_t cap)
{
	snprintf(extra, cap, "Warning%c399 %s \"SDP body too large\"", '\0',
		 inv->sent_by);
	return extra;
}

/* Content checks common to INVITE/UPDATE offers: 0 or a status. */
static unsigned int check_body(const struct sip_msg *m)
{
	struct sip_str enc = sip_msg_value(m, SIP_HDR_CONTENT_ENCODING);

	if (!m->body.len)
		return 0;
	if (!body_is_sdp(m) || (enc.len && !sip_str_ieq(enc, "identity")))
		return 415;
	if (m->body.len > INVITE_SDP_MAX)
		return 488;
	return 0;
}

/* Require: "timer" and "100rel" are known (8.2.2.3: 420 with Unsupported). */
static int check_require(struct invite *inv, const struct sip_msg *req)
{
	struct sip_str items[SIP_LIST_MAX];

	for (unsigned int i = 0; i < req->n_hdr; i++) {
		int n;

		if (!sip_str_ieq(req->hdr[i].name, "Require"))
			continue;
		n = sip_split_list(req->hdr[i].value, items, SIP_LIST_MAX);
		if (n < 0)
			return refuse(inv, req, 400, "Bad Request", NULL);
		for (int j = 0; j < n; j++)
			if (!sip_str_ieq(items[j], "timer") &&
			    !sip_str_ieq(items[j], "100rel")) {
				char extra[128 + 16];

				snprintf(extra, sizeof(extra), "Unsupported%c%.*s", '\0',
					 (int)(items[j].len > 120 ? 120 : items[j].len),
					 items[j].p);
				return refuse(inv, req, 420, "Bad Extension", extra);
			}
	}
	return 0;
}

int invite_new_incoming(const struct invite_config *cfg,
			const struct invite_ops *ops, void *ctx,
			const struct sip_msg *req, struct invite **out)
{
	struct invite *inv = calloc(1, sizeof(*inv));
	struct sip_str se;
	unsigned int st, flags;
	int ret;

	if (!inv)
		return -ENOMEM;
	ret = copy_cfg(inv, cfg, ops, ctx);
	if (ret < 0)
		goto fail;
	ret = dialog_init_uas(&inv->dl, req);
	if (ret < 0) {
		random_hex(inv->dl.local_tag, 8);
		ret = refuse(inv, req, 400, "Bad Request", NULL);
		goto fail;
	}
	ret = check_require(inv, req);
	if (ret < 0)
		goto fail;
	se = header_named(req, "Session-Expires", "x");
	if (se.len) {
		uint32_t n = 0;
		size_t k = 0;

		while (k < se.len && se.p[k] >= '0' && se.p[k] <= '9')
			k++;
		if (sip_parse_uint((struct sip_str){ se.p, k }, &n) < 0) {
			ret = refuse(inv, req, 400, "Bad Request", NULL);
			goto fail;
		}
		if (n < INVITE_MIN_SE) {
			char extra[32];

			snprintf(extra, sizeof(extra), "Min-SE%c%u", '\0', INVITE_MIN_SE);
			ret = refuse(inv, req, 422, "Session Interval Too Small", extra);
			goto fail;
		}
		se_take(inv, req, false);
		/* no refresher named: the caller refreshes when it can */
		if (!sip_param(se, "refresher", NULL))
			inv->refresher = !list_has(req, "Supported", "k", "timer");
	}
	inv->peer_update = list_has(req, "Allow", NULL, "UPDATE");
	st = check_body(req);
	if (st) {
		char warn[256];

		ret = refuse(inv, req, st, status_reason(st),
			     st == 415 ? "Accept\0application/sdp" :
			     body_warning(inv, warn, sizeof(warn)));
		goto fail;
	}
	if (req->body.len) {
		st = ops->offer(ctx, req->body.p, req->body.len, inv->sdp,
				sizeof(inv->sdp), &inv->sdp_len);
		if (st) {
			char warn[256];

			ret = refuse(inv, req, st, status_reason(st),
				     offer_warning(inv, st, warn, sizeof(warn)));
			goto fail;
		}
		inv->got_answer = true;
	} else {
		inv->offer_in_2xx = true;
	}
	ret = keep_req(inv, req);
	if (ret < 0) {
		refuse(inv, req, 500, "Server Internal Error", NULL);
		goto fail;
	}
	snprintf(inv->target, sizeof(inv->target), "%s", inv->dl.remote_target);
	inv->st = INVITE_INCOMING;
	flags = REPLY_CONTACT | REPLY_RR;
	if (list_has(req, "Supported", "k", "100rel") ||
	    list_has(req, "Require", NULL, "100rel")) {
		/* RFC 3262 3: the first RSeq random in 1 .. 2^31 - 1 */
		if (getrandom(&inv->rseq, sizeof(inv->rseq), 0) != sizeof(inv->rseq))
			inv->rseq = (uint32_t)now(inv);
		inv->rseq = inv->rseq % 0x7fffff00u + 1;
		flags |= REPLY_100REL;
	}
	ret = reply(inv, req, 180, "Ringing", flags, NULL, 0, NULL);
	if (ret < 0)
		goto fail;
	rearm(inv);
	*out = inv;
	return 0;
fail:
	invite_free(inv);
	return ret;
}

int invite_refuse(const struct invite_config *cfg,
		  const struct invite_ops *ops, void *ctx,
		  const struct sip_msg *req, unsigned int status)
{
	struct invite *inv;
	int ret;

	if (sip_str_eq(req->method, "ACK"))
		return 0;
	inv = calloc(1, sizeof(*inv));
	if (!inv)
		return -ENOMEM;
	ret = copy_cfg(inv, cfg, ops, ctx);
	if (ret == 0)
		ret = random_hex(inv->dl.local_tag, 8);
	if (ret == 0)
		ret = reply(inv, req, status, status == 481 ?
			    "Call/Transaction Does Not Exist" : status_reason(status),
			    0, NULL, 0, NULL);
	invite_free(inv);
	return ret;
}

void invite_free(struct invite *inv)
{
	if (!inv)
		return;
	drop_resp(inv);
	drop_req(inv);
	drop_rel(inv);
	reoffer_drop(inv);
	free(inv->ack);
	sip_auth_clear(&inv->auth);
	secret_zero(inv, sizeof(*inv));
	free(inv);
}

/* ---- public: user actions ---- */

int invite_accept(struct invite *inv)
{
	int ret;

	if (inv->st != INVITE_INCOMING || !inv->have_req)
		return -EALREADY;
	if (inv->offer_in_2xx) {
		ret = inv->ops.make_offer(inv->ctx, inv->sdp, sizeof(inv->sdp),
					  &inv->sdp_len);
		if (ret < 0)
			return ret;
	}
	ret = reply(inv, &inv->req, 200, "OK",
		    REPLY_CONTACT | REPLY_RR | REPLY_SE | REPLY_KEEP,
		    inv->sdp, inv->sdp_len, NULL);
	if (ret < 0)
		return ret;
	/* a final answer ends the 180's resends (it carried no SDP) */
	drop_rel(inv);
	se_start(inv);
	set_state(inv, INVITE_ANSWERED, 200, "OK");
	return 0;
}

int invite_reject(struct invite *inv, unsigned int status)
{
	char warn[256];

	if (inv->st != INVITE_INCOMING || !inv->have_req)
		return -EALREADY;
	if (status < 300 || status > 699)
		return -EINVAL;
	reply(inv, &inv->req, status, status_reason(status), 0, NULL, 0,
	      offer_warning(inv, status, warn, sizeof(warn)));
	drop_req(inv);
	drop_rel(inv);
	set_state(inv, INVITE_TERMINATED, status, status_reason(status));
	return 0;
}

/* "Contact\0<uri>": reply()'s extra header */
static int contact_header(const char *uri, char *buf, size_t cap)
{
	int n = snprintf(buf, cap, "Contact%c<%s>", '\0', uri);

	return n < 0 || (size_t)n >= cap ? -ENOSPC : 0;
}

int invite_redirect(struct invite *inv, const char *uri)
{
	char extra[INVITE_REDIRECT_URI_MAX + 16];

	if (inv->st != INVITE_INCOMING || !inv->have_req)
		return -EALREADY;
	if (contact_header(uri, extra, sizeof(extra)) < 0)
		return -EINVAL;
	reply(inv, &inv->req, 302, status_reason(302), 0, NULL, 0, extra);
	drop_req(inv);
	set_state(inv, INVITE_TERMINATED, 302, status_reason(302));
	return 0;
}

int invite_refuse_redirect(const struct invite_config *cfg,
			   const struct invite_ops *ops, void *ctx,
			   const struct sip_msg *req, const char *uri)
{
	char extra[INVITE_REDIRECT_URI_MAX + 16];
	struct invite *inv;
	int ret;

	if (contact_header(uri, extra, sizeof(extra)) < 0)
		return -EINVAL;
	inv = calloc(1, sizeof(*inv));
	if (!inv)
		return -ENOMEM;
	ret = copy_cfg(inv, cfg, ops, ctx);
	if (ret == 0)
		ret = random_hex(inv->dl.local_tag, 8);
	if (ret == 0)
		ret = reply(inv, req, 302, status_reason(302), 0, NULL, 0, extra);
	invite_free(inv);
	return ret;
}

int invite_hangup(struct invite *inv)
{
	switch (inv->st) {
	case INVITE_CALLING:
		/* CANCEL only after a provisional answer (9.1) */
		inv->cancel_pending = true;
		set_state(inv, INVITE_CANCELLING, 0, "cancelled");
		return 0;
	case INVITE_EARLY:
		if (send_cancel(inv) < 0) {
			set_state(inv, INVITE_TERMINATED, 0, "cancelled");
			return 0;
		}
		set_state(inv, INVITE_CANCELLING, 0, "cancelled");
		return 0;
	case INVITE_INCOMING:
		return invite_reject(inv, 603);
	case INVITE_ANSWERED:
	case INVITE_CONFIRMED:
		send_bye(inv, "hung up");
		return 0;
	case INVITE_CANCELLING:
	case INVITE_ENDING:
	case INVITE_TERMINATED:
		return -EALREADY;
	}
	return -EINVAL;
}

int invite_send_info_dtmf(struct invite *inv, char digit,
			  unsigned int duration_ms)
{
	char body[64];
	int n;

	if (inv->st != INVITE_CONFIRMED)
		return -ENOTCONN;
	if (!strchr("0123456789*#ABCD", digit) || !digit)
		return -EINVAL;
	n = snprintf(body, sizeof(body), "Signal=%c\r\nDuration=%u\r\n", digit,
		     duration_ms);
	return send_in_dialog(inv, "INFO", "application/dtmf-relay", body,
			      (size_t)n, NULL, NULL);
}

/* ---- forks of the INVITE (RFC 3261 13.2.2.4) ---- */

static struct fork *fork_of(struct invite *inv, struct sip_str tag)
{
	struct fork *slot = NULL;

	if (!tag.len)
		return NULL;
	for (int i = 0; i < FORKS_MAX; i++) {
		struct fork *f = &inv->forks[i];

		if (f->tag[0] && sip_str_eq(tag, f->tag))
			return f;
		if (!f->tag[0] && !slot)
			slot = f;
	}
	if (!slot || sip_str_copy(tag, slot->tag, sizeof(slot->tag)) < 0) {
		if (slot)
			memset(slot, 0, sizeof(*slot));
		return NULL;
	}
	return slot;
}

/*
 * The dialog a response from one far end makes (early for a 1xx, its own
 * for a 2xx that lost): ours, with its tag, route set and target. NULL
 * when it cannot be addressed.
 */
static struct sip_dialog *fork_dialog(struct invite *inv,
				      const struct sip_msg *m)
{
	struct sip_dialog *d = malloc(sizeof(*d));

	if (!d)
		return NULL;
	*d = inv->dl;
	d->confirmed = false;
	d->n_route = 0;
	d->remote_tag[0] = '\0';
	if (dialog_from_response(d, m) < 0) {
		free(d);
		return NULL;
	}
	return d;
}

/*
 * A reliable provisional (RFC 3262 4): PRACKed when its RSeq is the next
 * one from that far end (the first may be any). False for a
 * retransmission or one out of order: it is not processed further.
 */
static bool prack(struct invite *inv, const struct sip_msg *m)
{
	struct sip_str v = header_named(m, "RSeq", NULL);
	struct sip_dialog *d;
	struct fork *f;
	char rack[48];
	uint32_t rseq;

	if (sip_parse_uint(v, &rseq) < 0 || !rseq)
		return false;
	f = fork_of(inv, tag_of(m, SIP_HDR_TO));
	if (!f || (f->rseq_set && rseq != f->rseq + 1))
		return false;
	d = fork_dialog(inv, m);
	if (!d)
		return false;
	snprintf(rack, sizeof(rack), "%u %u INVITE", rseq, inv->inv_cseq);
	if (send_in(inv, d, "PRACK", NULL, NULL, 0, "RAck", rack) == 0) {
		f->rseq = rseq;
		f->rseq_set = true;
	}
	free(d);
	return f->rseq_set && f->rseq == rseq;
}

/* A 2xx from a far end that lost to the first one: ACKed, then BYEd once. */
static void end_stray_fork(struct invite *inv, const struct sip_msg *m)
{
	struct fork *f = fork_of(inv, tag_of(m, SIP_HDR_TO));
	struct sip_dialog *d = fork_dialog(inv, m);
	char branch[BRANCH_MAX], buf[4096];
	struct sip_out o;
	size_t len;

	if (!d)
		return;
	new_branch(branch);
	sip_out_init(&o, buf, sizeof(buf));
	dialog_request(d, &o, "ACK", inv->sent_by, branch, inv->inv_cseq);
	sign_request(inv, &o);
	sip_out_body(&o, NULL, NULL, 0);
	if (sip_out_finish(&o, &len) == 0)
		inv->ops.send(inv->ctx, buf, len);
	if (!f || !f->byed) {
		new_branch(branch);
		sip_out_init(&o, buf, sizeof(buf));
		dialog_request(d, &o, "BYE", inv->sent_by, branch, 0);
		inv->dl.local_cseq = d->local_cseq;
		add_common(inv, &o);
		sip_out_body(&o, NULL, NULL, 0);
		if (sip_out_finish(&o, &len) == 0 &&
		    inv->ops.send(inv->ctx, buf, len) == 0 && f)
			f->byed = true;
	}
	free(d);
}

/* 422 (RFC 4028 6): once more, asking for at least the Min-SE it names. */
static bool retry_422(struct invite *inv, const struct sip_msg *m)
{
	struct sip_str v = header_named(m, "Min-SE", NULL);
	uint32_t n;
	size_t k = 0;

	while (k < v.len && v.p[k] >= '0' && v.p[k] <= '9')
		k++;
	/* a day is the longest interval the phone agrees to */
	if (!k || sip_parse_uint((struct sip_str){ v.p, k }, &n) < 0 ||
	    n < inv->min_se || n > 86400)
		return false;
	inv->se_retried = true;
	inv->min_se = n;
	if (inv->se_asked < n)
		inv->se_asked = n;
	return send_initial_invite(inv) == 0;
}

/* ---- responses received ---- */

static void on_invite_final_error(struct invite *inv, const struct sip_msg *m)
{
	char reason[64] = "";

	send_ack_non2xx(inv, m, inv->inv_cseq, inv->inv_branch);
	inv->timer_b = 0;
	if ((m->status == 401 || m->status == 407) && !inv->auth_tried &&
	    inv->auth_user[0] && inv->st != INVITE_CANCELLING &&
	    sip_auth_challenge(&inv->auth, m) == 0) {
		inv->auth_tried = true;
		if (send_initial_invite(inv) == 0) {
			rearm(inv);
			return;
		}
	}
	if (m->status == 422 && !inv->se_retried &&
	    inv->st != INVITE_CANCELLING && retry_422(inv, m)) {
		rearm(inv);
		return;
	}
	sip_str_copy(m->reason, reason, sizeof(reason));
	set_state(inv, INVITE_TERMINATED, m->status, reason);
}

static void on_invite_2xx(struct invite *inv, const struct sip_msg *m)
{
	struct sip_str tag = tag_of(m, SIP_HDR_TO);
	bool fork_answer;
	unsigned int st;

	/* the first 2xx won: a later one from another far end is ended */
	if (inv->dl.confirmed && !sip_str_eq(tag, inv->dl.remote_tag)) {
		end_stray_fork(inv, m);
		return;
	}
	if (inv->st == INVITE_CONFIRMED || inv->st == INVITE_ENDING) {
		/* a resent 2xx: its ACK again (13.2.2.4) */
		if (inv->ack && m->cseq == inv->inv_cseq)
			inv->ops.send(inv->ctx, inv->ack, inv->ack_len);
		return;
	}
	inv->timer_b = 0;
	if (dialog_from_response(&inv->dl, m) < 0) {
		/* cannot even address an ACK: the call cannot stand */
		set_state(inv, INVITE_TERMINATED, m->status, "malformed 2xx");
		return;
	}
	send_ack_2xx(inv, inv->inv_cseq);
	if (inv->st == INVITE_CANCELLING) {
		send_bye(inv, "cancelled");
		return;
	}
	inv->peer_update = list_has(m, "Allow", NULL, "UPDATE");
	/* an early answer came from another far end than the one answering */
	fork_answer = inv->got_answer && m->body.len && body_is_sdp(m) &&
		      !sip_str_eq(tag, inv->answer_tag);
	if (!inv->got_answer || fork_answer) {
		if (!m->body.len || !body_is_sdp(m)) {
			send_bye(inv, "no SDP answer");
			return;
		}
		st = inv->ops.answer(inv->ctx, m->body.p, m->body.len);
		if (st) {
			send_bye(inv, "SDP answer refused");
			return;
		}
		inv->got_answer = true;
		sip_str_copy(tag, inv->answer_tag, sizeof(inv->answer_tag));
	}
	inv->se = 0;
	se_take(inv, m, true);
	se_start(inv);
	set_state(inv, INVITE_CONFIRMED, m->status, "OK");
}

static void on_invite_response(struct invite *inv, const struct sip_msg *m)
{
	char reason[64] = "";

	if (m->status >= 200 && m->status < 300) {
		on_invite_2xx(inv, m);
		return;
	}
	if (!sip_str_eq(top_branch(m), inv->inv_branch))
		return;		/* an old transaction's answer (before auth) */
	if (m->status >= 300) {
		if (inv->st == INVITE_CALLING || inv->st == INVITE_EARLY ||
		    inv->st == INVITE_CANCELLING)
			on_invite_final_error(inv, m);
		return;
	}
	/* provisional */
	inv->provisional = true;
	if (inv->st == INVITE_CANCELLING) {
		if (inv->cancel_pending) {
			inv->cancel_pending = false;
			send_cancel(inv);
			rearm(inv);
		}
		return;
	}
	if (m->status == 100)
		return;
	/* a retransmitted or out-of-order reliable one goes no further */
	if (list_has(m, "Require", NULL, "100rel") && !prack(inv, m))
		return;
	if (tag_of(m, SIP_HDR_TO).len && sip_msg_value(m, SIP_HDR_CONTACT).len)
		dialog_from_response(&inv->dl, m);
	if (m->body.len && body_is_sdp(m) && !inv->got_answer &&
	    inv->ops.answer(inv->ctx, m->body.p, m->body.len) == 0) {
		inv->got_answer = true;
		sip_str_copy(tag_of(m, SIP_HDR_TO), inv->answer_tag,
			     sizeof(inv->answer_tag));
	}
	sip_str_copy(m->reason, reason, sizeof(reason));
	set_state(inv, INVITE_EARLY, m->status, reason);
}

static void on_reinvite_response(struct invite *inv, const struct sip_msg *m)
{
	if (m->status < 200)
		return;
	if (inv->offer) {
		reoffer_response(inv, m);
		return;
	}
	inv->reinv_deadline = 0;
	if (m->status < 300) {
		send_ack_2xx(inv, inv->reinv_cseq);
		dialog_refresh_target(&inv->dl, m);
		se_take(inv, m, true);
		se_start(inv);
		rearm(inv);
		return;
	}
	send_ack_non2xx(inv, m, inv->reinv_cseq, inv->reinv_branch);
	if (m->status == 481 || m->status == 408) {
		send_bye(inv, "session refresh refused");
		return;
	}
	se_start(inv);
	rearm(inv);
}

static void on_nict_response(struct invite *inv, struct nict *t,
			     const struct sip_msg *m)
{
	if (m->status < 200)
		return;
	t->active = false;
	if (!strcmp(t->method, "BYE")) {
		set_state(inv, INVITE_TERMINATED, m->status, "hung up");
		return;
	}
	if (!strcmp(t->method, "REFER") && m->status >= 300)
		refer_failed(inv, m->status);
	if (!strcmp(t->method, "UPDATE")) {
		if (m->status == 481 || m->status == 408) {
			send_bye(inv, "session refresh refused");
			return;
		}
		if (m->status < 300)
			se_take(inv, m, true);
		se_start(inv);
	}
	rearm(inv);
}

static void on_response(struct invite *inv, const struct sip_msg *m)
{
	struct sip_str branch = top_branch(m);

	if (sip_str_eq(m->cseq_method, "INVITE")) {
		if (m->cseq == inv->inv_cseq)
			on_invite_response(inv, m);
		else if (m->cseq == inv->reinv_cseq && inv->reinv_deadline &&
			 sip_str_eq(branch, inv->reinv_branch))
			on_reinvite_response(inv, m);
		else if (m->status >= 200 && m->status < 300 && inv->ack)
			inv->ops.send(inv->ctx, inv->ack, inv->ack_len);
		return;
	}
	if (sip_str_eq(m->cseq_method, "CANCEL"))
		return;		/* the INVITE's own answer ends it */
	for (int i = 0; i < NICT_MAX; i++)
		if (inv->nict[i].active && sip_str_eq(branch, inv->nict[i].branch) &&
		    sip_str_eq(m->cseq_method, inv->nict[i].method)) {
			on_nict_response(inv, &inv->nict[i], m);
			return;
		}
}

/* ---- requests received ---- */

/* A re-INVITE or UPDATE: a new offer (or none), a session refresh. */
static void on_offer_request(struct invite *inv, const struct sip_msg *m,
			     bool is_invite)
{
	char ans[INVITE_SDP_MAX];
	size_t alen = 0;
	unsigned int st;

	if (is_invite && (inv->reinv_deadline || inv->resp)) {
		reply(inv, m, 491, "Request Pending", 0, NULL, 0, NULL);
		return;
	}
	st = check_body(m);
	if (st) {
		char warn[256];

		reply(inv, m, st, status_reason(st), 0, NULL, 0,
		      st == 488 ? body_warning(inv, warn, sizeof(warn)) : NULL);
		return;
	}
	if (m->body.len) {
		st = inv->ops.offer(inv->ctx, m->body.p, m->body.len, ans,
				    sizeof(ans), &alen);
		if (st) {
			char warn[256];

			secret_zero(ans, sizeof(ans));
			reply(inv, m, st, status_reason(st), 0, NULL, 0,
			      offer_warning(inv, st, warn, sizeof(warn)));
			return;
		}
		memcpy(inv->sdp, ans, alen);
		inv->sdp_len = alen;
		secret_zero(ans, sizeof(ans));
	}
	dialog_refresh_target(&inv->dl, m);
	if (header_named(m, "Session-Expires", "x").len)
		se_take(inv, m, false);
	se_start(inv);
	if (is_invite) {
		/* without an offer, ours goes in the 2xx and the answer in the ACK */
		inv->offer_in_2xx = !m->body.len;
		reply(inv, m, 200, "OK", REPLY_CONTACT | REPLY_SE | REPLY_KEEP,
		      inv->sdp, inv->sdp_len, NULL);
	} else {
		reply(inv, m, 200, "OK", REPLY_CONTACT | REPLY_SE,
		      m->body.len ? inv->sdp : NULL, m->body.len ? inv->sdp_len : 0,
		      NULL);
	}
	rearm(inv);
}

static void on_ack(struct invite *inv, const struct sip_msg *m)
{
	if (!inv->resp || m->cseq != inv->resp_cseq)
		return;
	drop_resp(inv);
	drop_req(inv);
	if (inv->offer_in_2xx) {
		inv->offer_in_2xx = false;
		if (!m->body.len || !body_is_sdp(m) ||
		    inv->ops.answer(inv->ctx, m->body.p, m->body.len)) {
			send_bye(inv, "no usable SDP answer in the ACK");
			return;
		}
	}
	if (inv->st == INVITE_ANSWERED) {
		set_state(inv, INVITE_CONFIRMED, 0, "ACK");
		return;
	}
	rearm(inv);
}

static void on_cancel(struct invite *inv, const struct sip_msg *m)
{
	reply(inv, m, 200, "OK", 0, NULL, 0, NULL);
	if (inv->st != INVITE_INCOMING || !inv->have_req)
		return;		/* already answered: CANCEL changes nothing */
	reply(inv, &inv->req, 487, "Request Terminated", 0, NULL, 0, NULL);
	drop_req(inv);
	drop_rel(inv);
	set_state(inv, INVITE_TERMINATED, 487, "caller cancelled");
}

/*
 * PRACK (RFC 3262 3): 200 when its RAck names our reliable 180 (its RSeq
 * and the INVITE's CSeq), which is then no longer resent; 481 when it
 * names nothing unacknowledged; 400 without a RAck the phone can read.
 */
static void on_prack(struct invite *inv, const struct sip_msg *m)
{
	struct sip_rack r;

	if (sip_rack_parse(header_named(m, "RAck", NULL), &r) < 0) {
		reply(inv, m, 400, "Bad RAck", 0, NULL, 0, NULL);
		return;
	}
	if (!inv->rel || !inv->have_req || r.rseq != inv->rseq ||
	    r.cseq != inv->req.cseq || strcmp(r.method, "INVITE")) {
		reply(inv, m, 481, "Call/Transaction Does Not Exist", 0, NULL, 0,
		      NULL);
		return;
	}
	drop_rel(inv);
	reply(inv, m, 200, "OK", 0, NULL, 0, NULL);
	rearm(inv);
}

static void on_request(struct invite *inv, const struct sip_msg *m)
{
	bool ack = sip_str_eq(m->method, "ACK");
	bool cancel = sip_str_eq(m->method, "CANCEL");

	if (ack) {
		on_ack(inv, m);
		return;
	}
	if (cancel) {
		on_cancel(inv, m);
		return;
	}
	if (!dialog_check_cseq(&inv->dl, m)) {
		reply(inv, m, 500, "Server Internal Error", 0, NULL, 0,
		      "Retry-After\0" "1");
		return;
	}
	if (sip_str_eq(m->method, "PRACK")) {
		on_prack(inv, m);
		return;
	}
	if (sip_str_eq(m->method, "BYE")) {
		reply(inv, m, 200, "OK", 0, NULL, 0, NULL);
		if (inv->st == INVITE_INCOMING && inv->have_req) {
			reply(inv, &inv->req, 487, "Request Terminated", 0, NULL,
			      0, NULL);
			drop_req(inv);
		}
		drop_resp(inv);
		drop_rel(inv);
		set_state(inv, INVITE_TERMINATED, 0, "far end hung up");
		return;
	}
	if (inv->st != INVITE_CONFIRMED && inv->st != INVITE_ANSWERED &&
	    !sip_str_eq(m->method, "INFO") && !sip_str_eq(m->method, "OPTIONS")) {
		reply(inv, m, 491, "Request Pending", 0, NULL, 0, NULL);
		return;
	}
	if (sip_str_eq(m->method, "INVITE")) {
		on_offer_request(inv, m, true);
		return;
	}
	if (sip_str_eq(m->method, "UPDATE")) {
		on_offer_request(inv, m, false);
		return;
	}
	if (sip_str_eq(m->method, "NOTIFY")) {
		on_notify(inv, m);
		return;
	}
	if (sip_str_eq(m->method, "REFER")) {
		on_refer(inv, m);
		return;
	}
	if (sip_str_eq(m->method, "INFO") || sip_str_eq(m->method, "OPTIONS")) {
		reply(inv, m, 200, "OK", 0, NULL, 0, NULL);
		return;
	}
	reply(inv, m, 501, "Not Implemented", 0, NULL, 0, NULL);
}

bool invite_matches(const struct invite *inv, const struct sip_msg *m)
{
	struct sip_str ftag, ttag;

	if (!sip_str_eq(m->call_id, inv->dl.call_id))
		return false;
	ftag = tag_of(m, SIP_HDR_FROM);
	ttag = tag_of(m, SIP_HDR_TO);
	if (!m->request)
		return sip_str_eq(ftag, inv->dl.local_tag);
	if (!sip_str_eq(ftag, inv->dl.remote_tag))
		return false;
	/* CANCEL repeats the INVITE's To, without our tag, and its branch */
	if (sip_str_eq(m->method, "CANCEL")) {
		struct sip_str b = top_branch(m), ours;

		if (inv->outgoing || !inv->have_req || m->cseq != inv->req.cseq)
			return false;
		ours = top_branch(&inv->req);
		return b.len == ours.len && b.len && !memcmp(b.p, ours.p, b.len);
	}
	return sip_str_eq(ttag, inv->dl.local_tag);
}

void invite_message(struct invite *inv, const struct sip_msg *m)
{
	if (inv->st == INVITE_TERMINATED)
		return;
	if (m->request)
		on_request(inv, m);
	else
		on_response(inv, m);
}

void invite_timer(struct invite *inv)
{
	uint64_t t = now(inv);

	if (inv->st == INVITE_TERMINATED)
		return;
	if (inv->timer_b && t >= inv->timer_b) {
		inv->timer_b = 0;
		if (inv->st == INVITE_CANCELLING && inv->cancel_pending) {
			set_state(inv, INVITE_TERMINATED, 0, "cancelled");
			return;
		}
		set_state(inv, INVITE_TERMINATED, 408, "no answer (Timer B)");
		return;
	}
	if (inv->ack_deadline && t >= inv->ack_deadline) {
		/* 13.3.1.4: no ACK to our 2xx, the session is over */
		send_bye(inv, "no ACK to the answer");
		return;
	}
	if (inv->rel_deadline && t >= inv->rel_deadline) {
		/* RFC 3262 3: 64*T1 without a PRACK, the INVITE gets a 5xx */
		drop_rel(inv);
		if (inv->st == INVITE_INCOMING && inv->have_req) {
			reply(inv, &inv->req, 504, "No PRACK", 0, NULL, 0, NULL);
			drop_req(inv);
			set_state(inv, INVITE_TERMINATED, 504, "no PRACK");
			return;
		}
	}
	if (inv->rel_at && t >= inv->rel_at && inv->rel) {
		inv->ops.send(inv->ctx, inv->rel, inv->rel_len);
		inv->rel_iv *= 2;
		inv->rel_at = t + inv->rel_iv;
	}
	if (inv->retrans_at && t >= inv->retrans_at && inv->resp) {
		inv->ops.send(inv->ctx, inv->resp, inv->resp_len);
		inv->retrans_iv *= 2;
		if (inv->retrans_iv > INVITE_T2_USEC)
			inv->retrans_iv = INVITE_T2_USEC;
		inv->retrans_at = t + inv->retrans_iv;
	}
	if (inv->reinv_deadline && t >= inv->reinv_deadline) {
		inv->reinv_deadline = 0;
		if (inv->offer) {
			reoffer_drop(inv);
			reoffer_report(inv, 408);
		}
		send_bye(inv, "no answer to the session refresh");
		return;
	}
	if (inv->reinv_retry_at && t >= inv->reinv_retry_at)
		reoffer_retry(inv);
	for (int i = 0; i < NICT_MAX; i++) {
		struct nict *n = &inv->nict[i];

		if (!n->active || t < n->deadline)
			continue;
		n->active = false;
		if (!strcmp(n->method, "BYE")) {
			set_state(inv, INVITE_TERMINATED, 408, "no answer to BYE");
			return;
		}
		if (!strcmp(n->method, "UPDATE")) {
			send_bye(inv, "no answer to the session refresh");
			return;
		}
		if (!strcmp(n->method, "REFER"))
			refer_failed(inv, 408);
	}
	if (inv->se_deadline && t >= inv->se_deadline) {
		inv->se_deadline = 0;
		if (inv->offer) {
			se_start(inv);	/* the re-INVITE under way refreshes */
		} else if (inv->refresher) {
			send_refresh(inv);
		} else {
			send_bye(inv, "session expired");
			return;
		}
	}
	rearm(inv);
}

enum invite_state invite_state(const struct invite *inv)
{
	return inv->st;
}

bool invite_outgoing(const struct invite *inv)
{
	return inv->outgoing;
}

const char *invite_remote(const struct invite *inv)
{
	return inv->outgoing ? inv->target : inv->dl.remote_na;
}

const char *invite_call_id(const struct invite *inv)
{
	return inv->dl.call_id;
}

const char *invite_local_tag(const struct invite *inv)
{
	return inv->dl.local_tag;
}

const char *invite_remote_tag(const struct invite *inv)
{
	return inv->dl.remote_tag;
}

uint32_t invite_session_expires(const struct invite *inv)
{
	return inv->se;
}

bool invite_refresher(const struct invite *inv)
{
	return inv->refresher;
}
