// SPDX-License-Identifier: GPL-2.0-only
/*
 * "key = value" lines (conf_file.h). Pure: no allocation, no I/O.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "lib/util/conf_file.h"

static void fail(struct conf_error *err, unsigned int line, const char *reason)
{
	err->line = line;
	snprintf(err->reason, sizeof(err->reason), "%s", reason);
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

static bool is_key_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
}

/* Trims blanks from both ends of [*s, *e). */
static void trim(const char **s, const char **e)
{
	while (*s < *e && is_blank(**s))
		(*s)++;
	while (*e > *s && is_blank((*e)[-1]))
		(*e)--;
}

/* One non-comment, non-blank line: [s, e) without its newline. */
static int parse_line(const char *s, const char *e, unsigned int lineno,
		      conf_pair_fn fn, void *userdata, struct conf_error *err)
{
	char key[CONF_KEY_MAX + 1], value[CONF_LINE_MAX + 1];
	const char *eq = memchr(s, '=', (size_t)(e - s));
	const char *ks = s, *ke, *vs, *ve;
	size_t klen, vlen;
	int ret;

	if (!eq) {
		fail(err, lineno, "expected 'key = value'");
		return -EINVAL;
	}
	ke = eq;
	trim(&ks, &ke);
	klen = (size_t)(ke - ks);
	if (!klen) {
		fail(err, lineno, "missing key before '='");
		return -EINVAL;
	}
	if (klen > CONF_KEY_MAX) {
		fail(err, lineno, "key too long");
		return -EINVAL;
	}
	for (const char *p = ks; p < ke; p++) {
		if (!is_key_char(*p)) {
			fail(err, lineno, "keys are lower-case letters, digits and '-'");
			return -EINVAL;
		}
	}
	vs = eq + 1;
	ve = e;
	trim(&vs, &ve);
	if (ve > vs && *vs == '"') {
		if (ve - vs < 2 || ve[-1] != '"') {
			fail(err, lineno, "unterminated quote in value");
			return -EINVAL;
		}
		vs++;
		ve--;
		if (memchr(vs, '"', (size_t)(ve - vs))) {
			fail(err, lineno, "a quote inside a quoted value");
			return -EINVAL;
		}
	}
	vlen = (size_t)(ve - vs);
	memcpy(key, ks, klen);
	key[klen] = '\0';
	memcpy(value, vs, vlen);
	value[vlen] = '\0';

	err->reason[0] = '\0';
	ret = fn(key, value, err, userdata);
	if (ret < 0) {
		err->line = lineno;
		if (!err->reason[0])
			snprintf(err->reason, sizeof(err->reason),
				 "bad value for '%s'", key);
		return -EINVAL;
	}
	return 0;
}

int conf_parse(const char *text, size_t len, conf_pair_fn fn, void *userdata,
	       struct conf_error *err)
{
	const char *p = text, *end = text + len;
	unsigned int lineno = 0;

	err->line = 0;
	err->reason[0] = '\0';
	if (len > CONF_SIZE_MAX) {
		fail(err, 0, "file larger than 64 KiB");
		return -EINVAL;
	}
	if (len && memchr(text, '\0', len)) {
		fail(err, 0, "file holds a NUL byte");
		return -EINVAL;
	}
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *e = nl ? nl : end;
		const char *s = p;
		int ret;

		lineno++;
		if ((size_t)(e - s) > CONF_LINE_MAX) {
			fail(err, lineno, "line longer than 1024 bytes");
			return -EINVAL;
		}
		trim(&s, &e);
		if (s < e && *s != '#') {
			ret = parse_line(s, e, lineno, fn, userdata, err);
			if (ret < 0)
				return ret;
		}
		p = nl ? nl + 1 : end;
	}
	return 0;
}

int conf_parse_bool(const char *value, bool *out)
{
	static const char *const yes[] = { "yes", "true", "on", "1" };
	static const char *const no[] = { "no", "false", "off", "0" };

	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (!strcasecmp(value, yes[i])) {
			*out = true;
			return 0;
		}
		if (!strcasecmp(value, no[i])) {
			*out = false;
			return 0;
		}
	}
	return -EINVAL;
}
