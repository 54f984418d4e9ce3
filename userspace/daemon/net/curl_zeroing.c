// SPDX-License-Identifier: GPL-2.0-only
/* libcurl's memory zeroed when freed (see curl_zeroing.h). */
#include <errno.h>
#include <malloc.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "net/curl_zeroing.h"
#include "lib/util/secret.h"

static void zero_free(void *p)
{
	if (!p)
		return;
	secret_zero(p, malloc_usable_size(p));
	free(p);
}

static void *zero_realloc(void *p, size_t n)
{
	size_t old;
	void *q;

	if (!p)
		return malloc(n);
	if (!n) {
		zero_free(p);
		return NULL;
	}
	old = malloc_usable_size(p);
	q = malloc(n);
	if (!q)
		return NULL;	/* p stays valid, as realloc() leaves it */
	memcpy(q, p, old < n ? old : n);
	zero_free(p);
	return q;
}

int curl_zeroing_init(void)
{
	return curl_global_init_mem(CURL_GLOBAL_DEFAULT, malloc, zero_free,
				    zero_realloc, strdup, calloc) ? -EIO : 0;
}

void curl_zeroing_cleanup(void)
{
	curl_global_cleanup();
}
