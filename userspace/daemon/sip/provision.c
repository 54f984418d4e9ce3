// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sip/auth.h"
#include "sip/provision.h"
#include "sip/subscribe.h"

#define SUBSYS "sip-provision"

enum prov_state {
	PROV_IDLE,
	PROV_SUBSCRIBING,
	PROV_AUTHENTICATING,
	PROV_DONE,
	PROV_FAILED,
};

struct sip_provision {
	struct ucphoned *d;
	struct log *log;
	struct sip_txn_layer *l;
	struct sip_register *reg;
	enum prov_state state;
	struct sip_conn *conn;		/* referenced while subscribing */
	struct sip_client_txn *tx;
	struct sip_subscription sub;
	struct prov_config config;
	bool have_config;
	char source[16];		/* "200" or "NOTIFY" */
	char error[160];
	uint64_t subscribes, updates, bad_bodies;
	sip_provision_smtp_cb smtp_cb;
	void *smtp_ctx;
};

static const char *const state_names[] = {
	"idle", "subscribing", "authenticating", "done", "failed",
};

static void finish(struct sip_provision *p, enum prov_state s, const char *error)
{
	p->state = s;
	p->tx = NULL;
	sip_conn_unref(p->conn);
	p->conn = NULL;
	sip_subscription_clear(&p->sub);
	snprintf(p->error, sizeof(p->error), "%s", error ? error : "");
	if (error)
		log_warning(p->log, SUBSYS, "provisioning failed",
			    LOG_STR("error", error));
}

static bool is_prov_body(const struct sip_msg *m)
{
	struct sip_str ct = sip_msg_value(m, SIP_HDR_CONTENT_TYPE);
	size_t n = strlen(SIP_PROV_CONTENT_TYPE);

	return ct.p && ct.len >= n && !strncasecmp(ct.p, SIP_PROV_CONTENT_TYPE, n) &&
	       m->body.len;
}

/* Parses a provisionGroupList; the values kept change only if it parses. */
static int take_body(struct sip_provision *p, const struct sip_msg *m,
		     const char *source)
{
	struct prov_config *c = calloc(1, sizeof(*c));
	int ret;

	if (!c)
		return -ENOMEM;
	ret = prov_xml_parse(m->body.p, m->body.len, c);
	if (ret < 0) {
		p->bad_bodies++;
		log_warning(p->log, SUBSYS, "provisioning body refused",
			    LOG_STR("from", source), LOG_ERRNO(ret));
		free(c);
		return ret;
	}
	p->config = *c;
	free(c);
	p->have_config = true;
	p->updates++;
	snprintf(p->source, sizeof(p->source), "%s", source);
	log_info(p->log, SUBSYS, "provisioned", LOG_STR("from", source),
		 LOG_UINT("settings", p->config.n));
	/* The primary SMTP address locates Exchange (seed). */
	if (p->smtp_cb)
		p->smtp_cb(p->smtp_ctx, prov_config_get(&p->config, PROV_SMTP_ADDRESS));
	return 0;
}

static int send_subscribe(struct sip_provision *p);

static void on_answer(void *ctx, const struct sip_msg *m, int err)
{
	struct sip_provision *p = ctx;
	char why[160];

	p->tx = NULL;
	if (!m) {
		finish(p, PROV_FAILED, err == -ETIMEDOUT ? "no answer to SUBSCRIBE" :
		       "connection lost during SUBSCRIBE");
		return;
	}
	if (m->status == 401 || m->status == 407) {
		const char *reason;

		if (sip_subscribe_challenged(&p->sub, m, &reason) < 0) {
			snprintf(why, sizeof(why), "SUBSCRIBE %s", reason);
			finish(p, PROV_FAILED, why);
			return;
		}
		p->state = PROV_AUTHENTICATING;
		if (send_subscribe(p) < 0)
			finish(p, PROV_FAILED, "cannot send SUBSCRIBE");
		return;
	}
	if (m->status >= 200 && m->status < 300) {
		if (sip_subscribe_verify(&p->sub, m) < 0) {
			finish(p, PROV_FAILED, "SUBSCRIBE answer's signature does not verify");
			return;
		}
		/* The body may also come later in a NOTIFY. */
		if (is_prov_body(m) && take_body(p, m, "200") < 0) {
			finish(p, PROV_FAILED, "provisioning body does not parse");
			return;
		}
		finish(p, PROV_DONE, NULL);
		return;
	}
	snprintf(why, sizeof(why), "SUBSCRIBE answered %u", m->status);
	finish(p, PROV_FAILED, why);
}

