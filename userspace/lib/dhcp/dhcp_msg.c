// SPDX-License-Identifier: GPL-2.0-only
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "lib/dhcp/dhcp_msg.h"

#define DHCP_MAGIC 0x63825363u
#define OPT_PAD 0
#define OPT_END 255
#define OPT_OVERLOAD 52

const uint8_t dhcp_requested_options[] = {
	1, 3, 6, 15, 26, 42, 43, 119, 120, 51, 54, 58, 59,
};
const size_t dhcp_requested_options_len = sizeof(dhcp_requested_options);

struct writer {
	uint8_t *buf;
	size_t cap, len;
	bool overflow;
};

static void put(struct writer *w, const void *p, size_t n)
{
	if (w->overflow || w->cap - w->len < n) {
		w->overflow = true;
		return;
	}
	memcpy(w->buf + w->len, p, n);
	w->len += n;
}

static void put_opt(struct writer *w, uint8_t code, const void *p, size_t n)
{
	uint8_t hdr[2] = { code, (uint8_t)n };

	put(w, hdr, 2);
	put(w, p, n);
}

int dhcp_build(const struct dhcp_build *b, uint8_t *buf, size_t cap)
{
	struct writer w = { .buf = buf, .cap = cap };
	uint8_t type = (uint8_t)b->type, client_id[7], end = OPT_END;
	uint16_t max_size = htons(DHCP_MAX_LEN - 28);	/* minus IP+UDP */
	uint32_t magic = htonl(DHCP_MAGIC);
	size_t vc_len;

	if (cap < DHCP_MIN_LEN)
		return -ENOBUFS;
	memset(buf, 0, DHCP_MIN_LEN);
	buf[0] = 1;			/* BOOTREQUEST */
	buf[1] = 1;			/* Ethernet */
	buf[2] = 6;
	memcpy(buf + 4, &b->xid, 4);
	buf[8] = (uint8_t)(b->secs >> 8);
	buf[9] = (uint8_t)b->secs;
	if (b->broadcast)
		buf[10] = 0x80;
	memcpy(buf + 12, &b->ciaddr, 4);
	memcpy(buf + 28, b->mac, 6);
	w.len = DHCP_FIXED_LEN;
	put(&w, &magic, 4);

	put_opt(&w, 53, &type, 1);
	client_id[0] = 1;
	memcpy(client_id + 1, b->mac, 6);
	put_opt(&w, 61, client_id, sizeof(client_id));
	if (b->requested_ip)
		put_opt(&w, 50, &b->requested_ip, 4);
	if (b->server_id)
		put_opt(&w, 54, &b->server_id, 4);
	if (b->type != DHCP_DECLINE && b->type != DHCP_RELEASE) {
		put_opt(&w, 57, &max_size, 2);
		put_opt(&w, 55, dhcp_requested_options,
			dhcp_requested_options_len);
		if (b->vendor_class) {
			vc_len = strlen(b->vendor_class);
			if (vc_len == 0 || vc_len > 255)
				return -EINVAL;
			put_opt(&w, 60, b->vendor_class, vc_len);
		}
	}
	put(&w, &end, 1);
	if (w.overflow)
		return -ENOBUFS;
	return (int)(w.len < DHCP_MIN_LEN ? DHCP_MIN_LEN : w.len);
}

/* The option areas of one message, in RFC 3396 concatenation order. */
struct areas {
	const uint8_t *p[3];
	size_t len[3];
	unsigned int n;
};

/* Walks one area; calls back per instance. Returns -EINVAL on bad framing. */
static int walk_area(const uint8_t *p, size_t len,
		     int (*fn)(uint8_t code, const uint8_t *v, size_t n,
			       void *ctx),
		     void *ctx)
{
	size_t i = 0;

	while (i < len) {
		uint8_t code = p[i], n;

		if (code == OPT_PAD) {
			i++;
			continue;
		}
		if (code == OPT_END)
			return 0;
		if (len - i < 2)
			return -EINVAL;
		n = p[i + 1];
		if (len - i - 2 < n)
			return -EINVAL;
		if (fn && fn(code, p + i + 2, n, ctx) < 0)
			return -EINVAL;
		i += 2 + (size_t)n;
	}
	/* An area that runs to its end without 255 is tolerated. */
	return 0;
}

