/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The kernel watchdog, petted from the daemon's main loop: a board's
 * hardware watchdog or, on the virtual dev board, softdog, both as
 * /dev/watchdog. The phone's boot arms it (opens and closes it without
 * the magic 'V'), so a daemon that never starts lets it expire; once the
 * loop runs, a timer pets it every quarter of its timeout (1-10 s). A
 * loop that hangs stops petting and the kernel reboots the phone; an
 * updated slot whose daemon cannot start is rebooted the same way and
 * the boot selector counts the try. The device is never closed with the
 * magic character, so a daemon that exits leaves it armed for the next
 * one init starts.
 */
#ifndef UCPHONED_DEVICE_WATCHDOG_H
#define UCPHONED_DEVICE_WATCHDOG_H

#include <stdint.h>

#include <systemd/sd-event.h>

#include "core/log.h"

struct watchdog;

/*
 * Opens path and pets it now and then every interval_usec (0: a quarter
 * of the device's timeout, 1-10 s). 0 or -errno.
 */
int watchdog_new(sd_event *event, struct log *log, const char *path,
		 uint64_t interval_usec, struct watchdog **out);
/* Stops petting and closes the device, leaving it armed. */
void watchdog_free(struct watchdog *w);

#endif /* UCPHONED_DEVICE_WATCHDOG_H */
