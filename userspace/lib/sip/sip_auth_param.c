// SPDX-License-Identifier: GPL-2.0-only
/* Tokens and parameter values of SIP authentication headers (see sip_auth_param.h). */
#include <errno.h>
#include <string.h>
#include <strings.h>

#include "lib/sip/sip_auth_param.h"

bool sip_auth_is_lws(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* RFC 3261 25.1 token characters. */
static bool is_token_char(char c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9'))
		return true;
	return c && strchr("-.!%*_+`'~", c);
}

void sip_auth_skip_lws(struct sip_auth_cursor *cur)
{
	while (cur->p < cur->end && sip_auth_is_lws(*cur->p))
		cur->p++;
}

int sip_auth_read_token(struct sip_auth_cursor *cur, const char **start, size_t *len)
{
	*start = cur->p;
	while (cur->p < cur->end && is_token_char(*cur->p))
		cur->p++;
	*len = cur->p - *start;
	return *len ? 0 : -EINVAL;
}

bool sip_auth_token_is(const char *s, size_t len, const char *word)
{
	return strlen(word) == len && !strncasecmp(s, word, len);
}

/* Stores one character of a value; buf NULL discards (unknown parameter). */
static int put_char(char *buf, size_t cap, size_t *n, char c)
{
	if (buf) {
		if (*n + 1 >= cap)
			return -EINVAL;
		buf[*n] = c;
	}
	(*n)++;
	return 0;
}

int sip_auth_read_value(struct sip_auth_cursor *cur, char *buf, size_t cap)
{
	size_t n = 0;
	int ret;

	if (cur->p < cur->end && *cur->p == '"') {
		cur->p++;
		for (;;) {
			char c;

			if (cur->p >= cur->end)
				return -EINVAL;
			c = *cur->p++;
			if (c == '"')
				break;
			if (c == '\\') {
				if (cur->p >= cur->end)
					return -EINVAL;
				c = *cur->p++;
			}
			if ((unsigned char)c < 0x20 || c == 0x7f)
				return -EINVAL;
			ret = put_char(buf, cap, &n, c);
			if (ret)
				return ret;
		}
	} else {
		const char *s;
		size_t len;

		ret = sip_auth_read_token(cur, &s, &len);
		if (ret)
			return ret;
		for (size_t i = 0; i < len; i++) {
			ret = put_char(buf, cap, &n, s[i]);
			if (ret)
				return ret;
		}
	}
	if (buf)
		buf[n] = '\0';
	return 0;
}
