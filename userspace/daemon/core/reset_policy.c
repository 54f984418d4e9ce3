// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <string.h>

#include "core/reset_policy.h"

static const char *const action_names[] = {
	[RESET_ACTION_NONE] = "ignore",
	[RESET_ACTION_SOFT] = "soft",
	[RESET_ACTION_HARD] = "hard",
};

int reset_parse_action(const char *name, enum reset_action *action)
{
	size_t i;

	for (i = 0; i < sizeof(action_names) / sizeof(action_names[0]); i++) {
		if (!strcmp(name, action_names[i])) {
			*action = (enum reset_action)i;
			return 0;
		}
	}
	return -EINVAL;
}

const char *reset_action_name(enum reset_action action)
{
	return (unsigned int)action < sizeof(action_names) / sizeof(action_names[0]) ?
	       action_names[action] : "unknown";
}

enum reset_action reset_decide(const struct reset_policy *policy,
			       const struct ucphone_event *ev)
{
	if (ev->type != UCPHONE_EVENT_RESET_BUTTON ||
	    strcmp(ev->driver, RESET_DRIVER_NAME))
		return RESET_ACTION_NONE;
	switch (ev->reset.kind) {
	case UCPHONE_RESET_HARD:
		return RESET_ACTION_HARD;
	case UCPHONE_RESET_SOFT:
		if (ev->reset.at_power_on)
			return RESET_ACTION_NONE;
		if (ev->reset.hold_ms >= policy->long_press_ms)
			return policy->long_press;
		return RESET_ACTION_SOFT;
	default:
		return RESET_ACTION_NONE;
	}
}
