// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "config.h"
#include "lib/sip/ocs_ident.h"
#include "lib/util/secret.h"
#include "sip/auth.h"
#include "sip/register.h"
#include "sip/sipae_sa.h"

#define SUBSYS "sip-register"
#define USEC 1000000ull
#define RETRY_FIRST_USEC (5 * USEC)
#define RETRY_MAX_USEC (300 * USEC)
#define REFRESH_MIN_USEC (5 * USEC)
#define REFRESH_MAX_USEC (1800 * USEC)
#define SUPPORTED "gruu-10, adhoclist, msrtc-event-categories, com.microsoft.msrtc.presence"

struct sip_register {
	struct ucphoned *d;
	struct log *log;
	struct sip_txn_layer *l;
	struct sip_register_options opt;
	sip_register_cb cb;
	void *cb_ctx;

	enum sip_reg_state state;
	struct sip_account acct;
	bool have_acct;
	struct registrar targets[REGISTRARS_MAX];
	unsigned int n_targets, idx;
	X509_STORE *store;

	struct sip_conn *conn;		/* the target's connection */
	struct sip_conn *probe;		/* the first target, while failing back */
	struct sip_client_txn *tx;
	struct sip_auth auth;
	char epid[11], instance[37];
	char call_id[64], from_tag[24], contact[160];
	uint32_t cseq;
	uint32_t expires_s;		/* granted */
	uint32_t asked_s;		/* asked in the last request */
	uint64_t registered_at;		/* CLOCK_MONOTONIC usec */
	uint64_t retry_usec;
	sd_event_source *timer;		/* refresh, retry, stop bound */
	sd_event_source *failback;

	char error[192];
	bool auth_failed;
	bool walk_cert_error;		/* this walk met an untrusted server */
	uint64_t registrations, refreshes, failovers, failbacks, auth_failures,
		 first_registered_usec;
};

static const char *const state_names[] = {
	[SIP_REG_IDLE] = "idle",
	[SIP_REG_CONNECTING] = "connecting",
	[SIP_REG_REGISTERING] = "registering",
	[SIP_REG_AUTHENTICATING] = "authenticating",
	[SIP_REG_REGISTERED] = "registered",
	[SIP_REG_REFRESHING] = "refreshing",
	[SIP_REG_FAILED] = "failed",
	[SIP_REG_UNREGISTERING] = "unregistering",
};

const char *sip_register_state_name(enum sip_reg_state s)
{
	return state_names[s];
}

static uint64_t now_usec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * USEC + (uint64_t)ts.tv_nsec / 1000u;
}

static void set_state(struct sip_register *r, enum sip_reg_state s)
{
	if (r->state == s)
		return;
	log_debug(r->log, SUBSYS, "state", LOG_STR("from", state_names[r->state]),
		  LOG_STR("to", state_names[s]));
	r->state = s;
	r->cb(r->cb_ctx, s);
}

static const struct registrar *target(const struct sip_register *r)
{
	return r->idx < r->n_targets ? &r->targets[r->idx] : NULL;
}

static void arm(struct sip_register *r, sd_event_source **src, uint64_t usec,
		sd_event_time_handler_t fn)
{
	*src = sd_event_source_disable_unref(*src);
	if (sd_event_add_time_relative(r->d->event, src, CLOCK_MONOTONIC, usec,
				       100000, fn, r) < 0)
		log_error(r->log, SUBSYS, "cannot arm a timer");
}

static void drop_conn(struct sip_register *r)
{
	if (r->tx)
		sip_txn_cancel(r->l, r->tx);
	r->tx = NULL;
	sip_conn_unref(r->conn);
	r->conn = NULL;
}

static void drop_probe(struct sip_register *r)
{
	sip_conn_unref(r->probe);
	r->probe = NULL;
}

/* ---- the REGISTER request ---- */

static void on_register_answer(void *ctx, const struct sip_msg *resp, int err);

