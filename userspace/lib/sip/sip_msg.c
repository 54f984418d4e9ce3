// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/sip/sip_msg.h"

static const struct {
	const char *name;
	char compact;		/* RFC 3261 7.3.3 and RFC 3265 */
	enum sip_hdr id;
} hdr_names[] = {
	{ "Accept", 0, SIP_HDR_ACCEPT },
	{ "Allow-Events", 'u', SIP_HDR_ALLOW_EVENTS },
	{ "Authorization", 0, SIP_HDR_AUTHORIZATION },
	{ "Call-ID", 'i', SIP_HDR_CALL_ID },
	{ "Contact", 'm', SIP_HDR_CONTACT },
	{ "Content-Encoding", 'e', SIP_HDR_CONTENT_ENCODING },
	{ "Content-Length", 'l', SIP_HDR_CONTENT_LENGTH },
	{ "Content-Type", 'c', SIP_HDR_CONTENT_TYPE },
	{ "CSeq", 0, SIP_HDR_CSEQ },
	{ "Event", 'o', SIP_HDR_EVENT },
	{ "Expires", 0, SIP_HDR_EXPIRES },
	{ "From", 'f', SIP_HDR_FROM },
	{ "Max-Forwards", 0, SIP_HDR_MAX_FORWARDS },
	{ "Min-Expires", 0, SIP_HDR_MIN_EXPIRES },
	{ "Proxy-Authenticate", 0, SIP_HDR_PROXY_AUTHENTICATE },
	{ "Proxy-Authorization", 0, SIP_HDR_PROXY_AUTHORIZATION },
	{ "Record-Route", 0, SIP_HDR_RECORD_ROUTE },
	{ "Route", 0, SIP_HDR_ROUTE },
	{ "Server", 0, SIP_HDR_SERVER },
	{ "Subject", 's', SIP_HDR_SUBJECT },
	{ "Subscription-State", 0, SIP_HDR_SUBSCRIPTION_STATE },
	{ "Supported", 'k', SIP_HDR_SUPPORTED },
	{ "To", 't', SIP_HDR_TO },
	{ "User-Agent", 0, SIP_HDR_USER_AGENT },
	{ "Via", 'v', SIP_HDR_VIA },
	{ "WWW-Authenticate", 0, SIP_HDR_WWW_AUTHENTICATE },
};

enum sip_hdr sip_hdr_lookup(const char *name, size_t len)
{
	for (size_t i = 0; i < sizeof(hdr_names) / sizeof(hdr_names[0]); i++) {
		if (len == 1 && hdr_names[i].compact &&
		    (name[0] | 0x20) == hdr_names[i].compact)
			return hdr_names[i].id;
		if (strlen(hdr_names[i].name) == len &&
		    !strncasecmp(hdr_names[i].name, name, len))
			return hdr_names[i].id;
	}
	return SIP_HDR_OTHER;
}

static bool is_ws(char c)
{
	return c == ' ' || c == '\t';
}

/* RFC 3261 token characters */
static bool is_token(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || (c && strchr("-.!%*_+`'~", c));
}

static struct sip_str trim(struct sip_str s)
{
	while (s.len && is_ws(s.p[0])) {
		s.p++;
		s.len--;
	}
	while (s.len && is_ws(s.p[s.len - 1]))
		s.len--;
	return s;
}

static struct sip_str mkstr(const char *p, size_t len)
{
	return (struct sip_str){ .p = p, .len = len };
}

bool sip_str_eq(struct sip_str s, const char *lit)
{
	return s.p && strlen(lit) == s.len && !memcmp(s.p, lit, s.len);
}

bool sip_str_ieq(struct sip_str s, const char *lit)
{
	return s.p && strlen(lit) == s.len && !strncasecmp(s.p, lit, s.len);
}

int sip_str_copy(struct sip_str s, char *out, size_t size)
{
	if (!size)
		return -ENOSPC;
	if (s.len >= size || (s.len && memchr(s.p, '\0', s.len))) {
		out[0] = '\0';
		return -ENOSPC;
	}
	if (s.len)
		memcpy(out, s.p, s.len);
	out[s.len] = '\0';
	return 0;
}

