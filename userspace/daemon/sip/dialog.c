// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

#include "sip/dialog.h"
#include "lib/util/random_hex.h"

static int copy_str(struct sip_str s, char *out, size_t size)
{
	return sip_str_copy(s, out, size) < 0 ? -EMSGSIZE : 0;
}

/*
 * What the phone copies into its own requests must be fit to send: no
 * control character (DEL included), and no space in a URI, which would end
 * the request line early. Bytes >= 0x80 (UTF-8 display names) pass.
 */
static bool fit(struct sip_str s, bool uri)
{
	for (size_t i = 0; i < s.len; i++) {
		unsigned char c = (unsigned char)s.p[i];

		if (c < 0x20 || c == 0x7f || (uri && (c == ' ' || c >= 0x80)))
			return false;
	}
	return true;
}

/* "display" <uri>;params, without the tag parameter. */
static int copy_na_without_tag(struct sip_str value, char *out, size_t size,
			       struct sip_str *tag)
{
	struct sip_name_addr na;
	size_t n = 0, i = 0;
	int w;

	if (sip_parse_name_addr(value, &na) < 0 || !na.uri.len ||
	    !fit(na.uri, true) || !fit(na.display, false) || !fit(na.params, false))
		return -EINVAL;
	if (tag && !sip_param(na.params, "tag", tag))
		tag->len = 0;
	if (na.display.len)
		w = snprintf(out, size, "\"%.*s\" <%.*s>", (int)na.display.len,
			     na.display.p, (int)na.uri.len, na.uri.p);
	else
		w = snprintf(out, size, "<%.*s>", (int)na.uri.len, na.uri.p);
	if (w < 0 || (size_t)w >= size)
		return -EMSGSIZE;
	n = (size_t)w;
	/* the parameters one by one, dropping tag= */
	while (i < na.params.len) {
		size_t start;

		while (i < na.params.len && na.params.p[i] == ';')
			i++;
		start = i;
		while (i < na.params.len && na.params.p[i] != ';')
			i++;
		if (i == start)
			continue;
		if (i - start >= 3 && !strncasecmp(na.params.p + start, "tag", 3) &&
		    (i - start == 3 || na.params.p[start + 3] == '=' ||
		     na.params.p[start + 3] == ' '))
			continue;
		w = snprintf(out + n, size - n, ";%.*s", (int)(i - start),
			     na.params.p + start);
		if (w < 0 || (size_t)w >= size - n)
			return -EMSGSIZE;
		n += (size_t)w;
	}
	return 0;
}

int dialog_init_uac(struct sip_dialog *dl, const char *local_na,
		    const char *target_uri)
{
	uint32_t rnd = 0;
	int w;

	memset(dl, 0, sizeof(*dl));
	if (random_hex(dl->call_id, 16) < 0 || random_hex(dl->local_tag, 8) < 0)
		return -EIO;
	if (getrandom(&rnd, sizeof(rnd), 0) < 0)
		rnd = 1;
	/* small enough that a long call never wraps (RFC 3261 8.1.1.5) */
	dl->local_cseq = (rnd & 0xffff) + 1;
	w = snprintf(dl->local_na, sizeof(dl->local_na), "%s", local_na);
	if (w < 0 || (size_t)w >= sizeof(dl->local_na))
		return -EMSGSIZE;
	w = snprintf(dl->remote_na, sizeof(dl->remote_na), "<%s>", target_uri);
	if (w < 0 || (size_t)w >= sizeof(dl->remote_na))
		return -EMSGSIZE;
	w = snprintf(dl->remote_target, sizeof(dl->remote_target), "%s",
		     target_uri);
	if (w < 0 || (size_t)w >= sizeof(dl->remote_target))
		return -EMSGSIZE;
	return 0;
}

