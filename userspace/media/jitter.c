// SPDX-License-Identifier: GPL-2.0-only
/*
 * The adaptive jitter buffer; the policy is described in jitter.h.
 */
#include <string.h>

#include "media/jitter.h"

#define PEAK_HOLD 100		/* packets (2 s of 20 ms) */
#define PEAK_DECAY 64		/* 1/64 per packet after the hold */
#define SHRINK_PATIENCE 25	/* ticks waiting for silence before a drop */
#define CREEP_PPM 1000		/* base transit creep up, of elapsed time */

static int64_t q8_of_ms(const struct jb *jb, uint32_t ms)
{
	return ((int64_t)ms * jb->clock / 1000) << 8;
}

static uint32_t ms_of_q8(const struct jb *jb, int64_t q)
{
	if (q < 0)
		return 0;
	return (uint32_t)(((q >> 8) * 1000) / jb->clock);
}

void jb_init(struct jb *jb, uint32_t unit, uint32_t clock, uint32_t min_ms,
	     uint32_t start_ms, uint32_t max_ms)
{
	memset(jb, 0, sizeof(*jb));
	jb->unit = unit ? unit : 160;
	jb->clock = clock ? clock : 8000;
	if (max_ms > 600)
		max_ms = 600;
	if (min_ms > max_ms)
		min_ms = max_ms;
	if (start_ms < min_ms)
		start_ms = min_ms;
	if (start_ms > max_ms)
		start_ms = max_ms;
	jb->min_q8 = q8_of_ms(jb, min_ms);
	jb->max_q8 = q8_of_ms(jb, max_ms);
	jb->start_q8 = q8_of_ms(jb, start_ms);
}

static int64_t target_q8(const struct jb *jb)
{
	int64_t t;

	if (!jb->have_base || jb->st.played + jb->st.lost < 10)
		t = jb->start_q8 > jb->peak_q8 ? jb->start_q8 : jb->peak_q8;
	else
		t = jb->peak_q8 + ((int64_t)jb->unit << 7);	/* + half a unit */
	if (t < jb->min_q8)
		t = jb->min_q8;
	if (t > jb->max_q8)
		t = jb->max_q8;
	return t;
}

/* The target rounded up to whole units, in ts units. */
static uint32_t target_units(const struct jb *jb)
{
	uint32_t t = (uint32_t)((target_q8(jb) + 255) >> 8);

	return (t + jb->unit - 1) / jb->unit * jb->unit;
}

static void clear(struct jb *jb)
{
	for (unsigned int i = 0; i < JB_SLOTS; i++)
		jb->slot[i].filled = false;
	jb->filled = 0;
	jb->late_run = 0;
}

/* Starts the timeline so that ts plays after the target delay. */
static void anchor(struct jb *jb, uint32_t ts)
{
	clear(jb);
	jb->play_ts = ts - target_units(jb);
	jb->head = 0;
	jb->started = true;
	jb->primed = false;
}

static void measure(struct jb *jb, uint32_t ts, uint32_t arrival)
{
	int64_t x, rel;

	if (!jb->have_base) {
		jb->ref = arrival - ts;
		jb->have_base = true;
		jb->base_q8 = 0;
	}
	x = (int64_t)(int32_t)(arrival - ts - jb->ref) * 256;
	if (x < jb->base_q8)
		jb->base_q8 = x;
	else
		jb->base_q8 += (int64_t)jb->unit * 256 * CREEP_PPM / 1000000;
	if (jb->base_q8 > x)
		jb->base_q8 = x;
	rel = x - jb->base_q8;
	if (rel > jb->max_q8)
		rel = jb->max_q8;
	if (rel >= jb->peak_q8) {
		jb->peak_q8 = rel;
		jb->peak_hold = PEAK_HOLD;
	} else if (jb->peak_hold) {
		jb->peak_hold--;
	} else {
		jb->peak_q8 -= (jb->peak_q8 - rel) / PEAK_DECAY;
	}
}

static struct jb_slot *slot_at(struct jb *jb, unsigned int i)
{
	return &jb->slot[(jb->head + i) % JB_SLOTS];
}

