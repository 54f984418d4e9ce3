/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the reset button makes the phone do. The kernel reports each press
 * (UCPHONE_EVENT_RESET_BUTTON: kind, hold time, held from power-on); this
 * file decides, by the phone's rules and the configured policy:
 *
 *	hard, held from power-on	hard reset
 *	soft, held from power-on	nothing (released before the boot
 *					progress completed; we just started)
 *	soft, held >= long_press_ms	the long-press policy: soft (default),
 *					hard or ignore
 *	soft, shorter			soft reset
 *
 * Both resets stop the event loop; main() then tears every subsystem down
 * in order and calls reset_restart(): for a hard reset it wipes the state
 * directory (wipe.h) first, then it re-executes ucphoned with the same
 * arguments, so the phone's services start from scratch under the same
 * process id and the supervisor sees no exit.
 */
#ifndef UCPHONED_RESET_H
#define UCPHONED_RESET_H

#include <stdint.h>

#include "core/daemon.h"
#include "core/reset_policy.h"


/* Acts on a kernel event; any but a reset button event is ignored. */
void reset_on_event(struct ucphoned *d, const struct ucphone_event *ev);

/*
 * After the loop stopped and everything is torn down: wipes for a hard
 * reset and re-executes the daemon. Returns only on failure (-errno).
 */
int reset_restart(const struct ucphoned *d, char **argv);

#endif /* UCPHONED_RESET_H */
