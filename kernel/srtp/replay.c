// SPDX-License-Identifier: GPL-2.0
/*
 * Replay protection (RFC 3711 3.3.2): a sliding window of @window indexes
 * below the highest one accepted, kept as a bitmap indexed by index modulo
 * a power of two, so a check or an update is a few word operations.
 */
#include <linux/bitmap.h>
#include <linux/log2.h>

#include "srtp.h"

int ucphone_srtp_replay_init(struct ucphone_srtp_replay *replay, u32 window,
			     unsigned long *bits)
{
	u32 size = roundup_pow_of_two(window);

	replay->window = window;
	replay->mask = size - 1;
	replay->bits = bits ? bits : bitmap_zalloc(size, GFP_KERNEL);
	ucphone_srtp_replay_reset(replay);
	return replay->bits ? 0 : -ENOMEM;
}

void ucphone_srtp_replay_reset(struct ucphone_srtp_replay *replay)
{
	replay->top = 0;
	replay->started = false;
}

/* 0 when @index may be accepted, -EALREADY for a replay or a late packet. */
int ucphone_srtp_replay_check(const struct ucphone_srtp_replay *replay,
			      u64 index)
{
	if (!replay->started || index > replay->top)
		return 0;
	if (replay->top - index >= replay->window)
		return -EALREADY;
	return test_bit(index & replay->mask, replay->bits) ? -EALREADY : 0;
}

void ucphone_srtp_replay_update(struct ucphone_srtp_replay *replay, u64 index)
{
	u64 i;

	if (!replay->started) {
		bitmap_zero(replay->bits, replay->mask + 1);
		replay->top = index;
		replay->started = true;
	} else if (index > replay->top) {
		if (index - replay->top > replay->mask)
			bitmap_zero(replay->bits, replay->mask + 1);
		else
			for (i = replay->top + 1; i < index; i++)
				__clear_bit(i & replay->mask, replay->bits);
		replay->top = index;
	}
	__set_bit(index & replay->mask, replay->bits);
}
