// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/sip/sip_sipae.h"
#include "lib/util/secret.h"
#include "sip/auth.h"
#include "sip/sipae_sa.h"

#define CHALLENGES_MAX 4

/*
 * An MS-SIPAE challenge among the headers: NTLM. Kerberos, when offered
 * next to it, is not taken: the phone answers NTLM. 0 and *out, -ENOENT
 * when none is NTLM or Kerberos, -EPROTONOSUPPORT for Kerberos alone,
 * -EINVAL for a malformed one.
 */
static int sipae_pick(const struct sip_msg *resp, enum sip_hdr id,
		      struct sipae_challenge *out)
{
	const struct sip_header *h;
	int ret = -ENOENT;

	for (unsigned int i = 0; (h = sip_msg_header(resp, id, i)); i++) {
		int r = sipae_parse_challenge(h->value.p, h->value.len, out);

		if (r == 0 && out->mech == SIPAE_NTLM)
			return 0;
		if (r == 0)
			ret = -EPROTONOSUPPORT;
		else if (r == -EINVAL && ret == -ENOENT)
			ret = -EINVAL;
	}
	return ret;
}

static int sipae_challenge(struct sip_auth *a, const struct sip_msg *resp,
			   enum sip_hdr id)
{
	struct sipae_challenge *c = malloc(sizeof(*c));	/* 8 KiB */
	int ret;

	if (!c)
		return -ENOMEM;
	ret = sipae_pick(resp, id, c);
	if (!ret && !a->sa) {
		a->sa = sipae_sa_new();
		if (!a->sa)
			ret = -ENOMEM;
	}
	if (!ret)
		ret = sipae_sa_challenge(a->sa, c);
	free(c);
	if (ret == -ENOENT || ret == -EPROTONOSUPPORT || ret == -ENOMEM)
		return ret;
	/* A refusal of our AUTHENTICATE shows as sent_fresh + a new challenge. */
	if (ret == -EACCES)
		ret = 0;
	if (ret)
		return ret == -EPROTO ? -EINVAL : ret;
	memset(&a->ch, 0, sizeof(a->ch));
	a->have = true;
	a->proxy = resp->status == 407;
	a->fresh = true;
	return 0;
}

int sip_auth_challenge(struct sip_auth *a, const struct sip_msg *resp)
{
	enum sip_hdr id = resp->status == 407 ? SIP_HDR_PROXY_AUTHENTICATE :
			  SIP_HDR_WWW_AUTHENTICATE;
	struct digest_challenge ch[CHALLENGES_MAX];
	const struct digest_challenge *best;
	const struct sip_header *h;
	size_t n = 0;
	int ret = sipae_challenge(a, resp, id);

	if (ret != -ENOENT && ret != -EPROTONOSUPPORT)
		return ret;
	for (unsigned int i = 0; n < CHALLENGES_MAX &&
	     (h = sip_msg_header(resp, id, i)); i++) {
		int r = digest_parse_challenge(h->value.p, h->value.len, &ch[n]);

		if (r == 0)
			n++;
		else if (r == -EPROTONOSUPPORT && ret == -ENOENT)
			ret = r;
	}
	if (!n)
		return ret == -ENOENT ? -EINVAL : ret;
	/* Digest from here: an association of an earlier registrar goes. */
	sipae_sa_free(a->sa);
	a->sa = NULL;
	best = digest_pick_best(ch, n);
	if (!a->have || strcmp(a->ch.nonce, best->nonce))
		a->nc = 0;
	a->ch = *best;
	a->have = true;
	a->proxy = resp->status == 407;
	a->fresh = true;
	return 0;
}

static int sipae_add(struct sip_auth *a, const char *user,
		     const char *password, struct sip_out *o)
{
	size_t cap = SIPAE_GSSAPI_DATA_MAX + 1024;
	char *value;
	int ret;

	if (o->error)
		return o->error;
	if (!sipae_sa_ready(a->sa) && !a->sent_fresh)
		return 0;
	value = malloc(cap);
	if (!value)
		return -ENOMEM;
	ret = sipae_sa_credentials(a->sa, user, password, o->buf, o->len,
				   value, cap);
	if (ret == 0)
		sip_out_header(o, a->proxy ? "Proxy-Authorization" :
			       "Authorization", "%s", value);
	/* sent_fresh: this request carries the AUTHENTICATE */
	a->sent_fresh = sipae_sa_awaiting_verdict(a->sa);
	secret_zero_free(value, cap);
	return ret;
}

int sip_auth_add(struct sip_auth *a, const char *user, const char *password,
		 const char *method, const char *uri, struct sip_out *o)
{
	char value[1024], cnonce[17];
	int ret;

	if (a->sa) {
		bool fresh = a->fresh;

		a->fresh = false;
		a->sent_fresh = fresh;
		return sipae_add(a, user, password, o);
	}
	a->sent_fresh = a->have && a->fresh;
	a->fresh = false;
	if (!a->have)
		return 0;
	ret = digest_cnonce_new(cnonce);
	if (ret < 0)
		return ret;
	ret = digest_build_response(&a->ch, user, password, method, uri,
				    ++a->nc, cnonce, value, sizeof(value));
	if (ret == 0)
		sip_out_header(o, a->proxy ? "Proxy-Authorization" :
			       "Authorization", "%s", value);
	/* the response hash is not the password, but it is not for logs either */
	secret_zero(value, sizeof(value));
	return ret;
}

int sip_auth_verify(struct sip_auth *a, const struct sip_msg *resp)
{
	return a->sa ? sipae_sa_verify_response(a->sa, resp) : 0;
}

const char *sip_auth_scheme(const struct sip_auth *a)
{
	if (a->sa)
		return "ntlm";
	return a->have ? "digest" : "none";
}

void sip_auth_clear(struct sip_auth *a)
{
	sipae_sa_free(a->sa);
	secret_zero(a, sizeof(*a));
}