int sip_parse_uint(struct sip_str s, uint32_t *out)
{
	uint64_t v = 0;

	s = trim(s);
	if (!s.len || s.len > 10)
		return -EINVAL;
	for (size_t i = 0; i < s.len; i++) {
		if (s.p[i] < '0' || s.p[i] > '9')
			return -EINVAL;
		v = v * 10 + (uint64_t)(s.p[i] - '0');
	}
	if (v > UINT32_MAX)
		return -EINVAL;
	*out = (uint32_t)v;
	return 0;
}

/* Offset of the CRLF CRLF ending the head within limit bytes, or -1. */
static long find_head_end(const char *d, size_t len, size_t limit)
{
	size_t n = len < limit ? len : limit;

	for (size_t i = 0; i + 3 < n; i++)
		if (d[i] == '\r' && d[i + 1] == '\n' && d[i + 2] == '\r' &&
		    d[i + 3] == '\n')
			return (long)i;
	return -1;
}

/* Next line in [p, end): returns its length, *next after its CRLF. */
static size_t line_len(const char *p, const char *end, const char **next)
{
	const char *q = p;

	while (q + 1 < end && !(q[0] == '\r' && q[1] == '\n'))
		q++;
	if (q + 1 >= end) {
		*next = end;
		return (size_t)(end - p);
	}
	*next = q + 2;
	return (size_t)(q - p);
}

int sip_msg_frame(const char *data, size_t len, size_t *msg_len)
{
	long head = find_head_end(data, len, SIP_HEAD_MAX + 4);
	const char *p, *end, *next;
	bool have_cl = false;
	uint32_t cl = 0;

	if (head < 0)
		return len >= SIP_HEAD_MAX + 4 ? -EMSGSIZE : -EAGAIN;
	end = data + head + 2;	/* the last header's CRLF included */
	line_len(data, end, &p);	/* skip the start line */
	for (; p < end; p = next) {
		size_t n = line_len(p, end, &next);
		const char *colon = memchr(p, ':', n);
		struct sip_str name, value;
		uint32_t v;

		if (!colon)
			continue;
		name = trim(mkstr(p, (size_t)(colon - p)));
		if (sip_hdr_lookup(name.p, name.len) != SIP_HDR_CONTENT_LENGTH)
			continue;
		/* A folded Content-Length is too odd to frame safely. */
		if (next < end && is_ws(*next))
			return -EINVAL;
		value = mkstr(colon + 1, n - (size_t)(colon + 1 - p));
		if (sip_parse_uint(value, &v) || (have_cl && v != cl))
			return -EINVAL;
		cl = v;
		have_cl = true;
	}
	if (!have_cl)
		return -EINVAL;
	if ((uint64_t)head + 4 + cl > SIP_MSG_MAX)
		return -EMSGSIZE;
	if ((size_t)head + 4 + cl > len)
		return -EAGAIN;
	*msg_len = (size_t)head + 4 + cl;
	return 0;
}

static int parse_start_line(struct sip_msg *m, const char *p, size_t n)
{
	static const char version[] = "SIP/2.0";
	const char *sp1, *sp2, *end = p + n;

	if (n > 8 && !memcmp(p, "SIP/2.0 ", 8)) {
		uint32_t status;

		if (n < 11 || (n > 11 && p[11] != ' ') ||
		    sip_parse_uint(mkstr(p + 8, 3), &status) ||
		    status < 100 || status > 699 ||
		    !(p[8] >= '1' && p[8] <= '6'))
			return -EINVAL;
		m->request = false;
		m->status = status;
		m->reason = n > 12 ? mkstr(p + 12, n - 12) : mkstr(p + n, 0);
		return 0;
	}
	sp1 = memchr(p, ' ', n);
	if (!sp1 || sp1 == p)
		return -EINVAL;
	for (const char *c = p; c < sp1; c++)
		if (!is_token(*c))
			return -EINVAL;
	sp2 = memchr(sp1 + 1, ' ', (size_t)(end - sp1 - 1));
	if (!sp2 || sp2 == sp1 + 1)
		return -EINVAL;
	if ((size_t)(end - sp2 - 1) != sizeof(version) - 1 ||
	    memcmp(sp2 + 1, version, sizeof(version) - 1))
		return -EINVAL;
	for (const char *c = sp1 + 1; c < sp2; c++)
		if ((unsigned char)*c <= ' ' || *c == 0x7f)
			return -EINVAL;
	m->request = true;
	m->method = mkstr(p, (size_t)(sp1 - p));
	m->uri = mkstr(sp1 + 1, (size_t)(sp2 - sp1 - 1));
	return 0;
}

