// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util/secret.h"

void secret_zero(void *buf, size_t len)
{
	if (buf && len)
		explicit_bzero(buf, len);
}

void secret_zero_free(void *buf, size_t len)
{
	secret_zero(buf, len);
	free(buf);
}

int secret_set(struct secret *s, const void *data, size_t len)
{
	secret_clear(s);
	if (len > sizeof(s->bytes))
		return -EMSGSIZE;
	if (len)
		memcpy(s->bytes, data, len);
	s->len = len;
	return 0;
}

void secret_clear(struct secret *s)
{
	explicit_bzero(s, sizeof(*s));
}
