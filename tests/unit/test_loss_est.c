// SPDX-License-Identifier: GPL-2.0-only
/*
 * The Opus encoder's expected loss from the far end's RTCP reports
 * (media/loss_est.c): it starts at 10 % with FEC, follows a lossy path up
 * within two reports, comes down slowly, never under 5 % while FEC is
 * agreed (libopus 1.3 sends no FEC at 0 %), and goes to 0 % without FEC
 * on a clean path; a report of everything lost is capped at 30 %.
 */
#include "kselftest_harness.h"
#include "media/loss_est.h"

/* RFC 3550's fraction lost (/256) for a percentage */
static uint8_t frac(unsigned int pct)
{
	return (uint8_t)(pct * 256 / 100);
}

TEST(start_and_floor)
{
	struct loss_est l = { 0 };

	EXPECT_EQ(10, loss_est_initial(true));
	EXPECT_EQ(0, loss_est_initial(false));
	/* a clean path: the floor keeps FEC on */
	EXPECT_EQ(5, loss_est_report(&l, 0, true));
	EXPECT_EQ(5, loss_est_report(&l, 0, true));
	l = (struct loss_est){ 0 };
	EXPECT_EQ(0, loss_est_report(&l, 0, false));
}

TEST(rises_fast_falls_slowly)
{
	struct loss_est l = { 0 };
	unsigned int p, prev;

	EXPECT_EQ(5, loss_est_report(&l, frac(2), true));
	/* 20 % loss: half way at once, most of the way after two reports */
	p = loss_est_report(&l, frac(20), true);
	EXPECT_GE(p, 10);
	EXPECT_LE(p, 12);
	p = loss_est_report(&l, frac(20), true);
	EXPECT_GE(p, 15);
	/* clean again: a quarter of the way down per report, not at once */
	prev = p;
	p = loss_est_report(&l, 0, true);
	EXPECT_LT(p, prev);
	EXPECT_GE(p, 11);
	for (int i = 0; i < 20; i++)
		p = loss_est_report(&l, 0, true);
	EXPECT_EQ(5, p);
}

TEST(capped)
{
	struct loss_est l = { 0 };

	EXPECT_EQ(30, loss_est_report(&l, 255, true));
	EXPECT_EQ(30, loss_est_report(&l, 255, false));
}

TEST_HARNESS_MAIN