/* detached: written straight on the connection, no transaction (shutdown) */
static int send_register_ex(struct sip_register *r, uint32_t expires,
			    bool detached)
{
	char buf[4096], uri[300], branch[SIP_BRANCH_MAX];
	const struct sip_account *a = &r->acct;
	struct sip_out o;
	size_t len;
	int ret;

	snprintf(uri, sizeof(uri), "sip:%s", a->domain);
	snprintf(r->contact, sizeof(r->contact),
		 "<sip:%s;transport=tls>;proxy=replace;+sip.instance=\"<urn:uuid:%s>\"",
		 sip_conn_local(r->conn), r->instance);
	sip_txn_new_branch(branch);
	r->asked_s = expires;
	sip_out_init(&o, buf, sizeof(buf));
	sip_out_request_line(&o, "REGISTER", uri);
	sip_out_header(&o, "Via", "SIP/2.0/TLS %s;branch=%s;rport",
		       sip_conn_local(r->conn), branch);
	sip_out_header(&o, "Max-Forwards", "70");
	sip_out_header(&o, "From", "<sip:%s>;tag=%s;epid=%s", a->address,
		       r->from_tag, r->epid);
	sip_out_header(&o, "To", "<sip:%s>", a->address);
	sip_out_header(&o, "Call-ID", "%s", r->call_id);
	sip_out_header(&o, "CSeq", "%u REGISTER", ++r->cseq);
	sip_out_header(&o, "Contact", "%s", r->contact);
	sip_out_header(&o, "Expires", "%u", expires);
	sip_out_header(&o, "Supported", SUPPORTED);
	sip_out_header(&o, "Allow", "OPTIONS, NOTIFY");
	sip_out_header(&o, "User-Agent", "ucphone/%s", UCPHONE_VERSION);
	ret = sip_auth_add(&r->auth, a->auth_user, a->password, "REGISTER",
			   uri, &o);
	sip_out_body(&o, NULL, NULL, 0);
	if (!ret)
		ret = sip_out_finish(&o, &len);
	if (!ret && detached)
		ret = sip_conn_send(r->conn, buf, len);
	else if (!ret)
		ret = sip_txn_request(r->l, r->conn, buf, len, branch,
				      "REGISTER", on_register_answer, r, &r->tx);
	secret_zero(buf, sizeof(buf));
	if (ret < 0)
		log_warning(r->log, SUBSYS, "cannot send REGISTER", LOG_ERRNO(ret));
	return ret;
}

static int send_register(struct sip_register *r, uint32_t expires)
{
	return send_register_ex(r, expires, false);
}

/* ---- walking the targets ---- */

static void connect_target(struct sip_register *r);
static int on_retry(sd_event_source *s, uint64_t usec, void *ud);

static void set_error(struct sip_register *r, const char *text)
{
	snprintf(r->error, sizeof(r->error), "%s", text);
}

/* This target failed: the next one, or a pause and the first again. */
static void next_target(struct sip_register *r, const char *why)
{
	const struct registrar *t = target(r);

	set_error(r, why);
	if (!strcmp(why, SIP_CERT_ERROR_TEXT))
		r->walk_cert_error = true;
	log_warning(r->log, SUBSYS, "registrar failed",
		    LOG_STR("host", t ? t->host : ""),
		    LOG_UINT("port", t ? t->port : 0), LOG_STR("error", why));
	drop_conn(r);
	r->timer = sd_event_source_disable_unref(r->timer);
	r->failback = sd_event_source_disable_unref(r->failback);
	drop_probe(r);
	if (r->idx + 1 < r->n_targets) {
		r->idx++;
		r->failovers++;
		connect_target(r);
		return;
	}
	/* What the user can act on wins over the last target's error. */
	if (r->walk_cert_error)
		set_error(r, SIP_CERT_ERROR_TEXT);
	r->retry_usec = r->retry_usec ? r->retry_usec * 2 : RETRY_FIRST_USEC;
	if (r->retry_usec > RETRY_MAX_USEC)
		r->retry_usec = RETRY_MAX_USEC;
	log_error(r->log, SUBSYS, "no registrar accepted the phone; will retry",
		  LOG_STR("error", r->error),
		  LOG_UINT("retry_s", r->retry_usec / USEC));
	set_state(r, SIP_REG_FAILED);
	arm(r, &r->timer, r->retry_usec, on_retry);
}

