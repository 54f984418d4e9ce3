// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <string.h>

#include "lib/util/secret.h"
#include "sip/auth.h"

#define CHALLENGES_MAX 4

int sip_auth_challenge(struct sip_auth *a, const struct sip_msg *resp)
{
	enum sip_hdr id = resp->status == 407 ? SIP_HDR_PROXY_AUTHENTICATE :
			  SIP_HDR_WWW_AUTHENTICATE;
	struct digest_challenge ch[CHALLENGES_MAX];
	const struct digest_challenge *best;
	const struct sip_header *h;
	size_t n = 0;
	int ret = -EINVAL;

	for (unsigned int i = 0; n < CHALLENGES_MAX &&
	     (h = sip_msg_header(resp, id, i)); i++) {
		int r = digest_parse_challenge(h->value.p, h->value.len, &ch[n]);

		if (r == 0)
			n++;
		else if (r == -EPROTONOSUPPORT)
			ret = r;
	}
	if (!n)
		return ret;
	best = digest_pick_best(ch, n);
	if (!a->have || strcmp(a->ch.nonce, best->nonce))
		a->nc = 0;
	a->ch = *best;
	a->have = true;
	a->proxy = resp->status == 407;
	a->fresh = true;
	return 0;
}

int sip_auth_add(struct sip_auth *a, const char *user, const char *password,
		 const char *method, const char *uri, struct sip_out *o)
{
	char value[1024], cnonce[17];
	int ret;

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

void sip_auth_clear(struct sip_auth *a)
{
	secret_zero(a, sizeof(*a));
}
