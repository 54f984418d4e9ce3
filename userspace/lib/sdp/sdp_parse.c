// SPDX-License-Identifier: GPL-2.0-only
/*
 * The SDP parser (RFC 4566): one pass over the lines, no recursion, every
 * count bounded; see sdp.h for what is kept.
 */
#include <errno.h>
#include <string.h>

#include "secret.h"
#include "sdp_text.h"

struct parse {
	struct sdp *sdp;
	struct sdp_error *err;
	bool have_v, have_o, have_s;
	struct sdp_media *m;	/* current m= section, NULL: session */
	bool dir_set;		/* direction attribute seen in this section */
	bool enc_set;
	bool conn_set;		/* c= seen in this m= section */
};

static int fail(struct parse *ps, int rc, const char *reason)
{
	sdp_set_error(ps->err, rc == -E2BIG ? 488 : 400, reason);
	return rc;
}

static enum sdp_proto proto_of(struct sdp_span s)
{
	if (sdp_span_eq(s, "RTP/AVP"))
		return SDP_PROTO_RTP_AVP;
	if (sdp_span_eq(s, "RTP/SAVP"))
		return SDP_PROTO_RTP_SAVP;
	if (sdp_span_eq(s, "RTP/AVPF"))
		return SDP_PROTO_RTP_AVPF;
	if (sdp_span_eq(s, "RTP/SAVPF"))
		return SDP_PROTO_RTP_SAVPF;
	return SDP_PROTO_OTHER;
}

static bool proto_is_rtp(enum sdp_proto p)
{
	return p != SDP_PROTO_OTHER;
}

/* o=<username> <sess-id> <sess-version> <nettype> <addrtype> <address> */
static int parse_origin(struct parse *ps, struct sdp_span v)
{
	struct sdp_span user, id, ver, net, type, addr;
	struct sdp *sdp = ps->sdp;

	if (ps->have_o || ps->m)
		return fail(ps, -EINVAL, "misplaced o= line");
	if (!sdp_span_token(&v, " ", &user) || !sdp_span_token(&v, " ", &id) ||
	    !sdp_span_token(&v, " ", &ver) || !sdp_span_token(&v, " ", &net) ||
	    !sdp_span_token(&v, " ", &type) || !sdp_span_token(&v, " ", &addr) ||
	    v.n)
		return fail(ps, -EINVAL, "malformed o= line");
	if (!sdp_span_copy(user, sdp->origin_user, sizeof(sdp->origin_user)) ||
	    !sdp_span_u64(id, UINT64_MAX, &sdp->sess_id) ||
	    !sdp_span_u64(ver, UINT64_MAX, &sdp->sess_version) ||
	    !sdp_span_eq(net, "IN"))
		return fail(ps, -EINVAL, "malformed o= line");
	/* The origin address may be a name; only a literal one is kept. */
	if (!sdp_span_addr(type, addr, &sdp->origin_addr))
		memset(&sdp->origin_addr, 0, sizeof(sdp->origin_addr));
	ps->have_o = true;
	return 0;
}

/* c=IN IP4|IP6 <literal address> */
static int parse_conn(struct parse *ps, struct sdp_span v)
{
	struct sdp_span net, type, addr;
	struct sdp_addr *a = ps->m ? &ps->m->conn : &ps->sdp->conn;

	if (ps->m ? ps->conn_set : ps->sdp->conn.family != 0)
		return fail(ps, -EINVAL, "more than one c= line in a section");
	if (!sdp_span_token(&v, " ", &net) || !sdp_span_token(&v, " ", &type) ||
	    !sdp_span_token(&v, " ", &addr) || v.n || !sdp_span_eq(net, "IN"))
		return fail(ps, -EINVAL, "malformed c= line");
	if (!sdp_span_addr(type, addr, a))
		return fail(ps, -EINVAL, "c= address is not a literal IP address");
	if (ps->m)
		ps->conn_set = true;
	return 0;
}

