// SPDX-License-Identifier: GPL-2.0-only
/*
 * Comfort noise the phone sends (RFC 3389), on the media thread: the
 * microphone's voice activity is measured (media_vad.h) only while some
 * call sends CN, and each such call's packets become CN packets or
 * nothing while the microphone is silent (cn_tx.h). CN/8000 (PT 13) fits
 * the codecs on an 8000 Hz RTP clock (G.711, G.722); Opus has its own
 * DTX instead, used when the far end asks for it (usedtx=1).
 */
#include "media/media_internal.h"

static bool sends_cn(const struct stream *s)
{
	return s->p.cn && s->codec.clock == 8000 && MEDIA_DIR_SENDS(s->p.dir);
}

void media_cn_frame(struct media_engine *e, const int16_t *cap)
{
	for (unsigned int i = 0; i < e->n_active; i++) {
		if (sends_cn(&e->active[i]->s)) {
			media_vad_frame(&e->vad, cap);
			return;
		}
	}
	/* nobody listens: the next call starts from speech */
	e->vad.speech = true;
	e->vad.hang = 0;
}

enum cn_tx_action stream_cn(struct media_engine *e, struct stream *s, uint64_t now_ns,
			    uint8_t *level)
{
	if (!sends_cn(s))
		return CN_TX_AUDIO;
	return cn_tx_next(&s->cn_tx, e->vad.speech, e->vad.level_dbov, now_ns, level);
}
