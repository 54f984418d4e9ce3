/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * When the phone sends comfort noise instead of audio (RFC 3389), per
 * packet it would send: while the microphone carries speech, audio; when
 * it falls silent, one CN packet with the noise level at once, then
 * another every CN_TX_REFRESH_MS or as soon as the level moved by
 * CN_TX_LEVEL_STEP_DB, and nothing in between. Pure: the caller gives
 * the time and the VAD's verdict.
 */
#ifndef UCPHONE_CN_TX_H
#define UCPHONE_CN_TX_H

#include <stdbool.h>
#include <stdint.h>

#define CN_TX_REFRESH_MS 500
#define CN_TX_LEVEL_STEP_DB 3

enum cn_tx_action {
	CN_TX_AUDIO,		/* encode and send the audio */
	CN_TX_NOISE,		/* send a CN packet with *level */
	CN_TX_NOTHING,		/* silence already described: send nothing */
};

struct cn_tx {
	bool silent;
	uint64_t last_ns;	/* when the last CN packet went */
	uint8_t last_level;
};

/*
 * level_dbov: the silent microphone's level; *level: RFC 3389's noise
 * level byte (-dBov, 0-127) for CN_TX_NOISE.
 */
enum cn_tx_action cn_tx_next(struct cn_tx *t, bool speech, float level_dbov,
			     uint64_t now_ns, uint8_t *level);

#endif /* UCPHONE_CN_TX_H */
