/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The media thread's sound: one ALSA capture and one playback PCM, S16_LE
 * mono at the card's rate (8, 16, 32 or 48 kHz, a setting: the ES8311
 * takes them all; alsa-lib's plug layer converts for cards that differ),
 * a period of one 20 ms frame. Opened and configured on the main loop
 * (alsa-lib allocates there); started, read, written and stopped on the
 * media thread, which only makes ALSA's own calls.
 */
#ifndef UCPHONE_MEDIA_AUDIO_H
#define UCPHONE_MEDIA_AUDIO_H

#include <stdbool.h>
#include <stdint.h>
#include <alsa/asoundlib.h>

#define MEDIA_RATE_DEFAULT 16000	/* wideband: G.722 and Opus reach the card */
#define MEDIA_RATE_MAX 48000
#define MEDIA_FRAME_MAX (MEDIA_RATE_MAX / 50)	/* samples in 20 ms at most */

struct media_audio {
	snd_pcm_t *play;
	snd_pcm_t *cap;
	unsigned int rate;		/* the card's sample rate */
	unsigned int frame;		/* samples per 20 ms frame at rate */
	bool running;
	uint64_t xruns;
};

/* A card rate the engine runs at: 8000, 16000, 32000 or 48000. */
bool media_audio_rate_ok(unsigned int rate);
/* Opens and configures both PCMs at rate; 0 or -errno (nothing left open). */
int media_audio_open(struct media_audio *a, const char *playback, const char *capture,
		     unsigned int rate);
void media_audio_close(struct media_audio *a);

/* Media thread: prepares both, primes playback with silence, starts. */
int media_audio_start(struct media_audio *a);
void media_audio_stop(struct media_audio *a);
/*
 * Blocks until one frame (a->frame samples) is captured (the thread's clock), recovering
 * from an overrun (counted). 0 or -errno.
 */
int media_audio_read(struct media_audio *a, int16_t *frame);
/* Queues one frame (a->frame samples) for playback, recovering from an underrun. */
int media_audio_write(struct media_audio *a, const int16_t *frame);
/* Frames queued for playback and captured but not read (0 when unknown). */
void media_audio_delay(struct media_audio *a, long *play, long *cap);

#endif /* UCPHONE_MEDIA_AUDIO_H */
