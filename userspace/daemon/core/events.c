// SPDX-License-Identifier: GPL-2.0-only
#include "call/calls.h"
#include "core/calls_start.h"
#include "core/control.h"
#include "core/events.h"
#include "core/reset.h"
#include "device/audio.h"
#include "lib/control/ucphone_json.h"
#include "lib/netlink/ucphone_names.h"

#define SUBSYS "event"

static void log_event(const struct log *log, const struct ucphone_event *ev)
{
	const char *type = ucphone_event_type_name(ev->type);

	switch (ev->type) {
	case UCPHONE_EVENT_DRIVER_BOUND:
	case UCPHONE_EVENT_DRIVER_UNBOUND:
		log_info(log, SUBSYS, type, LOG_UINT("seq", ev->seq),
			 LOG_STR("driver", ev->driver),
			 LOG_STR("device", ev->device),
			 LOG_STR("kind",
				 ucphone_driver_kind_name(ev->binding.kind)));
		break;
	case UCPHONE_EVENT_KEY:
		/* Never the key code: digits typed may be a PIN. */
		log_debug(log, SUBSYS, type, LOG_UINT("seq", ev->seq),
			  LOG_STR("device", ev->device));
		break;
	case UCPHONE_EVENT_HOOK:
		log_info(log, SUBSYS, type, LOG_UINT("seq", ev->seq),
			 LOG_STR("device", ev->device),
			 LOG_STR("hook",
				 ucphone_hook_state_name(ev->hook.state)));
		break;
	case UCPHONE_EVENT_RESET_BUTTON:
		log_info(log, SUBSYS, type, LOG_UINT("seq", ev->seq),
			 LOG_STR("device", ev->device),
			 LOG_STR("reset",
				 ucphone_reset_kind_name(ev->reset.kind)),
			 LOG_UINT("hold_ms", ev->reset.hold_ms),
			 LOG_BOOL("at_power_on", ev->reset.at_power_on));
		break;
	case UCPHONE_EVENT_AUDIO_ROUTE:
		log_info(log, SUBSYS, type, LOG_UINT("seq", ev->seq),
			 LOG_STR("device", ev->device),
			 LOG_STR("route",
				 ucphone_audio_route_name(ev->audio.route)));
		break;
	}
}

static void broadcast(struct ucphoned *d, struct json_object *msg)
{
	if (!msg) {
		log_error(&d->log, SUBSYS, "out of memory; event not sent");
		return;
	}
	control_broadcast_event(d->control, msg);
	json_object_put(msg);
}

void events_dispatch(struct ucphoned *d, const struct ucphone_event *ev)
{
	log_event(&d->log, ev);
	broadcast(d, ucphone_event_to_json(ev));
	reset_on_event(d, ev);
	audio_on_event(d->audio, ev);
	calls_set_echo_cancel(d->calls, audio_is_speakerphone(d->audio));
	calls_on_event(d->calls, ev);
	calls_start_on_event(d, ev);
}

static void on_kernel_event(const struct ucphone_event *ev, void *userdata)
{
	events_dispatch(userdata, ev);
}

/* count 0: an overrun, number unknown until the next sequence number. */
static void on_events_lost(uint64_t count, void *userdata)
{
	struct ucphoned *d = userdata;
	struct json_object *msg = json_object_new_object();

	if (msg) {
		json_object_object_add(msg, "event",
				       json_object_new_string("events-lost"));
		json_object_object_add(msg, "count",
				       json_object_new_uint64(count));
	}
	broadcast(d, msg);
}

static void on_kernel_available(bool available, uint32_t version,
				void *userdata)
{
	struct ucphoned *d = userdata;
	struct json_object *msg = json_object_new_object();

	if (msg) {
		json_object_object_add(msg, "event",
				       json_object_new_string(available ?
					       "kernel-available" :
					       "kernel-unavailable"));
		if (available)
			json_object_object_add(msg, "uapi",
					       json_object_new_uint64(version));
	}
	broadcast(d, msg);
}

void events_listener_init(struct ucphoned *d,
			  struct kernel_link_listener *listener)
{
	*listener = (struct kernel_link_listener){
		.event = on_kernel_event,
		.lost = on_events_lost,
		.available = on_kernel_available,
		.userdata = d,
	};
}
