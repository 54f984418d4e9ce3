// SPDX-License-Identifier: GPL-2.0-only
/*
 * G.722 at 64 kb/s through spandsp: 16 kHz audio, one byte per two
 * samples, RTP clock 8000 (RFC 3551 4.5.2), so a 20 ms unit is 320
 * samples, 160 bytes and 160 timestamp units.
 *
 * Concealment: spandsp's pitch-repetition PLC run on the 16 kHz signal.
 * Its constants are set for 8 kHz, so at 16 kHz it searches pitch periods
 * of 40-120 samples (133-400 Hz) and fades over 25 ms of history; lower
 * voices are repeated at a multiple of their period. The ADPCM decoder
 * carries on from its state after the gap and settles within a few ms.
 */
#include <errno.h>
#include <string.h>

#include "media/codec.h"

#define G722_BITRATE 64000

static int g722_open(struct codec *c)
{
	if (!g722_encode_init(&c->g722.enc, G722_BITRATE, 0) ||
	    !g722_decode_init(&c->g722.dec, G722_BITRATE, 0))
		return -EINVAL;
	plc_init(&c->g722.plc);
	return 0;
}

static void g722_close(struct codec *c)
{
	(void)c;
}

static int g722_enc(struct codec *c, const int16_t *pcm, unsigned int n, uint8_t *out,
		    size_t size)
{
	if (n / 2 > size)
		return -ENOSPC;
	return g722_encode(&c->g722.enc, out, pcm, (int)n);
}

static unsigned int g722_units(struct codec *c, const uint8_t *in, size_t len)
{
	size_t bytes = c->unit / 2;

	(void)in;
	return len && len % bytes == 0 ? (unsigned int)(len / bytes) : 0;
}

static int g722_unit(struct codec *c, const uint8_t *in, size_t len, unsigned int i,
		     uint8_t *out, size_t size)
{
	size_t bytes = c->unit / 2;

	if ((i + 1) * bytes > len || size < bytes)
		return -EINVAL;
	memcpy(out, in + i * bytes, bytes);
	return (int)bytes;
}

static int g722_dec(struct codec *c, const uint8_t *in, size_t len, int16_t *pcm)
{
	if (len != c->unit / 2 || g722_decode(&c->g722.dec, pcm, in, (int)len) != (int)c->unit)
		return -EINVAL;
	plc_rx(&c->g722.plc, pcm, (int)c->unit);
	return 0;
}

static int g722_conceal(struct codec *c, const uint8_t *next, size_t next_len, int16_t *pcm)
{
	(void)next;
	(void)next_len;
	plc_fillin(&c->g722.plc, pcm, (int)c->unit);
	return 0;
}

const struct codec_ops codec_g722_ops = {
	.open = g722_open,
	.close = g722_close,
	.encode = g722_enc,
	.units = g722_units,
	.unit = g722_unit,
	.decode = g722_dec,
	.conceal = g722_conceal,
};
