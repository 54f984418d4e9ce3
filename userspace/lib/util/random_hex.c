// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/random.h>

#include "lib/util/random_hex.h"

#define RANDOM_HEX_MAX_BYTES 32

int random_hex(char *out, size_t bytes)
{
	uint8_t raw[RANDOM_HEX_MAX_BYTES];
	ssize_t n;

	if (bytes > sizeof(raw))
		return -EINVAL;
	do
		n = getrandom(raw, bytes, 0);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	if ((size_t)n != bytes)
		return -EIO;
	for (size_t i = 0; i < bytes; i++)
		snprintf(out + 2 * i, 3, "%02x", raw[i]);
	out[2 * bytes] = '\0';
	return 0;
}
