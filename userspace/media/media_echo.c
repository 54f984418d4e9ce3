// SPDX-License-Identifier: GPL-2.0-only
/*
 * The media thread's echo cancelling on the speakerphone: each captured
 * 20 ms frame goes through the echo canceller (two 10 ms blocks) before
 * the calls send it, and each played frame is its far-end reference. The
 * delay between them is measured on the card every frame: what playback
 * still has queued plus what capture holds unread. The canceller exists
 * from the engine's start; switching it on or off allocates nothing.
 */
#include "media/echo_canceller.h"
#include "media/media_internal.h"

/* webrtc-audio-processing takes 10 ms blocks at 8, 16, 32 or 48 kHz: the card's rate */
static unsigned int block(const struct media_engine *e)
{
	return e->cfg.audio_rate / 100;
}

int media_echo_new(struct media_engine *e)
{
	return echo_canceller_new(e->cfg.audio_rate, &e->ec);
}

void media_echo_free(struct media_engine *e)
{
	echo_canceller_free(e->ec);
	e->ec = NULL;
}

void media_echo_capture(struct media_engine *e, int16_t *cap)
{
	unsigned int frame = e->audio.frame, b = block(e);
	long play = 0, capq = 0;
	int delay;

	if (!e->ec_on || !e->ec)
		return;
	media_audio_delay(&e->audio, &play, &capq);
	/* the far frames were analysed when written: queued playback is their
	 * way to the loudspeaker; this frame's capture waited one frame */
	delay = (int)((play + capq + (long)frame) * 1000 / (long)e->audio.rate);
	if (delay > 500)
		delay = 500;
	atomic_store_explicit(&e->echo_delay_ms, (uint32_t)delay, memory_order_relaxed);
	for (unsigned int i = 0; i < frame / b; i++)
		if (echo_canceller_near(e->ec, cap + i * b, delay) < 0)
			atomic_fetch_add_explicit(&e->echo_errors, 1, memory_order_relaxed);
}

void media_echo_played(struct media_engine *e, const int16_t *out)
{
	unsigned int frame = e->audio.frame, b = block(e);

	if (!e->ec_on || !e->ec)
		return;
	for (unsigned int i = 0; i < frame / b; i++)
		if (echo_canceller_far(e->ec, out + i * b) < 0)
			atomic_fetch_add_explicit(&e->echo_errors, 1, memory_order_relaxed);
}
