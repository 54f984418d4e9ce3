// SPDX-License-Identifier: GPL-2.0-only
/*
 * The screen's lists and call prompts (userspace/ui/lists.c, feed_lists.c,
 * model.c, view.c): contacts, call log and voice mail scrolled with the
 * arrows or the volume keys, OK dialling the entry, the dialled digits'
 * matches, the idle indicators from the daemon's real status, call waiting,
 * hold, transfer and a two-party conference. The clock is injected.
 */
#include <string.h>

#include <json-c/json.h>
#include <linux/input-event-codes.h>

#include "kselftest_harness.h"
#include "ui/feed.h"
#include "ui/feed_lists.h"
#include "ui/model.h"
#include "ui/view.h"

#define SEC 1000000ULL

#define REGISTERED \
	"{\"identity\":{\"signed_in\":true,\"address\":\"alice@corp.test\"}," \
	"\"dhcp\":{\"address\":\"192.0.2.10\"},\"time\":{\"synchronised\":true}," \
	"\"trust\":{\"state\":\"done\"},\"sip\":{\"state\":\"registered\"," \
	"\"status_text\":\"Registered\"}}"

#define CONTACTS \
	"{\"total\":4,\"contacts\":[" \
	"{\"name\":\"Alice Smith\",\"sip\":\"sip:alice@corp.test\",\"work\":\"+1 555 0101\"}," \
	"{\"name\":\"Bob Jones\",\"sip\":\"sip:2001@corp.test\",\"work\":\"2001\"}," \
	"{\"name\":\"Carol\\u0007White\",\"sip\":\"sip:2002@corp.test\"}," \
	"{\"company\":\"no name, no number\"}," \
	"{\"name\":\"Dave Brown\",\"mobile\":\"+1 555 0199\"}]}"

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

/* What ucphone_ui.c does with the daemon's reply to a list request. */
static void reply(struct ui_model *m, enum ui_list_kind kind, const char *json,
		  uint64_t now)
{
	struct json_object *o = json_tokener_parse(json);
	static struct ui_list l;

	if (ui_feed_list(kind, o, &l))
		ui_model_list_result(m, kind, &l, NULL, now);
	else
		ui_model_list_result(m, kind, NULL, "bad list", now);
	json_object_put(o);
}

static void registered(struct ui_model *m)
{
	ui_model_init(m, 0);
	ui_model_daemon(m, true, SEC);
	status_json(m, REGISTERED, SEC);
}

TEST(contacts_scroll_and_dial)
{
	static struct ui_model m;
	struct ui_view v;
	char target[128];

	registered(&m);
	ui_model_key(&m, UI_KEY_DIRECTORY, 2 * SEC);
	ASSERT_EQ(UI_SCREEN_LIST, m.screen);
	EXPECT_EQ(UI_LIST_CONTACTS, ui_model_take_fetch(&m));
	EXPECT_EQ(UI_LIST_NONE, ui_model_take_fetch(&m));
	ui_view_build(&m, &v);
	EXPECT_STREQ("Loading...", v.line[0].text);
	reply(&m, UI_LIST_CONTACTS, CONTACTS, 2 * SEC);
	ui_view_build(&m, &v);
	EXPECT_STREQ("Contacts  1/4", v.heading);
	EXPECT_EQ(UI_LINE_SELECTED, v.line[0].style);
	EXPECT_STREQ("Alice Smith", v.line[0].text);
	EXPECT_STREQ("+1 555 0101", v.line[0].right);
	/* a control character is shown as '?'; the empty contact left out */
	EXPECT_STREQ("Carol?White", v.line[2].text);
	EXPECT_STREQ("Dave Brown", v.line[3].text);
	/* the volume keys (the CX700 keypad has no arrows) and the arrows */
	ui_model_key(&m, UI_KEY_VOLUME_DOWN, 3 * SEC);
	ui_model_key(&m, UI_KEY_DOWN, 3 * SEC);
	ui_model_key(&m, UI_KEY_DOWN, 3 * SEC);
	ui_model_key(&m, UI_KEY_DOWN, 3 * SEC);	/* the last stays chosen */
	ui_view_build(&m, &v);
	EXPECT_STREQ("Contacts  4/4", v.heading);
	EXPECT_EQ(UI_LINE_SELECTED, v.line[3].style);
	ui_model_key(&m, UI_KEY_UP, 4 * SEC);
	ui_model_key(&m, UI_KEY_VOLUME_UP, 4 * SEC);
	EXPECT_FALSE(ui_model_take_dial(&m, target, sizeof(target)));
	ui_model_key(&m, UI_KEY_OK, 5 * SEC);
	ASSERT_TRUE(ui_model_take_dial(&m, target, sizeof(target)));
	EXPECT_STREQ("sip:2001@corp.test", target);
	EXPECT_FALSE(ui_model_take_dial(&m, target, sizeof(target)));
	EXPECT_EQ(UI_SCREEN_IDLE, m.screen);
	/* a contact with only a mobile number dials that */
	ui_model_key(&m, UI_KEY_DIRECTORY, 6 * SEC);
	for (int i = 0; i < 3; i++)
		ui_model_key(&m, UI_KEY_DOWN, 6 * SEC);
	ui_model_key(&m, UI_KEY_OK, 6 * SEC);
	ASSERT_TRUE(ui_model_take_dial(&m, target, sizeof(target)));
	EXPECT_STREQ("+1 555 0199", target);
}