static int parse_cseq(struct sip_msg *m)
{
	struct sip_str v = sip_msg_value(m, SIP_HDR_CSEQ);
	size_t i = 0;

	if (!v.p)
		return -EINVAL;
	while (i < v.len && v.p[i] >= '0' && v.p[i] <= '9')
		i++;
	if (sip_parse_uint(mkstr(v.p, i), &m->cseq) || i == v.len ||
	    !is_ws(v.p[i]))
		return -EINVAL;
	m->cseq_method = trim(mkstr(v.p + i, v.len - i));
	if (!m->cseq_method.len)
		return -EINVAL;
	for (size_t k = 0; k < m->cseq_method.len; k++)
		if (!is_token(m->cseq_method.p[k]))
			return -EINVAL;
	if (m->request && (m->cseq_method.len != m->method.len ||
			   memcmp(m->cseq_method.p, m->method.p, m->method.len)))
		return -EINVAL;
	return 0;
}

static int parse_headers(struct sip_msg *m, char *p, char *end)
{
	char *next;

	/* Unfold: CRLF followed by white space joins the previous line. */
	if (p < end && is_ws(*p))
		return -EINVAL;
	for (char *c = p; c + 2 < end; c++)
		if (c[0] == '\r' && c[1] == '\n' && is_ws(c[2]))
			c[0] = c[1] = ' ';

	for (; p < end; p = next) {
		size_t n = line_len(p, end, (const char **)&next);
		char *colon = memchr(p, ':', n);
		struct sip_header *h;
		struct sip_str name;

		if (!colon)
			return -EINVAL;
		name = trim(mkstr(p, (size_t)(colon - p)));
		if (!name.len || name.p != p)
			return -EINVAL;
		for (size_t k = 0; k < name.len; k++)
			if (!is_token(name.p[k]))
				return -EINVAL;
		if (m->n_hdr == SIP_HEADERS_MAX)
			return -EMSGSIZE;
		h = &m->hdr[m->n_hdr++];
		h->name = name;
		h->id = sip_hdr_lookup(name.p, name.len);
		h->value = trim(mkstr(colon + 1, n - (size_t)(colon + 1 - p)));
	}
	return 0;
}

int sip_msg_parse(const char *data, size_t len, struct sip_msg *m)
{
	long head;
	const char *next;
	size_t n, body_off, body_len;
	struct sip_str cl;
	int ret;

	memset(m, 0, sizeof(*m));
	if (len > SIP_MSG_MAX)
		return -EMSGSIZE;
	head = find_head_end(data, len, SIP_HEAD_MAX + 4);
	if (head < 0)
		return len >= SIP_HEAD_MAX + 4 ? -EMSGSIZE : -EINVAL;
	/* Header bytes are text: a NUL there would cut C strings short. */
	if (memchr(data, '\0', (size_t)head))
		return -EINVAL;
	m->buf = malloc(len + 1);
	if (!m->buf)
		return -ENOMEM;
	memcpy(m->buf, data, len);
	m->buf[len] = '\0';
	m->len = len;

	n = line_len(m->buf, m->buf + head + 2, &next);
	ret = parse_start_line(m, m->buf, n);
	if (!ret)
		ret = parse_headers(m, (char *)next, m->buf + head + 2);
	if (ret)
		goto fail;

	body_off = (size_t)head + 4;
	body_len = len - body_off;
	cl = sip_msg_value(m, SIP_HDR_CONTENT_LENGTH);
	if (cl.p) {
		uint32_t v;

		if (sip_parse_uint(cl, &v) || v > body_len) {
			ret = -EINVAL;
			goto fail;
		}
		body_len = v;	/* a datagram may carry padding after it */
	}
	m->body = mkstr(m->buf + body_off, body_len);

	m->call_id = sip_msg_value(m, SIP_HDR_CALL_ID);
	if (!m->call_id.len || !sip_msg_value(m, SIP_HDR_FROM).len ||
	    !sip_msg_value(m, SIP_HDR_TO).len ||
	    !sip_msg_value(m, SIP_HDR_VIA).len || parse_cseq(m)) {
		ret = -EINVAL;
		goto fail;
	}
	return 0;
fail:
	sip_msg_free(m);
	return ret;
}

void sip_msg_free(struct sip_msg *m)
{
	free(m->buf);
	memset(m, 0, sizeof(*m));
}

