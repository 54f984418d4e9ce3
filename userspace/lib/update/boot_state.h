/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The A/B boot state as the phone keeps it on its data partition
 * (/data/boot/state, written by the initramfs's boot selector and RAUC's
 * custom backend, image/rootfs/usr/lib/ucphone/bootstate.sh):
 *
 *	ORDER=b a
 *	a_OK=1		1 good, 2 on trial (just installed), 0 bad
 *	a_TRY=3		boots a slot on trial has left
 *	b_OK=2
 *	b_TRY=2
 *	FAILED=		a slot that ran out of tries unconfirmed, else empty
 *
 * Parsed as strictly as the shell reads it: a file the shell would call
 * damaged is refused here too. Also the one line of RAUC's own status
 * file (/data/rauc/central.raucs, a GKeyFile) this phone reads: the
 * version RAUC recorded for a slot. That record alone does not say the
 * slot holds it (a cut install leaves the old record "ok"); the boot
 * state does.
 */
#ifndef UCPHONE_UPDATE_BOOT_STATE_H
#define UCPHONE_UPDATE_BOOT_STATE_H

#include <stddef.h>

enum boot_slot_state {
	BOOT_SLOT_BAD = 0,	/* half-written, not activated, or failed */
	BOOT_SLOT_GOOD = 1,	/* confirmed: boots without counting */
	BOOT_SLOT_TRIAL = 2,	/* installed, counting its boots */
};

struct boot_state {
	int order[2];			/* slot indexes (0 = a, 1 = b) */
	enum boot_slot_state state[2];
	unsigned int tries[2];
	int failed;			/* the slot that failed its trial, or -1 */
};

/* 'a' -> 0, 'b' -> 1, anything else -1. */
int boot_slot_index(char name);
char boot_slot_name(int index);
const char *boot_slot_state_name(enum boot_slot_state s);

/* 0, or -EINVAL for a file the boot selector would call damaged. */
int boot_state_parse(const char *text, size_t len, struct boot_state *out);

/*
 * The slot that boots next, as the backend's get-primary says: the first
 * of ORDER that is good or on trial with tries left, else the first.
 */
int boot_state_primary(const struct boot_state *st);

/*
 * The bundle.version RAUC's status file records for slot index (section
 * [slot.rootfs.<index>]) into out; 0, -ENOENT (no such record) or
 * -EINVAL (a version too long or with bytes other than [0-9A-Za-z.+~-]).
 */
int rauc_status_slot_version(const char *text, size_t len, int index,
			     char *out, size_t out_len);

#endif /* UCPHONE_UPDATE_BOOT_STATE_H */
