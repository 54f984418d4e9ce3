/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Calls start once the phone has a sound path: at start-up when the sound
 * card is there, else when its driver binds (and every few seconds while
 * it does not).
 */
#ifndef UCPHONED_CALLS_START_H
#define UCPHONED_CALLS_START_H

#include "call/calls.h"
#include "core/daemon.h"
#include "lib/netlink/ucphone_nl.h"

/* Starts calls now or schedules the next try; the listener is copied. */
void calls_start(struct ucphoned *d, const struct calls_listener *listener);

/* A kernel event: a sound card that binds is tried at once. */
void calls_start_on_event(struct ucphoned *d, const struct ucphone_event *ev);

void calls_start_free(struct ucphoned *d);

#endif /* UCPHONED_CALLS_START_H */
