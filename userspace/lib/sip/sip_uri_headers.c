// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include "lib/sip/sip_uri_headers.h"

size_t sip_uri_target_len(const char *uri)
{
	return strcspn(uri, "?");
}

static int hex(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* p[0..len) unescaped into out; 0, -EINVAL or -ENOSPC. */
static int unescape(const char *p, size_t len, char *out, size_t size)
{
	size_t o = 0;

	for (size_t i = 0; i < len; i++) {
		char c = p[i];

		if (c == '%') {
			int hi, lo;

			if (i + 2 >= len)
				return -EINVAL;
			hi = hex(p[i + 1]);
			lo = hex(p[i + 2]);
			if (hi < 0 || lo < 0)
				return -EINVAL;
			c = (char)(hi * 16 + lo);
			i += 2;
		}
		/* no control characters, escaped or not: a header value */
		if ((unsigned char)c < 0x20 || c == 0x7f)
			return -EINVAL;
		if (o + 1 >= size)
			return -ENOSPC;
		out[o++] = c;
	}
	out[o] = '\0';
	return 0;
}

int sip_uri_header(const char *uri, const char *name, char *out, size_t size)
{
	const char *p = uri + sip_uri_target_len(uri);
	size_t nlen = strlen(name);
	bool found = false;
	int ret;

	if (!size)
		return -ENOSPC;
	out[0] = '\0';
	while (*p) {
		const char *h = p + 1, *eq, *end;

		end = h + strcspn(h, "&");
		eq = memchr(h, '=', (size_t)(end - h));
		if (eq && (size_t)(eq - h) == nlen && !strncasecmp(h, name, nlen)) {
			if (found)
				return -EINVAL;
			ret = unescape(eq + 1, (size_t)(end - eq - 1), out, size);
			if (ret < 0)
				return ret;
			found = true;
		}
		p = end;
	}
	return found;
}
