// SPDX-License-Identifier: GPL-2.0-only
/*
 * The screen's state machine (userspace/ui/model.c) and its views: boot
 * progress, the reset window, the calibration screen after a hard reset,
 * multi-tap sign-in with a masked password, idle, dialling, calls, the
 * certificate error's exact text. The clock is injected.
 */
#include <errno.h>
#include <string.h>

#include <json-c/json.h>
#include <linux/input-event-codes.h>

#include "kselftest_harness.h"
#include "ui/feed.h"
#include "ui/model.h"
#include "ui/reset_watch.h"
#include "ui/view.h"

#define SEC 1000000ULL

static void status_json(struct ui_model *m, const char *json, uint64_t now)
{
	struct json_object *o = json_tokener_parse(json);
	struct ui_status st;

	ui_feed_status(o, &st);
	ui_model_status(m, &st, now);
	json_object_put(o);
}

static void event_json(struct ui_model *m, const char *json, uint64_t now)
{
	struct json_object *o = json_tokener_parse(json);

	ui_feed_event(m, o, true, now);
	json_object_put(o);
}

static void keys(struct ui_model *m, const char *seq, uint64_t *now)
{
	for (; *seq; seq++) {
		if (*seq == ' ') {
			*now += 2 * SEC;	/* a pause: the pending letter stays */
			ui_model_tick(m, *now, 0, false);
			continue;
		}
		*now += 100000;
		ui_model_key(m, *seq == 'K' ? UI_KEY_OK : (enum ui_key)*seq, *now);
	}
}

#define REGISTERED \
	"{\"identity\":{\"signed_in\":true,\"address\":\"alice@corp.test\"}," \
	"\"dhcp\":{\"address\":\"192.0.2.10\"},\"time\":{\"synchronised\":true}," \
	"\"trust\":{\"state\":\"done\"},\"sip\":{\"state\":\"registered\"," \
	"\"status_text\":\"Registered\"}}"

TEST(boot_bar_advances_by_stage)
{
	struct ui_model m;
	unsigned int last = 0;
	static const char *const stages[] = {
		"{\"identity\":{\"signed_in\":true},\"sip\":{\"state\":\"idle\"}}",
		"{\"identity\":{\"signed_in\":true},\"dhcp\":{\"address\":\"192.0.2.10\"},\"sip\":{}}",
		"{\"identity\":{\"signed_in\":true},\"dhcp\":{\"address\":\"192.0.2.10\"},"
		"\"time\":{\"synchronised\":true},\"sip\":{}}",
		"{\"identity\":{\"signed_in\":true},\"dhcp\":{\"address\":\"192.0.2.10\"},"
		"\"time\":{\"synchronised\":true},\"trust\":{\"state\":\"done\"},\"sip\":{}}",
	};
	struct ui_view v;

	ui_model_init(&m, 0);
	ASSERT_EQ(UI_SCREEN_BOOT, m.screen);
	EXPECT_EQ(0, ui_model_boot_permille(&m));
	ui_model_daemon(&m, true, SEC);
	for (size_t i = 0; i < 4; i++) {
		status_json(&m, stages[i], SEC * (i + 2));
		EXPECT_EQ(UI_SCREEN_BOOT, m.screen);
		EXPECT_LT(last, ui_model_boot_permille(&m));
		last = ui_model_boot_permille(&m);
	}
	ui_view_build(&m, &v);
	EXPECT_STREQ("Signing in", v.line[0].text);
	EXPECT_EQ(800, v.progress);
	status_json(&m, REGISTERED, 10 * SEC);
	EXPECT_EQ(1000, ui_model_boot_permille(&m));
	EXPECT_EQ(UI_SCREEN_IDLE, m.screen);
	ui_view_build(&m, &v);
	EXPECT_STREQ("alice@corp.test", v.heading);
	EXPECT_STREQ("Registered", v.line[0].text);
	EXPECT_EQ(-1, v.progress);
}

