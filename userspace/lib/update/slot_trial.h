/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the phone does about its root slot after a boot, as a state
 * machine with the clock and the phone's condition handed in (the daemon's
 * device/slot_health.c feeds it every few seconds and carries out what it
 * returns):
 *
 *   GOOD (booted a confirmed slot): nothing to prove.
 *   WAITING (booted a slot on trial) --healthy--> CONFIRMING: mark it good
 *   CONFIRMING --marked--> CONFIRMED ; --mark failed--> WAITING (retry)
 *   WAITING --no health within the trial time--> EXPIRED: reboot once no
 *       call is up, so the boot selector counts a try (and, after the
 *       last, boots the other slot again)
 *   GOOD/CONFIRMED and an update installed in the other slot (it is
 *       the next boot's primary, on trial): reboot into it once no call is
 *       up and the clock is inside the maintenance window.
 *
 * "Healthy" is what the daemon says: registered, or the network up when
 * no sign-in is configured. A reboot is returned once; a failed reboot
 * command re-arms it (slot_trial_reboot_failed()).
 */
#ifndef UCPHONE_UPDATE_SLOT_TRIAL_H
#define UCPHONE_UPDATE_SLOT_TRIAL_H

#include <stdbool.h>
#include <stdint.h>

/* Local time of day, minutes; "any" is every minute. */
struct maint_window {
	bool any;
	uint16_t from_min, to_min;	/* [from, to), may wrap midnight */
};

#define MAINT_WINDOW_STR_MAX 16

/* "any", or "HH:MM-HH:MM" (24 h, start != end); 0 or -EINVAL. */
int maint_window_parse(const char *s, struct maint_window *out);
bool maint_window_contains(const struct maint_window *w, unsigned int minute);
void maint_window_format(const struct maint_window *w, char *buf, size_t len);

enum slot_trial_phase {
	SLOT_TRIAL_GOOD,
	SLOT_TRIAL_WAITING,
	SLOT_TRIAL_CONFIRMING,
	SLOT_TRIAL_CONFIRMED,
	SLOT_TRIAL_EXPIRED,
};

enum slot_trial_action {
	SLOT_TRIAL_NOTHING,
	SLOT_TRIAL_MARK_GOOD,		/* rauc status mark-good */
	SLOT_TRIAL_REBOOT_EXPIRED,	/* the trial slot never got healthy */
	SLOT_TRIAL_REBOOT_UPDATE,	/* into the update in the other slot */
};

struct slot_trial {
	uint64_t trial_usec;
	struct maint_window window;
	enum slot_trial_phase phase;
	uint64_t started_usec;
	bool rebooting;
};

struct slot_trial_input {
	uint64_t now_usec;		/* CLOCK_MONOTONIC */
	unsigned int minute_of_day;	/* local time */
	bool healthy;
	bool busy;			/* a call is up (ringing, held too) */
	bool update_waiting;		/* the other slot boots next, on trial */
};

void slot_trial_init(struct slot_trial *t, uint64_t trial_usec,
		     const struct maint_window *window, bool on_trial,
		     uint64_t now_usec);
enum slot_trial_action slot_trial_step(struct slot_trial *t,
				       const struct slot_trial_input *in);
/* The mark-good command's outcome (CONFIRMING -> CONFIRMED or WAITING). */
void slot_trial_marked(struct slot_trial *t, bool ok);
void slot_trial_reboot_failed(struct slot_trial *t);
/* Microseconds the slot has left to prove itself (WAITING), else 0. */
uint64_t slot_trial_left_usec(const struct slot_trial *t, uint64_t now_usec);
const char *slot_trial_phase_name(enum slot_trial_phase p);

#endif /* UCPHONE_UPDATE_SLOT_TRIAL_H */
