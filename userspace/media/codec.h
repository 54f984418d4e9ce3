/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The media engine's codecs behind one small interface: G.711 (spandsp,
 * with its Appendix I packet loss concealment), G.722 (spandsp) and Opus
 * (libopus, with its own concealment and in-band FEC). One struct codec
 * holds one call's encoder and decoder.
 *
 * The engine moves audio in 20 ms units: a received packet of 40 or 60 ms
 * is cut into 20 ms units (codec_units()/codec_unit()) before it enters
 * the jitter buffer, and each unit decodes to one 20 ms frame at the
 * codec's audio rate (codec->rate; the card's rate may differ, the stream
 * resamples). Sending encodes ptime_ms of audio into one packet.
 *
 * codec_open() and codec_close() run on the main loop and are the only
 * functions that allocate; everything else runs on the media thread with
 * no allocation and no lock.
 */
#ifndef UCPHONE_MEDIA_CODEC_H
#define UCPHONE_MEDIA_CODEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SPANDSP_EXPOSE_INTERNAL_STRUCTURES
#include <spandsp.h>

#include "lib/sdp/media_params.h"

#define CODEC_UNIT_MS 20
#define CODEC_RATE_MAX 48000
#define CODEC_UNIT_MAX (CODEC_RATE_MAX / 1000 * CODEC_UNIT_MS)	/* 960 */
#define CODEC_PCM_MAX (CODEC_UNIT_MAX * 3)	/* 60 ms at 48 kHz */
#define CODEC_PAYLOAD_MAX 1275		/* one Opus frame at most (RFC 6716 3.4) */

/* What the engine asks of a codec, from the negotiated stream. */
struct codec_config {
	enum media_codec kind;
	uint32_t ptime_ms;		/* packets we send: 20, 40 or 60 */
	/* Opus (RFC 7587 6.1 receiver hints from the far end's fmtp) */
	bool fec;			/* far end decodes in-band FEC: send it */
	bool dtx;			/* far end takes DTX: stop sending in silence */
	uint32_t max_playback_rate;	/* far end plays at most this; 0: 48000 */
	uint32_t bitrate;		/* 0: a default that carries FEC */
};

struct codec;

struct codec_ops {
	int (*open)(struct codec *c);
	void (*close)(struct codec *c);
	/* pcm: ptime_ms of audio at c->rate; returns payload bytes, 0: send nothing */
	int (*encode)(struct codec *c, const int16_t *pcm, unsigned int n,
		      uint8_t *out, size_t size);
	/* 20 ms units in a received payload; 0: not a payload of this codec */
	unsigned int (*units)(struct codec *c, const uint8_t *in, size_t len);
	/* unit i of a payload into out (one 20 ms unit); bytes or -errno */
	int (*unit)(struct codec *c, const uint8_t *in, size_t len, unsigned int i,
		    uint8_t *out, size_t size);
	/* one unit to one 20 ms frame (c->unit samples); 0 or -errno */
	int (*decode)(struct codec *c, const uint8_t *in, size_t len, int16_t *pcm);
	/* a missing unit; next: the following unit when at hand (for FEC).
	 * 1: recovered from next's FEC, 0: concealed. */
	int (*conceal)(struct codec *c, const uint8_t *next, size_t next_len, int16_t *pcm);
	/* the loss the encoder should protect against, percent; NULL: nothing to tune */
	void (*expected_loss)(struct codec *c, unsigned int percent);
};

struct codec {
	struct codec_config cfg;
	const struct codec_ops *ops;
	uint32_t rate;			/* audio sample rate of encoder and decoder */
	uint32_t clock;			/* RTP timestamp clock */
	unsigned int unit;		/* samples in 20 ms at rate */
	uint32_t unit_ts;		/* RTP timestamp units in 20 ms */
	union {
		struct {
			g711_state_t enc, dec;
			plc_state_t plc;
		} g711;
		struct {
			g722_encode_state_t enc;
			g722_decode_state_t dec;
			plc_state_t plc;
		} g722;
		struct {
			void *enc, *dec, *rp;	/* OpusEncoder, OpusDecoder, OpusRepacketizer */
		} opus;
	};
};

extern const struct codec_ops codec_g711_ops, codec_g722_ops, codec_opus_ops;

/* Main loop: sets the codec up (allocates its state). 0, -EOPNOTSUPP, -ENOMEM. */
int codec_open(struct codec *c, const struct codec_config *cfg);
/* Main loop: frees; a zeroed or closed codec is fine. */
void codec_close(struct codec *c);

/* RTP clock and audio rate of a codec; 0 for none. */
uint32_t codec_clock(enum media_codec kind);
uint32_t codec_rate(enum media_codec kind);

static inline int codec_encode(struct codec *c, const int16_t *pcm, unsigned int n,
			       uint8_t *out, size_t size)
{
	return c->ops->encode(c, pcm, n, out, size);
}

static inline unsigned int codec_units(struct codec *c, const uint8_t *in, size_t len)
{
	return c->ops->units(c, in, len);
}

static inline int codec_unit(struct codec *c, const uint8_t *in, size_t len,
			     unsigned int i, uint8_t *out, size_t size)
{
	return c->ops->unit(c, in, len, i, out, size);
}

static inline int codec_decode(struct codec *c, const uint8_t *in, size_t len, int16_t *pcm)
{
	return c->ops->decode(c, in, len, pcm);
}

static inline int codec_conceal(struct codec *c, const uint8_t *next, size_t next_len,
				int16_t *pcm)
{
	return c->ops->conceal(c, next, next_len, pcm);
}

static inline void codec_expected_loss(struct codec *c, unsigned int percent)
{
	if (c->ops && c->ops->expected_loss)
		c->ops->expected_loss(c, percent);
}

#endif /* UCPHONE_MEDIA_CODEC_H */
