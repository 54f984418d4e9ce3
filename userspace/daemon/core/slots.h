/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The root slots' watcher (device/slot_health.h) wired to the phone: an
 * updated slot proves itself when the phone is registered, or, with no
 * sign-in configured, when its network is up (a DHCP lease); without
 * --interface, when the daemon runs. A call up (ringing, held too) keeps
 * the phone from rebooting into an update.
 */
#ifndef UCPHONED_SLOTS_H
#define UCPHONED_SLOTS_H

#include "core/daemon.h"

int slots_start(struct ucphoned *d);

#endif /* UCPHONED_SLOTS_H */
