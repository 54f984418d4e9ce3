// SPDX-License-Identifier: GPL-2.0-only
/* Four-part versions: parsing, comparing, printing. */
#include <errno.h>
#include <stdio.h>

#include "lib/update/version.h"

int version_parse(const char *s, struct version *v)
{
	struct version out = { 0 };
	unsigned int i;

	if (!s)
		return -EINVAL;
	for (i = 0; i < VERSION_PARTS; i++) {
		uint64_t n = 0;
		unsigned int digits = 0;

		while (*s >= '0' && *s <= '9') {
			if (++digits > 10)
				return -EINVAL;
			n = n * 10 + (uint64_t)(*s - '0');
			s++;
		}
		if (!digits || n > UINT32_MAX)
			return -EINVAL;
		out.part[i] = (uint32_t)n;
		if (i + 1 < VERSION_PARTS) {
			if (*s != '.')
				return -EINVAL;
			s++;
		}
	}
	if (*s)
		return -EINVAL;
	*v = out;
	return 0;
}

int version_cmp(const struct version *a, const struct version *b)
{
	for (unsigned int i = 0; i < VERSION_PARTS; i++) {
		if (a->part[i] != b->part[i])
			return a->part[i] < b->part[i] ? -1 : 1;
	}
	return 0;
}

char *version_format(const struct version *v, char *buf, size_t len)
{
	snprintf(buf, len, "%u.%u.%u.%u", v->part[0], v->part[1], v->part[2],
		 v->part[3]);
	return buf;
}
