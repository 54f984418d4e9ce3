// SPDX-License-Identifier: GPL-2.0-only
/*
 * The conference bridge's mixing (mixer.h): per sample, the sum of the
 * joined legs once, then each joined leg is sent the microphone plus that
 * sum less its own contribution, so nobody hears themselves back.
 */
#include <stddef.h>
#include <string.h>

#include "media/mixer.h"

int16_t mixer_clip(int32_t v)
{
	return v > INT16_MAX ? INT16_MAX : v < INT16_MIN ? INT16_MIN : (int16_t)v;
}

void mixer_frame(const int16_t *cap, struct mixer_leg *legs, unsigned int n,
		 int32_t *play, unsigned int samples)
{
	unsigned int joined = 0;

	for (unsigned int l = 0; l < n; l++) {
		if (legs[l].heard)
			for (unsigned int i = 0; i < samples; i++)
				play[i] += legs[l].heard[i];
		joined += legs[l].joined;
	}
	for (unsigned int l = 0; l < n; l++)
		if (!legs[l].joined || joined < 2)
			memcpy(legs[l].send, cap, sizeof(int16_t) * samples);
	if (joined < 2)
		return;
	for (unsigned int i = 0; i < samples; i++) {
		int32_t all = 0;

		for (unsigned int l = 0; l < n; l++)
			if (legs[l].joined && legs[l].heard)
				all += legs[l].heard[i];
		for (unsigned int l = 0; l < n; l++) {
			int32_t own;

			if (!legs[l].joined)
				continue;
			own = legs[l].heard ? legs[l].heard[i] : 0;
			legs[l].send[i] = mixer_clip(cap[i] + all - own);
		}
	}
}
