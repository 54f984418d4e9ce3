// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fixed-delay jitter buffer over a ring of 10 ms blocks; see jbuf.h.
 */
#include <string.h>

#include "jbuf.h"

void jbuf_init(struct jbuf *jb, uint32_t delay_ms)
{
	memset(jb, 0, sizeof(*jb));
	if (delay_ms < 20)
		delay_ms = 20;
	if (delay_ms > 600)
		delay_ms = 600;
	jb->delay = (delay_ms / 10) * JBUF_BLOCK;
}

static void restart(struct jbuf *jb, uint32_t ts)
{
	memset(jb->filled, 0, sizeof(jb->filled));
	jb->late_run = 0;
	jb->base_ts = ts;
	jb->play_ts = ts - jb->delay;
	jb->started = true;
}

/*
 * Blocks are placed by their signed distance from base_ts, so a packet
 * from before the first one (reordered) and the 2^32 wrap of RTP
 * timestamps (not a multiple of a block) stay on the grid.
 */
static unsigned int slot_of(const struct jbuf *jb, uint32_t ts)
{
	int32_t d = (int32_t)(ts - jb->base_ts) / (int32_t)JBUF_BLOCK;

	return (unsigned int)(((d % JBUF_BLOCKS) + JBUF_BLOCKS) % JBUF_BLOCKS);
}

/* Keeps the grid origin within 2^30 of the playout point (a whole number
 * of rings: no slot moves). */
static void rebase(struct jbuf *jb)
{
	const uint32_t step = JBUF_BLOCK * JBUF_BLOCKS * 131072U;

	if ((int32_t)(jb->play_ts - jb->base_ts) > (1 << 30))
		jb->base_ts += step;
}

enum jbuf_put jbuf_put(struct jbuf *jb, uint32_t ts, const int16_t *pcm, size_t n)
{
	enum jbuf_put rc = JBUF_PUT_OK;
	int32_t rel;

	if (!jb->started)
		restart(jb, ts);
	if ((int32_t)(ts - jb->base_ts) % (int32_t)JBUF_BLOCK) {
		jb->misaligned++;
		return JBUF_PUT_MISALIGNED;
	}
	rel = (int32_t)(ts - jb->play_ts);
	if (rel < 0 && -rel < (int32_t)(JBUF_BLOCKS * JBUF_BLOCK / 2) &&
	    ++jb->late_run < JBUF_LATE_RESYNC) {
		jb->late++;
		return JBUF_PUT_LATE;
	}
	if (rel < 0 || (uint32_t)rel + n > JBUF_BLOCKS * JBUF_BLOCK) {
		/* Far ahead or behind, or late for too long: start over on it. */
		if (rel < 0)
			jb->late++;
		jb->resyncs++;
		restart(jb, ts);
		rc = JBUF_PUT_RESYNC;
	}
	jb->late_run = 0;
	for (size_t off = 0; off + JBUF_BLOCK <= n; off += JBUF_BLOCK) {
		unsigned int slot = slot_of(jb, ts + (uint32_t)off);

		if (jb->filled[slot]) {
			jb->duplicates++;
			return JBUF_PUT_DUPLICATE;
		}
		memcpy(jb->pcm[slot], pcm + off, sizeof(jb->pcm[slot]));
		jb->filled[slot] = true;
	}
	return rc;
}

bool jbuf_get_block(struct jbuf *jb, int16_t out[JBUF_BLOCK])
{
	unsigned int slot;
	bool have;

	if (!jb->started)
		return false;
	slot = slot_of(jb, jb->play_ts);
	have = jb->filled[slot];
	if (have) {
		memcpy(out, jb->pcm[slot], sizeof(jb->pcm[slot]));
		jb->filled[slot] = false;
		jb->played++;
	} else {
		jb->concealed++;
	}
	jb->play_ts += JBUF_BLOCK;
	rebase(jb);
	return have;
}

uint32_t jbuf_level(const struct jbuf *jb)
{
	uint32_t level = 0;

	if (!jb->started)
		return 0;
	for (unsigned int i = 0; i < JBUF_BLOCKS; i++) {
		uint32_t ts = jb->play_ts + i * JBUF_BLOCK;

		if (jb->filled[slot_of(jb, ts)])
			level = (i + 1) * JBUF_BLOCK;
	}
	return level;
}
