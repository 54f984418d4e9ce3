// SPDX-License-Identifier: GPL-2.0-only
/*
 * Picks a codec's implementation and its rates; see codec.h.
 */
#include <errno.h>
#include <string.h>

#include "media/codec.h"

uint32_t codec_clock(enum media_codec kind)
{
	switch (kind) {
	case MEDIA_CODEC_PCMU:
	case MEDIA_CODEC_PCMA:
	case MEDIA_CODEC_G722:	/* RFC 3551 4.5.2: 8000 for 16 kHz audio */
		return 8000;
	case MEDIA_CODEC_OPUS:	/* RFC 7587 4.1: always 48000 */
		return 48000;
	default:
		return 0;
	}
}

uint32_t codec_rate(enum media_codec kind)
{
	switch (kind) {
	case MEDIA_CODEC_PCMU:
	case MEDIA_CODEC_PCMA:
		return 8000;
	case MEDIA_CODEC_G722:
		return 16000;
	case MEDIA_CODEC_OPUS:
		return 48000;
	default:
		return 0;
	}
}

int codec_open(struct codec *c, const struct codec_config *cfg)
{
	memset(c, 0, sizeof(*c));
	switch (cfg->kind) {
	case MEDIA_CODEC_PCMU:
	case MEDIA_CODEC_PCMA:
		c->ops = &codec_g711_ops;
		break;
	case MEDIA_CODEC_G722:
		c->ops = &codec_g722_ops;
		break;
	case MEDIA_CODEC_OPUS:
		c->ops = &codec_opus_ops;
		break;
	default:
		return -EOPNOTSUPP;
	}
	if (cfg->ptime_ms != 20 && cfg->ptime_ms != 40 && cfg->ptime_ms != 60)
		return -EOPNOTSUPP;
	c->cfg = *cfg;
	c->rate = codec_rate(cfg->kind);
	c->clock = codec_clock(cfg->kind);
	c->unit = c->rate / 1000 * CODEC_UNIT_MS;
	c->unit_ts = c->clock / 1000 * CODEC_UNIT_MS;
	return c->ops->open(c);
}

void codec_close(struct codec *c)
{
	if (c->ops)
		c->ops->close(c);
	memset(c, 0, sizeof(*c));
}
