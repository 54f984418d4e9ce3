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
	jb->base_ts = ts;
	jb->play_ts = ts - jb->delay;
	jb->started = true;
}

static unsigned int slot_of(const struct jbuf *jb, uint32_t ts)
{
	return ((ts - jb->base_ts) / JBUF_BLOCK) % JBUF_BLOCKS;
}

enum jbuf_put jbuf_put(struct jbuf *jb, uint32_t ts, const int16_t *pcm, size_t n)
{
	enum jbuf_put rc = JBUF_PUT_OK;
	int32_t rel;

	if (!jb->started)
		restart(jb, ts);
	if ((ts - jb->base_ts) % JBUF_BLOCK) {
		jb->misaligned++;
		return JBUF_PUT_MISALIGNED;
	}
	rel = (int32_t)(ts - jb->play_ts);
	if (rel < 0 && (int64_t)rel + (int64_t)n <= 0) {
		jb->late++;
		return JBUF_PUT_LATE;
	}
	if (rel < 0 || (uint32_t)rel + n > JBUF_BLOCKS * JBUF_BLOCK) {
		/* Far ahead, or straddling the playout point: start over on it. */
		if (rel < 0 && -rel < (int32_t)(JBUF_BLOCKS * JBUF_BLOCK / 2)) {
			jb->late++;
			return JBUF_PUT_LATE;
		}
		jb->resyncs++;
		restart(jb, ts);
		rc = JBUF_PUT_RESYNC;
	}
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