/* m=<media> <port>[/<count>] <proto> <fmt> ... */
static int parse_media(struct parse *ps, struct sdp_span v)
{
	struct sdp_span media, port, proto, fmt;
	struct sdp *sdp = ps->sdp;
	struct sdp_media *m;
	const char *slash;
	uint64_t n;

	if (sdp->n_media == SDP_MEDIA_MAX)
		return fail(ps, -E2BIG, "too many m= lines");
	m = &sdp->media[sdp->n_media++];
	ps->m = m;
	ps->dir_set = false;
	ps->enc_set = false;
	ps->conn_set = false;
	m->dir = sdp->dir;
	m->encryption = sdp->encryption;
	if (!sdp_span_token(&v, " ", &media) || !sdp_span_token(&v, " ", &port) ||
	    !sdp_span_token(&v, " ", &proto))
		return fail(ps, -EINVAL, "malformed m= line");
	if (!sdp_span_copy(media, m->media, sizeof(m->media)) ||
	    !sdp_span_copy(proto, m->proto_name, sizeof(m->proto_name)))
		return fail(ps, -EINVAL, "malformed m= line");
	m->proto = proto_of(proto);
	m->port_count = 1;
	slash = memchr(port.p, '/', port.n);
	if (slash) {
		struct sdp_span cnt = { slash + 1, port.n - (size_t)(slash + 1 - port.p) };

		if (!sdp_span_u64(cnt, 65535, &n) || n == 0)
			return fail(ps, -EINVAL, "malformed m= port count");
		m->port_count = (uint16_t)n;
		port.n = (size_t)(slash - port.p);
	}
	if (!sdp_span_u64(port, 65535, &n))
		return fail(ps, -EINVAL, "malformed m= port");
	m->port = (uint16_t)n;
	while (sdp_span_token(&v, " ", &fmt)) {
		if (!m->first_fmt[0] && !sdp_span_copy(fmt, m->first_fmt, sizeof(m->first_fmt)))
			return fail(ps, -EINVAL, "malformed m= format");
		if (!proto_is_rtp(m->proto))
			continue;	/* non-RTP formats are not numbers */
		if (m->n_formats == SDP_FORMATS_MAX)
			return fail(ps, -E2BIG, "too many formats on an m= line");
		if (!sdp_span_u64(fmt, 127, &n))
			return fail(ps, -EINVAL, "RTP payload type is not 0-127");
		for (unsigned int i = 0; i < m->n_formats; i++)
			if (m->formats[i].pt == n)
				return fail(ps, -EINVAL, "payload type listed twice");
		m->formats[m->n_formats].pt = (uint8_t)n;
		m->formats[m->n_formats].channels = 1;
		m->n_formats++;
	}
	if (!m->first_fmt[0] || (proto_is_rtp(m->proto) && m->n_formats == 0))
		return fail(ps, -EINVAL, "m= line without formats");
	return 0;
}

static struct sdp_format *format_of(struct sdp_media *m, uint64_t pt)
{
	for (unsigned int i = 0; i < m->n_formats; i++)
		if (m->formats[i].pt == pt)
			return &m->formats[i];
	return NULL;
}

/* a=rtpmap:<pt> <encoding>/<clock>[/<channels>] */
static int parse_rtpmap(struct parse *ps, struct sdp_span v)
{
	struct sdp_span pt, enc, name, clock, chans;
	struct sdp_format *f;
	uint64_t n;

	if (!sdp_span_token(&v, " ", &pt) || !sdp_span_token(&v, " ", &enc) || v.n ||
	    !sdp_span_u64(pt, 127, &n))
		return fail(ps, -EINVAL, "malformed a=rtpmap");
	f = format_of(ps->m, n);
	if (!f)
		return 0;	/* a map for a format not offered: ignored */
	if (f->has_rtpmap)
		return fail(ps, -EINVAL, "two a=rtpmap for one payload type");
	if (!sdp_span_token(&enc, "/", &name) || !sdp_span_token(&enc, "/", &clock) ||
	    !sdp_span_copy(name, f->encoding, sizeof(f->encoding)) ||
	    !sdp_span_u64(clock, 1000000, &n) || n == 0)
		return fail(ps, -EINVAL, "malformed a=rtpmap");
	f->clock_rate = (uint32_t)n;
	if (sdp_span_token(&enc, "/", &chans)) {
		if (!sdp_span_u64(chans, 255, &n) || n == 0 || enc.n)
			return fail(ps, -EINVAL, "malformed a=rtpmap channels");
		f->channels = (uint8_t)n;
	}
	f->has_rtpmap = true;
	return 0;
}

/* a=fmtp:<pt> <parameters> */
static int parse_fmtp(struct parse *ps, struct sdp_span v)
{
	struct sdp_span pt;
	struct sdp_format *f;
	uint64_t n;

	if (!sdp_span_token(&v, " ", &pt) || !sdp_span_u64(pt, 127, &n))
		return fail(ps, -EINVAL, "malformed a=fmtp");
	while (v.n && v.p[0] == ' ') {
		v.p++;
		v.n--;
	}
	f = format_of(ps->m, n);
	if (!f)
		return 0;
	if (f->has_fmtp)
		return fail(ps, -EINVAL, "two a=fmtp for one payload type");
	if (!sdp_span_copy(v, f->fmtp, sizeof(f->fmtp)))
		return fail(ps, -E2BIG, "a=fmtp too long");
	f->has_fmtp = true;
	return 0;
}

