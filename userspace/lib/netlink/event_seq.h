/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Lost-event detection from UCPHONE_EVENT_A_SEQ, which the kernel raises by
 * one per event sent. A gap means the socket overran and events were lost.
 */
#ifndef UCPHONE_EVENT_SEQ_H
#define UCPHONE_EVENT_SEQ_H

#include <stdbool.h>
#include <stdint.h>

struct event_seq {
	bool primed;		/* seen an event since the last reset */
	uint32_t next;		/* the sequence number expected next */
};

enum event_seq_result {
	EVENT_SEQ_IN_ORDER,	/* the one expected, or the first seen */
	EVENT_SEQ_GAP,		/* *lost events were skipped */
	EVENT_SEQ_BACKWARDS,	/* older than expected: sender restarted? */
};

/* Forget the last number: the module was (re)loaded. */
void event_seq_reset(struct event_seq *s);

/* Accounts for seq; wraps at 2^32 like the kernel's counter. */
enum event_seq_result event_seq_update(struct event_seq *s, uint32_t seq,
				       uint32_t *lost);

#endif /* UCPHONE_EVENT_SEQ_H */
