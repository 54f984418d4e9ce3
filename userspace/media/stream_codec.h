/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A stream's codec, resamplers and jitter buffer: set up and torn down on
 * the main loop while the stream is off the media thread.
 */
#ifndef UCPHONE_STREAM_CODEC_H
#define UCPHONE_STREAM_CODEC_H

#include <stdint.h>

#include "lib/sdp/media_params.h"

struct stream;

/*
 * Opens the codec p asks for (kept as is when unchanged), the resamplers
 * between the card's rate (card_rate) and the codec's, and (re)starts the jitter
 * buffer when the clock changed. 0, -EOPNOTSUPP or -ENOMEM.
 */
int stream_codec_open(struct stream *s, const struct media_stream_params *p,
		      uint32_t card_rate, uint32_t start_delay_ms);
void stream_codec_close(struct stream *s);

#endif /* UCPHONE_STREAM_CODEC_H */
