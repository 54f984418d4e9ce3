/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The media thread's sound: one ALSA capture and one playback PCM, S16_LE
 * mono at 8000 Hz (alsa-lib's plug layer converts for cards that differ),
 * a period of one 20 ms frame. Opened and configured on the main loop
 * (alsa-lib allocates there); started, read, written and stopped on the
 * media thread, which only makes ALSA's own calls.
 */
#ifndef UCPHONE_MEDIA_AUDIO_H
#define UCPHONE_MEDIA_AUDIO_H

#include <stdbool.h>
#include <stdint.h>
#include <alsa/asoundlib.h>

#define MEDIA_RATE 8000
#define MEDIA_FRAME 160		/* samples per 20 ms frame */

struct media_audio {
	snd_pcm_t *play;
	snd_pcm_t *cap;
	bool running;
	uint64_t xruns;
};

/* Opens and configures both PCMs; 0 or -errno (nothing left open). */
int media_audio_open(struct media_audio *a, const char *playback, const char *capture);
void media_audio_close(struct media_audio *a);

/* Media thread: prepares both, primes playback with silence, starts. */
int media_audio_start(struct media_audio *a);
void media_audio_stop(struct media_audio *a);
/*
 * Blocks until one frame is captured (the thread's clock), recovering
 * from an overrun (counted). 0 or -errno.
 */
int media_audio_read(struct media_audio *a, int16_t frame[MEDIA_FRAME]);
/* Queues one frame for playback, recovering from an underrun. */
int media_audio_write(struct media_audio *a, const int16_t frame[MEDIA_FRAME]);
/* Frames queued for playback and captured but not read (0 when unknown). */
void media_audio_delay(struct media_audio *a, long *play, long *cap);

#endif /* UCPHONE_MEDIA_AUDIO_H */
