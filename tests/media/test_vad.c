// SPDX-License-Identifier: GPL-2.0-only
/*
 * The voice detector that decides when comfort noise replaces the
 * microphone: a quiet steady background becomes silence, a loud steady
 * signal (a tone, music) stays audio, speech after quiet is heard at once.
 */
#include <math.h>
#include <stdlib.h>

#include "media/media_vad.h"
#include "kselftest_harness.h"

#define RATE 16000
#define FRAME (RATE / 50)

/* frames of a sine at amplitude amp (0-32767), or noise when freq is 0 */
static bool run(struct media_vad *v, double freq, double amp, unsigned int frames)
{
	static unsigned int t;
	int16_t f[FRAME];

	for (unsigned int n = 0; n < frames; n++) {
		for (unsigned int i = 0; i < FRAME; i++, t++)
			f[i] = (int16_t)(freq ? amp * sin(2 * M_PI * freq * t / RATE) :
					 amp * ((double)rand() / RAND_MAX * 2 - 1));
		media_vad_frame(v, f);
	}
	return v->speech;
}

TEST(quiet_background_is_silence_loud_tone_is_not)
{
	struct media_vad v = { 0 };

	ASSERT_EQ(0, media_vad_new(&v, RATE));
	/* 3 s of a quiet room (about -50 dBov): silence once the floor is learnt */
	EXPECT_FALSE(run(&v, 0, 300, 150));
	/* a loud steady 1 kHz tone (-9 dBov) stays audio after its floor window */
	EXPECT_TRUE(run(&v, 1000, 11585, 150));
	EXPECT_GT(v.level_dbov, -15.0f);
	/* quiet again, then a soft tone well over the floor: heard at once */
	EXPECT_FALSE(run(&v, 0, 300, 150));
	EXPECT_TRUE(run(&v, 1000, 3000, 1));
	media_vad_free(&v);
}

TEST_HARNESS_MAIN