static int send_subscribe(struct sip_provision *p)
{
	char epid[64];
	struct sip_subscribe_req req = {
		.from_params = epid,
		.event = SIP_PROV_EVENT, .accept = SIP_PROV_CONTENT_TYPE,
		.supported = "gruu-10, adhoclist, msrtc-event-categories, com.microsoft.msrtc.presence",
		.expires = 0, .content_type = SIP_PROV_CONTENT_TYPE,
		.body = PROV_SUBSCRIBE_BODY, .body_len = strlen(PROV_SUBSCRIBE_BODY),
	};
	int ret;

	snprintf(epid, sizeof(epid), ";epid=%s", sip_register_epid(p->reg));
	ret = sip_subscribe_send(&p->sub, &req, p->l, p->conn, p->reg, on_answer, p, &p->tx);
	if (!ret)
		p->subscribes++;
	return ret;
}

void sip_provision_start(struct sip_provision *p)
{
	struct sip_conn *c = sip_register_conn(p->reg);

	if (p->tx)
		sip_txn_cancel(p->l, p->tx);
	finish(p, PROV_IDLE, NULL);
	if (!c)
		return;
	sip_conn_ref(c);
	p->conn = c;
	sip_subscription_new(&p->sub);
	p->state = PROV_SUBSCRIBING;
	if (send_subscribe(p) < 0)
		finish(p, PROV_FAILED, "cannot send SUBSCRIBE");
}

void sip_provision_reset(struct sip_provision *p)
{
	if (p->tx)
		sip_txn_cancel(p->l, p->tx);
	finish(p, PROV_IDLE, NULL);
	memset(&p->config, 0, sizeof(p->config));
	p->have_config = false;
	p->source[0] = '\0';
	if (p->smtp_cb)
		p->smtp_cb(p->smtp_ctx, NULL);
}

void sip_provision_on_smtp(struct sip_provision *p, sip_provision_smtp_cb cb,
			   void *ctx)
{
	p->smtp_cb = cb;
	p->smtp_ctx = ctx;
}

static unsigned int on_notify(void *ctx, const struct sip_msg *m)
{
	struct sip_provision *p = ctx;

	if (!is_prov_body(m))
		return 200;	/* e.g. a terminating NOTIFY without a body */
	return take_body(p, m, "NOTIFY") < 0 ? 400 : 200;
}

const struct prov_config *sip_provision_config(const struct sip_provision *p)
{
	return p->have_config ? &p->config : NULL;
}

int sip_provision_new(struct ucphoned *d, struct sip_txn_layer *l,
		      struct sip_register *reg, struct sip_provision **out)
{
	struct sip_provision *p = calloc(1, sizeof(*p));
	int ret;

	if (!p)
		return -ENOMEM;
	p->d = d;
	p->log = &d->log;
	p->l = l;
	p->reg = reg;
	ret = sip_txn_on_notify(l, SIP_PROV_EVENT, on_notify, p);
	if (ret < 0) {
		free(p);
		return ret;
	}
	*out = p;
	return 0;
}

void sip_provision_free(struct sip_provision *p)
{
	if (!p)
		return;
	sip_txn_on_notify(p->l, SIP_PROV_EVENT, NULL, p);
	if (p->tx)
		sip_txn_cancel(p->l, p->tx);
	finish(p, PROV_IDLE, NULL);
	free(p);
}

struct json_object *sip_provision_status(const struct sip_provision *p)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "state", json_object_new_string(state_names[p->state]));
	if (p->error[0])
		json_object_object_add(o, "error", json_object_new_string(p->error));
	if (p->have_config) {
		json_object_object_add(o, "from", json_object_new_string(p->source));
		json_object_object_add(o, "values", prov_config_json(&p->config));
	}
	json_object_object_add(o, "subscribes", json_object_new_uint64(p->subscribes));
	json_object_object_add(o, "updates", json_object_new_uint64(p->updates));
	json_object_object_add(o, "bad_bodies", json_object_new_uint64(p->bad_bodies));
	return o;
}
