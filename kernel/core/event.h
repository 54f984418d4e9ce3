/* SPDX-License-Identifier: GPL-2.0 */
/*
 * event.c's face inside ucphone.ko: it turns an event and the identity of
 * its sender into a UCPHONE_CMD_EVENT multicast. It knows nothing of the
 * binding list; binding.c calls it, never the reverse.
 */
#ifndef _UCPHONE_CORE_EVENT_H
#define _UCPHONE_CORE_EVENT_H

#include <ucphone/core.h>

/* Who sends: what a binding is, as far as events are concerned. */
struct ucphone_event_source {
	enum ucphone_driver_kind kind;
	char driver[UCPHONE_NAME_MAX];
	char device[UCPHONE_NAME_MAX];
};

/*
 * Multicasts @event from @src (bound/unbound events carry @src's kind).
 * Returns 0 when nobody listens; -EINVAL for an event type it cannot send.
 */
int ucphone_event_multicast(const struct ucphone_event_source *src,
			    const struct ucphone_event *event);

#endif /* _UCPHONE_CORE_EVENT_H */
