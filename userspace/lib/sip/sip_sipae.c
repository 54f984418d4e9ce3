// SPDX-License-Identifier: GPL-2.0-only
/*
 * MS-SIPAE framing: challenge and Authentication-Info parsers, the
 * signature buffer and the credentials header (see sip_sipae.h).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "lib/sip/sip_auth_param.h"
#include "lib/sip/sip_sipae.h"

const char *sipae_mech_name(enum sipae_mech mech)
{
	return mech == SIPAE_KERBEROS ? "Kerberos" : "NTLM";
}

/* The scheme word: NTLM or Kerberos, else -EPROTONOSUPPORT. */
static int read_scheme(struct sip_auth_cursor *cur, enum sipae_mech *mech)
{
	const char *s;
	size_t n;

	sip_auth_skip_lws(cur);
	if (sip_auth_read_token(cur, &s, &n))
		return -EINVAL;
	if (sip_auth_token_is(s, n, "NTLM"))
		*mech = SIPAE_NTLM;
	else if (sip_auth_token_is(s, n, "Kerberos"))
		*mech = SIPAE_KERBEROS;
	else
		return -EPROTONOSUPPORT;
	if (cur->p < cur->end && !sip_auth_is_lws(*cur->p))
		return -EINVAL;
	return 0;
}

struct param_slot {
	const char *name;
	char *buf;
	size_t cap;
	bool *present;
};

/*
 * name=value, ... into the slots whose name matches (each at most once);
 * unknown names are read and dropped.
 */
static int read_params(struct sip_auth_cursor *cur, struct param_slot *slots,
		       size_t n_slots)
{
	unsigned int seen = 0;

	for (;;) {
		struct param_slot *slot = NULL;
		const char *s;
		size_t n;
		int ret;

		sip_auth_skip_lws(cur);
		while (cur->p < cur->end && *cur->p == ',') {
			cur->p++;
			sip_auth_skip_lws(cur);
		}
		if (cur->p >= cur->end)
			return 0;
		if (sip_auth_read_token(cur, &s, &n))
			return -EINVAL;
		for (size_t i = 0; i < n_slots; i++) {
			if (sip_auth_token_is(s, n, slots[i].name)) {
				if (seen & (1u << i))
					return -EINVAL;
				seen |= 1u << i;
				slot = &slots[i];
				break;
			}
		}
		sip_auth_skip_lws(cur);
		if (cur->p >= cur->end || *cur->p != '=')
			return -EINVAL;
		cur->p++;
		sip_auth_skip_lws(cur);
		ret = sip_auth_read_value(cur, slot ? slot->buf : NULL,
				 slot ? slot->cap : 0);
		if (ret)
			return ret;
		if (slot && slot->present)
			*slot->present = true;
		sip_auth_skip_lws(cur);
		if (cur->p < cur->end && *cur->p != ',')
			return -EINVAL;
	}
}

static int parse_version(const char *s, unsigned int *out)
{
	unsigned int v = 0;

	if (!*s)
		return -EINVAL;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || v > 1000)
			return -EINVAL;
		v = v * 10 + (unsigned int)(*s - '0');
	}
	*out = v;
	return 0;
}

int sipae_parse_challenge(const char *value, size_t len,
			  struct sipae_challenge *out)
{
	struct sip_auth_cursor cur = { value, value + len };
	char version[16] = "";
	bool has_realm = false, has_version = false, has_data = false;
	int ret;

	if (!value || !out)
		return -EINVAL;
	if (memchr(value, '\0', len))
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	ret = read_scheme(&cur, &out->mech);
	if (ret)
		return ret;
	{
		struct param_slot slots[] = {
			{ "realm", out->realm, sizeof(out->realm), &has_realm },
			{ "targetname", out->targetname,
			  sizeof(out->targetname), NULL },
			{ "opaque", out->opaque, sizeof(out->opaque), NULL },
			{ "version", version, sizeof(version), &has_version },
			{ "gssapi-data", out->gssapi_data,
			  sizeof(out->gssapi_data), &has_data },
		};

		ret = read_params(&cur, slots, sizeof(slots) / sizeof(slots[0]));
	}
	if (ret)
		return ret;
	if (!has_realm || !out->realm[0])
		return -EINVAL;
	if (has_version && parse_version(version, &out->version))
		return -EINVAL;
	out->has_gssapi_data = has_data;
	return 0;
}

