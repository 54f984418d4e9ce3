/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The phone's root slots as the daemon sees them (A/B image with RAUC):
 *
 * - The software version of the booted root (/usr/lib/ucphone/version,
 *   else the build's own).
 * - A slot booted on trial (just installed) is marked good with
 *   `rauc status mark-good` once the phone proves itself (registered, or
 *   the network up when no sign-in is configured: the hooks say) within
 *   the trial time; otherwise the phone reboots once idle, and the boot
 *   selector counts the try and, after the last, returns to the other
 *   slot.
 * - A failed update (the selector fell back: FAILED= in the boot state) is
 *   reported once at start and in status: which slot, which version (RAUC's
 *   record, valid for a slot that was activated), why (the note the slot
 *   left while on trial).
 * - An installed update waiting in the other slot is booted into when no
 *   call is up and the clock is inside the maintenance window.
 * - Status tells each slot's truth from the boot state (good, on trial,
 *   bad, failed), not from RAUC's record alone: a cut install leaves the
 *   old record "ok" over a half-written slot.
 *
 * Without /data/.booted-slot (not booted by the phone's initramfs) only
 * the version is reported. The state is read every few seconds, so an
 * install by `rauc install` from a console is noticed too.
 */
#ifndef UCPHONED_DEVICE_SLOT_HEALTH_H
#define UCPHONED_DEVICE_SLOT_HEALTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>
#include <systemd/sd-event.h>

#include "core/log.h"
#include "lib/update/slot_trial.h"

struct slot_health_config {
	uint64_t trial_usec;		/* time a trial slot has to prove itself */
	struct maint_window window;	/* when an update may be booted into */
	/* files and commands; NULL: the phone's */
	const char *data_dir;		/* /data: boot/state, .booted-slot */
	const char *version_file;	/* /usr/lib/ucphone/version */
	const char *rauc_status;	/* /data/rauc/central.raucs */
	const char *const *mark_good_argv; /* rauc status mark-good */
	const char *const *reboot_argv;	/* /sbin/reboot */
};

struct slot_health_hooks {
	/* true when the slot proved itself; what: the condition in words */
	bool (*healthy)(void *ctx, char *what, size_t what_len);
	/* true while a call is up (ringing and held too) */
	bool (*busy)(void *ctx);
	void *ctx;
};

struct slot_health;

int slot_health_new(sd_event *event, struct log *log,
		    const struct slot_health_config *cfg,
		    const struct slot_health_hooks *hooks,
		    struct slot_health **out);
void slot_health_free(struct slot_health *sh);

/* The booted root's software version ("1.0.522.101"). */
const char *slot_health_version(const struct slot_health *sh);
/*
 * true while the booted slot is on trial (not yet marked good): an update
 * installed now would overwrite the slot the phone falls back to.
 */
bool slot_health_on_trial(const struct slot_health *sh);
/* The booted slot's name ('a', 'b'), or 0 when not booted from an A/B image. */
char slot_health_booted_slot(const struct slot_health *sh);
/*
 * The update the boot selector rolled back from ({"slot", "version",
 * "reason"}), or NULL when there is none. The caller owns it.
 */
struct json_object *slot_health_failed_update(const struct slot_health *sh);
/* The status "software" section (the boot state read afresh). */
struct json_object *slot_health_status(struct slot_health *sh);

#endif /* UCPHONED_DEVICE_SLOT_HEALTH_H */
