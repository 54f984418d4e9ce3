// SPDX-License-Identifier: GPL-2.0-only
/*
 * The phone's A/B boot state as the daemon reads it (lib/update/
 * boot_state.h: as strict as the initramfs's shell, RAUC's recorded
 * version of a slot), the maintenance window, and the trial state machine
 * (lib/update/slot_trial.h) driven with an injected clock: an updated slot
 * is marked good once healthy, rebooted away from when its time runs out
 * (only with no call up), and an installed update is booted into only
 * when idle and inside the window.
 */
#include <errno.h>
#include <string.h>

#include "kselftest_harness.h"
#include "lib/update/boot_state.h"
#include "lib/update/slot_trial.h"

#define MIN (60ULL * 1000000ULL)

static int parse(const char *text, struct boot_state *st)
{
	return boot_state_parse(text, strlen(text), st);
}

TEST(boot_state_reads_what_the_selector_writes)
{
	struct boot_state st;

	ASSERT_EQ(0, parse("ORDER=b a\na_OK=1\na_TRY=3\nb_OK=2\nb_TRY=2\nFAILED=\n", &st));
	EXPECT_EQ(1, st.order[0]);
	EXPECT_EQ(0, st.order[1]);
	EXPECT_EQ(BOOT_SLOT_GOOD, st.state[0]);
	EXPECT_EQ(BOOT_SLOT_TRIAL, st.state[1]);
	EXPECT_EQ(2, st.tries[1]);
	EXPECT_EQ(-1, st.failed);
	EXPECT_EQ(1, boot_state_primary(&st));

	ASSERT_EQ(0, parse("ORDER=a b\na_OK=1\na_TRY=3\nb_OK=0\nb_TRY=0\nFAILED=b\n", &st));
	EXPECT_EQ(1, st.failed);
	EXPECT_EQ(0, boot_state_primary(&st));
	/* a trial slot with no tries left is not the next boot */
	ASSERT_EQ(0, parse("ORDER=b a\na_OK=1\na_TRY=3\nb_OK=2\nb_TRY=0\n", &st));
	EXPECT_EQ(0, boot_state_primary(&st));
}

TEST(boot_state_refuses_what_the_shell_calls_damaged)
{
	struct boot_state st = { .failed = 7 };

	EXPECT_EQ(-EINVAL, parse("ORDER=b c\na_OK=1\na_TRY=3\nb_OK=1\nb_TRY=3\n", &st));
	EXPECT_EQ(-EINVAL, parse("ORDER=a a\na_OK=1\na_TRY=3\nb_OK=1\nb_TRY=3\n", &st));
	EXPECT_EQ(-EINVAL, parse("ORDER=a b\na_OK=3\na_TRY=3\nb_OK=1\nb_TRY=3\n", &st));
	EXPECT_EQ(-EINVAL, parse("ORDER=a b\na_OK=1\na_TRY=12\nb_OK=1\nb_TRY=3\n", &st));
	EXPECT_EQ(-EINVAL, parse("ORDER=a b\na_OK=1\na_TRY=3\nb_OK=1\n", &st));
	EXPECT_EQ(-EINVAL, parse("ORDER=a b\na_OK=1\na_TRY=3\nb_OK=1\nb_TRY=3\nFAILED=c\n", &st));
	EXPECT_EQ(-EINVAL, parse("", &st));
	/* half a file: the rename never shows one, a bug might */
	EXPECT_EQ(-EINVAL, parse("ORDER=a b\na_OK=1\na_TR", &st));
	EXPECT_EQ(7, st.failed);	/* untouched */
}

TEST(rauc_record_gives_a_slots_version)
{
	static const char raucs[] =
		"[system]\nboot-count=2\n\n"
		"[slot.rootfs.1]\nbundle.compatible=ucphone-qemu\n"
		"bundle.version=1.0.522.101\nstatus=ok\n\n"
		"[slot.rootfs.0]\nstatus=ok\n";
	char v[32];

	ASSERT_EQ(0, rauc_status_slot_version(raucs, strlen(raucs), 1, v, sizeof(v)));
	EXPECT_STREQ("1.0.522.101", v);
	EXPECT_EQ(-ENOENT, rauc_status_slot_version(raucs, strlen(raucs), 0, v, sizeof(v)));
	EXPECT_EQ(-EINVAL, rauc_status_slot_version(raucs, strlen(raucs), 1, v, 5));
	EXPECT_EQ(-EINVAL, rauc_status_slot_version(
		"[slot.rootfs.0]\nbundle.version=1.0\x1b[2J\n", 40, 0, v, sizeof(v)));
}

