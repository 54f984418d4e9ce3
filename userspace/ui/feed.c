// SPDX-License-Identifier: GPL-2.0-only
/* The daemon's status and events, read for the screen (feed.h). */
#include <stdio.h>
#include <string.h>

#include <linux/input-event-codes.h>

#include "ui/feed.h"
#include "ui/feed_lists.h"

static struct json_object *member(struct json_object *obj, const char *key,
				  enum json_type type)
{
	struct json_object *v;

	if (!obj || !json_object_is_type(obj, json_type_object) ||
	    !json_object_object_get_ex(obj, key, &v) || !json_object_is_type(v, type))
		return NULL;
	return v;
}

static const char *str(struct json_object *obj, const char *key)
{
	struct json_object *v = member(obj, key, json_type_string);

	return v ? json_object_get_string(v) : NULL;
}

static bool flag(struct json_object *obj, const char *key)
{
	struct json_object *v = member(obj, key, json_type_boolean);

	return v && json_object_get_boolean(v);
}

static int count(struct json_object *obj, const char *key)
{
	struct json_object *v = member(obj, key, json_type_int);
	int64_t n = v ? json_object_get_int64(v) : -1;

	return n < 0 || n > 9999 ? -1 : (int)n;
}

/* Printable text only: the screen never shows control characters. */
static void copy_text(char *dst, size_t size, const char *src)
{
	size_t n = 0;

	for (; src && *src && n + 1 < size; src++)
		dst[n++] = (unsigned char)*src < 0x20 || *src == 0x7f ? '?' : *src;
	dst[n] = '\0';
}

static bool str_is(struct json_object *obj, const char *key, const char *want)
{
	const char *s = str(obj, key);

	return s && !strcmp(s, want);
}

/* "phone": {"dnd","muted","missed_calls","forwarding":{"always",...}} */
static void phone_status(struct json_object *phone, struct ui_status *st)
{
	st->missed_calls = count(phone, "missed_calls");
	st->dnd = flag(phone, "dnd");
	st->muted = flag(phone, "muted");
	copy_text(st->forward, sizeof(st->forward),
		  str(member(phone, "forwarding", json_type_object), "always"));
}

bool ui_feed_update(struct json_object *obj, struct ui_update *u)
{
	static const struct {
		const char *name;
		enum ui_update_state state;
	} states[] = {
		{ "idle", UI_UPDATE_NONE }, { "up-to-date", UI_UPDATE_NONE },
		{ "checking", UI_UPDATE_CHECKING },
		{ "downloading", UI_UPDATE_DOWNLOADING },
		{ "verifying", UI_UPDATE_INSTALLING },
		{ "installing", UI_UPDATE_INSTALLING },
		{ "installed", UI_UPDATE_INSTALLED },
		{ "failed", UI_UPDATE_FAILED }, { "refused", UI_UPDATE_FAILED },
	};
	const char *state = str(obj, "state");
	int percent = count(obj, "percent");

	memset(u, 0, sizeof(*u));
	u->percent = -1;
	if (!state)
		return false;
	for (size_t i = 0; i < sizeof(states) / sizeof(states[0]); i++)
		if (!strcmp(state, states[i].name)) {
			u->state = states[i].state;
			break;
		}
	if (percent >= 0)
		u->percent = percent > 100 ? 100 : percent;
	copy_text(u->version, sizeof(u->version), str(obj, "offered"));
	if (u->state == UI_UPDATE_INSTALLED && !u->version[0])
		copy_text(u->version, sizeof(u->version), str(obj, "pending_restart"));
	if (u->state == UI_UPDATE_FAILED)
		copy_text(u->error, sizeof(u->error), str(obj, "last_error"));
	return true;
}

