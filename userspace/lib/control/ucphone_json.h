/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Decoded kernel messages as JSON, the way the control socket shows them.
 * Both return a new reference, or NULL when out of memory.
 */
#ifndef UCPHONE_JSON_H
#define UCPHONE_JSON_H

#include <json-c/json.h>

#include "lib/netlink/ucphone_nl.h"

/*
 * {"event":"key","seq":7,"timestamp_ns":123,"driver":"ucphone-keypad",
 *  "device":"ucphone-keypad.0","code":2,"pressed":true}
 * Type-specific fields: driver-bound/-unbound "kind"; key "code",
 * "pressed"; hook "hook"; reset-button "reset", "hold_ms", "at_power_on";
 * audio-route "route".
 */
struct json_object *ucphone_event_to_json(const struct ucphone_event *ev);

/* [{"name":"ucphone-keypad","device":"ucphone-keypad.0","kind":"keypad"}] */
struct json_object *ucphone_drivers_to_json(const struct ucphone_info *info);

#endif /* UCPHONE_JSON_H */