static void connect_target(struct sip_register *r)
{
	const struct registrar *t = target(r);
	int ret;

	if (!t) {
		set_error(r, "no registrar");
		set_state(r, SIP_REG_FAILED);
		return;
	}
	sip_auth_clear(&r->auth);
	if (r->idx == 0)
		r->walk_cert_error = false;
	set_state(r, SIP_REG_CONNECTING);
	if (t->transport != SIP_TRANSPORT_TLS) {
		/* Only TLS is offered: an OCS phone never signs in over plain TCP. */
		next_target(r, "registrar offers TCP only; the phone signs in over TLS");
		return;
	}
	ret = sip_conn_open(sip_txn_transport(r->l), t->host, t->port,
			    r->store, &r->conn);
	if (ret < 0) {
		next_target(r, "cannot connect to the registrar");
		return;
	}
	log_info(r->log, SUBSYS, "connecting to registrar",
		 LOG_STR("host", t->host), LOG_UINT("port", t->port),
		 LOG_UINT("index", r->idx));
	if (sip_conn_state(r->conn) == SIP_CONN_UP) {
		set_state(r, SIP_REG_REGISTERING);
		if (send_register(r, r->opt.expires_s) < 0)
			next_target(r, "cannot send REGISTER");
	}
}

static int on_retry(sd_event_source *s, uint64_t usec, void *ud)
{
	struct sip_register *r = ud;

	(void)s;
	(void)usec;
	r->timer = sd_event_source_disable_unref(r->timer);
	r->idx = 0;
	r->auth_failed = false;
	connect_target(r);
	return 0;
}

/* ---- registered: refresh and failback ---- */

static int on_refresh(sd_event_source *s, uint64_t usec, void *ud)
{
	struct sip_register *r = ud;

	(void)s;
	(void)usec;
	r->timer = sd_event_source_disable_unref(r->timer);
	set_state(r, SIP_REG_REFRESHING);
	/* The last nonce may still be good: try it (nc+1) before a 401. */
	if (send_register(r, r->opt.expires_s) < 0)
		next_target(r, "cannot send REGISTER");
	return 0;
}

/* Failing back: the binding on the lower target goes (best effort, no wait). */
static void leave_lower_target(struct sip_register *r)
{
	if (r->conn && sip_conn_state(r->conn) == SIP_CONN_UP &&
	    (r->state == SIP_REG_REGISTERED || r->state == SIP_REG_REFRESHING))
		send_register_ex(r, 0, true);
	drop_conn(r);
}

static int on_failback(sd_event_source *s, uint64_t usec, void *ud)
{
	struct sip_register *r = ud;
	const struct registrar *first = &r->targets[0];

	(void)s;
	(void)usec;
	r->failback = sd_event_source_disable_unref(r->failback);
	if (r->idx == 0 || r->probe)
		return 0;
	log_info(r->log, SUBSYS, "trying the preferred registrar again",
		 LOG_STR("host", first->host), LOG_UINT("port", first->port));
	if (sip_conn_open(sip_txn_transport(r->l), first->host, first->port,
			  r->store, &r->probe) < 0) {
		r->probe = NULL;
		arm(r, &r->failback, r->opt.failback_usec, on_failback);
		return 0;
	}
	if (sip_conn_state(r->probe) == SIP_CONN_UP) {
		/* Nothing to wait for: it is already connected. */
		struct sip_conn *c = r->probe;

		sip_conn_ref(c);
		r->probe = NULL;
		leave_lower_target(r);
		r->conn = c;
		r->idx = 0;
		r->failbacks++;
		sip_auth_clear(&r->auth);
		set_state(r, SIP_REG_REGISTERING);
		if (send_register(r, r->opt.expires_s) < 0)
			next_target(r, "cannot send REGISTER");
		sip_conn_unref(c);
	}
	return 0;
}

static uint32_t granted_expiry(struct sip_register *r, const struct sip_msg *m)
{
	struct sip_str items[SIP_LIST_MAX], v;
	const struct sip_header *h;
	uint32_t e;
	int n;

	/* Our own binding among every Contact the registrar lists. */
	for (unsigned int i = 0; (h = sip_msg_header(m, SIP_HDR_CONTACT, i)); i++) {
		n = sip_split_list(h->value, items, SIP_LIST_MAX);
		for (int k = 0; k < n; k++) {
			struct sip_name_addr na;

			if (sip_parse_name_addr(items[k], &na) ||
			    !sip_param(na.params, "expires", &v) ||
			    sip_parse_uint(v, &e))
				continue;
			if ((sip_param(na.params, "+sip.instance", &v) &&
			     v.len > 10 && memmem(v.p, v.len, r->instance,
						  strlen(r->instance))) ||
			    (na.uri.len > 4 &&
			     memmem(na.uri.p, na.uri.len, sip_conn_local(r->conn),
				    strlen(sip_conn_local(r->conn)))))
				return e;
		}
	}
	v = sip_msg_value(m, SIP_HDR_EXPIRES);
	if (v.p && sip_parse_uint(v, &e) == 0)
		return e;
	return r->asked_s;
}