void ui_feed_status(struct json_object *result, struct ui_status *st)
{
	struct json_object *identity = member(result, "identity", json_type_object);
	struct json_object *sip = member(result, "sip", json_type_object);
	const char *state = str(sip, "state");
	const char *text = str(sip, "status_text");

	memset(st, 0, sizeof(*st));
	st->have_address = str(member(result, "dhcp", json_type_object), "address");
	st->time_synced = flag(member(result, "time", json_type_object), "synchronised");
	st->trust_done = str_is(member(result, "trust", json_type_object), "state", "done");
	st->signed_in = flag(identity, "signed_in");
	copy_text(st->address, sizeof(st->address), str(identity, "address"));
	copy_text(st->status_text, sizeof(st->status_text), text);
	st->cert_error = text && !strncmp(text, "Cannot validate server certificate",
					   strlen("Cannot validate server certificate"));
	if (!sip)
		st->reg = identity && !st->signed_in ? UI_REG_SIGNED_OUT : UI_REG_UNKNOWN;
	else if (!st->signed_in)
		st->reg = UI_REG_SIGNED_OUT;
	else if (state && (!strcmp(state, "registered") || !strcmp(state, "refreshing")))
		st->reg = UI_REG_REGISTERED;
	else if (state && !strcmp(state, "failed"))
		st->reg = UI_REG_FAILED;
	else
		st->reg = UI_REG_SIGNING_IN;
	phone_status(member(result, "phone", json_type_object), st);
	st->have_update = ui_feed_update(member(result, "update", json_type_object),
					 &st->update);
	/* the slot watcher reboots into the installed update now */
	st->restarting = str_is(member(result, "software", json_type_object),
				"reboot_pending", "rebooting now");
	st->messages = count(member(sip, "voicemail", json_type_object), "new");
	/* no MWI subscription: Exchange's unheard voice mail, if it syncs */
	if (st->messages < 0)
		st->messages = count(member(result, "exchange", json_type_object),
				     "unread_voicemail");
}

bool ui_feed_call(struct json_object *obj, struct ui_call *call)
{
	static const struct {
		const char *name;
		enum ui_call_state state;
	} states[] = {
		/* the daemon's call manager's names */
		{ "calling", UI_CALL_DIALLING }, { "ringing-out", UI_CALL_RINGING_OUT },
		{ "ringing-in", UI_CALL_INCOMING }, { "connected", UI_CALL_ACTIVE },
		{ "held", UI_CALL_HELD }, { "ending", UI_CALL_ENDED },
		{ "idle", UI_CALL_ENDED }, { "on-hold", UI_CALL_ACTIVE },
		/* a call joined to a local conference is up like any other */
		{ "conference", UI_CALL_ACTIVE },
	};
	static const struct {
		const char *name;
		enum ui_call_hold hold;
	} holds[] = {
		{ "phone", UI_CALL_HOLD_PHONE }, { "far end", UI_CALL_HOLD_FAR_END },
		{ "both", UI_CALL_HOLD_BOTH },
	};
	const char *state = str(obj, "state");
	const char *who = str(obj, "far_end");
	const char *hold = str(obj, "hold");

	memset(call, 0, sizeof(*call));
	if (!state)
		return false;
	for (size_t i = 0; i < sizeof(states) / sizeof(states[0]); i++)
		if (!strcmp(state, states[i].name))
			call->state = states[i].state;
	if (call->state == UI_CALL_NONE)
		return false;
	copy_text(call->far_end, sizeof(call->far_end), who);
	copy_text(call->codec, sizeof(call->codec), str(obj, "codec"));
	call->srtp = flag(obj, "srtp");
	call->muted = flag(obj, "muted");
	call->missed = flag(obj, "missed");
	call->transferring = str(obj, "transfer") != NULL;
	for (size_t i = 0; hold && i < sizeof(holds) / sizeof(holds[0]); i++)
		if (!strcmp(hold, holds[i].name))
			call->hold = holds[i].hold;
	if (!strcmp(state, "on-hold") && call->hold == UI_CALL_HOLD_NOBODY)
		call->hold = UI_CALL_HOLD_FAR_END;
	return true;
}

/*
 * The second call and what the two do: call waiting ("call_waiting"), a
 * local conference (the status's "conference", or a call in state
 * "conference", or both calls talking), the transfer's outcome.
 */
static void calls_extra(struct json_object *st, struct json_object *calls,
			const struct ui_call *active, struct ui_calls_extra *x)
{
	size_t n = json_object_array_length(calls);
	const char *note = str(st, "last_error");

	memset(x, 0, sizeof(*x));
	x->waiting = flag(st, "call_waiting");
	x->conference = flag(st, "conference") ||
			member(st, "conference", json_type_object) != NULL;
	for (size_t i = 1; i < n && x->other.state == UI_CALL_NONE; i++) {
		struct json_object *c = json_object_array_get_idx(calls, i);

		if (!ui_feed_call(c, &x->other) || x->other.state == UI_CALL_ENDED) {
			memset(&x->other, 0, sizeof(x->other));
			continue;
		}
		if (str_is(c, "state", "conference") ||
		    (active->state == UI_CALL_ACTIVE && x->other.state == UI_CALL_ACTIVE &&
		     active->hold == UI_CALL_HOLD_NOBODY &&
		     x->other.hold == UI_CALL_HOLD_NOBODY))
			x->conference = true;
	}
	if (x->other.state != UI_CALL_INCOMING)
		x->waiting = false;
	copy_text(x->note, sizeof(x->note), note);
}

