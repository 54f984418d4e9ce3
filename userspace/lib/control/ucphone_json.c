// SPDX-License-Identifier: GPL-2.0-only
#include "lib/control/ucphone_json.h"
#include "lib/netlink/ucphone_names.h"

static void add_string(struct json_object *obj, const char *key,
		       const char *value)
{
	json_object_object_add(obj, key,
			       value ? json_object_new_string(value) : NULL);
}

static void add_uint(struct json_object *obj, const char *key,
		     uint64_t value)
{
	json_object_object_add(obj, key, json_object_new_uint64(value));
}

static void add_bool(struct json_object *obj, const char *key, bool value)
{
	json_object_object_add(obj, key, json_object_new_boolean(value));
}

struct json_object *ucphone_event_to_json(const struct ucphone_event *ev)
{
	struct json_object *obj = json_object_new_object();

	if (!obj)
		return NULL;

	add_string(obj, "event", ucphone_event_type_name(ev->type));
	add_uint(obj, "seq", ev->seq);
	add_uint(obj, "timestamp_ns", ev->timestamp_ns);
	add_string(obj, "driver", ev->driver);
	add_string(obj, "device", ev->device);

	switch (ev->type) {
	case UCPHONE_EVENT_DRIVER_BOUND:
	case UCPHONE_EVENT_DRIVER_UNBOUND:
		add_string(obj, "kind",
			   ucphone_driver_kind_name(ev->binding.kind));
		break;
	case UCPHONE_EVENT_KEY:
		add_uint(obj, "code", ev->key.code);
		add_bool(obj, "pressed", ev->key.pressed);
		break;
	case UCPHONE_EVENT_HOOK:
		add_string(obj, "hook", ucphone_hook_state_name(ev->hook.state));
		break;
	case UCPHONE_EVENT_RESET_BUTTON:
		add_string(obj, "reset",
			   ucphone_reset_kind_name(ev->reset.kind));
		add_uint(obj, "hold_ms", ev->reset.hold_ms);
		add_bool(obj, "at_power_on", ev->reset.at_power_on);
		break;
	case UCPHONE_EVENT_AUDIO_ROUTE:
		add_string(obj, "route",
			   ucphone_audio_route_name(ev->audio.route));
		break;
	}
	return obj;
}

struct json_object *ucphone_drivers_to_json(const struct ucphone_info *info)
{
	struct json_object *list = json_object_new_array();

	if (!list)
		return NULL;

	for (unsigned int i = 0; i < info->n_drivers; i++) {
		const struct ucphone_driver *drv = &info->drivers[i];
		struct json_object *entry = json_object_new_object();

		if (!entry) {
			json_object_put(list);
			return NULL;
		}
		add_string(entry, "name", drv->name);
		add_string(entry, "device", drv->device);
		add_string(entry, "kind", ucphone_driver_kind_name(drv->kind));
		json_object_array_add(list, entry);
	}
	return list;
}