int sipae_parse_auth_info(const char *value, size_t len,
			  struct sipae_auth_info *out)
{
	struct sip_auth_cursor cur = { value, value + len };
	int ret;

	if (!value || !out)
		return -EINVAL;
	if (memchr(value, '\0', len))
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	ret = read_scheme(&cur, &out->mech);
	if (ret)
		return ret;
	{
		struct param_slot slots[] = {
			{ "rspauth", out->rspauth, sizeof(out->rspauth),
			  &out->has_rspauth },
			{ "srand", out->srand, sizeof(out->srand), NULL },
			{ "snum", out->snum, sizeof(out->snum), NULL },
			{ "realm", out->realm, sizeof(out->realm), NULL },
			{ "targetname", out->targetname,
			  sizeof(out->targetname), NULL },
			{ "opaque", out->opaque, sizeof(out->opaque), NULL },
		};

		ret = read_params(&cur, slots, sizeof(slots) / sizeof(slots[0]));
	}
	return ret;
}

/* P-Asserted-Identity: "name" <sip:...>, <tel:...> : the two URIs. */
static void pai_uris(const struct sip_msg *m, struct sipae_sig_fields *f)
{
	const struct sip_header *h = NULL;
	struct sip_str items[4];
	int n;

	for (unsigned int i = 0; i < m->n_hdr; i++) {
		if (sip_str_ieq(m->hdr[i].name, "P-Asserted-Identity")) {
			h = &m->hdr[i];
			break;
		}
		if (!h && sip_str_ieq(m->hdr[i].name, "P-Preferred-Identity"))
			h = &m->hdr[i];
	}
	if (!h)
		return;
	n = sip_split_list(h->value, items, 4);
	for (int i = 0; i < n; i++) {
		struct sip_name_addr na;

		if (sip_parse_name_addr(items[i], &na))
			continue;
		if (na.uri.len >= 4 && !strncasecmp(na.uri.p, "sip:", 4))
			f->pai_sip = na.uri;
		else if (na.uri.len >= 4 && !strncasecmp(na.uri.p, "tel:", 4))
			f->pai_tel = na.uri;
	}
}

int sipae_sig_fields_from_msg(const struct sip_msg *m,
			      struct sipae_sig_fields *f)
{
	struct sip_name_addr from, to;
	const struct sip_header *cseq;

	memset(f, 0, sizeof(*f));
	if (sip_parse_name_addr(sip_msg_value(m, SIP_HDR_FROM), &from) ||
	    sip_parse_name_addr(sip_msg_value(m, SIP_HDR_TO), &to))
		return -EINVAL;
	f->call_id = m->call_id;
	cseq = sip_msg_header(m, SIP_HDR_CSEQ, 0);
	if (cseq) {
		const char *p = cseq->value.p;
		size_t n = 0;

		while (n < cseq->value.len && p[n] >= '0' && p[n] <= '9')
			n++;
		f->cseq_num = (struct sip_str){ p, n };
	}
	f->method = m->cseq_method;
	f->from_uri = from.uri;
	f->to_uri = to.uri;
	sip_param(from.params, "tag", &f->from_tag);
	sip_param(to.params, "tag", &f->to_tag);
	pai_uris(m, f);
	f->expires = sip_msg_value(m, SIP_HDR_EXPIRES);
	if (!f->expires.p)
		f->expires = (struct sip_str){ "", 0 };
	f->status = m->request ? 0 : m->status;
	return 0;
}