const struct sip_header *sip_msg_header(const struct sip_msg *m,
					enum sip_hdr id, unsigned int index)
{
	for (unsigned int i = 0; i < m->n_hdr; i++)
		if (m->hdr[i].id == id && index-- == 0)
			return &m->hdr[i];
	return NULL;
}

struct sip_str sip_msg_value(const struct sip_msg *m, enum sip_hdr id)
{
	const struct sip_header *h = sip_msg_header(m, id, 0);

	return h ? h->value : mkstr(NULL, 0);
}

/*
 * Walks s from *i up to the first unquoted, un-bracketed delimiter.
 * Returns -EINVAL for an unterminated quote or <.
 */
static int scan_item(struct sip_str s, size_t *i, char delim, bool angles)
{
	bool quoted = false, angled = false;

	for (; *i < s.len; (*i)++) {
		char c = s.p[*i];

		if (quoted) {
			if (c == '\\' && *i + 1 < s.len)
				(*i)++;
			else if (c == '"')
				quoted = false;
		} else if (angled) {
			if (c == '>')
				angled = false;
		} else if (c == '"') {
			quoted = true;
		} else if (angles && c == '<') {
			angled = true;
		} else if (c == delim) {
			break;
		}
	}
	return quoted || angled ? -EINVAL : 0;
}

int sip_split_list(struct sip_str v, struct sip_str *items, unsigned int max)
{
	unsigned int n = 0;
	size_t i = 0;

	while (i < v.len) {
		size_t start = i;
		struct sip_str item;

		if (scan_item(v, &i, ',', true))
			return -EINVAL;
		item = trim(mkstr(v.p + start, i - start));
		if (item.len) {
			if (n == max)
				return -EMSGSIZE;
			items[n++] = item;
		}
		i++;	/* past the comma */
	}
	return (int)n;
}

int sip_parse_name_addr(struct sip_str v, struct sip_name_addr *out)
{
	size_t i = 0, lt;

	memset(out, 0, sizeof(*out));
	v = trim(v);
	if (!v.len)
		return -EINVAL;
	/* Find an unquoted '<': name-addr; none: addr-spec. */
	for (; i < v.len; i++) {
		if (v.p[i] == '"') {
			i++;
			for (; i < v.len && v.p[i] != '"'; i++)
				if (v.p[i] == '\\')
					i++;
			if (i >= v.len)
				return -EINVAL;
		} else if (v.p[i] == '<' || v.p[i] == ';') {
			break;
		}
	}
	if (i < v.len && v.p[i] == '<') {
		struct sip_str disp = trim(mkstr(v.p, i));
		const char *gt;

		lt = i;
		gt = memchr(v.p + lt, '>', v.len - lt);
		if (!gt)
			return -EINVAL;
		if (disp.len >= 2 && disp.p[0] == '"' &&
		    disp.p[disp.len - 1] == '"')
			disp = mkstr(disp.p + 1, disp.len - 2);
		out->display = disp;
		out->uri = trim(mkstr(v.p + lt + 1, (size_t)(gt - v.p) - lt - 1));
		out->params = trim(mkstr(gt + 1, v.len - (size_t)(gt + 1 - v.p)));
	} else {
		/* addr-spec: its parameters belong to the header (RFC 3261 20.10) */
		out->uri = trim(mkstr(v.p, i));
		out->params = trim(mkstr(v.p + i, v.len - i));
	}
	if (!out->uri.len || (out->params.len && out->params.p[0] != ';'))
		return -EINVAL;
	for (size_t k = 0; k < out->uri.len; k++)
		if ((unsigned char)out->uri.p[k] <= ' ')
			return -EINVAL;
	return 0;
}

int sip_parse_via(struct sip_str v, struct sip_via *out)
{
	struct sip_str part[3];
	size_t i = 0, start;

	memset(out, 0, sizeof(*out));
	v = trim(v);
	/* sent-protocol: name / version / transport, LWS allowed around '/' */
	for (int k = 0; k < 3; k++) {
		while (i < v.len && is_ws(v.p[i]))
			i++;
		start = i;
		while (i < v.len && is_token(v.p[i]))
			i++;
		part[k] = mkstr(v.p + start, i - start);
		while (i < v.len && is_ws(v.p[i]))
			i++;
		if (!part[k].len || (k < 2 && (i >= v.len || v.p[i++] != '/')))
			return -EINVAL;
	}
	if (!sip_str_ieq(part[0], "SIP") || !sip_str_eq(part[1], "2.0"))
		return -EINVAL;
	out->transport = part[2];
	start = i;
	while (i < v.len && v.p[i] != ';' && !is_ws(v.p[i]))
		i++;
	out->sent_by = mkstr(v.p + start, i - start);
	if (!out->sent_by.len)
		return -EINVAL;
	out->params = trim(mkstr(v.p + i, v.len - i));
	if (out->params.len && out->params.p[0] != ';')
		return -EINVAL;
	return 0;
}

