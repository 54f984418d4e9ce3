// SPDX-License-Identifier: GPL-2.0-only
/* One EWS request and the first look at its answer (see ews_post.h). */
#include <errno.h>
#include <stdio.h>

#include "exchange/ews_post.h"
#include "lib/xml/ews_xml.h"
#include "trust/identity.h"
#include "trust/trust.h"

#define USEC 1000000ull
#define EWS_TIMEOUT_USEC (30 * USEC)

int ews_post(struct ucphoned *d, const char *url, const char *body,
	     size_t len, ex_http_cb cb, void *ctx, struct ex_http **out)
{
	const struct signin_identity *id = identity_get(d->identity);
	struct ex_http_request req = {
		.url = url,
		.body = body,
		.body_len = len,
		.content_type = "text/xml; charset=utf-8",
		.max_body = EWS_XML_MAX,
		.timeout_usec = EWS_TIMEOUT_USEC,
	};
	int ret;

	if (!id)
		return -EACCES;
	req.user = id->user;
	req.password = id->password;
	req.store = trust_store(d->trust);
	ret = ex_http_start(d, &req, cb, ctx, out);
	X509_STORE_free(req.store);
	return ret;
}

int ews_answer_check(const struct ex_http_result *r, char *error, size_t size,
		     bool *refused)
{
	*refused = false;
	if (r->status < 0) {
		snprintf(error, size, "%s%s",
			 r->cert_error ? "Cannot validate server certificate: " : "",
			 r->error);
		return r->status;
	}
	if (r->code == 401) {
		*refused = true;
		snprintf(error, size, "Exchange refused the user name or password");
		return -EACCES;
	}
	if (r->code != 200 && r->code != 500) {	/* a SOAP fault comes with 500 */
		snprintf(error, size, "EWS answered HTTP %ld", r->code);
		return -EPROTO;
	}
	return 0;
}
