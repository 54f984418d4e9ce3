/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Call forwarding and Do Not Disturb: what the phone does with a call that
 * comes in, decided before it rings.
 *
 *   always URI          every call is answered 302 Moved Temporarily with
 *                       Contact: <URI>; the phone never rings
 *   dnd on [URI]        486 Busy Here, or 302 to URI when one is given
 *   busy URI            a call while another is up: 302 to URI instead
 *                       of 486 Busy Here
 *   noanswer URI [N]    the phone rings N seconds (20 unless told), then
 *                       answers 302 to URI
 *
 * "always" wins over Do Not Disturb, which wins over busy and no-answer.
 * A target is what `dial` takes (a URI, a name or a number, made a URI
 * with the registered SIP domain when the call comes in).
 *
 * The rules live in the file "forwarding" of the state directory (key=value
 * lines, replaced whole through atomic_file_write), so they survive a
 * restart and a soft reset, and a hard reset forgets them.
 */
#ifndef UCPHONED_CALL_FORWARD_H
#define UCPHONED_CALL_FORWARD_H

#include <stdbool.h>
#include <stddef.h>

#include <json-c/json.h>

#define FORWARD_FILE "forwarding"
#define FORWARD_TARGET_MAX 256
#define FORWARD_NOANSWER_DEFAULT_S 20
#define FORWARD_NOANSWER_MAX_S 300

enum forward_rule {
	FORWARD_ALWAYS,
	FORWARD_BUSY,
	FORWARD_NOANSWER,
	FORWARD_DND,		/* its target: where DND sends calls, or "" */
	__FORWARD_RULE_COUNT
};

struct forward_rules {
	char target[__FORWARD_RULE_COUNT][FORWARD_TARGET_MAX];	/* "" = none */
	unsigned int noanswer_s;
	bool dnd;
};

/* What to do with an incoming call. */
enum forward_action {
	FORWARD_RING,		/* ring (and forward after noanswer_s if set) */
	FORWARD_REDIRECT,	/* 302 to the target */
	FORWARD_REFUSE,		/* 486 Busy Here */
};

void forward_rules_init(struct forward_rules *r);

/*
 * A call comes in; busy: another call is up. For FORWARD_REDIRECT, *target
 * points into r. For FORWARD_RING, *noanswer_s is 0 or the seconds to ring
 * before forwarding to *target.
 */
enum forward_action forward_decide(const struct forward_rules *r, bool busy,
				   const char **target,
				   unsigned int *noanswer_s);

/*
 * The `forward` command: "always URI", "busy URI", "noanswer URI [N]",
 * "RULE off" or "off" (every rule). The `dnd` command: "on", "on URI",
 * "off". 0, or -EINVAL with a reason for the user in why.
 */
int forward_set(struct forward_rules *r, const char *setting, char *why,
		size_t why_len);
int forward_set_dnd(struct forward_rules *r, const char *setting, char *why,
		    size_t why_len);

/* Reads dirfd/FORWARD_FILE: 0, -ENOENT (none yet: defaults), -EINVAL. */
int forward_load(struct forward_rules *r, int dirfd);
int forward_save(const struct forward_rules *r, int dirfd);

/* {"always":..., "busy":..., "noanswer":..., "noanswer_s":N, "dnd":bool, ...} */
struct json_object *forward_status(const struct forward_rules *r);

#endif /* UCPHONED_CALL_FORWARD_H */