static void registered(struct sip_register *r, const struct sip_msg *m)
{
	const struct registrar *t = target(r);
	uint64_t refresh;
	bool was = r->state == SIP_REG_REFRESHING;

	r->expires_s = granted_expiry(r, m);
	r->registered_at = now_usec();
	r->retry_usec = 0;
	r->error[0] = '\0';
	if (was)
		r->refreshes++;
	else
		r->registrations++;
	if (!r->first_registered_usec)
		r->first_registered_usec = r->registered_at;
	refresh = (uint64_t)r->expires_s * USEC / 2;
	if (refresh < REFRESH_MIN_USEC)
		refresh = REFRESH_MIN_USEC;
	if (refresh > REFRESH_MAX_USEC)
		refresh = REFRESH_MAX_USEC;
	arm(r, &r->timer, refresh, on_refresh);
	if (r->idx > 0 && !r->failback && !r->probe)
		arm(r, &r->failback, r->opt.failback_usec, on_failback);
	if (!was)
		log_info(r->log, SUBSYS, "registered", LOG_STR("host", t->host),
			 LOG_UINT("port", t->port),
			 LOG_UINT("expires_s", r->expires_s),
			 LOG_STR("address", r->acct.address),
			 LOG_UINT("since_start_ms",
				  (r->registered_at - r->d->started_usec) / 1000));
	set_state(r, SIP_REG_REGISTERED);
}

static void auth_failed(struct sip_register *r, const char *why)
{
	r->auth_failures++;
	r->auth_failed = true;
	set_error(r, why);
	log_error(r->log, SUBSYS, "sign-in refused: wrong password or user name",
		  LOG_STR("address", r->acct.address),
		  LOG_STR("user", r->acct.auth_user), LOG_STR("reason", why),
		  LOG_UINT("retry_s", r->opt.auth_retry_usec / USEC));
	drop_conn(r);
	r->failback = sd_event_source_disable_unref(r->failback);
	drop_probe(r);
	set_state(r, SIP_REG_FAILED);
	arm(r, &r->timer, r->opt.auth_retry_usec, on_retry);
}

static void unregistered(struct sip_register *r)
{
	r->timer = sd_event_source_disable_unref(r->timer);
	drop_conn(r);
	log_info(r->log, SUBSYS, "unregistered", LOG_STR("address", r->acct.address));
	secret_zero(&r->acct, sizeof(r->acct));
	r->have_acct = false;
	set_state(r, SIP_REG_IDLE);
}

