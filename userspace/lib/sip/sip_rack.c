// SPDX-License-Identifier: GPL-2.0-only
/*
 * RAck header values; see sip_rack.h.
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "lib/sip/sip_rack.h"

static bool is_lws(char c)
{
	return c == ' ' || c == '\t';
}

/* RFC 3261 25.1 token characters */
static bool is_token(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || (c && strchr("-.!%*_+`'~", c));
}

/* the next run of characters accepted by @want, after leading LWS */
static struct sip_str next_word(struct sip_str *rest, bool (*want)(char))
{
	struct sip_str w;
	size_t i = 0;

	while (rest->len && is_lws(*rest->p)) {
		rest->p++;
		rest->len--;
	}
	while (i < rest->len && want(rest->p[i]))
		i++;
	w.p = rest->p;
	w.len = i;
	rest->p += i;
	rest->len -= i;
	return w;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int number(struct sip_str *rest, uint32_t *out)
{
	struct sip_str w = next_word(rest, is_digit);

	/* 2^31 - 1 at most (RFC 3262 7.1): ten digits can still overflow */
	if (!w.len || w.len > 10 || sip_parse_uint(w, out) < 0 || *out > 0x7fffffffu)
		return -EINVAL;
	if (!rest->len || !is_lws(*rest->p))
		return -EINVAL;
	return 0;
}

int sip_rack_parse(struct sip_str value, struct sip_rack *out)
{
	struct sip_str rest = value, m;

	memset(out, 0, sizeof(*out));
	if (number(&rest, &out->rseq) < 0 || !out->rseq ||
	    number(&rest, &out->cseq) < 0)
		return -EINVAL;
	m = next_word(&rest, is_token);
	while (rest.len && is_lws(*rest.p)) {
		rest.p++;
		rest.len--;
	}
	if (!m.len || m.len >= sizeof(out->method) || rest.len)
		return -EINVAL;
	memcpy(out->method, m.p, m.len);
	out->method[m.len] = '\0';
	return 0;
}