TEST(reset_window_fills_bar_then_hard_reset_then_calibration)
{
	struct ui_model m;
	struct ui_view v;

	ui_model_init(&m, 0);
	ui_model_reset_held(&m, 5000, 0, 0);
	ui_model_tick(&m, 2500000, 0, false);
	EXPECT_EQ(500, ui_model_boot_permille(&m));
	ui_model_tick(&m, 6 * SEC, 0, false);
	EXPECT_EQ(1000, ui_model_boot_permille(&m));
	/* the daemon decided: hard reset; it restarts, then comes back */
	event_json(&m, "{\"event\":\"reset-button\",\"reset\":\"hard\","
		   "\"hold_ms\":5000,\"at_power_on\":true}", 6 * SEC);
	EXPECT_EQ(UI_SCREEN_HARD_RESET, m.screen);
	ui_model_daemon(&m, false, 7 * SEC);
	EXPECT_EQ(UI_SCREEN_HARD_RESET, m.screen);
	ui_model_daemon(&m, true, 30 * SEC);
	EXPECT_EQ(UI_SCREEN_CALIBRATION, m.screen);
	ui_view_build(&m, &v);
	EXPECT_TRUE(v.white);
	EXPECT_TRUE(v.cross);
	status_json(&m, "{\"identity\":{\"signed_in\":false},\"sip\":{\"state\":\"idle\"}}",
		    31 * SEC);
	EXPECT_EQ(UI_SCREEN_CALIBRATION, m.screen);
	ui_model_key(&m, UI_KEY_OK, 32 * SEC);
	EXPECT_EQ(UI_SCREEN_SIGNIN, m.screen);
}

TEST(reset_released_early_is_a_normal_boot)
{
	struct ui_model m;

	ui_model_init(&m, 0);
	ui_model_reset_held(&m, 5000, 0, 0);
	ui_model_tick(&m, 2 * SEC, 0, false);
	EXPECT_EQ(400, ui_model_boot_permille(&m));
	event_json(&m, "{\"event\":\"reset-button\",\"reset\":\"soft\","
		   "\"hold_ms\":2000,\"at_power_on\":true}", 2 * SEC);
	EXPECT_FALSE(m.reset_held);
	EXPECT_FALSE(m.hard_reset);
	EXPECT_EQ(UI_SCREEN_BOOT, m.screen);
	EXPECT_EQ(0, ui_model_boot_permille(&m));
}

TEST(multitap_signin_masked_password)
{
	struct ui_model m;
	char a[256], u[256], p[256];
	uint64_t now = SEC;
	struct ui_view v;

	ui_model_init(&m, 0);
	ui_model_daemon(&m, true, now);
	status_json(&m, "{\"identity\":{\"signed_in\":false},\"sip\":{\"state\":\"idle\"}}", now);
	ASSERT_EQ(UI_SCREEN_SIGNIN, m.screen);
	/* a l i c e @ c o r p . t e s t */
	keys(&m, "2555444222 33 11 222 666 777 7 1 8 33 7777 8#", &now);
	EXPECT_STREQ("alice@corp.test", m.entry[UI_SIGNIN_ADDRESS].text);
	EXPECT_EQ(UI_SIGNIN_USER, m.field);
	/* Menu: upper case; C O R P, then \ , lower case a l i c e */
	ui_model_key(&m, UI_KEY_MENU, now);
	keys(&m, "222 666 777 7 ", &now);
	ui_model_key(&m, UI_KEY_MENU, now);
	keys(&m, "11111 2555444222 33#", &now);
	EXPECT_STREQ("CORP\\alice", m.entry[UI_SIGNIN_USER].text);
	/* the password: "pw1*" typed then deleted to "pw" */
	keys(&m, "7 9 1", &now);
	ui_view_build(&m, &v);
	EXPECT_STREQ("Password **.", v.line[2].text);	/* the choosing char shows */
	ui_model_tick(&m, now + 2 * SEC, 0, false);
	now += 2 * SEC;
	ui_view_build(&m, &v);
	EXPECT_STREQ("Password ***_", v.line[2].text);
	keys(&m, "*", &now);
	EXPECT_FALSE(ui_model_take_signin(&m, a, u, p, sizeof(p)));
	keys(&m, "K", &now);
	ASSERT_TRUE(ui_model_take_signin(&m, a, u, p, sizeof(p)));
	EXPECT_STREQ("alice@corp.test", a);
	EXPECT_STREQ("CORP\\alice", u);
	EXPECT_STREQ("pw", p);
	EXPECT_FALSE(ui_model_take_signin(&m, a, u, p, sizeof(p)));
	/* refused: the password is gone, the rest stays */
	ui_model_signin_result(&m, "Wrong password", now);
	EXPECT_EQ(0, m.entry[UI_SIGNIN_PASSWORD].len);
	EXPECT_STREQ("CORP\\alice", m.entry[UI_SIGNIN_USER].text);
	ui_view_build(&m, &v);
	EXPECT_STREQ("Wrong password", v.line[3].text);
	EXPECT_EQ(UI_LINE_ERROR, v.line[3].style);
}

