// SPDX-License-Identifier: GPL-2.0-only
/*
 * The fixed-delay jitter buffer (media/jbuf.c): reordering, duplicates,
 * late packets, a timestamp jump, and the delay it holds.
 */
#include <string.h>

#include "kselftest_harness.h"
#include "jbuf.h"

static void packet(int16_t *pcm, int16_t v)
{
	for (int i = 0; i < 160; i++)
		pcm[i] = v;
}

TEST(reorders_drops_duplicates_and_late)
{
	static struct jbuf jb;
	int16_t pcm[160], out[JBUF_BLOCK];
	uint32_t ts0 = 0xfffffe00;	/* wraps during the test */

	jbuf_init(&jb, 60);
	EXPECT_FALSE(jbuf_get_block(&jb, out));	/* nothing yet */
	packet(pcm, 1);
	EXPECT_EQ(JBUF_PUT_OK, jbuf_put(&jb, ts0, pcm, 160));
	/* packet 3 before packet 2 */
	packet(pcm, 3);
	EXPECT_EQ(JBUF_PUT_OK, jbuf_put(&jb, ts0 + 320, pcm, 160));
	packet(pcm, 2);
	EXPECT_EQ(JBUF_PUT_OK, jbuf_put(&jb, ts0 + 160, pcm, 160));
	EXPECT_EQ(JBUF_PUT_DUPLICATE, jbuf_put(&jb, ts0 + 160, pcm, 160));
	EXPECT_EQ(480 + 480, jbuf_level(&jb));
	/* 60 ms of delay first: six empty blocks */
	for (int i = 0; i < 6; i++)
		EXPECT_FALSE(jbuf_get_block(&jb, out));
	for (int v = 1; v <= 3; v++)
		for (int half = 0; half < 2; half++) {
			ASSERT_TRUE(jbuf_get_block(&jb, out));
			EXPECT_EQ(v, out[0]);
			EXPECT_EQ(v, out[JBUF_BLOCK - 1]);
		}
	/* packet 4 missing, packet 5 arrives after its time: late */
	EXPECT_FALSE(jbuf_get_block(&jb, out));
	EXPECT_FALSE(jbuf_get_block(&jb, out));
	EXPECT_FALSE(jbuf_get_block(&jb, out));
	EXPECT_FALSE(jbuf_get_block(&jb, out));
	EXPECT_EQ(JBUF_PUT_LATE, jbuf_put(&jb, ts0 + 640, pcm, 160));
	EXPECT_EQ(1, jb.late);
	EXPECT_EQ(1, jb.duplicates);
	/* a jump of 10 s: restart on it */
	EXPECT_EQ(JBUF_PUT_RESYNC, jbuf_put(&jb, ts0 + 80000, pcm, 160));
	EXPECT_EQ(1, jb.resyncs);
	for (int i = 0; i < 6; i++)
		EXPECT_FALSE(jbuf_get_block(&jb, out));
	EXPECT_TRUE(jbuf_get_block(&jb, out));
	/* off the 10 ms grid */
	EXPECT_EQ(JBUF_PUT_MISALIGNED, jbuf_put(&jb, ts0 + 80000 + 480 + 7, pcm, 160));
}

/* A sender whose timeline fell back (it lost capture time): every packet
 * is late; after JBUF_LATE_RESYNC of them the buffer restarts on it. */
TEST(late_run_resyncs)
{
	static struct jbuf jb;
	int16_t pcm[160], out[JBUF_BLOCK];
	uint32_t ts = 1000;

	jbuf_init(&jb, 40);
	packet(pcm, 7);
	for (int i = 0; i < 10; i++, ts += 160) {
		EXPECT_NE(JBUF_PUT_LATE, jbuf_put(&jb, ts, pcm, 160));
		jbuf_get_block(&jb, out);
		jbuf_get_block(&jb, out);
	}
	/* the sender jumps back 300 ms and carries on from there */
	ts -= 2400;
	for (int i = 1; i < JBUF_LATE_RESYNC; i++, ts += 160)
		EXPECT_EQ(JBUF_PUT_LATE, jbuf_put(&jb, ts, pcm, 160));
	EXPECT_EQ(JBUF_PUT_RESYNC, jbuf_put(&jb, ts, pcm, 160));
	ts += 160;
	EXPECT_EQ(JBUF_PUT_OK, jbuf_put(&jb, ts, pcm, 160));
	for (int i = 0; i < 4; i++)
		EXPECT_FALSE(jbuf_get_block(&jb, out));
	EXPECT_TRUE(jbuf_get_block(&jb, out));
	EXPECT_EQ(7, out[0]);
}

/* The first packet to arrive is not the first sent; and a long call's
 * timestamps wrap at 2^32, which is not a whole number of blocks. */
TEST(reordered_first_packet_and_wrap)
{
	static struct jbuf jb;
	int16_t pcm[160], out[JBUF_BLOCK];
	uint32_t ts = 0xffffff00;

	jbuf_init(&jb, 60);
	packet(pcm, 2);
	EXPECT_EQ(JBUF_PUT_OK, jbuf_put(&jb, ts + 160, pcm, 160));
	packet(pcm, 1);
	EXPECT_EQ(JBUF_PUT_OK, jbuf_put(&jb, ts, pcm, 160));
	for (int i = 0; i < 4; i++)
		EXPECT_FALSE(jbuf_get_block(&jb, out));
	for (int v = 1; v <= 2; v++)
		for (int half = 0; half < 2; half++) {
			ASSERT_TRUE(jbuf_get_block(&jb, out));
			EXPECT_EQ(v, out[0]);
		}
	EXPECT_EQ(0, jb.misaligned);
}

TEST(delay_is_bounded)
{
	static struct jbuf jb;

	jbuf_init(&jb, 5);
	EXPECT_EQ(160, jb.delay);
	jbuf_init(&jb, 5000);
	EXPECT_EQ(4800, jb.delay);
}

TEST_HARNESS_MAIN
