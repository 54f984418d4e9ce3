// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "lib/util/secret.h"
#include "sip/subscribe.h"
#include "sip/transaction.h"

void sip_subscription_new(struct sip_subscription *s)
{
	sip_auth_clear(&s->auth);
	sip_random_hex(s->call_id, sizeof(s->call_id), 32);
	sip_random_hex(s->tag, sizeof(s->tag), 16);
	s->to_tag[0] = s->target[0] = '\0';
	s->cseq = 0;
	s->expires_s = 0;
	s->refresh_at = 0;
	s->signer = NULL;
}

bool sip_subscription_in_dialog(const struct sip_subscription *s)
{
	return s->to_tag[0] != '\0';
}

void sip_subscription_confirmed(struct sip_subscription *s, const struct sip_msg *r)
{
	struct sip_name_addr na;
	struct sip_str tag;

	if (sip_parse_name_addr(sip_msg_value(r, SIP_HDR_TO), &na) == 0 &&
	    sip_param(na.params, "tag", &tag))
		sip_str_copy(tag, s->to_tag, sizeof(s->to_tag));
	if (sip_parse_name_addr(sip_msg_value(r, SIP_HDR_CONTACT), &na) == 0 &&
	    sip_str_copy(na.uri, s->target, sizeof(s->target)) < 0)
		s->target[0] = '\0';
}

unsigned int sip_subscription_granted(struct sip_subscription *s, const struct sip_msg *r,
				      unsigned int asked_s, uint64_t now_usec)
{
	struct sip_str e = sip_msg_value(r, SIP_HDR_EXPIRES);
	unsigned long exp = asked_s;
	char num[16] = "", *end;

	if (e.len && sip_str_copy(e, num, sizeof(num)) == 0) {
		exp = strtoul(num, &end, 10);
		if (end == num || *end)
			exp = asked_s;
	}
	if (exp > asked_s)
		exp = asked_s;
	if (exp < SIP_SUB_MIN_EXPIRES_S)
		exp = SIP_SUB_MIN_EXPIRES_S;
	s->expires_s = (unsigned int)exp;
	s->refresh_at = now_usec + (uint64_t)exp * 800000u;
	return s->expires_s;
}

void sip_subscription_clear(struct sip_subscription *s)
{
	sip_auth_clear(&s->auth);
	s->signer = NULL;
}

int sip_subscribe_build(struct sip_subscription *s, const struct sip_subscribe_req *req,
			char *buf, size_t cap, size_t *len)
{
	const char *ruri = s->target[0] ? s->target : req->aor;
	struct sip_out o;
	int ret;

	sip_out_init(&o, buf, cap);
	sip_out_request_line(&o, "SUBSCRIBE", ruri);
	sip_out_header(&o, "Via", "SIP/2.0/TLS %s;branch=%s;rport", req->via_local,
		       req->branch);
	sip_out_header(&o, "Max-Forwards", "70");
	sip_out_header(&o, "From", "<%s>;tag=%s%s", req->aor, s->tag,
		       req->from_params ? req->from_params : "");
	if (s->to_tag[0])
		sip_out_header(&o, "To", "<%s>;tag=%s", req->aor, s->to_tag);
	else
		sip_out_header(&o, "To", "<%s>", req->aor);
	sip_out_header(&o, "Call-ID", "%s", s->call_id);
	sip_out_header(&o, "CSeq", "%u SUBSCRIBE", ++s->cseq);
	sip_out_header(&o, "Contact", "%s", req->contact);
	sip_out_header(&o, "Event", "%s", req->event);
	sip_out_header(&o, "Accept", "%s", req->accept);
	if (req->supported)
		sip_out_header(&o, "Supported", "%s", req->supported);
	sip_out_header(&o, "Expires", "%u", req->expires);
	sip_out_header(&o, "User-Agent", "ucphone/%s", UCPHONE_VERSION);
	/* signed on the registration's association when there is one */
	s->signer = s->auth.have ? NULL : req->reg_signer;
	ret = sip_auth_add(s->signer ? s->signer : &s->auth, req->auth_user,
			   req->password, "SUBSCRIBE", ruri, &o);
	sip_out_body(&o, req->content_type, req->body, req->body_len);
	if (!ret)
		ret = sip_out_finish(&o, len);
	return ret;
}

int sip_subscribe_send(struct sip_subscription *s, struct sip_subscribe_req *req,
		       struct sip_txn_layer *l, struct sip_conn *c,
		       struct sip_register *reg, sip_txn_cb cb, void *ctx,
		       struct sip_client_txn **tx)
{
	const struct sip_account *a = sip_register_account(reg);
	char buf[8192], aor[SIP_SUB_URI_MAX], branch[SIP_BRANCH_MAX];
	size_t len;
	int ret;

	if (!a)
		return -ENOTCONN;
	snprintf(aor, sizeof(aor), "sip:%s", a->address);
	sip_txn_new_branch(branch);
	req->aor = aor;
	req->branch = branch;
	req->via_local = sip_conn_local(c);
	req->contact = sip_register_contact(reg);
	req->auth_user = a->auth_user;
	req->password = a->password;
	req->reg_signer = sip_register_signer(reg);
	ret = sip_subscribe_build(s, req, buf, sizeof(buf), &len);
	if (!ret)
		ret = sip_txn_request(l, c, buf, len, branch, "SUBSCRIBE", cb, ctx, tx);
	secret_zero(buf, sizeof(buf));
	req->aor = req->branch = NULL;
	req->password = NULL;
	return ret;
}

int sip_subscribe_challenged(struct sip_subscription *s, const struct sip_msg *r,
			     const char **why)
{
	bool sent_fresh = s->auth.sent_fresh;

	if (sip_auth_challenge(&s->auth, r) < 0) {
		*why = "challenge not understood";
		return -EACCES;
	}
	if (sent_fresh && !s->auth.ch.stale) {
		*why = "credentials refused";
		return -EACCES;
	}
	return 0;
}

int sip_subscribe_verify(struct sip_subscription *s, const struct sip_msg *r)
{
	return sip_auth_verify(s->signer ? s->signer : &s->auth, r);
}