static void on_register_answer(void *ctx, const struct sip_msg *m, int err)
{
	struct sip_register *r = ctx;
	char why[160];

	r->tx = NULL;
	if (!m) {
		if (r->state == SIP_REG_UNREGISTERING) {
			unregistered(r);
			return;
		}
		next_target(r, err == -ETIMEDOUT ? "no answer to REGISTER" :
			    "connection lost during REGISTER");
		return;
	}
	if (m->status == 401 || m->status == 407) {
		struct sip_auth prev = r->auth;
		int ret = sip_auth_challenge(&r->auth, m);

		if (ret < 0) {
			secret_zero(&prev, sizeof(prev));
			if (r->state == SIP_REG_UNREGISTERING) {
				unregistered(r);
				return;
			}
			next_target(r, ret == -EPROTONOSUPPORT ?
				    "registrar asks for an authentication scheme the phone does not do" :
				    "malformed authentication challenge");
			return;
		}
		/* Fresh credentials challenged again, not as stale: wrong. */
		if (prev.sent_fresh && !r->auth.ch.stale) {
			secret_zero(&prev, sizeof(prev));
			if (r->state == SIP_REG_UNREGISTERING) {
				unregistered(r);
				return;
			}
			auth_failed(r, "Wrong password or user name (401 Unauthorized)");
			return;
		}
		secret_zero(&prev, sizeof(prev));
		if (r->state != SIP_REG_UNREGISTERING)
			set_state(r, SIP_REG_AUTHENTICATING);
		if (send_register(r, r->asked_s) < 0)
			next_target(r, "cannot send REGISTER");
		return;
	}
	if (r->state == SIP_REG_UNREGISTERING) {
		unregistered(r);
		return;
	}
	if (m->status >= 200 && m->status < 300) {
		if (sip_auth_verify(&r->auth, m) < 0) {
			next_target(r, "registrar's signature does not verify");
			return;
		}
		registered(r, m);
		return;
	}
	if (m->status == 423) {
		struct sip_str v = sip_msg_value(m, SIP_HDR_MIN_EXPIRES);
		uint32_t min;

		if (v.p && !sip_parse_uint(v, &min) && min > r->asked_s &&
		    min <= 86400) {
			r->opt.expires_s = min;
			if (send_register(r, min) == 0)
				return;
		}
	}
	if (m->status == 403) {
		auth_failed(r, "Wrong password or user name (403 Forbidden)");
		return;
	}
	snprintf(why, sizeof(why), "registrar answered %u %.*s", m->status,
		 (int)(m->reason.len > 80 ? 80 : m->reason.len), m->reason.p);
	for (char *c = why; *c; c++)
		if ((unsigned char)*c < ' ')
			*c = ' ';
	next_target(r, why);
}

/* ---- connection events ---- */

static void conn_up(void *ctx, struct sip_conn *c)
{
	struct sip_register *r = ctx;

	if (c == r->probe) {
		log_info(r->log, SUBSYS, "returning to the preferred registrar",
			 LOG_STR("host", sip_conn_host(c)));
		r->probe = NULL;
		leave_lower_target(r);
		r->conn = c;	/* the probe's reference moves over */
		r->idx = 0;
		r->failbacks++;
		r->timer = sd_event_source_disable_unref(r->timer);
		sip_auth_clear(&r->auth);
		set_state(r, SIP_REG_REGISTERING);
		if (send_register(r, r->opt.expires_s) < 0)
			next_target(r, "cannot send REGISTER");
		return;
	}
	if (c != r->conn || r->state != SIP_REG_CONNECTING)
		return;
	set_state(r, SIP_REG_REGISTERING);
	if (send_register(r, r->opt.expires_s) < 0)
		next_target(r, "cannot send REGISTER");
}

static void conn_down(void *ctx, struct sip_conn *c, enum sip_conn_error err)
{
	struct sip_register *r = ctx;

	if (c == r->probe) {
		drop_probe(r);
		arm(r, &r->failback, r->opt.failback_usec, on_failback);
		return;
	}
	if (c != r->conn)
		return;
	switch (r->state) {
	case SIP_REG_UNREGISTERING:
		unregistered(r);
		break;
	case SIP_REG_REGISTERED:
		/* The flow is gone: register again, the preferred target first. */
		drop_conn(r);
		r->timer = sd_event_source_disable_unref(r->timer);
		r->failback = sd_event_source_disable_unref(r->failback);
		set_error(r, sip_conn_error_text(err));
		log_warning(r->log, SUBSYS, "registration flow lost; registering again",
			    LOG_STR("error", sip_conn_error_text(err)));
		r->idx = 0;
		connect_target(r);
		break;
	default:
		/* a transaction in flight heard it already and moved on */
		if (r->conn == c)
			next_target(r, sip_conn_error_text(err));
		break;
	}
}

/* ---- API ---- */

static bool same_targets(const struct sip_register *r,
			 const struct registrar *t, unsigned int n)
{
	return n == r->n_targets && !memcmp(t, r->targets, n * sizeof(*t));
}