struct gather {
	uint8_t code;
	uint8_t *out;
	size_t cap, len;
	bool found, overflow;
};

static int gather_fn(uint8_t code, const uint8_t *v, size_t n, void *ctx)
{
	struct gather *g = ctx;

	if (code != g->code)
		return 0;
	g->found = true;
	if (g->cap - g->len < n) {
		g->overflow = true;
		return 0;
	}
	memcpy(g->out + g->len, v, n);
	g->len += n;
	return 0;
}

/* Concatenates every instance of code (RFC 3396). 1 found, 0 absent. */
static int option_get(const struct areas *a, uint8_t code, uint8_t *out,
		      size_t cap, size_t *len)
{
	struct gather g = { .code = code, .out = out, .cap = cap };
	unsigned int i;

	for (i = 0; i < a->n; i++)
		walk_area(a->p[i], a->len[i], gather_fn, &g);
	if (g.overflow)
		return -EMSGSIZE;
	*len = g.len;
	return g.found ? 1 : 0;
}

int dhcp_mask_prefix(uint32_t mask_be)
{
	uint32_t m = ntohl(mask_be);
	int n = 0;

	while (n < 32 && (m & (0x80000000u >> n)))
		n++;
	if (n < 32 && (m << n) != 0)
		return -1;
	return n;
}

/* RFC 1035 s2.3.4: 255 octets on the wire are 253 characters in text. */
#define DNS_NAME_TEXT_MAX 253

static bool label_char_ok(uint8_t c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '-' || c == '_';
}

int dns_name_check(const char *name, size_t len, const char **why)
{
	size_t start = 0;

	if (len && name[len - 1] == '.')
		len--;			/* the root, written out */
	if (len == 0) {
		*why = "empty name";
		return -EINVAL;
	}
	if (len > DNS_NAME_TEXT_MAX) {
		*why = "name over 253 characters";
		return -EINVAL;
	}
	for (size_t i = 0; i <= len; i++) {
		if (i < len && name[i] != '.') {
			if (!label_char_ok((uint8_t)name[i])) {
				*why = "character not allowed in a name";
				return -EINVAL;
			}
			continue;
		}
		if (i == start) {
			*why = "empty label";
			return -EINVAL;
		}
		if (i - start > 63) {
			*why = "label over 63 octets";
			return -EINVAL;
		}
		if (name[start] == '-' || name[i - 1] == '-') {
			*why = "label begins or ends with '-'";
			return -EINVAL;
		}
		start = i + 1;
	}
	return (int)len;
}

int dns_name_decode(const uint8_t *data, size_t len, size_t *pos,
		    char out[DHCP_NAME_MAX])
{
	size_t p = *pos, limit = *pos, end = 0, o = 0;
	bool jumped = false;
	unsigned int wire_len = 1;

	if (p >= len)
		return -EINVAL;
	for (;;) {
		uint8_t l;

		if (p >= len)
			return -EINVAL;
		l = data[p];
		if ((l & 0xc0) == 0xc0) {
			size_t target;

			if (p + 1 >= len)
				return -EINVAL;
			target = ((size_t)(l & 0x3f) << 8) | data[p + 1];
			/* Strictly backwards of every earlier position. */
			if (target >= limit)
				return -EINVAL;
			if (!jumped)
				end = p + 2;
			jumped = true;
			limit = target;
			p = target;
			continue;
		}
		if (l & 0xc0)
			return -EINVAL;		/* 0x40/0x80: reserved */
		if (l == 0) {
			if (!jumped)
				end = p + 1;
			break;
		}
		if (p + 1 + l > len)
			return -EINVAL;
		wire_len += 1u + l;
		if (wire_len > 255)
			return -EINVAL;
		if (o)
			out[o++] = '.';
		for (size_t i = 0; i < l; i++) {
			if (!label_char_ok(data[p + 1 + i]))
				return -EINVAL;
			out[o++] = (char)data[p + 1 + i];
		}
		p += 1u + l;
	}
	if (o == 0)
		return -EINVAL;		/* the root alone is no domain */
	out[o] = '\0';
	*pos = end;
	return 0;
}