struct buf {
	char *p;
	size_t cap, len;
	bool full;
};

static void put(struct buf *b, const char *s, size_t n)
{
	if (b->full || n >= b->cap - b->len) {
		b->full = true;
		return;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void field(struct buf *b, const char *s, size_t n)
{
	put(b, "<", 1);
	if (s && n)
		put(b, s, n);
	put(b, ">", 1);
}

static void field_str(struct buf *b, struct sip_str s)
{
	field(b, s.p, s.len);
}

static void field_cstr(struct buf *b, const char *s)
{
	field(b, s, s ? strlen(s) : 0);
}

int sipae_signature_buffer(unsigned int version, enum sipae_mech mech,
			   const char *rand, const char *num,
			   const char *realm, const char *targetname,
			   const struct sipae_sig_fields *f,
			   char *out, size_t cap, size_t *len)
{
	struct buf b = { out, cap, 0, false };

	if (!out || !cap || !f)
		return -EINVAL;
	out[0] = '\0';
	if (!realm || !realm[0])
		return -EINVAL;
	field_cstr(&b, sipae_mech_name(mech));
	field_cstr(&b, rand);
	field_cstr(&b, num);
	field_cstr(&b, realm);
	field_cstr(&b, targetname);
	field_str(&b, f->call_id);
	field_str(&b, f->cseq_num);
	field_str(&b, f->method);
	field_str(&b, f->from_uri);
	field_str(&b, f->from_tag);
	if (version >= 3)
		field_str(&b, f->to_uri);
	field_str(&b, f->to_tag);
	if (version >= 3) {
		field_str(&b, f->pai_sip);
		field_str(&b, f->pai_tel);
	}
	field_str(&b, f->expires);
	if (f->status) {
		char st[8];
		int n = snprintf(st, sizeof(st), "%u", f->status);

		field(&b, st, (size_t)n);
	}
	if (b.full) {
		out[0] = '\0';
		return -ENOSPC;
	}
	if (len)
		*len = b.len;
	return 0;
}

/* A value that can go between quotes as it is. */
static bool quotable(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f || *s == '"' ||
		    *s == '\\')
			return false;
	return true;
}

static void put_param(struct buf *b, const char *name, const char *value)
{
	put(b, ", ", 2);
	put(b, name, strlen(name));
	put(b, "=\"", 2);
	put(b, value, strlen(value));
	put(b, "\"", 1);
}

int sipae_build_credentials(const struct sipae_credentials *c, char *out,
			    size_t cap)
{
	const char *vals[] = { c->realm, c->targetname, c->opaque,
			       c->gssapi_data, c->crand, c->cnum, c->response };
	struct buf b = { out, cap, 0, false };
	const char *mech;

	if (!out || !cap)
		return -EINVAL;
	out[0] = '\0';
	if (!c->realm || !c->targetname)
		return -EINVAL;
	for (size_t i = 0; i < sizeof(vals) / sizeof(vals[0]); i++)
		if (vals[i] && !quotable(vals[i]))
			return -EINVAL;
	mech = sipae_mech_name(c->mech);
	put(&b, mech, strlen(mech));
	put(&b, " qop=\"auth\"", 11);
	put_param(&b, "realm", c->realm);
	if (c->opaque && c->opaque[0])
		put_param(&b, "opaque", c->opaque);
	put_param(&b, "targetname", c->targetname);
	if (c->version) {
		char v[16];
		int n = snprintf(v, sizeof(v), ", version=%u", c->version);

		put(&b, v, (size_t)n);
	}
	if (c->gssapi_data)
		put_param(&b, "gssapi-data", c->gssapi_data);
	if (c->crand && c->cnum && c->response) {
		put_param(&b, "crand", c->crand);
		put_param(&b, "cnum", c->cnum);
		put_param(&b, "response", c->response);
	}
	if (b.full) {
		out[0] = '\0';
		return -ENOSPC;
	}
	return 0;
}
