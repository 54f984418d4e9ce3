// SPDX-License-Identifier: GPL-2.0-only
/*
 * When to send comfort noise; see cn_tx.h.
 */
#include <stdlib.h>

#include "media/cn_tx.h"

static uint8_t level_byte(float dbov)
{
	float v = -dbov;

	if (v < 0)
		v = 0;
	if (v > 127)
		v = 127;
	return (uint8_t)(v + 0.5f);
}

enum cn_tx_action cn_tx_next(struct cn_tx *t, bool speech, float level_dbov,
			     uint64_t now_ns, uint8_t *level)
{
	uint8_t l = level_byte(level_dbov);

	if (speech) {
		t->silent = false;
		return CN_TX_AUDIO;
	}
	if (t->silent && now_ns - t->last_ns < CN_TX_REFRESH_MS * 1000000ULL &&
	    abs((int)l - (int)t->last_level) < CN_TX_LEVEL_STEP_DB)
		return CN_TX_NOTHING;
	t->silent = true;
	t->last_ns = now_ns;
	t->last_level = l;
	*level = l;
	return CN_TX_NOISE;
}