void dhcp_lease_times(const struct dhcp_reply *ack, struct dhcp_lease_times *t)
{
	uint32_t lt = ack->lease_time ? ack->lease_time : 3600;

	t->expiry = lt;
	t->renew = ack->t1 && ack->t1 < lt ? ack->t1 : lt / 2;
	/* 64-bit: 7/8 of a lease over 2^32/7 s (0xffffffff is "infinite") */
	t->rebind = ack->t2 && ack->t2 < lt ? ack->t2 :
		    (uint32_t)((uint64_t)lt * 7 / 8);
	if (t->rebind < t->renew)
		t->rebind = t->renew;
}

int dhcp_decode_search(const uint8_t *opt, size_t len,
		       char out[][DHCP_NAME_MAX], unsigned int max,
		       unsigned int *count)
{
	size_t pos = 0;
	unsigned int n = 0;

	*count = 0;
	if (len == 0)
		return -EINVAL;
	while (pos < len) {
		if (n == max)
			return -E2BIG;
		if (dns_name_decode(opt, len, &pos, out[n]) < 0)
			return -EINVAL;
		n++;
	}
	*count = n;
	return 0;
}

int dhcp_decode_sip(const uint8_t *opt, size_t len,
		    struct dhcp_sip_servers *sip)
{
	size_t pos = 1;

	memset(sip, 0, sizeof(*sip));
	if (len < 2)
		return -EINVAL;
	if (opt[0] == 1) {
		if ((len - 1) % 4)
			return -EINVAL;
		sip->are_addresses = true;
		for (pos = 1; pos < len; pos += 4) {
			if (sip->count == DHCP_LIST_MAX)
				break;
			memcpy(&sip->addrs[sip->count++], opt + pos, 4);
		}
	} else if (opt[0] == 0) {
		while (pos < len) {
			if (sip->count == DHCP_LIST_MAX)
				return -E2BIG;
			/* Offsets count from the option's first byte. */
			if (dns_name_decode(opt, len, &pos,
					    sip->names[sip->count]) < 0) {
				sip->count = 0;
				return -EINVAL;
			}
			sip->count++;
		}
	} else {
		return -EINVAL;
	}
	sip->present = true;
	return 0;
}

static int copy_ascii(char *dst, size_t cap, const uint8_t *v, size_t n)
{
	if (n == 0 || n >= cap)
		return -EINVAL;
	for (size_t i = 0; i < n; i++)
		if (v[i] < 0x21 || v[i] > 0x7e)
			return -EINVAL;
	memcpy(dst, v, n);
	dst[n] = '\0';
	return 0;
}

int dhcp_decode_ms_uc(const uint8_t *opt, size_t len, struct dhcp_ms_uc *uc)
{
	size_t i = 0;
	int ret = 0;

	memset(uc, 0, sizeof(*uc));
	while (i < len && ret == 0) {
		uint8_t code = opt[i], n;
		const uint8_t *v;

		if (code == 0xff)
			break;
		if (code == 0) {
			i++;
			continue;
		}
		if (len - i < 2 || len - i - 2 < opt[i + 1])
			return -EINVAL;
		n = opt[i + 1];
		v = opt + i + 2;
		switch (code) {
		case 1:
			ret = copy_ascii(uc->identifier,
					 sizeof(uc->identifier), v, n);
			break;
		case 2:
			ret = copy_ascii(uc->scheme, sizeof(uc->scheme), v, n);
			break;
		case 3:
			ret = copy_ascii(uc->fqdn, sizeof(uc->fqdn), v, n);
			break;
		case 4:
			ret = copy_ascii(uc->port, sizeof(uc->port), v, n);
			for (size_t k = 0; ret == 0 && uc->port[k]; k++)
				if (uc->port[k] < '0' || uc->port[k] > '9')
					ret = -EINVAL;
			break;
		case 5:
			ret = copy_ascii(uc->path, sizeof(uc->path), v, n);
			if (ret == 0 && uc->path[0] != '/')
				ret = -EINVAL;
			break;
		default:
			break;	/* sub-options we do not use */
		}
		i += 2 + (size_t)n;
	}
	if (ret < 0)
		return ret;
	/* [U] 1 may be left out by some servers; if present it must match. */
	if (uc->identifier[0] && strcmp(uc->identifier, "MS-UC-Client") != 0)
		return -EINVAL;
	if (!uc->scheme[0] || !uc->fqdn[0] || !uc->path[0])
		return -EINVAL;
	if (uc->port[0])
		ret = snprintf(uc->url, sizeof(uc->url), "%s://%s:%s%s",
			       uc->scheme, uc->fqdn, uc->port, uc->path);
	else
		ret = snprintf(uc->url, sizeof(uc->url), "%s://%s%s",
			       uc->scheme, uc->fqdn, uc->path);
	if (ret < 0 || (size_t)ret >= sizeof(uc->url))
		return -EINVAL;
	uc->present = true;
	return 0;
}