static int contact_uri(const struct sip_msg *m, char *out, size_t size)
{
	struct sip_str items[1];
	struct sip_name_addr na;

	if (sip_split_list(sip_msg_value(m, SIP_HDR_CONTACT), items, 1) < 1 ||
	    sip_parse_name_addr(items[0], &na) < 0 || !na.uri.len ||
	    !fit(na.uri, true))
		return -EINVAL;
	return copy_str(na.uri, out, size);
}

/* Record-Route items in message order; reversed when reverse. */
static int take_routes(struct sip_dialog *dl, const struct sip_msg *m,
		       bool reverse)
{
	char route[DIALOG_ROUTES_MAX][DIALOG_URI_MAX];
	struct sip_str items[SIP_LIST_MAX];
	const struct sip_header *h;
	unsigned int n = 0;

	for (unsigned int i = 0; (h = sip_msg_header(m, SIP_HDR_RECORD_ROUTE, i)); i++) {
		int k = sip_split_list(h->value, items, SIP_LIST_MAX);

		if (k < 0)
			return -EINVAL;
		for (int j = 0; j < k; j++) {
			struct sip_name_addr na;

			if (n == DIALOG_ROUTES_MAX)
				return -EMSGSIZE;
			if (sip_parse_name_addr(items[j], &na) < 0 || !na.uri.len ||
			    !fit(na.uri, true) || !fit(items[j], false))
				return -EINVAL;
			if (copy_str(items[j], route[n], DIALOG_URI_MAX) < 0)
				return -EMSGSIZE;
			n++;
		}
	}
	for (unsigned int i = 0; i < n; i++)
		memcpy(dl->route[i], route[reverse ? n - 1 - i : i], DIALOG_URI_MAX);
	dl->n_route = n;
	return 0;
}

int dialog_from_response(struct sip_dialog *dl, const struct sip_msg *resp)
{
	char remote_na[DIALOG_URI_MAX], target[DIALOG_URI_MAX];
	char tag[sizeof(dl->remote_tag)];
	struct sip_str t;
	int ret;

	ret = copy_na_without_tag(sip_msg_value(resp, SIP_HDR_TO), remote_na,
				  sizeof(remote_na), &t);
	if (ret < 0)
		return ret;
	if (!t.len)
		return -EINVAL;
	if (copy_str(t, tag, sizeof(tag)) < 0)
		return -EMSGSIZE;
	ret = contact_uri(resp, target, sizeof(target));
	if (ret < 0)
		return ret;
	if (dl->confirmed) {
		memcpy(dl->remote_target, target, sizeof(target));
		return 0;
	}
	if (resp->status >= 200 || !dl->n_route) {
		ret = take_routes(dl, resp, true);
		if (ret < 0)
			return ret;
	}
	memcpy(dl->remote_tag, tag, sizeof(tag));
	memcpy(dl->remote_na, remote_na, sizeof(remote_na));
	memcpy(dl->remote_target, target, sizeof(target));
	if (resp->status >= 200 && resp->status < 300)
		dl->confirmed = true;
	return 0;
}

int dialog_init_uas(struct sip_dialog *dl, const struct sip_msg *req)
{
	struct sip_str t;
	int ret;

	memset(dl, 0, sizeof(*dl));
	if (!fit(req->call_id, true))
		return -EINVAL;
	if (copy_str(req->call_id, dl->call_id, sizeof(dl->call_id)) < 0)
		return -EMSGSIZE;
	ret = copy_na_without_tag(sip_msg_value(req, SIP_HDR_FROM), dl->remote_na,
				  sizeof(dl->remote_na), &t);
	if (ret < 0)
		return ret;
	if (!t.len)
		return -EINVAL;	/* a From tag is mandatory (8.1.1.3) */
	if (copy_str(t, dl->remote_tag, sizeof(dl->remote_tag)) < 0)
		return -EMSGSIZE;
	ret = copy_na_without_tag(sip_msg_value(req, SIP_HDR_TO), dl->local_na,
				  sizeof(dl->local_na), NULL);
	if (ret < 0)
		return ret;
	ret = contact_uri(req, dl->remote_target, sizeof(dl->remote_target));
	if (ret < 0)
		return ret;
	ret = take_routes(dl, req, false);
	if (ret < 0)
		return ret;
	if (random_hex(dl->local_tag, 8) < 0)
		return -EIO;
	dl->remote_cseq = req->cseq;
	dl->remote_cseq_set = true;
	dl->local_cseq = 1;
	dl->confirmed = true;
	return 0;
}

