// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: the configuration file parser (lib/util/conf_file.c).
 * Every pair handed out must be NUL-terminated within the limits.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util/conf_file.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int check_pair(const char *key, const char *value,
		      struct conf_error *err, void *userdata)
{
	(void)err;
	(void)userdata;
	if (!*key || strlen(key) > CONF_KEY_MAX ||
	    strlen(value) > CONF_LINE_MAX)
		abort();
	/* Refuse one key so the error path runs too. */
	return strcmp(key, "refused") ? 0 : -22;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct conf_error err;

	conf_parse((const char *)data, size, check_pair, NULL, &err);
	return 0;
}
