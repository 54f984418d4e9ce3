// SPDX-License-Identifier: GPL-2.0-only
/*
 * A stream's codec, resamplers and jitter buffer, set up on the main loop
 * before the stream reaches the media thread (everything here allocates;
 * nothing the thread runs does). A codec whose audio rate differs from
 * the card's (G.722 16 kHz and Opus 48 kHz on an 8 kHz card, G.711 and
 * Opus on a 16 kHz one) gets two speexdsp
 * resamplers, the card's rate to the codec's for sending and back for
 * playing.
 */
#include <errno.h>
#include <string.h>

#include "media/media_internal.h"
#include "media/stream_codec.h"

/*
 * At least two units: one playing and the next at hand, which Opus needs
 * for its FEC and which keeps a tick that runs a little late (a shared
 * CPU) from finding the buffer empty.
 */
#define JB_MIN_MS 40
#define JB_MIN_OPUS_MS 40
#define JB_MAX_MS 500

static bool same_codec(const struct codec *c, const struct codec_config *cfg)
{
	return c->ops && c->cfg.kind == cfg->kind && c->cfg.ptime_ms == cfg->ptime_ms &&
	       c->cfg.fec == cfg->fec && c->cfg.dtx == cfg->dtx &&
	       c->cfg.max_playback_rate == cfg->max_playback_rate;
}

static void close_resamplers(struct stream *s)
{
	if (s->to_codec)
		speex_resampler_destroy(s->to_codec);
	if (s->to_card)
		speex_resampler_destroy(s->to_card);
	s->to_codec = s->to_card = NULL;
}

void stream_codec_close(struct stream *s)
{
	codec_close(&s->codec);
	close_resamplers(s);
}

int stream_codec_open(struct stream *s, const struct media_stream_params *p,
		      uint32_t card_rate, uint32_t start_delay_ms)
{
	struct codec_config cfg = {
		.kind = p->codec,
		.ptime_ms = p->ptime_ms,
		.fec = p->opus_fec,
		.dtx = p->opus_dtx,
		/* the far end's playback, and no more than this card captures */
		.max_playback_rate = p->opus_max_playback_rate &&
				     p->opus_max_playback_rate < card_rate ?
				     p->opus_max_playback_rate : card_rate,
	};
	bool jb_too = !s->codec.ops || s->codec.clock != codec_clock(p->codec);
	int rc, err = 0;

	if (same_codec(&s->codec, &cfg) && s->card_rate == card_rate)
		return 0;
	stream_codec_close(s);
	s->card_rate = card_rate;
	s->card_frame = card_rate / 50;
	rc = codec_open(&s->codec, &cfg);
	if (rc < 0) {
		codec_close(&s->codec);
		return rc;
	}
	if (s->codec.rate != card_rate) {
		s->to_codec = speex_resampler_init(1, card_rate, s->codec.rate,
						   SPEEX_RESAMPLER_QUALITY_VOIP, &err);
		if (s->to_codec)
			s->to_card = speex_resampler_init(1, s->codec.rate, card_rate,
							  SPEEX_RESAMPLER_QUALITY_VOIP, &err);
		if (!s->to_codec || !s->to_card) {
			stream_codec_close(s);
			return -ENOMEM;
		}
	}
	s->txfill = 0;
	/* a new encoder starts from the default; the next report tunes it */
	memset(&s->loss, 0, sizeof(s->loss));
	atomic_store_explicit(&s->st.expected_loss_pct,
			      s->codec.ops->expected_loss ? loss_est_initial(cfg.fec) : 0,
			      memory_order_relaxed);
	if (jb_too)
		jb_init(&s->jb, s->codec.unit_ts, s->codec.clock,
			p->codec == MEDIA_CODEC_OPUS ? JB_MIN_OPUS_MS : JB_MIN_MS,
			start_delay_ms, JB_MAX_MS);
	else
		jb_flush(&s->jb);
	return 0;
}