bool dialog_matches_request(const struct sip_dialog *dl,
			    const struct sip_msg *req)
{
	struct sip_name_addr na;
	struct sip_str tag;

	if (!sip_str_eq(req->call_id, dl->call_id))
		return false;
	if (sip_parse_name_addr(sip_msg_value(req, SIP_HDR_FROM), &na) < 0 ||
	    !sip_param(na.params, "tag", &tag) || !sip_str_eq(tag, dl->remote_tag))
		return false;
	if (sip_parse_name_addr(sip_msg_value(req, SIP_HDR_TO), &na) < 0 ||
	    !sip_param(na.params, "tag", &tag) || !sip_str_eq(tag, dl->local_tag))
		return false;
	return true;
}

bool dialog_check_cseq(struct sip_dialog *dl, const struct sip_msg *req)
{
	if (dl->remote_cseq_set && req->cseq <= dl->remote_cseq)
		return false;
	dl->remote_cseq = req->cseq;
	dl->remote_cseq_set = true;
	return true;
}

int dialog_refresh_target(struct sip_dialog *dl, const struct sip_msg *m)
{
	char target[DIALOG_URI_MAX];

	if (!sip_msg_value(m, SIP_HDR_CONTACT).len)
		return 0;	/* no Contact: the target stays */
	if (contact_uri(m, target, sizeof(target)) < 0)
		return -EINVAL;
	memcpy(dl->remote_target, target, sizeof(target));
	return 0;
}

/* The URI inside "<...>" of a route entry. */
static struct sip_str route_uri(const char *route)
{
	struct sip_str s = { route, strlen(route) };
	struct sip_name_addr na;

	if (sip_parse_name_addr(s, &na) == 0)
		return na.uri;
	return s;
}

void dialog_request(struct sip_dialog *dl, struct sip_out *o,
		    const char *method, const char *sent_by,
		    const char *branch, uint32_t cseq)
{
	bool strict = dl->n_route && !strstr(dl->route[0], ";lr");
	unsigned int first = 0;

	if (strict) {
		/* 12.2.1.1: the first route is the Request-URI, the target last */
		struct sip_str u = route_uri(dl->route[0]);
		char ruri[DIALOG_URI_MAX];

		sip_str_copy(u, ruri, sizeof(ruri));
		sip_out_request_line(o, method, ruri);
		first = 1;
	} else {
		sip_out_request_line(o, method, dl->remote_target);
	}
	sip_out_header(o, "Via", "SIP/2.0/TLS %s;branch=%s;rport", sent_by,
		       branch);
	sip_out_header(o, "Max-Forwards", "70");
	for (unsigned int i = first; i < dl->n_route; i++)
		sip_out_header(o, "Route", "%s", dl->route[i]);
	if (strict)
		sip_out_header(o, "Route", "<%s>", dl->remote_target);
	sip_out_header(o, "From", "%s;tag=%s", dl->local_na, dl->local_tag);
	if (dl->remote_tag[0])
		sip_out_header(o, "To", "%s;tag=%s", dl->remote_na, dl->remote_tag);
	else
		sip_out_header(o, "To", "%s", dl->remote_na);
	sip_out_header(o, "Call-ID", "%s", dl->call_id);
	if (!cseq)
		cseq = ++dl->local_cseq;
	sip_out_header(o, "CSeq", "%u %s", cseq, method);
}