bool sip_param(struct sip_str params, const char *name, struct sip_str *value)
{
	size_t i = 0;

	while (i < params.len) {
		size_t start;
		struct sip_str item, key, val = mkstr(params.p, 0);
		const char *eq;

		if (params.p[i] == ';') {
			i++;
			continue;
		}
		start = i;
		if (scan_item(params, &i, ';', false))
			return false;
		item = trim(mkstr(params.p + start, i - start));
		eq = memchr(item.p, '=', item.len);
		key = trim(mkstr(item.p, eq ? (size_t)(eq - item.p) : item.len));
		if (eq) {
			val = trim(mkstr(eq + 1, item.len - (size_t)(eq + 1 - item.p)));
			if (val.len >= 2 && val.p[0] == '"' &&
			    val.p[val.len - 1] == '"')
				val = mkstr(val.p + 1, val.len - 2);
		}
		if (sip_str_ieq(key, name)) {
			if (value)
				*value = val;
			return true;
		}
	}
	return false;
}

/* ---- building ---- */

void sip_out_init(struct sip_out *o, char *buf, size_t cap)
{
	o->buf = buf;
	o->cap = cap;
	o->len = 0;
	o->error = cap ? 0 : -EMSGSIZE;
	if (cap)
		buf[0] = '\0';
}

__attribute__((format(printf, 2, 0)))
static void out_vadd(struct sip_out *o, const char *fmt, va_list ap)
{
	int n;

	if (o->error)
		return;
	n = vsnprintf(o->buf + o->len, o->cap - o->len, fmt, ap);
	if (n < 0 || (size_t)n >= o->cap - o->len) {
		o->error = -EMSGSIZE;
		o->buf[o->len] = '\0';
		return;
	}
	o->len += (size_t)n;
}

__attribute__((format(printf, 2, 3)))
static void out_add(struct sip_out *o, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	out_vadd(o, fmt, ap);
	va_end(ap);
}

static bool clean_text(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] == '\r' || s[i] == '\n' || s[i] == '\0')
			return false;
	return true;
}

void sip_out_request_line(struct sip_out *o, const char *method,
			  const char *uri)
{
	if (!o->error && (strpbrk(method, " \r\n") || strpbrk(uri, " \r\n")))
		o->error = -EINVAL;
	out_add(o, "%s %s SIP/2.0\r\n", method, uri);
}

void sip_out_status_line(struct sip_out *o, unsigned int status,
			 const char *reason)
{
	if (!o->error && (status < 100 || status > 699 ||
			  !clean_text(reason, strlen(reason))))
		o->error = -EINVAL;
	out_add(o, "SIP/2.0 %03u %s\r\n", status, reason);
}

void sip_out_header(struct sip_out *o, const char *name, const char *fmt, ...)
{
	size_t start = o->len;
	va_list ap;

	out_add(o, "%s: ", name);
	va_start(ap, fmt);
	out_vadd(o, fmt, ap);
	va_end(ap);
	if (!o->error && !clean_text(o->buf + start, o->len - start)) {
		o->error = -EINVAL;
		return;
	}
	out_add(o, "\r\n");
}

void sip_out_body(struct sip_out *o, const char *type, const char *body,
		  size_t len)
{
	if (type)
		sip_out_header(o, "Content-Type", "%s", type);
	sip_out_header(o, "Content-Length", "%zu", len);
	out_add(o, "\r\n");
	if (o->error)
		return;
	if (len >= o->cap - o->len) {
		o->error = -EMSGSIZE;
		return;
	}
	if (len)
		memcpy(o->buf + o->len, body, len);
	o->len += len;
	o->buf[o->len] = '\0';
}

int sip_out_finish(struct sip_out *o, size_t *len)
{
	if (o->error)
		return o->error;
	*len = o->len;
	return 0;
}
