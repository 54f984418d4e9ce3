/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The fixed-delay jitter buffer: decoded audio is placed by RTP timestamp
 * into a preallocated ring of 10 ms blocks and played a fixed delay after
 * the first packet's time, so reordered packets fall into place,
 * duplicates are dropped (the block is already there) and packets that
 * arrive after their block was played are dropped as late. A timestamp
 * outside the ring (a new talk-spurt base, a far end restarting) resyncs,
 * and so do JBUF_LATE_RESYNC late packets in a row (a sender whose clock
 * jumped back, e.g. after it lost capture time).
 * Missing blocks are reported so the caller conceals them.
 *
 * 8000 Hz audio only (G.711); pure code, no allocation, no clock: the
 * caller's playback pulls it at the card's pace.
 */
#ifndef UCPHONE_JBUF_H
#define UCPHONE_JBUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define JBUF_BLOCK 80		/* samples in a 10 ms block */
#define JBUF_BLOCKS 64		/* 640 ms of ring */
#define JBUF_LATE_RESYNC 4	/* late packets in a row that restart */

enum jbuf_put {
	JBUF_PUT_OK,
	JBUF_PUT_LATE,		/* its time has been played */
	JBUF_PUT_DUPLICATE,	/* already buffered */
	JBUF_PUT_RESYNC,	/* outside the ring: buffer restarted on it */
	JBUF_PUT_MISALIGNED,	/* not on a block boundary: dropped */
};

struct jbuf {
	int16_t pcm[JBUF_BLOCKS][JBUF_BLOCK];
	bool filled[JBUF_BLOCKS];
	bool started;
	uint32_t base_ts;	/* block grid origin (first packet's ts) */
	uint32_t play_ts;	/* timestamp of the next sample played */
	uint32_t delay;		/* samples between arrival and playout */
	uint64_t late, duplicates, resyncs, misaligned;
	unsigned int late_run;	/* late packets in a row */
	uint64_t played, concealed;	/* blocks */
};

/* delay_ms is rounded to whole blocks, 20..600 ms. */
void jbuf_init(struct jbuf *jb, uint32_t delay_ms);
/* Decoded samples of one packet with timestamp ts (n multiple of 80). */
enum jbuf_put jbuf_put(struct jbuf *jb, uint32_t ts, const int16_t *pcm, size_t n);
/*
 * The next block (80 samples) into out: true with the audio, false when
 * it is missing (out untouched: the caller conceals). Before the first
 * packet, false as well.
 */
bool jbuf_get_block(struct jbuf *jb, int16_t out[JBUF_BLOCK]);
/* Samples buffered ahead of the playout point. */
uint32_t jbuf_level(const struct jbuf *jb);

#endif /* UCPHONE_JBUF_H */