enum ui_key ui_feed_keycode(unsigned int code)
{
	static const char digits[] = "1234567890";

	if (code >= KEY_1 && code <= KEY_0)
		return (enum ui_key)digits[code - KEY_1];
	switch (code) {
	case KEY_NUMERIC_STAR: return '*';
	case KEY_NUMERIC_POUND: return '#';
	case KEY_OK: return UI_KEY_OK;
	case KEY_MENU: return UI_KEY_MENU;
	case KEY_PICKUP_PHONE: return UI_KEY_OFF_HOOK;
	case KEY_HANGUP_PHONE: return UI_KEY_ON_HOOK;
	case KEY_SOUND: return UI_KEY_SPEAKER;
	case KEY_PHONE: return UI_KEY_HEADSET;
	case KEY_MICMUTE: return UI_KEY_MUTE;
	case KEY_PAUSE: return UI_KEY_HOLD;
	case KEY_FORWARD: return UI_KEY_TRANSFER;
	case KEY_LAST: return UI_KEY_REDIAL;
	case KEY_VOICEMAIL: return UI_KEY_VOICEMAIL;
	case KEY_ADDRESSBOOK: return UI_KEY_DIRECTORY;
	case KEY_VOLUMEUP: return UI_KEY_VOLUME_UP;
	case KEY_VOLUMEDOWN: return UI_KEY_VOLUME_DOWN;
	case KEY_UP: return UI_KEY_UP;
	case KEY_DOWN: return UI_KEY_DOWN;
	case KEY_BACK: case KEY_CANCEL: case KEY_EXIT: case KEY_ESC: return UI_KEY_BACK;
	default: return UI_KEY_NONE;
	}
}

void ui_feed_event(struct ui_model *m, struct json_object *event,
		   bool keys_from_events, uint64_t now_usec)
{
	const char *type = str(event, "event");
	struct json_object *code, *calls, *st;
	struct ui_calls_extra extra;
	struct ui_call call;
	enum ui_key key;

	if (!type)
		return;
	if (!strcmp(type, "call")) {
		st = member(event, "call", json_type_object);
		calls = member(st, "calls", json_type_array);
		if (!calls)
			return;
		if (json_object_array_length(calls) > 0) {
			if (ui_feed_call(json_object_array_get_idx(calls, 0), &call)) {
				calls_extra(st, calls, &call, &extra);
				ui_model_calls_extra(m, &extra, now_usec);
				ui_model_call(m, &call, now_usec);
			}
		} else if (m->call.state != UI_CALL_NONE) {
			/* the call is gone; one that only rang was missed */
			memset(&call, 0, sizeof(call));
			call.state = UI_CALL_ENDED;
			call.missed = m->call.state == UI_CALL_INCOMING;
			memset(&extra, 0, sizeof(extra));
			ui_model_calls_extra(m, &extra, now_usec);
			ui_model_call(m, &call, now_usec);
		}
	} else if (!strcmp(type, "update")) {
		struct ui_update u;

		if (ui_feed_update(event, &u))
			ui_model_update(m, &u, now_usec);
	} else if (!strcmp(type, "calllog")) {
		ui_feed_calllog_event(event, ui_model_calllog(m));
	} else if (!strcmp(type, "reset-button")) {
		if (str_is(event, "reset", "hard"))
			ui_model_hard_reset(m, now_usec);
		else if (flag(event, "at_power_on"))
			ui_model_reset_released(m, now_usec);
	} else if (keys_from_events && !strcmp(type, "key")) {
		code = member(event, "code", json_type_int);
		if (!code || !flag(event, "pressed"))
			return;
		key = ui_feed_keycode((unsigned int)json_object_get_int(code));
		if (key != UI_KEY_NONE)
			ui_model_key(m, key, now_usec);
	} else if (keys_from_events && !strcmp(type, "hook")) {
		ui_model_key(m, str_is(event, "hook", "off") ? UI_KEY_OFF_HOOK :
			     UI_KEY_ON_HOOK, now_usec);
	}
}