TEST(directory_steps_through_lists_and_times_out)
{
	static struct ui_model m;
	struct ui_view v;

	registered(&m);
	ui_model_key(&m, UI_KEY_DIRECTORY, 2 * SEC);
	ui_model_key(&m, UI_KEY_DIRECTORY, 2 * SEC);
	EXPECT_EQ(UI_LIST_CALLLOG, m.list);
	reply(&m, UI_LIST_CALLLOG,
	      "{\"missed\":1,\"calls\":[{\"start\":0,\"duration_s\":0,\"kind\":\"missed\","
	      "\"name\":\"\",\"uri\":\"sip:2002@corp.test\"},{\"kind\":\"placed\"}]}", 2 * SEC);
	ui_view_build(&m, &v);
	EXPECT_STREQ("Call log  1/1", v.heading);
	EXPECT_STREQ("2002@corp.test", v.line[0].text);
	EXPECT_STREQ("missed", v.line[0].right);
	ui_model_key(&m, UI_KEY_DIRECTORY, 3 * SEC);
	EXPECT_EQ(UI_LIST_VOICEMAIL, m.list);
	/* no Exchange: the daemon's refusal shown, the MESSAGE key named */
	ui_model_list_result(&m, UI_LIST_VOICEMAIL, NULL, "Exchange not available", 3 * SEC);
	ui_view_build(&m, &v);
	EXPECT_STREQ("Exchange not available", v.line[0].text);
	EXPECT_STREQ("MESSAGE key calls voice mail", v.line[1].text);
	ui_model_key(&m, UI_KEY_DIRECTORY, 4 * SEC);
	EXPECT_EQ(UI_SCREEN_IDLE, m.screen);
	/* left alone, a list goes back to idle; BACK too */
	ui_model_key(&m, UI_KEY_DIRECTORY, 5 * SEC);
	ui_model_tick(&m, 20 * SEC, 0, false);
	EXPECT_EQ(UI_SCREEN_LIST, m.screen);
	ui_model_tick(&m, 5 * SEC + UI_LIST_IDLE_USEC, 0, false);
	EXPECT_EQ(UI_SCREEN_IDLE, m.screen);
	ui_model_key(&m, UI_KEY_DIRECTORY, 40 * SEC);
	ui_model_key(&m, ui_feed_keycode(KEY_BACK), 41 * SEC);
	EXPECT_EQ(UI_SCREEN_IDLE, m.screen);
	/* a call takes the screen from a list */
	ui_model_key(&m, UI_KEY_DIRECTORY, 42 * SEC);
	event_json(&m, "{\"event\":\"call\",\"call\":{\"calls\":[{\"state\":\"ringing-in\","
		   "\"far_end\":\"Bob\"}]}}", 43 * SEC);
	EXPECT_EQ(UI_SCREEN_INCOMING, m.screen);
	event_json(&m, "{\"event\":\"call\",\"call\":{\"calls\":[]}}", 44 * SEC);
	EXPECT_EQ(UI_SCREEN_IDLE, m.screen);
}

