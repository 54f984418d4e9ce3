// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <string.h>
#include <strings.h>

#include "lib/sip/msg_summary.h"

static bool is_ws(char c)
{
	return c == ' ' || c == '\t';
}

/* Trims spaces and tabs at both ends of [*p, *p + *n). */
static void trim(const char **p, size_t *n)
{
	while (*n && is_ws(**p)) {
		(*p)++;
		(*n)--;
	}
	while (*n && is_ws((*p)[*n - 1]))
		(*n)--;
}

/* A decimal count at *p (advanced past it); -EINVAL when none or too big. */
static int count(const char **p, const char *end, uint32_t *out)
{
	uint32_t v = 0;
	const char *s = *p;

	while (s < end && is_ws(*s))
		s++;
	if (s == end || *s < '0' || *s > '9')
		return -EINVAL;
	for (; s < end && *s >= '0' && *s <= '9'; s++) {
		v = v * 10 + (uint32_t)(*s - '0');
		if (v > MSG_SUMMARY_COUNT_MAX)
			return -EINVAL;
	}
	*p = s;
	*out = v;
	return 0;
}

/* "new/old" at *p; the '/' may have spaces around it */
static int pair(const char **p, const char *end, uint32_t *a, uint32_t *b)
{
	if (count(p, end, a) < 0)
		return -EINVAL;
	while (*p < end && is_ws(**p))
		(*p)++;
	if (*p == end || **p != '/')
		return -EINVAL;
	(*p)++;
	return count(p, end, b);
}

/* "2/8" or "2/8 (0/2)" */
static int voice_line(const char *p, size_t n, struct msg_summary *s)
{
	const char *end = p + n;

	if (pair(&p, end, &s->voice_new, &s->voice_old) < 0)
		return -EINVAL;
	s->urgent_new = s->urgent_old = 0;
	while (p < end && is_ws(*p))
		p++;
	if (p < end) {
		if (*p != '(')
			return -EINVAL;
		p++;
		if (pair(&p, end, &s->urgent_new, &s->urgent_old) < 0)
			return -EINVAL;
		while (p < end && is_ws(*p))
			p++;
		if (p == end || *p != ')')
			return -EINVAL;
		for (p++; p < end; p++)
			if (!is_ws(*p))
				return -EINVAL;
	}
	s->have_voice = true;
	return 0;
}

static bool name_is(const char *p, size_t n, const char *name)
{
	return n == strlen(name) && !strncasecmp(p, name, n);
}

int msg_summary_parse(const char *body, size_t len, struct msg_summary *out)
{
	struct msg_summary s = { 0 };
	const char *p = body, *end = body + len;
	bool have_waiting = false;

	if (len > MSG_SUMMARY_MAX)
		return -EMSGSIZE;
	if (len && memchr(body, '\0', len))
		return -EINVAL;
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		size_t n = eol ? (size_t)(eol - p) : (size_t)(end - p);
		const char *colon, *val;
		size_t nlen, vlen;

		if (n && p[n - 1] == '\r')
			n--;
		if (!n)
			break;		/* the message headers follow: not ours */
		colon = memchr(p, ':', n);
		if (colon) {
			nlen = (size_t)(colon - p);
			val = colon + 1;
			vlen = n - nlen - 1;
			trim(&p, &nlen);
			trim(&val, &vlen);
			if (name_is(p, nlen, "Messages-Waiting")) {
				if (have_waiting)
					return -EINVAL;
				if (name_is(val, vlen, "yes"))
					s.waiting = true;
				else if (!name_is(val, vlen, "no"))
					return -EINVAL;
				have_waiting = true;
			} else if (name_is(p, nlen, "Message-Account")) {
				if (vlen >= sizeof(s.account))
					return -EINVAL;
				memcpy(s.account, val, vlen);
				s.account[vlen] = '\0';
			} else if (name_is(p, nlen, "Voice-Message")) {
				if (voice_line(val, vlen, &s) < 0)
					return -EINVAL;
			}
		}
		if (!eol)
			break;
		p = eol + 1;
	}
	if (!have_waiting)
		return -EINVAL;
	*out = s;
	return 0;
}
