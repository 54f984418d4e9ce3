// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: the input is one netlink datagram as the daemon would
 * receive it. It is split with the same walker and every message goes
 * through every decoder, then successful decodes through the JSON encoders.
 */
#include <stdint.h>
#include <string.h>

#include "lib/control/ucphone_json.h"
#include "lib/netlink/ucphone_names.h"
#include "lib/netlink/ucphone_nl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_string(const char *s, size_t max)
{
	/* Decoded strings are NUL-terminated within their arrays. */
	if (strnlen(s, max) >= max)
		__builtin_trap();
}

static void encode_and_drop(struct json_object *obj)
{
	if (!obj)
		__builtin_trap();
	if (!json_object_to_json_string(obj))
		__builtin_trap();
	json_object_put(obj);
}

static void decode_all(const void *msg, size_t len)
{
	struct ucphone_nl_error err = { 0 };
	struct genl_family_desc fam;
	struct ucphone_event ev;
	struct ucphone_info info;
	char ack_msg[UCPHONE_NL_ACK_MSG_MAX];
	int ack_error;

	if (ucphone_nl_decode_info(msg, len, &info, &err) == 0) {
		check_string(info.kernel_release, sizeof(info.kernel_release));
		if (info.n_drivers > UCPHONE_INFO_DRIVERS_MAX)
			__builtin_trap();
		for (unsigned int i = 0; i < info.n_drivers; i++) {
			check_string(info.drivers[i].name, UCPHONE_NAME_MAX);
			check_string(info.drivers[i].device, UCPHONE_NAME_MAX);
			if (!ucphone_driver_kind_name(info.drivers[i].kind))
				__builtin_trap();
		}
		encode_and_drop(ucphone_drivers_to_json(&info));
	} else if (!err.reason) {
		__builtin_trap();	/* every refusal says why */
	}

	if (ucphone_nl_decode_event(msg, len, &ev, &err) == 0) {
		check_string(ev.driver, sizeof(ev.driver));
		check_string(ev.device, sizeof(ev.device));
		if (!ucphone_event_type_name(ev.type))
			__builtin_trap();
		encode_and_drop(ucphone_event_to_json(&ev));
	}

	if (ucphone_nl_decode_family(msg, len, "events", &fam, &err) == 0)
		check_string(fam.name, sizeof(fam.name));

	if (ucphone_nl_decode_ack(msg, len, &ack_error, ack_msg, &err) == 0) {
		check_string(ack_msg, sizeof(ack_msg));
		if (ack_error > 0)
			__builtin_trap();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ucphone_nl_walk walk;
	const void *msg;
	size_t len;

	/* The whole input as one message, as a caller might misuse it... */
	decode_all(data, size);

	/* ...and as the daemon does: a datagram of messages. */
	ucphone_nl_walk_init(&walk, data, size);
	while ((msg = ucphone_nl_walk_next(&walk, &len))) {
		if ((const uint8_t *)msg + len > data + size)
			__builtin_trap();
		decode_all(msg, len);
	}
	return 0;
}