TEST(dialling_matches_numbers_and_names)
{
	static struct ui_model m;
	struct ui_view v;
	char target[128];

	registered(&m);
	ui_model_key(&m, '2', 2 * SEC);
	ASSERT_EQ(UI_SCREEN_DIALLING, m.screen);
	EXPECT_EQ(UI_LIST_CONTACTS, ui_model_take_fetch(&m));
	/* no missed calls: the call log may be fetched (fetching marks them seen) */
	EXPECT_EQ(UI_LIST_CALLLOG, ui_model_take_fetch(&m));
	reply(&m, UI_LIST_CONTACTS, CONTACTS, 2 * SEC);
	ui_model_key(&m, '0', 3 * SEC);
	ui_model_key(&m, '0', 3 * SEC);
	ui_view_build(&m, &v);
	EXPECT_STREQ("200_", v.line[0].text);
	EXPECT_STREQ("Bob Jones", v.line[1].text);
	EXPECT_STREQ("Carol?White", v.line[2].text);
	EXPECT_STREQ("", v.line[3].text);
	ui_model_key(&m, UI_KEY_OK, 3 * SEC);	/* nothing chosen: nothing dialled */
	EXPECT_FALSE(ui_model_take_dial(&m, target, sizeof(target)));
	ui_model_key(&m, UI_KEY_VOLUME_DOWN, 4 * SEC);
	ui_model_key(&m, UI_KEY_VOLUME_DOWN, 4 * SEC);
	ui_model_key(&m, UI_KEY_VOLUME_DOWN, 4 * SEC);
	ui_view_build(&m, &v);
	EXPECT_EQ(UI_LINE_SELECTED, v.line[2].style);
	ui_model_key(&m, UI_KEY_OK, 4 * SEC);
	ASSERT_TRUE(ui_model_take_dial(&m, target, sizeof(target)));
	EXPECT_STREQ("sip:2002@corp.test", target);
	/* letters: 3-2-7 spells "Dav" */
	ui_model_key(&m, UI_KEY_ON_HOOK, 5 * SEC);
	ui_model_key(&m, '3', 6 * SEC);
	ui_model_key(&m, '2', 6 * SEC);
	ui_model_key(&m, '8', 6 * SEC);
	ui_view_build(&m, &v);
	EXPECT_STREQ("Dave Brown", v.line[1].text);
	EXPECT_STREQ("+1 555 0199", v.line[1].right);
	EXPECT_STREQ("", v.line[2].text);
	/* missed calls waiting: the call log is not fetched behind the user's back */
	ui_model_key(&m, UI_KEY_ON_HOOK, 7 * SEC);
	while (ui_model_take_fetch(&m) != UI_LIST_NONE)
		;
	status_json(&m, "{\"identity\":{\"signed_in\":true},\"sip\":{\"state\":\"registered\"},"
		    "\"phone\":{\"missed_calls\":2}}", 8 * SEC);
	ui_model_key(&m, '5', 9 * SEC);
	EXPECT_EQ(UI_LIST_CONTACTS, ui_model_take_fetch(&m));
	EXPECT_EQ(UI_LIST_NONE, ui_model_take_fetch(&m));
	/* the daemon's new call log entries still reach the matches */
	event_json(&m, "{\"event\":\"calllog\",\"missed\":2,\"call\":{\"kind\":\"missed\","
		   "\"name\":\"Erin\",\"uri\":\"sip:5150@corp.test\",\"start\":0}}", 9 * SEC);
	ui_model_key(&m, '1', 9 * SEC);
	ui_model_key(&m, '5', 9 * SEC);
	ui_view_build(&m, &v);
	EXPECT_STREQ("Erin", v.line[1].text);
	EXPECT_STREQ("", v.line[2].text);
}

TEST(idle_indicators_from_the_daemon_status)
{
	static struct ui_model m;
	struct ui_view v;

	registered(&m);
	status_json(&m, "{\"identity\":{\"signed_in\":true,\"address\":\"alice@corp.test\"},"
		    "\"time\":{\"synchronised\":true},\"sip\":{\"state\":\"registered\","
		    "\"voicemail\":{\"waiting\":true,\"new\":3,\"old\":1}},"
		    "\"phone\":{\"dnd\":true,\"muted\":true,\"missed_calls\":2,"
		    "\"forwarding\":{\"always\":\"2002\",\"busy\":null}}}", 2 * SEC);
	ui_view_build(&m, &v);
	EXPECT_STREQ("DND FWD MUTE", v.flags);
	EXPECT_TRUE(v.message_light);
	EXPECT_STREQ("2 missed calls", v.line[1].text);
	EXPECT_STREQ("3 new voice messages", v.line[2].text);
	EXPECT_STREQ("Do not disturb", v.line[3].text);
	/* no MWI: Exchange's unheard voice mail; forwarding without DND */
	status_json(&m, "{\"identity\":{\"signed_in\":true},\"sip\":{\"state\":\"registered\"},"
		    "\"exchange\":{\"unread_voicemail\":1},"
		    "\"phone\":{\"dnd\":false,\"forwarding\":{\"always\":\"2002\"}}}", 3 * SEC);
	ui_view_build(&m, &v);
	EXPECT_STREQ("FWD", v.flags);
	EXPECT_STREQ("1 new voice message", v.line[2].text);
	EXPECT_STREQ("Forwarding to 2002", v.line[3].text);
	/* mistyped members read as "not known" */
	status_json(&m, "{\"identity\":{\"signed_in\":true},\"sip\":{\"state\":\"registered\","
		    "\"voicemail\":{\"new\":\"many\"}},\"phone\":{\"dnd\":1,"
		    "\"forwarding\":{\"always\":7}}}", 4 * SEC);
	ui_view_build(&m, &v);
	EXPECT_STREQ("", v.flags);
	EXPECT_FALSE(v.message_light);
}

