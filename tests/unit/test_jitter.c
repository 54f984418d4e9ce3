// SPDX-License-Identifier: GPL-2.0-only
/*
 * The adaptive jitter buffer's policy (media/jitter.c) on a fake clock:
 * a far end sending 20 ms units of G.711 (8000 Hz timestamps), a card
 * pulling one unit every 20 ms. The tests drive arrival and tick times
 * directly.
 */
#include <string.h>

#include "kselftest_harness.h"
#include "media/jitter.h"

#define UNIT 160

struct sim {
	struct jb jb;
	uint32_t ts0, clock0;
	uint8_t last_played;
	unsigned int played, lost, stretched;
};

static void put_unit(struct sim *s, uint32_t n, uint32_t arrival)
{
	uint8_t data[UNIT];

	memset(data, (int)(n & 0xff), sizeof(data));
	jb_put(&s->jb, s->ts0 + n * UNIT, data, sizeof(data), arrival);
}

static enum jb_kind tick(struct sim *s, uint32_t now)
{
	struct jb_out o;
	enum jb_kind k = jb_get(&s->jb, now, &o);

	if (k == JB_FRAME) {
		s->played++;
		s->last_played = o.data[0];
	} else if (k == JB_LOST) {
		s->lost++;
	} else if (k == JB_STRETCH) {
		s->stretched++;
	}
	return k;
}

static uint32_t delay_ms(const struct sim *s)
{
	struct jb_stats st;

	jb_get_stats(&s->jb, &st);
	return st.delay_ms;
}

static uint32_t target_ms(const struct sim *s)
{
	struct jb_stats st;

	jb_get_stats(&s->jb, &st);
	return st.target_ms;
}

/*
 * Steady stream: unit n arrives at clock0 + n*UNIT + extra(n); a tick
 * every UNIT half a unit after the arrivals. Returns the next unit.
 */
static uint32_t run(struct sim *s, uint32_t from, uint32_t count, uint32_t extra)
{
	for (uint32_t n = from; n < from + count; n++) {
		put_unit(s, n, s->clock0 + n * UNIT + extra);
		tick(s, s->clock0 + n * UNIT + UNIT / 2);
	}
	return from + count;
}

TEST(plays_in_order_with_the_start_delay)
{
	static struct sim s;
	uint32_t n;

	s.ts0 = 0xfffff000;	/* timestamps wrap during the test */
	s.clock0 = 0x7ffffff0;
	jb_init(&s.jb, UNIT, 8000, 20, 40, 500);
	n = run(&s, 0, 100, 0);
	EXPECT_EQ(0, s.lost);
	EXPECT_GE(s.played, 97);
	/* one or two units behind the newest */
	EXPECT_TRUE(s.last_played == ((n - 2) & 0xff) || s.last_played == ((n - 3) & 0xff));
	EXPECT_LE(delay_ms(&s), 40);
	EXPECT_GE(delay_ms(&s), 20);
}

TEST(jitter_burst_grows_delay_within_two_frames_then_shrinks)
{
	static struct sim s;
	uint32_t n, before, burst_start;
	struct jb_stats st;

	jb_init(&s.jb, UNIT, 8000, 20, 20, 500);
	n = run(&s, 0, 200, 0);
	before = delay_ms(&s);
	EXPECT_LE(before, 30);
	/* units n..n+5 held back by the network for 100 ms, then all at once */
	burst_start = n;
	for (uint32_t i = 0; i < 6; i++) {
		tick(&s, s.clock0 + (n + i) * UNIT + UNIT / 2);
		if (i == 1) {	/* within two frames of the burst: growing */
			EXPECT_GE(delay_ms(&s), before + 20);
		}
	}
	for (uint32_t i = 0; i < 6; i++)
		put_unit(&s, burst_start + i, s.clock0 + (burst_start + 5) * UNIT + 10);
	n = burst_start + 6;
	/* the held units were not late: the timeline waited for them */
	jb_get_stats(&s.jb, &st);
	EXPECT_EQ(0, st.late);
	EXPECT_EQ(0, s.lost);
	EXPECT_GE(target_ms(&s), 90);
	EXPECT_GE(delay_ms(&s), 90);
	/* calm again: the delay comes down slowly, over seconds */
	n = run(&s, n, 50, 0);
	EXPECT_GE(delay_ms(&s), 80);	/* one second later: still held */
	jb_set_silent(&s.jb, true);
	n = run(&s, n, 750, 0);		/* 15 s */
	EXPECT_LE(delay_ms(&s), 40);
	EXPECT_LE(target_ms(&s), 30);
	jb_get_stats(&s.jb, &st);
	EXPECT_GE(st.dropped, 3);
	EXPECT_EQ(0, s.lost);
	TH_LOG("burst: delay before %u ms, after calm %u ms, dropped %llu units", before,
	       delay_ms(&s), (unsigned long long)st.dropped);
}

TEST(reordered_and_duplicate_units)
{
	static struct sim s;
	struct jb_stats st;
	uint32_t n;

	jb_init(&s.jb, UNIT, 8000, 40, 40, 500);
	n = run(&s, 0, 20, 0);
	/* n+1 before n, n+1 twice */
	put_unit(&s, n + 1, s.clock0 + n * UNIT);
	EXPECT_EQ(JB_PUT_DUPLICATE, (int)({ uint8_t d[UNIT];
		memset(d, (int)((n + 1) & 0xff), UNIT);
		jb_put(&s.jb, s.ts0 + (n + 1) * UNIT, d, UNIT, s.clock0 + n * UNIT + 5); }));
	put_unit(&s, n, s.clock0 + n * UNIT + 30);
	tick(&s, s.clock0 + n * UNIT + UNIT / 2);
	put_unit(&s, n + 2, s.clock0 + (n + 2) * UNIT);
	tick(&s, s.clock0 + (n + 1) * UNIT + UNIT / 2);
	run(&s, n + 3, 20, 0);
	jb_get_stats(&s.jb, &st);
	EXPECT_EQ(1, st.duplicates);
	EXPECT_EQ(0, st.late);
	EXPECT_EQ(0, s.lost);
}