/* a=rtcp:<port> [IN IP4|IP6 <address>] (RFC 3605) */
static int parse_rtcp(struct parse *ps, struct sdp_span v)
{
	struct sdp_span port, net, type, addr;
	uint64_t n;

	if (ps->m->rtcp_port)
		return fail(ps, -EINVAL, "two a=rtcp lines");
	if (!sdp_span_token(&v, " ", &port) || !sdp_span_u64(port, 65535, &n) || n == 0)
		return fail(ps, -EINVAL, "malformed a=rtcp");
	ps->m->rtcp_port = (uint16_t)n;
	if (sdp_span_token(&v, " ", &net)) {
		if (!sdp_span_eq(net, "IN") || !sdp_span_token(&v, " ", &type) ||
		    !sdp_span_token(&v, " ", &addr) || v.n ||
		    !sdp_span_addr(type, addr, &ps->m->rtcp_addr))
			return fail(ps, -EINVAL, "malformed a=rtcp address");
	}
	return 0;
}

static int set_dir(struct parse *ps, enum sdp_dir dir)
{
	if (ps->dir_set)
		return fail(ps, -EINVAL, "contradictory direction attributes");
	ps->dir_set = true;
	if (ps->m)
		ps->m->dir = dir;
	else
		ps->sdp->dir = dir;
	return 0;
}

static int parse_encryption(struct parse *ps, struct sdp_span v)
{
	enum sdp_encryption e;

	if (sdp_span_eq(v, "required"))
		e = SDP_ENCRYPTION_REQUIRED;
	else if (sdp_span_eq(v, "optional"))
		e = SDP_ENCRYPTION_OPTIONAL;
	else if (sdp_span_eq(v, "rejected"))
		e = SDP_ENCRYPTION_REJECTED;
	else
		return fail(ps, -EINVAL, "unknown a=encryption value");
	if (ps->enc_set)
		return fail(ps, -EINVAL, "two a=encryption lines");
	ps->enc_set = true;
	if (ps->m)
		ps->m->encryption = e;
	else
		ps->sdp->encryption = e;
	return 0;
}

static int parse_crypto(struct parse *ps, struct sdp_span v)
{
	struct sdp_media *m = ps->m;
	struct sdp_crypto *c;

	if (m->n_crypto == SDP_CRYPTO_MAX)
		return fail(ps, -E2BIG, "too many a=crypto lines");
	c = &m->crypto[m->n_crypto];
	if (sdp_crypto_parse(v, c) < 0) {
		secret_zero(c, sizeof(*c));
		return fail(ps, -EINVAL, "malformed a=crypto");
	}
	for (unsigned int i = 0; i < m->n_crypto; i++)
		if (m->crypto[i].tag == c->tag) {
			secret_zero(c, sizeof(*c));
			return fail(ps, -EINVAL, "a=crypto tag used twice");
		}
	m->n_crypto++;
	return 0;
}

static int parse_ptime(struct parse *ps, struct sdp_span v, uint32_t *out)
{
	uint64_t n;

	/* Some peers write "20.0"; the fraction is dropped. */
	const char *dot = memchr(v.p, '.', v.n);

	if (dot)
		v.n = (size_t)(dot - v.p);
	if (!sdp_span_u64(v, 10000, &n) || n == 0)
		return fail(ps, -EINVAL, "malformed a=ptime");
	*out = (uint32_t)n;
	return 0;
}

static int parse_attr(struct parse *ps, struct sdp_span v)
{
	const char *colon = memchr(v.p, ':', v.n);
	struct sdp_span name = { v.p, colon ? (size_t)(colon - v.p) : v.n };
	struct sdp_span val = { colon ? colon + 1 : v.p + v.n,
				colon ? v.n - name.n - 1 : 0 };

	if (sdp_span_eq(name, "sendrecv") && !colon)
		return set_dir(ps, SDP_DIR_SENDRECV);
	if (sdp_span_eq(name, "sendonly") && !colon)
		return set_dir(ps, SDP_DIR_SENDONLY);
	if (sdp_span_eq(name, "recvonly") && !colon)
		return set_dir(ps, SDP_DIR_RECVONLY);
	if (sdp_span_eq(name, "inactive") && !colon)
		return set_dir(ps, SDP_DIR_INACTIVE);
	if (sdp_span_eq(name, "encryption") && colon)
		return parse_encryption(ps, val);
	if (!ps->m)
		return 0;	/* other session-level attributes: not used */
	if (sdp_span_eq(name, "rtpmap") && colon)
		return parse_rtpmap(ps, val);
	if (sdp_span_eq(name, "fmtp") && colon)
		return parse_fmtp(ps, val);
	if (sdp_span_eq(name, "ptime") && colon)
		return parse_ptime(ps, val, &ps->m->ptime_ms);
	if (sdp_span_eq(name, "maxptime") && colon)
		return parse_ptime(ps, val, &ps->m->maxptime_ms);
	if (sdp_span_eq(name, "rtcp") && colon)
		return parse_rtcp(ps, val);
	if (sdp_span_eq(name, "rtcp-mux") && !colon) {
		ps->m->rtcp_mux = true;
		return 0;
	}
	if (sdp_span_eq(name, "crypto") && colon)
		return parse_crypto(ps, val);
	return 0;
}

