// SPDX-License-Identifier: GPL-2.0-only
/*
 * When the phone sends comfort noise (media/cn_tx.c), on an injected
 * clock: audio while there is speech; at the first silent packet one CN
 * packet with the level; nothing until CN_TX_REFRESH_MS passed or the
 * level moved by CN_TX_LEVEL_STEP_DB; audio again at once when speech
 * returns, and a CN packet at once when it stops again.
 */
#include "kselftest_harness.h"
#include "media/cn_tx.h"

#define MS 1000000ULL

TEST(speech_silence_refresh_level)
{
	struct cn_tx t = { 0 };
	uint8_t level = 0;
	unsigned int noise = 0, nothing = 0;
	uint64_t now = 1000 * MS;

	EXPECT_EQ(CN_TX_AUDIO, cn_tx_next(&t, true, -20.0f, now, &level));
	now += 20 * MS;
	/* silence: a CN packet at once, the level as -dBov */
	ASSERT_EQ(CN_TX_NOISE, cn_tx_next(&t, false, -52.4f, now, &level));
	EXPECT_EQ(52, level);
	/* then one every 500 ms while the level holds (1 s of 20 ms packets) */
	for (unsigned int i = 1; i <= 50; i++) {
		enum cn_tx_action a = cn_tx_next(&t, false, -53.0f, now + i * 20 * MS, &level);

		if (a == CN_TX_NOISE)
			noise++;
		else if (a == CN_TX_NOTHING)
			nothing++;
	}
	EXPECT_EQ(2, noise);
	EXPECT_EQ(48, nothing);
	now += 50 * 20 * MS;
	/* the level jumps by 6 dB: told at once */
	EXPECT_EQ(CN_TX_NOISE, cn_tx_next(&t, false, -46.0f, now + 20 * MS, &level));
	EXPECT_EQ(46, level);
	/* a 2 dB move is not news */
	EXPECT_EQ(CN_TX_NOTHING, cn_tx_next(&t, false, -48.0f, now + 40 * MS, &level));
	/* speech comes back: audio at once; silence again: CN at once */
	EXPECT_EQ(CN_TX_AUDIO, cn_tx_next(&t, true, -20.0f, now + 60 * MS, &level));
	EXPECT_EQ(CN_TX_NOISE, cn_tx_next(&t, false, -50.0f, now + 80 * MS, &level));
	EXPECT_EQ(50, level);
}

TEST(level_clamped)
{
	struct cn_tx t = { 0 };
	uint8_t level = 0;

	ASSERT_EQ(CN_TX_NOISE, cn_tx_next(&t, false, -200.0f, 0, &level));
	EXPECT_EQ(127, level);
	t.silent = false;
	ASSERT_EQ(CN_TX_NOISE, cn_tx_next(&t, false, 3.0f, 0, &level));
	EXPECT_EQ(0, level);
}

TEST_HARNESS_MAIN