TEST(certificate_error_text_is_the_seeds)
{
	struct ui_model m;
	struct ui_view v;

	ui_model_init(&m, 0);
	ui_model_daemon(&m, true, SEC);
	status_json(&m, "{\"identity\":{\"signed_in\":true,\"address\":\"alice@corp.test\"},"
		    "\"sip\":{\"state\":\"failed\",\"status_text\":"
		    "\"Cannot validate server certificate (sip.corp.test: expired)\"}}", SEC);
	EXPECT_EQ(UI_SCREEN_ERROR, m.screen);
	ui_view_build(&m, &v);
	EXPECT_STREQ("Cannot validate server certificate", v.line[0].text);
	EXPECT_STREQ("(sip.corp.test: expired)", v.line[1].text);
}

TEST(dial_and_calls)
{
	struct ui_model m;
	struct ui_view v;

	ui_model_init(&m, 0);
	ui_model_daemon(&m, true, SEC);
	status_json(&m, REGISTERED, SEC);
	event_json(&m, "{\"event\":\"hook\",\"hook\":\"off\"}", 2 * SEC);
	EXPECT_EQ(UI_SCREEN_DIALLING, m.screen);
	event_json(&m, "{\"event\":\"key\",\"code\":3,\"pressed\":true}", 2 * SEC);
	event_json(&m, "{\"event\":\"key\",\"code\":3,\"pressed\":false}", 2 * SEC);
	event_json(&m, "{\"event\":\"key\",\"code\":11,\"pressed\":true}", 2 * SEC);
	ui_view_build(&m, &v);
	EXPECT_STREQ("20_", v.line[0].text);
	event_json(&m, "{\"event\":\"call\",\"call\":{\"state\":\"calling\",\"calls\":[{\"state\":\"ringing-out\",\"far_end\":\"sip:bob@corp.test\"}]}}",
		   3 * SEC);
	EXPECT_EQ(UI_SCREEN_IN_CALL, m.screen);
	event_json(&m, "{\"event\":\"call\",\"call\":{\"calls\":[{\"state\":\"connected\",\"far_end\":\"Bob\","
		   "\"codec\":\"PCMU\",\"srtp\":true}]}}", 4 * SEC);
	ui_model_tick(&m, 65 * SEC, 0, false);
	ui_view_build(&m, &v);
	EXPECT_STREQ("In call", v.heading);
	EXPECT_STREQ("Bob", v.line[0].text);
	EXPECT_STREQ("00:01:01", v.line[1].text);
	EXPECT_STREQ("PCMU, encrypted (SRTP)", v.line[2].text);
	EXPECT_TRUE(v.lock);
	event_json(&m, "{\"event\":\"call\",\"call\":{\"state\":\"idle\",\"calls\":[]}}", 70 * SEC);
	EXPECT_EQ(UI_SCREEN_IDLE, m.screen);
	/* a call nobody answered: counted, shown on idle */
	event_json(&m, "{\"event\":\"call\",\"call\":{\"calls\":[{\"state\":\"ringing-in\",\"far_end\":\"sip:carol@corp.test\"}]}}",
		   80 * SEC);
	EXPECT_EQ(UI_SCREEN_INCOMING, m.screen);
	ui_view_build(&m, &v);
	EXPECT_STREQ("sip:carol@corp.test", v.line[0].text);
	EXPECT_STREQ("Answer", v.softkey[0]);
	event_json(&m, "{\"event\":\"call\",\"call\":{\"state\":\"idle\",\"calls\":[]}}", 90 * SEC);
	ui_view_build(&m, &v);
	EXPECT_EQ(UI_SCREEN_IDLE, v.screen);
	EXPECT_STREQ("1 missed call", v.line[1].text);
	/* unknown call states and odd JSON change nothing */
	event_json(&m, "{\"event\":\"call\",\"call\":{\"calls\":[{\"state\":\"exploded\"}]}}", 91 * SEC);
	event_json(&m, "{\"event\":\"call\",\"call\":{\"calls\":7}}", 91 * SEC);
	event_json(&m, "[1,2]", 91 * SEC);
	EXPECT_EQ(UI_SCREEN_IDLE, m.screen);
}

#define UPDATE_EV(body) "{\"event\":\"update\"," body "}"