static int parse_line(struct parse *ps, char type, struct sdp_span v)
{
	if (!ps->have_v && type != 'v')
		return fail(ps, -EINVAL, "SDP does not start with v=0");
	switch (type) {
	case 'v':
		if (ps->have_v || !sdp_span_eq(v, "0"))
			return fail(ps, -EINVAL, "SDP version is not v=0");
		ps->have_v = true;
		return 0;
	case 'o':
		return parse_origin(ps, v);
	case 's':
		if (ps->m || ps->have_s)
			return fail(ps, -EINVAL, "misplaced s= line");
		ps->have_s = true;
		return 0;
	case 'c':
		return parse_conn(ps, v);
	case 'm':
		if (!ps->have_o || !ps->have_s)
			return fail(ps, -EINVAL, "m= before o= and s=");
		return parse_media(ps, v);
	case 'a':
		return parse_attr(ps, v);
	default:
		/* i= u= e= p= b= t= r= z= k= and unknown types: not used */
		if (type < 'a' || type > 'z')
			return fail(ps, -EINVAL, "line type is not a lower-case letter");
		return 0;
	}
}

static int check(struct parse *ps)
{
	struct sdp *sdp = ps->sdp;

	if (!ps->have_v || !ps->have_o || !ps->have_s)
		return fail(ps, -EINVAL, "SDP lacks v=, o= or s=");
	for (unsigned int i = 0; i < sdp->n_media; i++) {
		struct sdp_media *m = &sdp->media[i];

		if (m->conn.family == 0)
			m->conn = sdp->conn;
		if (m->port && m->conn.family == 0)
			return fail(ps, -EINVAL, "m= line without a c= address");
		if (m->dir == SDP_DIR_UNSET)
			m->dir = sdp->dir;
		if (m->encryption == SDP_ENCRYPTION_UNSET)
			m->encryption = sdp->encryption;
	}
	return 0;
}

int sdp_parse(const char *body, size_t len, struct sdp *out, struct sdp_error *err)
{
	struct parse ps = { .sdp = out, .err = err };
	size_t pos = 0, lines = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	if (err)
		memset(err, 0, sizeof(*err));
	if (len > SDP_BODY_MAX)
		return fail(&ps, -E2BIG, "SDP body too large");
	if (memchr(body, '\0', len))
		return fail(&ps, -EINVAL, "NUL byte in SDP");
	while (pos < len) {
		const char *nl = memchr(body + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - body) : len;
		struct sdp_span v;
		size_t n = end - pos;

		if (n && body[pos + n - 1] == '\r')
			n--;
		if (n == 0) {
			/* blank lines (a trailing one above all) are tolerated */
			pos = end + 1;
			continue;
		}
		if (++lines > SDP_LINES_MAX) {
			rc = fail(&ps, -E2BIG, "too many SDP lines");
			goto out;
		}
		if (n < 2 || body[pos + 1] != '=') {
			rc = fail(&ps, -EINVAL, "SDP line is not <type>=<value>");
			goto out;
		}
		v = (struct sdp_span){ body + pos + 2, n - 2 };
		for (size_t i = 0; i < v.n; i++)
			if ((unsigned char)v.p[i] < 0x20 && v.p[i] != '\t') {
				rc = fail(&ps, -EINVAL, "control character in SDP");
				goto out;
			}
		rc = parse_line(&ps, body[pos], v);
		if (rc < 0)
			goto out;
		pos = end + 1;
	}
	rc = check(&ps);
out:
	if (rc < 0)
		sdp_clear(out);
	return rc;
}

void sdp_clear(struct sdp *sdp)
{
	if (sdp)
		secret_zero(sdp, sizeof(*sdp));
}
