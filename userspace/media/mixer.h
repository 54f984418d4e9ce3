/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The phone as a conference bridge: one frame's mixing on the media
 * thread. Every leg's far end was decoded to the card's rate (its own
 * codec and resampler); the earpiece or speaker plays every leg, and each
 * leg joined to the conference is sent the phone's microphone plus every
 * other joined leg, never its own audio back. A leg not joined is sent the
 * microphone alone. Sums saturate at 16 bits. No allocation, no lock: the
 * caller owns every buffer (on its stack).
 */
#ifndef UCPHONE_MEDIA_MIXER_H
#define UCPHONE_MEDIA_MIXER_H

#include <stdbool.h>
#include <stdint.h>

struct mixer_leg {
	const int16_t *heard;	/* the far end this frame; NULL: nothing heard */
	bool joined;		/* in the conference */
	int16_t *send;		/* out: what this leg's far end is sent */
};

/* A 32-bit sum saturated to 16 bits. */
int16_t mixer_clip(int32_t v);

/*
 * One frame of samples: play[] += every leg's heard; legs[i].send =
 * cap + the other joined legs' heard (joined) or cap (not joined).
 */
void mixer_frame(const int16_t *cap, struct mixer_leg *legs, unsigned int n,
		 int32_t *play, unsigned int samples);

#endif /* UCPHONE_MEDIA_MIXER_H */