/*
 * The daemon's update events on the screen: checking (instead of idle
 * only), the download's percent on the bar, installing, the restart into
 * it (over sign-in too, never over a call), and a failure after the download
 * began shown for 30 s or until a key; a failed daily check shows nothing.
 */
TEST(update_progress_screens)
{
	struct ui_model m;
	struct ui_view v;
	uint64_t now = SEC;

	ui_model_init(&m, 0);
	ui_model_daemon(&m, true, SEC);
	status_json(&m, REGISTERED, SEC);
	/* a check that cannot even start: nothing on the screen */
	event_json(&m, UPDATE_EV("\"state\":\"failed\",\"last_error\":\"no update server\""),
		   2 * SEC);
	EXPECT_EQ(UI_SCREEN_IDLE, m.screen);
	event_json(&m, UPDATE_EV("\"state\":\"checking\",\"last_error\":\"\""), 3 * SEC);
	ui_view_build(&m, &v);
	EXPECT_EQ(UI_SCREEN_UPDATE, v.screen);
	EXPECT_STREQ("Software update", v.heading);
	EXPECT_STREQ("Checking for updates", v.line[0].text);
	EXPECT_EQ(-1, v.progress);
	/* up to date: back to idle */
	event_json(&m, UPDATE_EV("\"state\":\"up-to-date\""), 4 * SEC);
	EXPECT_EQ(UI_SCREEN_IDLE, m.screen);
	/* a check failing before any download: idle stays */
	event_json(&m, UPDATE_EV("\"state\":\"checking\""), 5 * SEC);
	event_json(&m, UPDATE_EV("\"state\":\"failed\",\"last_error\":\"check answered HTTP 404\""),
		   6 * SEC);
	EXPECT_EQ(UI_SCREEN_IDLE, m.screen);

	event_json(&m, UPDATE_EV("\"state\":\"downloading\",\"offered\":\"3.5.6907.35\","
				 "\"bytes\":0,\"speed_bps\":0"), 7 * SEC);
	ui_view_build(&m, &v);
	EXPECT_EQ(UI_SCREEN_UPDATE, v.screen);
	EXPECT_STREQ("Downloading update", v.line[0].text);
	EXPECT_STREQ("Version 3.5.6907.35", v.line[1].text);
	event_json(&m, UPDATE_EV("\"state\":\"downloading\",\"offered\":\"3.5.6907.35\","
				 "\"bytes\":420,\"total\":1000,\"percent\":42"), 8 * SEC);
	ui_view_build(&m, &v);
	EXPECT_STREQ("Downloading update 42 %", v.line[0].text);
	EXPECT_EQ(420, v.progress);
	/* a call takes the screen from the download, and gives it back */
	event_json(&m, "{\"event\":\"call\",\"call\":{\"calls\":[{\"state\":\"ringing-in\",\"far_end\":\"Bob\"}]}}",
		   9 * SEC);
	EXPECT_EQ(UI_SCREEN_INCOMING, m.screen);
	event_json(&m, "{\"event\":\"call\",\"call\":{\"calls\":[]}}", 10 * SEC);
	EXPECT_EQ(UI_SCREEN_UPDATE, m.screen);
	/* the status says the same as the events: nothing moves */
	status_json(&m, "{\"identity\":{\"signed_in\":true,\"address\":\"alice@corp.test\"},"
		    "\"sip\":{\"state\":\"registered\"},\"update\":{\"state\":\"downloading\","
		    "\"offered\":\"3.5.6907.35\",\"percent\":43}}", 10 * SEC);
	ui_view_build(&m, &v);
	EXPECT_STREQ("Downloading update 43 %", v.line[0].text);
	event_json(&m, UPDATE_EV("\"state\":\"verifying\",\"offered\":\"3.5.6907.35\","
				 "\"percent\":100"), 11 * SEC);
	ui_view_build(&m, &v);
	EXPECT_STREQ("Installing update", v.line[0].text);
	EXPECT_EQ(-1, v.progress);
	event_json(&m, UPDATE_EV("\"state\":\"installing\",\"offered\":\"3.5.6907.35\""), 12 * SEC);
	ui_view_build(&m, &v);
	EXPECT_STREQ("Installing update", v.line[0].text);
	EXPECT_STREQ("Version 3.5.6907.35", v.line[1].text);
	/* the installer failed: the reason, until a key */
	event_json(&m, UPDATE_EV("\"state\":\"failed\",\"offered\":\"3.5.6907.35\","
				 "\"last_error\":\"installer exited 1\""), 13 * SEC);
	ui_view_build(&m, &v);
	EXPECT_EQ(UI_SCREEN_UPDATE, v.screen);
	EXPECT_STREQ("Update failed: installer exited 1", v.line[0].text);
	EXPECT_EQ(UI_LINE_ERROR, v.line[0].style);
	now = 14 * SEC;
	keys(&m, "K", &now);
	EXPECT_EQ(UI_SCREEN_IDLE, m.screen);
	/* a long reason is broken between words over three lines */
	event_json(&m, UPDATE_EV("\"state\":\"downloading\""), 20 * SEC);
	event_json(&m, UPDATE_EV("\"state\":\"refused\",\"last_error\":\"CPE.cat: "
				 "the signature does not verify against the vendor root\""),
		   21 * SEC);
	ui_view_build(&m, &v);
	EXPECT_STREQ("Update failed: CPE.cat: the", v.line[0].text);
	EXPECT_STREQ("signature does not verify against", v.line[1].text);
	EXPECT_STREQ("the vendor root", v.line[2].text);
	/* ... and goes by itself after 30 s */
	ui_model_tick(&m, 21 * SEC + UI_UPDATE_NOTICE_USEC - 1, 0, false);
	EXPECT_EQ(UI_SCREEN_UPDATE, m.screen);
	ui_model_tick(&m, 21 * SEC + UI_UPDATE_NOTICE_USEC, 0, false);
	EXPECT_EQ(UI_SCREEN_IDLE, m.screen);
	/* a dial key on the failure both puts it away and dials */
	event_json(&m, UPDATE_EV("\"state\":\"downloading\""), 60 * SEC);
	event_json(&m, UPDATE_EV("\"state\":\"failed\",\"last_error\":\"x\""), 61 * SEC);
	now = 62 * SEC;
	keys(&m, "2", &now);
	EXPECT_EQ(UI_SCREEN_DIALLING, m.screen);
	ui_model_key(&m, UI_KEY_ON_HOOK, 63 * SEC);
	EXPECT_EQ(UI_SCREEN_IDLE, m.screen);

	/* installed: the restart shows when the slot watcher reboots */
	event_json(&m, UPDATE_EV("\"state\":\"installed\",\"pending_restart\":\"3.5.6907.35\","
				 "\"percent\":100"), 70 * SEC);
	EXPECT_EQ(UI_SCREEN_IDLE, m.screen);
	status_json(&m, "{\"identity\":{\"signed_in\":false},\"sip\":{\"state\":\"idle\"},"
		    "\"update\":{\"state\":\"installed\",\"pending_restart\":\"3.5.6907.35\"},"
		    "\"software\":{\"reboot_pending\":\"rebooting now\"}}", 71 * SEC);
	ui_view_build(&m, &v);
	EXPECT_EQ(UI_SCREEN_UPDATE, v.screen);
	EXPECT_STREQ("Restarting to finish the update", v.line[0].text);
	EXPECT_STREQ("Version 3.5.6907.35", v.line[1].text);
	/* the daemon gone (rebooting): the boot screen, nothing of the update */
	ui_model_daemon(&m, false, 72 * SEC);
	EXPECT_EQ(UI_SCREEN_BOOT, m.screen);
	EXPECT_EQ(UI_UPDATE_NONE, m.update.state);
	/* odd update events change nothing */
	ui_model_daemon(&m, true, 80 * SEC);
	status_json(&m, REGISTERED, 80 * SEC);
	event_json(&m, UPDATE_EV("\"state\":7"), 81 * SEC);
	event_json(&m, UPDATE_EV("\"state\":\"downloading\",\"percent\":\"lots\""), 81 * SEC);
	ui_view_build(&m, &v);
	EXPECT_STREQ("Downloading update", v.line[0].text);
	event_json(&m, UPDATE_EV("\"state\":\"exploded\""), 82 * SEC);
	EXPECT_EQ(UI_SCREEN_IDLE, m.screen);
}

