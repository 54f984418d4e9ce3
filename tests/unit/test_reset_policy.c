// SPDX-License-Identifier: GPL-2.0-only
/*
 * What a reset button press makes the phone do (userspace/daemon/
 * reset_policy.c): the phone's rules and the configurable long press.
 */
#include <errno.h>
#include <string.h>

#include "core/reset_policy.h"
#include "kselftest_harness.h"

static struct ucphone_event press(uint32_t kind, uint32_t hold_ms,
				  bool at_power_on)
{
	struct ucphone_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.type = UCPHONE_EVENT_RESET_BUTTON;
	ev.reset.kind = kind;
	ev.reset.hold_ms = hold_ms;
	ev.reset.at_power_on = at_power_on;
	strcpy(ev.driver, RESET_DRIVER_NAME);
	return ev;
}

TEST(phone_rules_with_default_policy)
{
	struct reset_policy p = { RESET_DEFAULT_LONG_PRESS_MS, RESET_ACTION_SOFT };
	struct ucphone_event ev;

	ev = press(UCPHONE_RESET_SOFT, 150, false);
	EXPECT_EQ(RESET_ACTION_SOFT, reset_decide(&p, &ev));
	ev = press(UCPHONE_RESET_HARD, 5000, true);
	EXPECT_EQ(RESET_ACTION_HARD, reset_decide(&p, &ev));
	/* Released before boot progress completed: we have just started. */
	ev = press(UCPHONE_RESET_SOFT, 800, true);
	EXPECT_EQ(RESET_ACTION_NONE, reset_decide(&p, &ev));
	/* A long press while running is not a hard reset by default. */
	ev = press(UCPHONE_RESET_SOFT, 60000, false);
	EXPECT_EQ(RESET_ACTION_SOFT, reset_decide(&p, &ev));
	/* Nobody but the reset button's driver may ask for a reset. */
	ev = press(UCPHONE_RESET_HARD, 5000, true);
	strcpy(ev.driver, "ucphone-test-source");
	EXPECT_EQ(RESET_ACTION_NONE, reset_decide(&p, &ev));
	ev = press(UCPHONE_RESET_UNSPEC, 100, false);
	EXPECT_EQ(RESET_ACTION_NONE, reset_decide(&p, &ev));
	ev.type = UCPHONE_EVENT_KEY;
	EXPECT_EQ(RESET_ACTION_NONE, reset_decide(&p, &ev));
}

TEST(long_press_policy)
{
	struct reset_policy p = { 3000, RESET_ACTION_HARD };
	struct ucphone_event ev;

	ev = press(UCPHONE_RESET_SOFT, 2999, false);
	EXPECT_EQ(RESET_ACTION_SOFT, reset_decide(&p, &ev));
	ev = press(UCPHONE_RESET_SOFT, 3000, false);
	EXPECT_EQ(RESET_ACTION_HARD, reset_decide(&p, &ev));
	/* At power-on the kernel's own rule stands, whatever the policy. */
	ev = press(UCPHONE_RESET_SOFT, 4000, true);
	EXPECT_EQ(RESET_ACTION_NONE, reset_decide(&p, &ev));
	p.long_press = RESET_ACTION_NONE;
	ev = press(UCPHONE_RESET_SOFT, 3000, false);
	EXPECT_EQ(RESET_ACTION_NONE, reset_decide(&p, &ev));
}

TEST(policy_names)
{
	enum reset_action a = RESET_ACTION_SOFT;

	EXPECT_EQ(0, reset_parse_action("hard", &a));
	EXPECT_EQ(RESET_ACTION_HARD, a);
	EXPECT_EQ(0, reset_parse_action("ignore", &a));
	EXPECT_EQ(RESET_ACTION_NONE, a);
	EXPECT_EQ(-EINVAL, reset_parse_action("Hard", &a));
	EXPECT_EQ(-EINVAL, reset_parse_action("", &a));
	EXPECT_EQ(RESET_ACTION_NONE, a);
	EXPECT_STREQ("soft", reset_action_name(RESET_ACTION_SOFT));
}

TEST_HARNESS_MAIN