TEST(maintenance_window)
{
	struct maint_window w;
	char buf[MAINT_WINDOW_STR_MAX];

	ASSERT_EQ(0, maint_window_parse("any", &w));
	EXPECT_TRUE(maint_window_contains(&w, 0));
	ASSERT_EQ(0, maint_window_parse("02:00-04:30", &w));
	EXPECT_FALSE(maint_window_contains(&w, 119));
	EXPECT_TRUE(maint_window_contains(&w, 120));
	EXPECT_TRUE(maint_window_contains(&w, 269));
	EXPECT_FALSE(maint_window_contains(&w, 270));
	maint_window_format(&w, buf, sizeof(buf));
	EXPECT_STREQ("02:00-04:30", buf);
	ASSERT_EQ(0, maint_window_parse("23:00-01:00", &w));
	EXPECT_TRUE(maint_window_contains(&w, 23 * 60 + 30));
	EXPECT_TRUE(maint_window_contains(&w, 30));
	EXPECT_FALSE(maint_window_contains(&w, 12 * 60));
	EXPECT_EQ(-EINVAL, maint_window_parse("24:00-01:00", &w));
	EXPECT_EQ(-EINVAL, maint_window_parse("02:00-02:00", &w));
	EXPECT_EQ(-EINVAL, maint_window_parse("2:00-4:00", &w));
	EXPECT_EQ(-EINVAL, maint_window_parse("02:00-04:00x", &w));
	EXPECT_EQ(-EINVAL, maint_window_parse("", &w));
}

TEST(trial_slot_marked_good_once_healthy)
{
	struct maint_window any = { .any = true };
	struct slot_trial t;
	struct slot_trial_input in = { .now_usec = 1000 };

	slot_trial_init(&t, 10 * MIN, &any, true, 1000);
	EXPECT_EQ(SLOT_TRIAL_WAITING, t.phase);
	in.now_usec += 3 * MIN;
	EXPECT_EQ(SLOT_TRIAL_NOTHING, slot_trial_step(&t, &in));
	EXPECT_EQ(7 * MIN, slot_trial_left_usec(&t, in.now_usec));
	in.healthy = true;
	EXPECT_EQ(SLOT_TRIAL_MARK_GOOD, slot_trial_step(&t, &in));
	/* while the command runs, nothing more */
	EXPECT_EQ(SLOT_TRIAL_NOTHING, slot_trial_step(&t, &in));
	/* it failed (RAUC's service not up yet): asked again */
	slot_trial_marked(&t, false);
	EXPECT_EQ(SLOT_TRIAL_MARK_GOOD, slot_trial_step(&t, &in));
	slot_trial_marked(&t, true);
	EXPECT_EQ(SLOT_TRIAL_CONFIRMED, t.phase);
	/* confirmed: the trial time running out no longer matters */
	in.now_usec += 60 * MIN;
	in.healthy = false;
	EXPECT_EQ(SLOT_TRIAL_NOTHING, slot_trial_step(&t, &in));
}

TEST(trial_expires_then_reboots_when_no_call)
{
	struct maint_window night;
	struct slot_trial t;
	struct slot_trial_input in = { .now_usec = 0, .minute_of_day = 12 * 60 };

	/* the window is for updates, not for leaving a slot that fails */
	ASSERT_EQ(0, maint_window_parse("02:00-04:00", &night));
	slot_trial_init(&t, 10 * MIN, &night, true, 0);
	in.now_usec = 10 * MIN - 1;
	EXPECT_EQ(SLOT_TRIAL_NOTHING, slot_trial_step(&t, &in));
	in.now_usec = 10 * MIN;
	in.busy = true;
	EXPECT_EQ(SLOT_TRIAL_NOTHING, slot_trial_step(&t, &in));
	EXPECT_EQ(SLOT_TRIAL_EXPIRED, t.phase);
	/* healthy after its time: too late, the slot already failed once */
	in.healthy = true;
	EXPECT_EQ(SLOT_TRIAL_NOTHING, slot_trial_step(&t, &in));
	in.busy = false;
	EXPECT_EQ(SLOT_TRIAL_REBOOT_EXPIRED, slot_trial_step(&t, &in));
	EXPECT_EQ(SLOT_TRIAL_NOTHING, slot_trial_step(&t, &in));
	slot_trial_reboot_failed(&t);
	EXPECT_EQ(SLOT_TRIAL_REBOOT_EXPIRED, slot_trial_step(&t, &in));
}

TEST(update_booted_into_only_idle_and_inside_the_window)
{
	struct maint_window night;
	struct slot_trial t;
	struct slot_trial_input in = { .minute_of_day = 12 * 60,
				       .update_waiting = true };

	ASSERT_EQ(0, maint_window_parse("02:00-04:00", &night));
	slot_trial_init(&t, 10 * MIN, &night, false, 0);
	EXPECT_EQ(SLOT_TRIAL_NOTHING, slot_trial_step(&t, &in));	/* noon */
	in.minute_of_day = 3 * 60;
	in.busy = true;
	EXPECT_EQ(SLOT_TRIAL_NOTHING, slot_trial_step(&t, &in));	/* a call */
	in.busy = false;
	EXPECT_EQ(SLOT_TRIAL_REBOOT_UPDATE, slot_trial_step(&t, &in));
	EXPECT_EQ(SLOT_TRIAL_NOTHING, slot_trial_step(&t, &in));	/* once */

	/* an update installed while this slot is still on trial waits */
	slot_trial_init(&t, 10 * MIN, &night, true, 0);
	in.now_usec = MIN;
	EXPECT_EQ(SLOT_TRIAL_NOTHING, slot_trial_step(&t, &in));
	/* no update: nothing */
	slot_trial_init(&t, 10 * MIN, &night, false, 0);
	in.update_waiting = false;
	EXPECT_EQ(SLOT_TRIAL_NOTHING, slot_trial_step(&t, &in));
}

TEST_HARNESS_MAIN