int sip_register_start(struct sip_register *r, const struct sip_account *acct,
		       const struct registrar *targets, unsigned int n,
		       X509_STORE *store)
{
	if (!n || n > REGISTRARS_MAX || !acct->address[0] || !acct->domain[0])
		return -EINVAL;
	if (r->have_acct && !memcmp(acct, &r->acct, sizeof(*acct)) &&
	    same_targets(r, targets, n) && r->state != SIP_REG_IDLE &&
	    r->state != SIP_REG_UNREGISTERING)
		return 0;
	drop_conn(r);
	drop_probe(r);
	r->timer = sd_event_source_disable_unref(r->timer);
	r->failback = sd_event_source_disable_unref(r->failback);
	secret_zero(&r->acct, sizeof(r->acct));
	r->acct = *acct;
	r->have_acct = true;
	memcpy(r->targets, targets, n * sizeof(*targets));
	r->n_targets = n;
	r->idx = 0;
	r->retry_usec = 0;
	r->auth_failed = false;
	r->error[0] = '\0';
	X509_STORE_up_ref(store);
	X509_STORE_free(r->store);
	r->store = store;
	sip_random_hex(r->call_id, sizeof(r->call_id), 32);
	sip_random_hex(r->from_tag, sizeof(r->from_tag), 16);
	r->cseq = 0;
	log_info(r->log, SUBSYS, "signing in", LOG_STR("address", acct->address),
		 LOG_STR("user", acct->auth_user), LOG_UINT("registrars", n),
		 LOG_STR("epid", r->epid));
	connect_target(r);
	return 0;
}

void sip_register_set_targets(struct sip_register *r,
			      const struct registrar *targets, unsigned int n)
{
	const struct registrar *cur = target(r);

	if (!r->have_acct || same_targets(r, targets, n) || !n)
		return;
	for (unsigned int i = 0; cur && i < n; i++)
		if (targets[i].port == cur->port &&
		    !strcasecmp(targets[i].host, cur->host)) {
			memcpy(r->targets, targets, n * sizeof(*targets));
			r->n_targets = n;
			r->idx = i;
			return;
		}
	memcpy(r->targets, targets, n * sizeof(*targets));
	r->n_targets = n;
	/* A wrong password stays wrong wherever it is sent. */
	if (r->auth_failed) {
		r->idx = 0;
		return;
	}
	log_info(r->log, SUBSYS, "registrar list changed; starting over");
	drop_conn(r);
	drop_probe(r);
	r->timer = sd_event_source_disable_unref(r->timer);
	r->failback = sd_event_source_disable_unref(r->failback);
	r->idx = 0;
	connect_target(r);
}

void sip_register_set_store(struct sip_register *r, X509_STORE *store)
{
	if (store == r->store)
		return;
	X509_STORE_up_ref(store);
	X509_STORE_free(r->store);
	r->store = store;
	/* A wrong password stays wrong; an untrusted server may be trusted now. */
	if (r->have_acct && r->state == SIP_REG_FAILED && !r->auth_failed) {
		log_info(r->log, SUBSYS, "trust store changed; trying again");
		r->timer = sd_event_source_disable_unref(r->timer);
		r->idx = 0;
		connect_target(r);
	}
}

static int on_stop_bound(sd_event_source *s, uint64_t usec, void *ud)
{
	(void)s;
	(void)usec;
	unregistered(ud);
	return 0;
}

void sip_register_stop(struct sip_register *r)
{
	if (!r->have_acct)
		return;
	r->failback = sd_event_source_disable_unref(r->failback);
	drop_probe(r);
	if ((r->state == SIP_REG_REGISTERED || r->state == SIP_REG_REFRESHING) &&
	    r->conn && sip_conn_state(r->conn) == SIP_CONN_UP) {
		if (r->tx)
			sip_txn_cancel(r->l, r->tx);
		r->tx = NULL;
		set_state(r, SIP_REG_UNREGISTERING);
		if (send_register(r, 0) == 0) {
			arm(r, &r->timer, 5 * USEC, on_stop_bound);
			return;
		}
	}
	unregistered(r);
}

int sip_register_new(struct ucphoned *d, struct sip_txn_layer *l,
		     const struct sip_register_options *opt,
		     const char *epid, sip_register_cb cb, void *ctx,
		     struct sip_register **out)
{
	static const struct sip_conn_watch w = {
		.up = conn_up,
		.down = conn_down,
	};
	struct sip_register *r = calloc(1, sizeof(*r));
	int ret;

	if (!r)
		return -ENOMEM;
	r->d = d;
	r->log = &d->log;
	r->l = l;
	r->opt = *opt;
	r->cb = cb;
	r->cb_ctx = ctx;
	snprintf(r->epid, sizeof(r->epid), "%s", epid);
	ret = ocs_instance_uuid(r->epid, r->instance);
	if (ret == 0)
		ret = sip_txn_watch(l, &w, r);
	if (ret < 0) {
		free(r);
		return ret;
	}
	*out = r;
	return 0;
}