TEST(call_prompts)
{
	static struct ui_model m;
	struct ui_view v;

	registered(&m);
	/* call waiting: the second caller named, OK answers */
	event_json(&m, "{\"event\":\"call\",\"call\":{\"call_waiting\":true,\"calls\":["
		   "{\"state\":\"connected\",\"far_end\":\"Bob\",\"line\":0,\"active\":true},"
		   "{\"state\":\"ringing-in\",\"far_end\":\"Carol\",\"line\":1}]}}", 2 * SEC);
	ASSERT_EQ(UI_SCREEN_IN_CALL, m.screen);
	ui_view_build(&m, &v);
	EXPECT_STREQ("Bob", v.line[0].text);
	EXPECT_STREQ("Waiting: Carol (OK answers)", v.line[3].text);
	EXPECT_EQ(UI_LINE_PROMPT, v.line[3].style);
	EXPECT_STREQ("OK Answer", v.softkey[0]);
	/* answered: Bob held by the phone on the other line */
	event_json(&m, "{\"event\":\"call\",\"call\":{\"calls\":["
		   "{\"state\":\"connected\",\"far_end\":\"Carol\"},"
		   "{\"state\":\"held\",\"hold\":\"phone\",\"far_end\":\"Bob\"}]}}", 3 * SEC);
	ui_view_build(&m, &v);
	EXPECT_STREQ("In call", v.heading);
	EXPECT_STREQ("Held: Bob (OK swaps)", v.line[3].text);
	EXPECT_STREQ("OK Swap", v.softkey[0]);
	/* who holds */
	event_json(&m, "{\"event\":\"call\",\"call\":{\"calls\":["
		   "{\"state\":\"connected\",\"hold\":\"far end\",\"far_end\":\"Carol\"}]}}", 4 * SEC);
	ui_view_build(&m, &v);
	EXPECT_STREQ("Held by the far end", v.heading);
	event_json(&m, "{\"event\":\"call\",\"call\":{\"calls\":["
		   "{\"state\":\"held\",\"hold\":\"both\",\"far_end\":\"Carol\"}]}}", 4 * SEC);
	ui_view_build(&m, &v);
	EXPECT_STREQ("On hold", v.heading);
	EXPECT_STREQ("Resume", v.softkey[0]);
	/* a transfer: in progress, then its failure from the NOTIFY */
	event_json(&m, "{\"event\":\"call\",\"call\":{\"calls\":["
		   "{\"state\":\"connected\",\"transfer\":\"in progress\",\"far_end\":\"Carol\"}]}}",
		   5 * SEC);
	ui_view_build(&m, &v);
	EXPECT_STREQ("Transferring...", v.line[3].text);
	event_json(&m, "{\"event\":\"call\",\"call\":{\"last_error\":\"transfer failed (486)\","
		   "\"calls\":[{\"state\":\"connected\",\"far_end\":\"Carol\"}]}}", 6 * SEC);
	ui_view_build(&m, &v);
	EXPECT_STREQ("Transfer failed (486)", v.line[3].text);
	/* a conference: both far ends, whether the daemon says so or not */
	event_json(&m, "{\"event\":\"call\",\"call\":{\"calls\":["
		   "{\"state\":\"connected\",\"far_end\":\"Carol\",\"codec\":\"G722\"},"
		   "{\"state\":\"connected\",\"far_end\":\"Bob\"}]}}", 7 * SEC);
	ui_view_build(&m, &v);
	EXPECT_STREQ("Conference", v.heading);
	EXPECT_STREQ("Carol", v.line[0].text);
	EXPECT_STREQ("Bob", v.line[1].text);
	event_json(&m, "{\"event\":\"call\",\"call\":{\"state\":\"conference\",\"calls\":["
		   "{\"state\":\"conference\",\"far_end\":\"Carol\"},"
		   "{\"state\":\"conference\",\"far_end\":\"Bob\"}]}}", 8 * SEC);
	ui_view_build(&m, &v);
	EXPECT_STREQ("Conference", v.heading);
	EXPECT_STREQ("Bob", v.line[1].text);
	event_json(&m, "{\"event\":\"call\",\"call\":{\"calls\":[]}}", 9 * SEC);
	EXPECT_EQ(UI_SCREEN_IDLE, m.screen);
	ui_view_build(&m, &v);
	EXPECT_STREQ("", v.line[1].text);
}

TEST_HARNESS_MAIN
