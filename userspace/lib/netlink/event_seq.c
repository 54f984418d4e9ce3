// SPDX-License-Identifier: GPL-2.0-only
#include "lib/netlink/event_seq.h"

void event_seq_reset(struct event_seq *s)
{
	s->primed = false;
	s->next = 0;
}

enum event_seq_result event_seq_update(struct event_seq *s, uint32_t seq,
				       uint32_t *lost)
{
	/* Unsigned distance: correct across the 2^32 wrap. */
	uint32_t ahead = seq - s->next;
	bool primed = s->primed;

	*lost = 0;
	s->primed = true;
	s->next = seq + 1;

	if (!primed || ahead == 0)
		return EVENT_SEQ_IN_ORDER;
	/* More than half the space ahead is really behind. */
	if (ahead > UINT32_MAX / 2)
		return EVENT_SEQ_BACKWARDS;
	*lost = ahead;
	return EVENT_SEQ_GAP;
}
