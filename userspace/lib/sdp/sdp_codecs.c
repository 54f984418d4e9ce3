// SPDX-License-Identifier: GPL-2.0-only
/*
 * The phone's codec preference setting ("opus,G722,PCMU,PCMA") as the
 * list sdp_config takes.
 */
#include <errno.h>
#include <string.h>
#include <strings.h>

#include "lib/sdp/sdp.h"

int sdp_codec_list_parse(const char *s, enum media_codec out[MEDIA_CODEC_MAX],
			 unsigned int *n)
{
	unsigned int count = 0;
	const char *p = s;

	if (!s || !*s)
		return -EINVAL;
	for (;;) {
		size_t len = strcspn(p, ",");
		enum media_codec c = MEDIA_CODEC_NONE;

		for (int k = MEDIA_CODEC_NONE + 1; k <= MEDIA_CODEC_MAX; k++) {
			const char *name = media_codec_name((enum media_codec)k);

			if (len == strlen(name) && !strncasecmp(p, name, len))
				c = (enum media_codec)k;
		}
		if (c == MEDIA_CODEC_NONE || count == MEDIA_CODEC_MAX)
			return -EINVAL;
		for (unsigned int i = 0; i < count; i++)
			if (out[i] == c)
				return -EINVAL;	/* named twice */
		out[count++] = c;
		if (!p[len])
			break;
		p += len + 1;
	}
	*n = count;
	return 0;
}
