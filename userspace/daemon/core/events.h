/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Where kernel events go once decoded: one log line each, and one JSON
 * message to every control client that asked for events.
 */
#ifndef UCPHONED_EVENTS_H
#define UCPHONED_EVENTS_H

#include "core/daemon.h"
#include "device/kernel_link.h"

/* The listener to hand to kernel_link_new(). */
void events_listener_init(struct ucphoned *d,
			  struct kernel_link_listener *listener);

#endif /* UCPHONED_EVENTS_H */
