/* SPDX-License-Identifier: GPL-2.0-only */
/* The reset button's configurable policy (reset.h says what it means). */
#ifndef UCPHONED_RESET_POLICY_H
#define UCPHONED_RESET_POLICY_H

#include <stdint.h>

#include "lib/netlink/ucphone_nl.h"

enum reset_action {
	RESET_ACTION_NONE,
	RESET_ACTION_SOFT,
	RESET_ACTION_HARD,
};

struct reset_policy {
	uint32_t long_press_ms;
	enum reset_action long_press;	/* NONE means ignore */
};

#define RESET_DEFAULT_LONG_PRESS_MS 10000
/*
 * Only the reset button's own driver may ask for a reset: the same event
 * from any other sender (a test source, a misbehaving driver) is ignored,
 * since a hard reset destroys the phone's credentials.
 */
#define RESET_DRIVER_NAME "ucphone-reset"

/* "soft", "hard" or "ignore" into @action; -EINVAL otherwise. */
int reset_parse_action(const char *name, enum reset_action *action);
const char *reset_action_name(enum reset_action action);

/* The rules in reset.h, as a pure function. */
enum reset_action reset_decide(const struct reset_policy *policy,
			       const struct ucphone_event *ev);

#endif /* UCPHONED_RESET_POLICY_H */
