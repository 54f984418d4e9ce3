// SPDX-License-Identifier: GPL-2.0-only
#include <stddef.h>

#include <linux/ucphone.h>

#include "lib/netlink/ucphone_names.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static const char *lookup(const char *const *names, size_t n, uint32_t value)
{
	return value < n ? names[value] : NULL;
}

const char *ucphone_driver_kind_name(uint32_t kind)
{
	static const char *const names[] = {
		[UCPHONE_DRIVER_KIND_KEYPAD] = "keypad",
		[UCPHONE_DRIVER_KIND_RESET] = "reset",
		[UCPHONE_DRIVER_KIND_CODEC] = "codec",
		[UCPHONE_DRIVER_KIND_SOUND_CARD] = "sound-card",
		[UCPHONE_DRIVER_KIND_SRTP] = "srtp",
		[UCPHONE_DRIVER_KIND_TEST] = "test",
	};
	_Static_assert(ARRAY_SIZE(names) == __UCPHONE_DRIVER_KIND_LAST,
		       "a driver kind has no name");

	return lookup(names, ARRAY_SIZE(names), kind);
}

const char *ucphone_event_type_name(uint32_t type)
{
	static const char *const names[] = {
		[UCPHONE_EVENT_DRIVER_BOUND] = "driver-bound",
		[UCPHONE_EVENT_DRIVER_UNBOUND] = "driver-unbound",
		[UCPHONE_EVENT_KEY] = "key",
		[UCPHONE_EVENT_HOOK] = "hook",
		[UCPHONE_EVENT_RESET_BUTTON] = "reset-button",
		[UCPHONE_EVENT_AUDIO_ROUTE] = "audio-route",
	};
	_Static_assert(ARRAY_SIZE(names) == __UCPHONE_EVENT_LAST,
		       "an event type has no name");

	return lookup(names, ARRAY_SIZE(names), type);
}

const char *ucphone_hook_state_name(uint32_t state)
{
	static const char *const names[] = {
		[UCPHONE_HOOK_ON] = "on",
		[UCPHONE_HOOK_OFF] = "off",
	};
	_Static_assert(ARRAY_SIZE(names) == __UCPHONE_HOOK_LAST,
		       "a hook state has no name");

	return lookup(names, ARRAY_SIZE(names), state);
}

const char *ucphone_reset_kind_name(uint32_t kind)
{
	static const char *const names[] = {
		[UCPHONE_RESET_SOFT] = "soft",
		[UCPHONE_RESET_HARD] = "hard",
	};
	_Static_assert(ARRAY_SIZE(names) == __UCPHONE_RESET_LAST,
		       "a reset kind has no name");

	return lookup(names, ARRAY_SIZE(names), kind);
}

const char *ucphone_audio_route_name(uint32_t route)
{
	static const char *const names[] = {
		[UCPHONE_AUDIO_ROUTE_HANDSET] = "handset",
		[UCPHONE_AUDIO_ROUTE_HEADSET] = "headset",
		[UCPHONE_AUDIO_ROUTE_SPEAKER] = "speaker",
	};
	_Static_assert(ARRAY_SIZE(names) == __UCPHONE_AUDIO_ROUTE_LAST,
		       "an audio route has no name");

	return lookup(names, ARRAY_SIZE(names), route);
}
