// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <linux/input-event-codes.h>

#include "core/call_control.h"
#include "call/calls.h"
#include "call/calls_features.h"
#include "device/audio.h"
#include "core/events.h"

/* `press KEY`: the event the keypad driver would send, press and release. */
static int press(struct ucphoned *d, const char *key,
		 char error[CONTROL_ERROR_MAX])
{
	static const struct {
		const char *name;
		uint32_t code;
	} keys[] = {
		{ "0", KEY_0 }, { "1", KEY_1 }, { "2", KEY_2 }, { "3", KEY_3 },
		{ "4", KEY_4 }, { "5", KEY_5 }, { "6", KEY_6 }, { "7", KEY_7 },
		{ "8", KEY_8 }, { "9", KEY_9 }, { "*", KEY_NUMERIC_STAR },
		{ "#", KEY_NUMERIC_POUND }, { "speaker", KEY_SOUND },
		{ "hold", KEY_PAUSE }, { "ok", KEY_OK },
		{ "headset", KEY_PHONE }, { "last", KEY_LAST },
		{ "voicemail", KEY_VOICEMAIL }, { "mute", KEY_MICMUTE },
		{ "volumeup", KEY_VOLUMEUP }, { "volumedown", KEY_VOLUMEDOWN },
		{ "conference", KEY_CONNECT }, { "newcall", KEY_NEW },
	};
	struct ucphone_event ev = { 0 };

	snprintf(ev.driver, sizeof(ev.driver), "ucphonectl");
	snprintf(ev.device, sizeof(ev.device), "press");
	if (!strcmp(key, "offhook") || !strcmp(key, "onhook")) {
		ev.type = UCPHONE_EVENT_HOOK;
		ev.hook.state = key[1] == 'f' ? UCPHONE_HOOK_OFF : UCPHONE_HOOK_ON;
		events_dispatch(d, &ev);
		return 0;
	}
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		if (strcmp(key, keys[i].name))
			continue;
		ev.type = UCPHONE_EVENT_KEY;
		ev.key.code = keys[i].code;
		ev.key.pressed = true;
		events_dispatch(d, &ev);
		ev.key.pressed = false;
		events_dispatch(d, &ev);
		return 0;
	}
	snprintf(error, CONTROL_ERROR_MAX,
		 "unknown key (0-9 * # speaker headset offhook onhook hold ok "
		 "last voicemail mute volumeup volumedown conference newcall)");
	return -EINVAL;
}

static struct json_object *fail(char error[CONTROL_ERROR_MAX], const char *why)
{
	snprintf(error, CONTROL_ERROR_MAX, "%s", why);
	return NULL;
}

struct json_object *call_control(struct ucphoned *d,
				 const struct control_request *req,
				 char error[CONTROL_ERROR_MAX])
{
	char why[CONTROL_ERROR_MAX];
	int ret = 0;

	if (req->command == CONTROL_CMD_PRESS) {
		if (press(d, req->arg, error) < 0)
			return NULL;
		return d->calls ? calls_status(d->calls) : json_object_new_object();
	}
	if (req->command == CONTROL_CMD_VOLUME) {
		if (!d->audio)
			return fail(error, "no sound card");
		if (audio_volume(d->audio, req->arg, why, sizeof(why)) < 0)
			return fail(error, why);
		return audio_status(d->audio);
	}
	if (!d->calls)
		return fail(error, "calls unavailable (no network or no sound path)");
	switch (req->command) {
	case CONTROL_CMD_FORWARD:
	case CONTROL_CMD_DND:
		ret = (req->command == CONTROL_CMD_DND ? calls_dnd : calls_forward)(
			d->calls, req->arg, why, sizeof(why));
		if (ret < 0)
			return fail(error, why);
		return calls_features_status(d->calls);
	case CONTROL_CMD_MUTE:
		if (calls_mute(d->calls, req->arg, why, sizeof(why)) < 0)
			return fail(error, why);
		return calls_features_status(d->calls);
	case CONTROL_CMD_CALLLOG:
		return calls_calllog(d->calls);
	case CONTROL_CMD_DIAL:
		ret = calls_dial(d->calls, req->arg, why, sizeof(why));
		if (ret < 0)
			return fail(error, why);
		break;
	case CONTROL_CMD_ANSWER:
		ret = calls_answer(d->calls);
		if (ret == -ENOENT)
			return fail(error, "no call is ringing");
		break;
	case CONTROL_CMD_HANGUP:
		ret = calls_hangup(d->calls);
		if (ret == -ENOENT)
			return fail(error, "no call to hang up");
		break;
	case CONTROL_CMD_DTMF:
		ret = calls_dtmf(d->calls, req->arg);
		if (ret == -ENOTCONN)
			return fail(error, "no call is connected");
		if (ret == -EINVAL)
			return fail(error, "DTMF digits are 0-9 * # A-D");
		break;
	case CONTROL_CMD_HOLD:
	case CONTROL_CMD_RESUME:
		ret = req->command == CONTROL_CMD_HOLD ? calls_hold(d->calls) :
		      calls_resume(d->calls);
		if (ret == -ENOTCONN)
			return fail(error, "no call is connected");
		if (ret == -EALREADY)
			return fail(error, req->command == CONTROL_CMD_HOLD ?
				    "the call is already on hold" :
				    "the call is not on hold");
		if (ret == -EBUSY)
			return fail(error, "a hold or resume is still under way");
		break;
	case CONTROL_CMD_TRANSFER:
		ret = calls_transfer(d->calls, req->arg, why, sizeof(why));
		if (ret < 0)
			return fail(error, why);
		break;
	case CONTROL_CMD_TRANSFER_ATTENDED:
		ret = calls_transfer_attended(d->calls, why, sizeof(why));
		if (ret < 0)
			return fail(error, why);
		break;
	case CONTROL_CMD_CONFERENCE:
		ret = calls_conference(d->calls, why, sizeof(why));
		if (ret == -ENOENT || ret == -EALREADY)
			return fail(error, why);
		break;
	case CONTROL_CMD_SWAP:
		ret = calls_swap(d->calls);
		if (ret == -ENOENT)
			return fail(error, "no second call to swap with");
		break;
	case CONTROL_CMD_CALLS:
		break;
	default:
		return fail(error, "not a call command");
	}
	if (ret < 0) {
		snprintf(error, CONTROL_ERROR_MAX, "%s failed: %s",
			 control_command_name(req->command), strerror(-ret));
		return NULL;
	}
	return calls_status(d->calls);
}