TEST(late_unit_counted_and_lost_one_concealed)
{
	static struct sim s;
	struct jb_stats st;
	uint32_t n;
	struct jb_out o;

	jb_init(&s.jb, UNIT, 8000, 20, 20, 500);
	n = run(&s, 0, 30, 0);
	/* unit n missing while n+1.. arrive: a hole, then n turns up too late */
	for (uint32_t i = 1; i < 4; i++) {
		put_unit(&s, n + i, s.clock0 + (n + i) * UNIT);
		tick(&s, s.clock0 + (n + i) * UNIT + UNIT / 2);
	}
	EXPECT_EQ(1, s.lost);
	put_unit(&s, n, s.clock0 + (n + 4) * UNIT);
	jb_get_stats(&s.jb, &st);
	EXPECT_EQ(1, st.late);
	EXPECT_EQ(1, st.lost);
	/* a hole with the next unit buffered hands it over (for FEC) */
	n += 4;
	put_unit(&s, n + 1, s.clock0 + n * UNIT);
	put_unit(&s, n + 2, s.clock0 + n * UNIT + 1);
	memset(&o, 0, sizeof(o));
	for (int i = 0; i < 3 && o.kind != JB_LOST; i++)
		jb_get(&s.jb, s.clock0 + (n + i) * UNIT + UNIT / 2, &o);
	ASSERT_EQ(JB_LOST, o.kind);
	ASSERT_NE(NULL, o.next);
	EXPECT_EQ((n + 1) & 0xff, o.next[0]);
}

/*
 * A far end whose clock runs 200 ppm fast or slow against the card, for
 * an hour: the delay stays near the target (units dropped or stretched
 * in silence), it does not grow.
 */
static void skew(struct __test_metadata *_metadata, double ppm)
{
	static struct sim s;
	struct jb_stats st;
	uint32_t max_delay = 0, min_delay = 1000;
	const uint32_t ticks = 3600 * 50;
	double sender_unit = UNIT * (1.0 - ppm / 1e6);	/* local time per far-end unit */
	uint32_t sent = 0;

	memset(&s, 0, sizeof(s));
	jb_init(&s.jb, UNIT, 8000, 20, 40, 500);
	jb_set_silent(&s.jb, true);
	for (uint32_t t = 0; t < ticks; t++) {
		uint32_t now = t * UNIT + UNIT / 2;

		while ((double)sent * sender_unit + 7 <= now) {
			put_unit(&s, sent, (uint32_t)((double)sent * sender_unit + 7));
			sent++;
		}
		tick(&s, now);
		if (t > 500) {
			uint32_t d = delay_ms(&s);

			if (d > max_delay)
				max_delay = d;
			if (d < min_delay)
				min_delay = d;
		}
	}
	jb_get_stats(&s.jb, &st);
	TH_LOG("%+.0f ppm for an hour: delay %u..%u ms, target %u ms, dropped %llu, stretched %llu, lost %llu",
	       ppm, min_delay, max_delay, target_ms(&s), (unsigned long long)st.dropped,
	       (unsigned long long)st.stretched, (unsigned long long)st.lost);
	EXPECT_LE(max_delay, target_ms(&s) + 45);
	EXPECT_LE(max_delay, 80);
	EXPECT_EQ(0, st.lost);
	EXPECT_EQ(0, st.late);
	if (ppm > 0) {	/* 200 ppm of an hour: 720 ms, 36 units */
		EXPECT_LE(st.dropped, 40);
	} else {
		EXPECT_LE(st.stretched, 40);
	}
}

TEST(far_end_clock_200ppm_fast)
{
	skew(_metadata, 200);
}

TEST(far_end_clock_200ppm_slow)
{
	skew(_metadata, -200);
}

/* Packets that queued up before the stream started do not become delay. */
TEST(backlog_at_start_dropped_before_playing)
{
	static struct sim s;
	struct jb_stats st;
	uint32_t n;

	jb_init(&s.jb, UNIT, 8000, 20, 40, 500);
	for (n = 0; n < 25; n++)	/* 500 ms of packets, nothing played yet */
		put_unit(&s, n, s.clock0 + n * UNIT);
	tick(&s, s.clock0 + n * UNIT);
	EXPECT_LE(delay_ms(&s), 60);
	run(&s, n, 50, 0);
	jb_get_stats(&s.jb, &st);
	EXPECT_GE(st.dropped, 20);
	EXPECT_LE(delay_ms(&s), 60);
	EXPECT_EQ(0, s.lost);
}

TEST(talk_spurt_after_silence_reanchors)
{
	static struct sim s;
	struct jb_stats st;
	uint32_t n;

	jb_init(&s.jb, UNIT, 8000, 20, 20, 500);
	n = run(&s, 0, 50, 0);
	/* DTX: 2 s with nothing, then the far end talks again */
	for (uint32_t i = 0; i < 100; i++)
		tick(&s, s.clock0 + (n + i) * UNIT + UNIT / 2);
	n += 100;
	run(&s, n, 50, 0);
	jb_get_stats(&s.jb, &st);
	EXPECT_EQ(0, st.late);
	EXPECT_EQ(0, st.resyncs);
	EXPECT_LE(delay_ms(&s), 40);
	EXPECT_GE(s.played, 95);
}

TEST_HARNESS_MAIN