static unsigned int get_addrs(const uint8_t *v, size_t n, uint32_t *out,
			      bool *bad)
{
	unsigned int count = 0;

	if (n == 0 || n % 4) {
		*bad = true;
		return 0;
	}
	for (size_t i = 0; i + 4 <= n && count < DHCP_LIST_MAX; i += 4)
		memcpy(&out[count++], v + i, 4);
	return count;
}

static uint32_t get_u32(const uint8_t *v)
{
	return (uint32_t)v[0] << 24 | (uint32_t)v[1] << 16 |
	       (uint32_t)v[2] << 8 | v[3];
}

/*
 * A time option (51, 58, 59); 0 when absent or malformed. dnsmasq sends
 * 51 twice when configured to override its own: RFC 3396 concatenation
 * then gives 8 bytes. The shortest time is the one we cannot overrun.
 */
static uint32_t get_time(const struct areas *a, uint8_t code, uint8_t *opt,
			 size_t cap)
{
	uint32_t best = 0;
	size_t n;

	if (option_get(a, code, opt, cap, &n) != 1 || n == 0 || n % 4)
		return 0;
	for (size_t i = 0; i < n; i += 4) {
		uint32_t v = get_u32(opt + i);

		if (v && (!best || v < best))
			best = v;	/* 0 s is no time at all: ignored */
	}
	return best;
}

