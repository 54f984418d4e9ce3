/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Voice activity on the phone's microphone, once per 20 ms card frame on
 * the media thread, the sent audio untouched. Two measures:
 * - the frame's level in dBov on spandsp's scale (0 dBov = a full-scale
 *   sine, as RFC 3389's noise level and spandsp's noise generator use
 *   it) against the room's noise floor, the lowest frame level of the
 *   last VAD_FLOOR_FRAMES (minimum statistics: it follows a room that got
 *   louder within that time, and speech's pauses keep it low);
 * - the WebRTC VAD of webrtc-audio-processing (voice_detector.h), two
 *   10 ms blocks per frame. Alone it takes seconds to learn a new noise
 *   (it calls a steady room after speech "voice"), and speexdsp 1.2's
 *   preprocessor VAD is a placeholder that calls any noise speech.
 * A frame is speech when it stands VAD_SPEECH_DB over the floor, or the
 * WebRTC VAD hears voice and it stands VAD_SOFT_DB over the floor (a soft
 * syllable); speech holds for VAD_HANGOVER_FRAMES after the last speech
 * frame so that word endings are not clipped.
 *
 * media_vad_new() allocates (main loop); media_vad_frame() does not.
 */
#ifndef UCPHONE_MEDIA_VAD_H
#define UCPHONE_MEDIA_VAD_H

#include <stdbool.h>
#include <stdint.h>

#include "media/media_audio.h"
#include "media/voice_detector.h"

#define VAD_SPEECH_DB 9.0f
#define VAD_SOFT_DB 3.0f
#define VAD_FLOOR_FRAMES 75	/* 1.5 s */
#define VAD_HANGOVER_FRAMES 10	/* 200 ms */
/*
 * Comfort noise stands in for a quiet background only: a frame this loud
 * is sent as audio however steady it is (a tone, music, a loud machine
 * would otherwise become the floor and be replaced by noise).
 */
#define VAD_LOUD_DBOV (-30.0f)

struct media_vad {
	struct voice_detector *vd;
	unsigned int frame;		/* samples per 20 ms frame */
	unsigned int hang;		/* hangover frames left */
	bool speech;			/* the last frame (with hangover) */
	float level_dbov;		/* the last frame's level */
	float floor_dbov;		/* the room's noise floor */
	float levels[VAD_FLOOR_FRAMES];	/* the last frames' levels, a ring */
	unsigned int at;
	double ref_power;		/* mean square of a 0 dBov signal */
};

/* Main loop: a VAD for 20 ms frames at rate. 0 or -errno. */
int media_vad_new(struct media_vad *v, unsigned int rate);
void media_vad_free(struct media_vad *v);
/* Media thread: one captured frame (v->frame samples). */
void media_vad_frame(struct media_vad *v, const int16_t *cap);

#endif /* UCPHONE_MEDIA_VAD_H */