TEST(daemon_lost_shows_boot_and_diff_finds_parts)
{
	struct ui_model m;
	struct ui_view a, b;

	ui_model_init(&m, 0);
	ui_model_daemon(&m, true, SEC);
	status_json(&m, REGISTERED, SEC);
	ui_model_tick(&m, 2 * SEC, 12 * 3600 + 34 * 60, true);
	ui_view_build(&m, &a);
	EXPECT_STREQ("12:34", a.clock);
	ui_model_tick(&m, 3 * SEC, 12 * 3600 + 35 * 60, true);
	ui_view_build(&m, &b);
	EXPECT_EQ(UI_PART_TITLE, ui_view_diff(&a, &b));
	EXPECT_EQ(0, ui_view_diff(&b, &b));
	ui_model_daemon(&m, false, 4 * SEC);
	ui_view_build(&m, &a);
	/* the daemon restarting (a soft reset): the phone starts again */
	EXPECT_EQ(UI_PART_ALL, ui_view_diff(&b, &a));
	EXPECT_EQ(UI_SCREEN_BOOT, m.screen);
	EXPECT_STREQ("Starting", a.line[0].text);
	EXPECT_STREQ("ucphone", a.title);
}

TEST(keycodes_of_the_keypad)
{
	EXPECT_EQ('1', ui_feed_keycode(KEY_1));
	EXPECT_EQ('0', ui_feed_keycode(KEY_0));
	EXPECT_EQ('*', ui_feed_keycode(KEY_NUMERIC_STAR));
	EXPECT_EQ('#', ui_feed_keycode(KEY_NUMERIC_POUND));
	EXPECT_EQ(UI_KEY_OK, ui_feed_keycode(KEY_OK));
	EXPECT_EQ(UI_KEY_OFF_HOOK, ui_feed_keycode(KEY_PICKUP_PHONE));
	EXPECT_EQ(UI_KEY_NONE, ui_feed_keycode(KEY_A));
}