int dhcp_parse(const uint8_t *buf, size_t len, struct dhcp_reply *r,
	       const char **why)
{
	uint8_t opt[DHCP_MAX_LEN * 2];
	struct areas a = { 0 };
	size_t n;
	bool bad = false;
	uint32_t magic;
	int got;

	memset(r, 0, sizeof(*r));
	if (len < DHCP_FIXED_LEN + 4) {
		*why = "too short";
		return -EINVAL;
	}
	if (buf[0] != 2 || buf[1] != 1 || buf[2] != 6) {
		*why = "not a BOOTREPLY on Ethernet";
		return -EINVAL;
	}
	memcpy(&magic, buf + DHCP_FIXED_LEN, 4);
	if (ntohl(magic) != DHCP_MAGIC) {
		*why = "no DHCP magic cookie";
		return -EINVAL;
	}
	memcpy(&r->xid, buf + 4, 4);
	memcpy(&r->yiaddr, buf + 16, 4);
	memcpy(&r->siaddr, buf + 20, 4);
	memcpy(r->chaddr, buf + 28, 6);

	a.p[0] = buf + DHCP_FIXED_LEN + 4;
	a.len[0] = len - DHCP_FIXED_LEN - 4;
	a.n = 1;
	if (walk_area(a.p[0], a.len[0], NULL, NULL) < 0) {
		*why = "options overrun the message";
		return -EINVAL;
	}
	if (option_get(&a, OPT_OVERLOAD, opt, sizeof(opt), &n) == 1 &&
	    n == 1 && opt[0] >= 1 && opt[0] <= 3) {
		/* RFC 3396: options, then file, then sname. */
		if (opt[0] & 1) {
			a.p[a.n] = buf + 108;
			a.len[a.n++] = 128;
		}
		if (opt[0] & 2) {
			a.p[a.n] = buf + 44;
			a.len[a.n++] = 64;
		}
	}

	if (option_get(&a, 53, opt, sizeof(opt), &n) != 1 || n != 1 ||
	    opt[0] < DHCP_DISCOVER || opt[0] > DHCP_INFORM) {
		*why = "no valid message type";
		return -EINVAL;
	}
	r->type = opt[0];

	if (option_get(&a, 54, opt, sizeof(opt), &n) == 1 && n == 4)
		memcpy(&r->server_id, opt, 4);
	if (option_get(&a, 1, opt, sizeof(opt), &n) == 1) {
		int prefix = -1;

		if (n == 4) {
			memcpy(&r->subnet_mask, opt, 4);
			prefix = dhcp_mask_prefix(r->subnet_mask);
		}
		if (prefix < 0) {
			r->bad_options |= DHCP_BAD_LIST;
			r->subnet_mask = 0;
		} else {
			r->has_subnet = true;
			r->prefix_len = (uint8_t)prefix;
		}
	}
	if (option_get(&a, 3, opt, sizeof(opt), &n) == 1)
		r->n_routers = get_addrs(opt, n, r->routers, &bad);
	if (option_get(&a, 6, opt, sizeof(opt), &n) == 1)
		r->n_dns = get_addrs(opt, n, r->dns, &bad);
	if (option_get(&a, 42, opt, sizeof(opt), &n) == 1)
		r->n_ntp = get_addrs(opt, n, r->ntp, &bad);
	if (bad)
		r->bad_options |= DHCP_BAD_LIST;
	if (option_get(&a, 26, opt, sizeof(opt), &n) == 1) {
		if (n == 2 && ((opt[0] << 8) | opt[1]) >= 68)
			r->mtu = (uint16_t)((opt[0] << 8) | opt[1]);
		else
			r->bad_options |= DHCP_BAD_LIST;
	}
	r->lease_time = get_time(&a, 51, opt, sizeof(opt));
	r->t1 = get_time(&a, 58, opt, sizeof(opt));
	r->t2 = get_time(&a, 59, opt, sizeof(opt));

	got = option_get(&a, 15, opt, sizeof(opt), &n);
	if (got != 0) {
		int name_len = -EINVAL;

		/* A trailing NUL is common; anything else must be a name. */
		while (got == 1 && n && opt[n - 1] == 0)
			n--;
		if (got < 0)
			r->domain_why = "option unreadable";
		else if (memchr(opt, 0, n))
			r->domain_why = "NUL inside the name";
		else
			name_len = dns_name_check((const char *)opt, n,
						  &r->domain_why);
		if (name_len < 0) {
			r->bad_options |= DHCP_BAD_DOMAIN;
		} else {
			memcpy(r->domain, opt, (size_t)name_len);
			r->domain[name_len] = '\0';
			r->domain_why = NULL;
		}
	}
	got = option_get(&a, 119, opt, sizeof(opt), &n);
	if (got != 0 && (got < 0 ||
	    dhcp_decode_search(opt, n, r->search, DHCP_SEARCH_MAX,
			       &r->n_search) < 0)) {
		r->n_search = 0;
		r->bad_options |= DHCP_BAD_SEARCH;
	}
	got = option_get(&a, 120, opt, sizeof(opt), &n);
	if (got != 0 && (got < 0 || dhcp_decode_sip(opt, n, &r->sip) < 0)) {
		memset(&r->sip, 0, sizeof(r->sip));
		r->bad_options |= DHCP_BAD_SIP;
	}
	got = option_get(&a, 43, opt, sizeof(opt), &n);
	if (got != 0 && (got < 0 || dhcp_decode_ms_uc(opt, n, &r->ms_uc) < 0)) {
		memset(&r->ms_uc, 0, sizeof(r->ms_uc));
		r->bad_options |= DHCP_BAD_VENDOR;
	}
	return 0;
}
