// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "call/dialplan.h"

bool dialplan_is_digit(char c)
{
	return (c >= '0' && c <= '9') || c == '*';
}

/* RFC 3261 25.1: unreserved / escaped / user-unreserved, and what a host
 * and URI parameters take (':', '@', '.', ';', '='). */
static bool uri_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || strchr("-_.!~*'()%&=+$,;?/:@[]#", c);
}

static bool all_uri_chars(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!s[i] || !uri_char(s[i]))
			return false;
	return n > 0;
}

int dialplan_uri(const char *input, const char *domain, char *out, size_t size)
{
	size_t n = strlen(input);
	int w;

	/* a trailing '#' is the send key, not part of the number */
	while (n && input[n - 1] == '#')
		n--;
	if (!all_uri_chars(input, n) || memchr(input, '#', n))
		return -EINVAL;
	if ((n > 4 && !strncasecmp(input, "sip:", 4)) ||
	    (n > 5 && !strncasecmp(input, "sips:", 5))) {
		const char *at = memchr(input, '@', n);

		if (!at || at == input + n - 1)
			return -EINVAL;
		w = snprintf(out, size, "%.*s", (int)n, input);
	} else if (memchr(input, '@', n)) {
		const char *at = memchr(input, '@', n);

		if (at == input || at == input + n - 1 || memchr(input, ':', n))
			return -EINVAL;
		w = snprintf(out, size, "sip:%.*s", (int)n, input);
	} else {
		if (memchr(input, ':', n))
			return -EINVAL;
		if (!domain || !domain[0])
			return -ENXIO;
		w = snprintf(out, size, "sip:%.*s@%s", (int)n, input, domain);
	}
	if (w < 0 || (size_t)w >= size)
		return -ENOSPC;
	return 0;
}
