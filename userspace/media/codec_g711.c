// SPDX-License-Identifier: GPL-2.0-only
/*
 * G.711 mu-law and A-law through spandsp, one byte per 8 kHz sample, with
 * spandsp's G.711 Appendix I style concealment (pitch repetition fading
 * out over 50 ms) for lost units.
 */
#include <errno.h>
#include <string.h>

#include "media/codec.h"

static int g711_open(struct codec *c)
{
	int law = c->cfg.kind == MEDIA_CODEC_PCMA ? G711_ALAW : G711_ULAW;

	g711_init(&c->g711.enc, law);
	g711_init(&c->g711.dec, law);
	plc_init(&c->g711.plc);
	return 0;
}

static void g711_close(struct codec *c)
{
	(void)c;
}

static int g711_enc(struct codec *c, const int16_t *pcm, unsigned int n, uint8_t *out,
		    size_t size)
{
	if (n > size)
		return -ENOSPC;
	return g711_encode(&c->g711.enc, out, pcm, (int)n);
}

static unsigned int g711_units(struct codec *c, const uint8_t *in, size_t len)
{
	(void)in;
	return len && len % c->unit == 0 ? (unsigned int)(len / c->unit) : 0;
}

static int g711_unit(struct codec *c, const uint8_t *in, size_t len, unsigned int i,
		     uint8_t *out, size_t size)
{
	if ((size_t)(i + 1) * c->unit > len || size < c->unit)
		return -EINVAL;
	memcpy(out, in + (size_t)i * c->unit, c->unit);
	return (int)c->unit;
}

static int g711_dec(struct codec *c, const uint8_t *in, size_t len, int16_t *pcm)
{
	if (len != c->unit)
		return -EINVAL;
	g711_decode(&c->g711.dec, pcm, in, (int)len);
	/* spandsp's PLC keeps its history from whole 20 ms frames */
	plc_rx(&c->g711.plc, pcm, (int)c->unit);
	return 0;
}

static int g711_conceal(struct codec *c, const uint8_t *next, size_t next_len, int16_t *pcm)
{
	(void)next;
	(void)next_len;
	plc_fillin(&c->g711.plc, pcm, (int)c->unit);
	return 0;
}

const struct codec_ops codec_g711_ops = {
	.open = g711_open,
	.close = g711_close,
	.encode = g711_enc,
	.units = g711_units,
	.unit = g711_unit,
	.decode = g711_dec,
	.conceal = g711_conceal,
};