enum jb_put jb_put(struct jb *jb, uint32_t ts, const uint8_t *data, size_t len,
		   uint32_t arrival)
{
	enum jb_put rc = JB_PUT_OK;
	struct jb_slot *s;
	int32_t rel;

	if (len > JB_UNIT_BYTES)
		return JB_PUT_TOO_BIG;
	measure(jb, ts, arrival);
	if (!jb->started)
		anchor(jb, ts);
	rel = (int32_t)(ts - jb->play_ts);
	if (jb->filled == 0 && rel > (int32_t)(target_units(jb) + 2 * jb->unit)) {
		/* a talk-spurt after silence, later than the timeline: re-anchor */
		anchor(jb, ts);
		rel = (int32_t)(ts - jb->play_ts);
	}
	if (rel % (int32_t)jb->unit) {
		if (jb->filled) {
			jb->st.misaligned++;
			return JB_PUT_MISALIGNED;
		}
		anchor(jb, ts);	/* the far end moved its grid while we were empty */
		rel = (int32_t)(ts - jb->play_ts);
	}
	if (rel < 0 && rel > -(int32_t)(JB_SLOTS * jb->unit) &&
	    ++jb->late_run < JB_LATE_RESYNC) {
		jb->st.late++;
		return JB_PUT_LATE;
	}
	if (rel < 0 || rel >= (int32_t)(JB_SLOTS * jb->unit)) {
		if (rel < 0)
			jb->st.late++;
		jb->st.resyncs++;
		anchor(jb, ts);
		rel = (int32_t)(ts - jb->play_ts);
		rc = JB_PUT_RESYNC;
	}
	jb->late_run = 0;
	s = slot_at(jb, (unsigned int)rel / jb->unit);
	if (s->filled) {
		jb->st.duplicates++;
		return JB_PUT_DUPLICATE;
	}
	s->filled = true;
	s->ts = ts;
	s->len = (uint16_t)len;
	memcpy(s->data, data, len);
	jb->filled++;
	return rc;
}

/* Moves the playout point one unit on, freeing the head slot. */
static void advance(struct jb *jb)
{
	struct jb_slot *s = slot_at(jb, 0);

	jb->skipped = s->filled ? s : NULL;

	if (s->filled) {
		s->filled = false;
		jb->filled--;
	}
	jb->head = (jb->head + 1) % JB_SLOTS;
	jb->play_ts += jb->unit;
}

enum jb_kind jb_get(struct jb *jb, uint32_t now, struct jb_out *out)
{
	int64_t target = target_q8(jb);
	struct jb_slot *s;

	memset(out, 0, sizeof(*out));
	if (!jb->started) {
		out->kind = JB_IDLE;
		return JB_IDLE;
	}
	jb->delay_q8 = (int64_t)(int32_t)(now - jb->play_ts - jb->ref) * 256 - jb->base_q8;
	out->ts = jb->play_ts;
	if (jb->filled == 0 || jb->delay_q8 < target - ((int64_t)jb->unit << 7)) {
		/* nothing to play yet, or the delay must grow: the timeline waits */
		jb->st.stretched++;
		jb->shrink_wait = 0;
		jb->delay_q8 += (int64_t)jb->unit << 8;	/* what the next unit waits */
		out->kind = JB_STRETCH;
		return JB_STRETCH;
	}
	/*
	 * Before the first unit plays, a backlog (packets that queued while
	 * the stream was being set up) goes at once: nothing was heard yet.
	 */
	while (!jb->primed && jb->filled > 1 &&
	       jb->delay_q8 > target + ((int64_t)jb->unit << 7)) {
		advance(jb);
		jb->st.dropped++;
		jb->delay_q8 -= (int64_t)jb->unit << 8;
	}
	if (jb->delay_q8 > target + ((int64_t)jb->unit << 8) && jb->filled > 1) {
		/* far over the target (4 units): wait less for silence */
		unsigned int patience = jb->delay_q8 > target + ((int64_t)jb->unit << 10) ?
					SHRINK_PATIENCE / 3 : SHRINK_PATIENCE;

		if (jb->last_silent || ++jb->shrink_wait >= patience) {
			advance(jb);
			if (jb->skipped) {
				out->skipped = jb->skipped->data;
				out->skipped_len = jb->skipped->len;
			}
			jb->st.dropped++;
			jb->shrink_wait = 0;
			jb->delay_q8 -= (int64_t)jb->unit << 8;
		}
	} else {
		jb->shrink_wait = 0;
	}
	s = slot_at(jb, 0);
	out->ts = jb->play_ts;
	if (!s->filled && !jb->primed) {
		/* the time before the first unit of a (re)start: silence */
		out->kind = JB_IDLE;
		advance(jb);
		return JB_IDLE;
	}
	if (s->filled) {
		jb->primed = true;
		out->kind = JB_FRAME;
		out->data = s->data;
		out->len = s->len;
		jb->st.played++;
	} else {
		struct jb_slot *n = slot_at(jb, 1);

		out->kind = JB_LOST;
		if (n->filled) {
			out->next = n->data;
			out->next_len = n->len;
		}
		jb->st.lost++;
	}
	advance(jb);
	return out->kind;
}

void jb_flush(struct jb *jb)
{
	clear(jb);
	jb->started = false;
}

void jb_skip(struct jb *jb, unsigned int units)
{
	if (!jb->started)
		return;
	for (unsigned int i = 0; i < units && i < JB_SLOTS; i++)
		advance(jb);
	if (units >= JB_SLOTS)
		jb->play_ts += (units - JB_SLOTS) * jb->unit;
}

void jb_set_silent(struct jb *jb, bool silent)
{
	jb->last_silent = silent;
}

void jb_get_stats(const struct jb *jb, struct jb_stats *st)
{
	*st = jb->st;
	st->delay_ms = jb->started ? ms_of_q8(jb, jb->delay_q8) : 0;
	st->target_ms = ms_of_q8(jb, target_q8(jb));
	st->jitter_ms = ms_of_q8(jb, jb->peak_q8);
}
