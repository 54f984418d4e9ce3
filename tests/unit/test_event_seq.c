// SPDX-License-Identifier: GPL-2.0-only
/* Lost-event detection from UCPHONE_EVENT_A_SEQ (userspace/lib/netlink/event_seq.c). */
#include <stdint.h>

#include "kselftest_harness.h"
#include "lib/netlink/event_seq.h"

TEST(first_event_is_in_order)
{
	struct event_seq s = { 0 };
	uint32_t lost;

	EXPECT_EQ(EVENT_SEQ_IN_ORDER, event_seq_update(&s, 1000, &lost));
	EXPECT_EQ(0, lost);
	EXPECT_EQ(EVENT_SEQ_IN_ORDER, event_seq_update(&s, 1001, &lost));
}

TEST(gap_counts_lost_events)
{
	struct event_seq s = { 0 };
	uint32_t lost;

	event_seq_update(&s, 5, &lost);
	EXPECT_EQ(EVENT_SEQ_GAP, event_seq_update(&s, 9, &lost));
	EXPECT_EQ(3, lost);
	EXPECT_EQ(EVENT_SEQ_IN_ORDER, event_seq_update(&s, 10, &lost));
	EXPECT_EQ(0, lost);
}

TEST(wraps_at_2_32)
{
	struct event_seq s = { 0 };
	uint32_t lost;

	event_seq_update(&s, UINT32_MAX, &lost);
	EXPECT_EQ(EVENT_SEQ_IN_ORDER, event_seq_update(&s, 0, &lost));
	EXPECT_EQ(EVENT_SEQ_BACKWARDS,
		  event_seq_update(&s, UINT32_MAX - 1, &lost));
	event_seq_reset(&s);
	event_seq_update(&s, UINT32_MAX - 1, &lost);
	EXPECT_EQ(EVENT_SEQ_GAP, event_seq_update(&s, 1, &lost));
	EXPECT_EQ(2, lost);	/* UINT32_MAX and 0 */
}

TEST(backwards_is_not_a_loss)
{
	struct event_seq s = { 0 };
	uint32_t lost;

	event_seq_update(&s, 100, &lost);
	EXPECT_EQ(EVENT_SEQ_BACKWARDS, event_seq_update(&s, 3, &lost));
	EXPECT_EQ(0, lost);
	/* Counting goes on from the new number. */
	EXPECT_EQ(EVENT_SEQ_IN_ORDER, event_seq_update(&s, 4, &lost));
}

TEST(reset_forgets)
{
	struct event_seq s = { 0 };
	uint32_t lost;

	event_seq_update(&s, 100, &lost);
	event_seq_reset(&s);
	EXPECT_EQ(EVENT_SEQ_IN_ORDER, event_seq_update(&s, 1, &lost));
	EXPECT_EQ(0, lost);
}

TEST_HARNESS_MAIN
