/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The adaptive jitter buffer: received codec units (20 ms of audio each,
 * still encoded) wait here until their playout time, and the playout
 * delay follows the network's measured jitter.
 *
 * Clocks. Everything is in RTP timestamp units of the stream's clock. The
 * caller gives each packet's arrival time and each playout tick's time on
 * the local clock converted to those units (uint32, wrapping like RTP
 * timestamps). One jb_get() per 20 ms tick of the sound card.
 *
 * Policy (ours):
 * - Transit = arrival - timestamp. Its floor (the base) is the smallest
 *   transit seen, and it creeps up by 1000 ppm of elapsed time so that a
 *   far end whose clock runs slow (drift) is followed, not taken for
 *   jitter. A packet's jitter is its transit above the base.
 * - The peak jitter jumps to any larger value at once, is held 2 s, then
 *   decays by 1/64 per packet. Target delay = peak + 10 ms, within
 *   [min, max].
 * - The current delay is what a packet arriving on the base transit
 *   waits before it plays: (tick time - playout timestamp) - base.
 * - Growing: when nothing is buffered (a jitter burst holds packets back)
 *   or the delay is half a unit under the target, the tick conceals
 *   without moving the playout point ("stretch"): the delay grows by
 *   20 ms a tick from the first tick of a burst, and the held packets play
 *   when they come instead of being late.
 * - Shrinking: more than a unit over the target, one unit is dropped, in
 *   silence when the caller says the last frame was silent, else after
 *   25 ticks of waiting for silence (8 when over by 4 units or more). The
 *   slow peak decay makes it slow. A backlog found before anything played
 *   (packets queued while the call was set up) is dropped at once.
 * - Drift: a far end faster than the card fills the buffer (the delay
 *   grows past the target and a unit is dropped); a slower one empties it
 *   (a stretch). Delay stays within a unit or two of the target for good.
 * - A talk-spurt that starts later than the timeline expects (DTX, or the
 *   far end paused) re-anchors the playout point while the buffer is
 *   empty, which is silence. Reordered packets take their slot, duplicates
 *   are dropped, late ones (their time played) are dropped and counted;
 *   4 late in a row, or a timestamp far outside the ring, restart it.
 *
 * No allocation, no clock, no lock: a struct in the call's memory.
 */
#ifndef UCPHONE_JITTER_H
#define UCPHONE_JITTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define JB_SLOTS 32			/* 640 ms of 20 ms units */
#define JB_UNIT_BYTES 1275		/* largest unit kept (an Opus frame) */
#define JB_LATE_RESYNC 4

enum jb_put {
	JB_PUT_OK,
	JB_PUT_LATE,		/* its time has been played */
	JB_PUT_DUPLICATE,	/* already buffered */
	JB_PUT_RESYNC,		/* far outside the ring: restarted on it */
	JB_PUT_MISALIGNED,	/* off the unit grid: dropped */
	JB_PUT_TOO_BIG,		/* larger than a slot */
};

enum jb_kind {
	JB_IDLE,		/* nothing to play yet (before the first unit): silence */
	JB_FRAME,		/* decode data */
	JB_LOST,		/* a hole: conceal (next: the following unit, if buffered) */
	JB_STRETCH,		/* delay grows: conceal, the timeline waits */
};

struct jb_out {
	enum jb_kind kind;
	uint32_t ts;
	const uint8_t *data;	/* JB_FRAME: the unit */
	size_t len;
	const uint8_t *next;	/* JB_LOST: the unit after the hole, or NULL */
	size_t next_len;
	/* a unit dropped this tick to shrink the delay, or NULL: decode it
	 * and throw the audio away, so that the decoder's state runs on */
	const uint8_t *skipped;
	size_t skipped_len;
};

struct jb_slot {
	bool filled;
	uint32_t ts;
	uint16_t len;
	uint8_t data[JB_UNIT_BYTES];
};

struct jb_stats {
	uint32_t delay_ms, target_ms, jitter_ms;
	uint64_t played, lost, late, duplicates, stretched, dropped, resyncs, misaligned;
};

struct jb {
	struct jb_slot slot[JB_SLOTS];
	uint32_t unit;			/* timestamp units per 20 ms */
	uint32_t clock;			/* timestamp units per second */
	int64_t min_q8, max_q8, start_q8;	/* target bounds, Q8 ts units */
	bool started, have_base, last_silent;
	bool primed;			/* a unit played since the last (re)start */
	uint32_t play_ts;		/* timestamp of the next unit to play */
	unsigned int head;		/* its slot */
	unsigned int filled;		/* units buffered */
	uint32_t ref;			/* first transit: origin of base and delay */
	int64_t base_q8;		/* transit floor, relative to ref */
	int64_t peak_q8;		/* peak jitter */
	unsigned int peak_hold;		/* packets before the peak decays */
	int64_t delay_q8;		/* current delay at the last tick */
	unsigned int late_run, shrink_wait;
	struct jb_slot *skipped;	/* the slot advance() last let go of */
	struct jb_stats st;
};

/*
 * unit: timestamp units per 20 ms; clock: per second; delays in ms:
 * min_ms the least target, start_ms the target before jitter is known,
 * max_ms the most (at most 600).
 */
void jb_init(struct jb *jb, uint32_t unit, uint32_t clock, uint32_t min_ms,
	     uint32_t start_ms, uint32_t max_ms);
/* Empties the buffer and restarts on the next unit; the measurements stay. */
void jb_flush(struct jb *jb);
/* The card played nothing for units ticks (the stream was paused): the
 * timeline moves on by as much, dropping what fell due. */
void jb_skip(struct jb *jb, unsigned int units);
/* One unit with timestamp ts arrived at local time arrival (ts units). */
enum jb_put jb_put(struct jb *jb, uint32_t ts, const uint8_t *data, size_t len,
		   uint32_t arrival);
/* One 20 ms playout tick at local time now; out->data stays valid until the next jb_put. */
enum jb_kind jb_get(struct jb *jb, uint32_t now, struct jb_out *out);
/* The caller's verdict on the frame it just played: silent or not. */
void jb_set_silent(struct jb *jb, bool silent);
/* Counters and the current and target delay. */
void jb_get_stats(const struct jb *jb, struct jb_stats *st);

#endif /* UCPHONE_JITTER_H */
