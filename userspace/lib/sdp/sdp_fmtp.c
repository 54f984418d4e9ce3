// SPDX-License-Identifier: GPL-2.0-only
/*
 * Format parameters the negotiation reads beyond rtpmap: Opus's fmtp
 * (RFC 7587 6.1) and whether a comfort-noise format (RFC 3389) is there.
 */
#include <string.h>
#include <strings.h>

#include "lib/sdp/sdp.h"
#include "lib/sdp/sdp_text.h"

void sdp_opus_fmtp(const struct sdp_format *f, bool *fec, bool *dtx, uint32_t *max_playback)
{
	struct sdp_span rest, item;

	*fec = false;
	*dtx = false;
	*max_playback = 0;
	if (!f->has_fmtp)
		return;
	rest = (struct sdp_span){ f->fmtp, strnlen(f->fmtp, sizeof(f->fmtp)) };
	while (sdp_span_token(&rest, "; ", &item)) {
		const char *eq = memchr(item.p, '=', item.n);
		struct sdp_span k, v;
		uint64_t n;

		if (!eq)
			continue;
		k = (struct sdp_span){ item.p, (size_t)(eq - item.p) };
		v = (struct sdp_span){ eq + 1, item.n - k.n - 1 };
		if (!sdp_span_u64(v, 48000, &n))
			continue;
		if (sdp_span_caseeq(k, "useinbandfec"))
			*fec = n == 1;
		else if (sdp_span_caseeq(k, "usedtx"))
			*dtx = n == 1;
		else if (sdp_span_caseeq(k, "maxplaybackrate") && n >= 8000)
			*max_playback = (uint32_t)n;
	}
}

bool sdp_has_cn(const struct sdp_media *m)
{
	for (unsigned int i = 0; i < m->n_formats; i++) {
		const struct sdp_format *f = &m->formats[i];

		if (f->has_rtpmap ? !strcasecmp(f->encoding, "CN") && f->clock_rate == 8000 &&
				    f->pt == MEDIA_PT_CN :
				    f->pt == MEDIA_PT_CN)
			return true;
	}
	return false;
}