void sip_register_free(struct sip_register *r)
{
	if (!r)
		return;
	sip_txn_unwatch(r->l, r);
	/*
	 * Stopping: the un-REGISTER goes out with the last nonce, nobody waits
	 * for its answer (the loop is finishing: no timers can be added).
	 */
	if ((r->state == SIP_REG_REGISTERED || r->state == SIP_REG_REFRESHING) &&
	    r->conn && sip_conn_state(r->conn) == SIP_CONN_UP) {
		if (r->tx)
			sip_txn_cancel(r->l, r->tx);
		r->tx = NULL;
		r->state = SIP_REG_UNREGISTERING;
		if (send_register_ex(r, 0, true) == 0)
			log_info(r->log, SUBSYS, "un-REGISTER sent",
				 LOG_STR("address", r->acct.address));
	}
	sip_txn_cancel_all(r->l, r);
	r->tx = NULL;
	drop_conn(r);
	drop_probe(r);
	r->timer = sd_event_source_disable_unref(r->timer);
	r->failback = sd_event_source_disable_unref(r->failback);
	X509_STORE_free(r->store);
	secret_zero(&r->acct, sizeof(r->acct));
	sip_auth_clear(&r->auth);
	free(r);
}

enum sip_reg_state sip_register_state(const struct sip_register *r)
{
	return r->state;
}

struct sip_conn *sip_register_conn(const struct sip_register *r)
{
	return r->state == SIP_REG_REGISTERED || r->state == SIP_REG_REFRESHING ?
	       r->conn : NULL;
}

struct sip_auth *sip_register_signer(struct sip_register *r)
{
	return sipae_sa_ready(r->auth.sa) ? &r->auth : NULL;
}

const struct sip_account *sip_register_account(const struct sip_register *r)
{
	return r->have_acct ? &r->acct : NULL;
}

const char *sip_register_contact(const struct sip_register *r)
{
	return r->contact;
}

const char *sip_register_from_tag(const struct sip_register *r)
{
	return r->from_tag;
}

const char *sip_register_epid(const struct sip_register *r)
{
	return r->epid;
}

struct json_object *sip_register_status(const struct sip_register *r)
{
	struct json_object *o = json_object_new_object();
	const struct registrar *t = target(r);
	char buf[300];

	json_object_object_add(o, "state", json_object_new_string(state_names[r->state]));
	if (r->have_acct) {
		json_object_object_add(o, "address", json_object_new_string(r->acct.address));
		json_object_object_add(o, "user", json_object_new_string(r->acct.auth_user));
	}
	if (t && r->state != SIP_REG_IDLE) {
		snprintf(buf, sizeof(buf), "%s:%u", t->host, (unsigned int)t->port);
		json_object_object_add(o, "registrar", json_object_new_string(buf));
		json_object_object_add(o, "registrar_index", json_object_new_int((int)r->idx));
	}
	if (r->state == SIP_REG_REGISTERED || r->state == SIP_REG_REFRESHING) {
		uint64_t age = (now_usec() - r->registered_at) / USEC;

		json_object_object_add(o, "expires", json_object_new_uint64(r->expires_s));
		json_object_object_add(o, "expires_in_s", json_object_new_uint64(
			age < r->expires_s ? r->expires_s - age : 0));
		json_object_object_add(o, "contact", json_object_new_string(r->contact));
	}
	if (r->first_registered_usec)
		json_object_object_add(o, "start_to_registered_ms", json_object_new_uint64(
			(r->first_registered_usec - r->d->started_usec) / 1000));
	if (r->error[0])
		json_object_object_add(o, "error", json_object_new_string(r->error));
	json_object_object_add(o, "epid", json_object_new_string(r->epid));
	json_object_object_add(o, "instance", json_object_new_string(r->instance));
	json_object_object_add(o, "registrations", json_object_new_uint64(r->registrations));
	json_object_object_add(o, "refreshes", json_object_new_uint64(r->refreshes));
	json_object_object_add(o, "failovers", json_object_new_uint64(r->failovers));
	json_object_object_add(o, "failbacks", json_object_new_uint64(r->failbacks));
	json_object_object_add(o, "auth_failures", json_object_new_uint64(r->auth_failures));
	return o;
}