TEST(reset_window_from_sysfs)
{
	static const char *const bad[] = {
		"", "\n", "held", "held 1", "held 1 ", "held x 5000", "held 1 5000 7",
		"held -1 5000", "held 99999999999 5000", "soft", "none!", "hard\0",
	};
	struct ui_hold_state st, last = { .hold = UI_HOLD_NONE };
	struct ui_model m;

	ASSERT_EQ(0, ui_hold_parse("held 1250 5000\n", 15, &st));
	EXPECT_EQ(UI_HOLD_HELD, st.hold);
	EXPECT_EQ(1250, st.elapsed_ms);
	EXPECT_EQ(5000, st.window_ms);
	ASSERT_EQ(0, ui_hold_parse("hard\n", 5, &st));
	EXPECT_EQ(UI_HOLD_HARD, st.hold);
	ASSERT_EQ(0, ui_hold_parse("none\n", 5, &st));
	EXPECT_EQ(UI_HOLD_NONE, st.hold);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		/* the last one carries its NUL into the attribute's text */
		EXPECT_EQ(-EINVAL, ui_hold_parse(bad[i], strlen(bad[i]) +
						 (i == 11 ? 1 : 0), &st)) {
			TH_LOG("accepted \"%s\"", bad[i]);
		}
	}

	/* the UI started 1.25 s into the window: the bar starts at 25 % */
	ui_model_init(&m, 10 * SEC);
	ui_hold_parse("held 1250 5000", 14, &st);
	ui_hold_feed(&m, &last, &st, 10 * SEC);
	EXPECT_EQ(UI_SCREEN_BOOT, m.screen);
	EXPECT_EQ(250, ui_model_boot_permille(&m));
	ui_hold_parse("held 3750 5000", 14, &st);
	ui_hold_feed(&m, &last, &st, 12500000);
	EXPECT_EQ(750, ui_model_boot_permille(&m));
	/* the kernel sent the hard reset: once, whatever the readings after */
	ui_hold_parse("hard", 4, &st);
	ui_hold_feed(&m, &last, &st, 14 * SEC);
	EXPECT_EQ(UI_SCREEN_HARD_RESET, m.screen);
	ui_model_daemon(&m, true, 20 * SEC);
	EXPECT_EQ(UI_SCREEN_CALIBRATION, m.screen);
	ui_hold_feed(&m, &last, &st, 21 * SEC);
	EXPECT_EQ(UI_SCREEN_CALIBRATION, m.screen);

	/* released before the bar was full: a normal start */
	last.hold = UI_HOLD_NONE;
	ui_model_init(&m, 0);
	ui_hold_parse("held 2000 5000", 14, &st);
	ui_hold_feed(&m, &last, &st, 2 * SEC);
	EXPECT_TRUE(m.reset_held);
	ui_hold_parse("none", 4, &st);
	ui_hold_feed(&m, &last, &st, 3 * SEC);
	EXPECT_FALSE(m.reset_held);
	EXPECT_FALSE(m.hard_reset);
	EXPECT_EQ(UI_SCREEN_BOOT, m.screen);
}

TEST_HARNESS_MAIN
