/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The speakerphone's echo canceller: webrtc-audio-processing's acoustic
 * echo canceller (extended filter, delay-agnostic search), noise
 * suppression and adaptive digital gain control over 10 ms blocks of
 * S16 mono at 8, 16, 32 or 48 kHz (the library takes nothing else).
 *
 * Created and enabled on the main loop, where the library allocates; on
 * the media thread echo_canceller_far() and echo_canceller_near() process
 * one block each into preset frames and allocate nothing. Far first (what
 * the loudspeaker is about to play), then near (what the microphone heard)
 * with the delay between them: the card's playback plus capture latency.
 */
#ifndef UCPHONE_MEDIA_ECHO_CANCELLER_H
#define UCPHONE_MEDIA_ECHO_CANCELLER_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct echo_canceller;

/* rate: 8000, 16000, 32000 or 48000. 0 or -errno. */
int echo_canceller_new(unsigned int rate, struct echo_canceller **out);
void echo_canceller_free(struct echo_canceller *ec);
/* Samples per block (rate / 100). */
unsigned int echo_canceller_block(const struct echo_canceller *ec);
/* One block of the far end's signal as played. 0 or -EIO. */
int echo_canceller_far(struct echo_canceller *ec, const int16_t *far);
/* One block of capture, cleaned in place; delay_ms 0-500. 0 or -EIO/-EINVAL. */
int echo_canceller_near(struct echo_canceller *ec, int16_t *near, int delay_ms);

#ifdef __cplusplus
}
#endif

#endif /* UCPHONE_MEDIA_ECHO_CANCELLER_H */
