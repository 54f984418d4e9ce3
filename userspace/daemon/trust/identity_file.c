// SPDX-License-Identifier: GPL-2.0-only
/* The sign-in identity's text form (see identity_file.h). */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "lib/util/secret.h"
#include "trust/identity_file.h"

__attribute__((format(printf, 2, 3)))
static int fail(char error[IDENTITY_ERROR_MAX], const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(error, IDENTITY_ERROR_MAX, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static const char *key_name(unsigned int bit)
{
	return bit == 1 ? "address" : bit == 2 ? "user" : "password";
}

static bool has_control_char(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return true;
	return false;
}

int identity_check(const struct signin_identity *id,
		   char error[IDENTITY_ERROR_MAX])
{
	static const char *const names[] = { "address", "user", "password" };
	const char *fields[] = { id->address, id->user, id->password };
	const char *at;

	for (size_t i = 0; i < 3; i++) {
		size_t cap = i == 0 ? sizeof(id->address) :
			     i == 1 ? sizeof(id->user) : sizeof(id->password);

		if (!memchr(fields[i], '\0', cap))
			return fail(error, "%s is too long", names[i]);
		if (!*fields[i])
			return fail(error, "%s is empty", names[i]);
		if (has_control_char(fields[i]))
			return fail(error, "%s contains a control character",
				    names[i]);
	}
	at = strchr(id->address, '@');
	if (!at || at == id->address || !at[1] || strchr(at + 1, '@') ||
	    strchr(id->address, ' '))
		return fail(error, "address must be user@domain (the SIP sign-in address)");
	return 0;
}

/* The field a key names, with its size; NULL for an unknown key. */
static char *field_of(struct signin_identity *id, const char *key,
		      size_t key_len, size_t *cap, unsigned int *bit)
{
	if (key_len == 7 && !memcmp(key, "address", 7)) {
		*cap = sizeof(id->address), *bit = 1;
		return id->address;
	}
	if (key_len == 4 && !memcmp(key, "user", 4)) {
		*cap = sizeof(id->user), *bit = 2;
		return id->user;
	}
	if (key_len == 8 && !memcmp(key, "password", 8)) {
		*cap = sizeof(id->password), *bit = 4;
		return id->password;
	}
	return NULL;
}

static int parse_lines(const char *text, size_t len,
		       struct signin_identity *out,
		       char error[IDENTITY_ERROR_MAX])
{
	const char *p = text, *end = text + len;
	unsigned int line = 0, seen = 0;

	if (len > IDENTITY_FILE_MAX)
		return fail(error, "file larger than %d bytes", IDENTITY_FILE_MAX);
	if (memchr(text, '\0', len))
		return fail(error, "file contains a NUL byte");
	while (p < end) {
		const char *eol = memchr(p, '\n', end - p), *eq, *key;
		size_t key_len, value_len, cap;
		unsigned int bit;
		char *field;

		if (!eol)
			eol = end;
		line++;
		key = p;
		p = eol + 1;
		if (eol > key && eol[-1] == '\r')
			eol--;
		while (key < eol && (*key == ' ' || *key == '\t'))
			key++;
		if (key == eol || *key == '#')
			continue;
		eq = memchr(key, '=', eol - key);
		if (!eq)
			return fail(error, "line %u: expected key=value", line);
		key_len = eq - key;
		while (key_len && (key[key_len - 1] == ' ' || key[key_len - 1] == '\t'))
			key_len--;
		field = field_of(out, key, key_len, &cap, &bit);
		if (!field)
			return fail(error, "line %u: unknown key (want address, user or password)",
				    line);
		if (seen & bit)
			return fail(error, "line %u: %s given twice", line,
				    key_name(bit));
		seen |= bit;
		value_len = eol - (eq + 1);
		if (value_len >= cap)
			return fail(error, "line %u: %s is too long", line,
				    key_name(bit));
		memcpy(field, eq + 1, value_len);
		field[value_len] = '\0';
	}
	if (seen != 7)
		return fail(error, "missing %s",
			    key_name(!(seen & 1) ? 1 : !(seen & 2) ? 2 : 4));
	return identity_check(out, error);
}

int identity_parse(const char *text, size_t len, struct signin_identity *out,
		   char error[IDENTITY_ERROR_MAX])
{
	int ret;

	memset(out, 0, sizeof(*out));
	ret = parse_lines(text, len, out, error);
	if (ret)
		secret_zero(out, sizeof(*out));
	return ret;
}

int identity_format(const struct signin_identity *id, char *buf, size_t size)
{
	int n = snprintf(buf, size, "address=%s\nuser=%s\npassword=%s\n",
			 id->address, id->user, id->password);

	if (n < 0 || (size_t)n >= size) {
		secret_zero(buf, size);
		return -ENOSPC;
	}
	return n;
}
