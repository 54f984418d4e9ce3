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

#include <stdbool.h>
#include <stddef.h>

#include <json-c/json.h>

#include "core/daemon.h"

int slots_start(struct ucphoned *d);
/*
 * The update client's gate: no update is looked for while the booted slot
 * is on trial (an install would overwrite the slot it falls back to).
 */
bool slots_may_update(void *ctx, char *why, size_t len);
/*
 * `ucphonectl update status`: the update client's state and the last
 * failed update with its slot: an image the client lost (download,
 * signature: no slot written; installer: the slot not booted), else the
 * update the boot selector rolled back from after its trial.
 */
struct json_object *slots_update_status(struct ucphoned *d);

#endif /* UCPHONED_SLOTS_H */
