// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>
#include <systemd/sd-daemon.h>

#include "core/control.h"
#include "core/reset.h"
#include "core/wipe.h"

#define SUBSYS "reset"

static void announce(struct ucphoned *d, enum reset_action action)
{
	struct json_object *msg = json_object_new_object();

	if (!msg)
		return;
	json_object_object_add(msg, "event",
			       json_object_new_string("reset-action"));
	json_object_object_add(msg, "action",
			       json_object_new_string(reset_action_name(action)));
	control_broadcast_event(d->control, msg);
	json_object_put(msg);
}

void reset_on_event(struct ucphoned *d, const struct ucphone_event *ev)
{
	enum reset_action action = reset_decide(&d->options.reset, ev);

	if (ev->type != UCPHONE_EVENT_RESET_BUTTON)
		return;
	if (action == RESET_ACTION_NONE) {
		log_info(&d->log, SUBSYS, "reset button press ignored",
			 LOG_STR("driver", ev->driver),
			 LOG_UINT("hold_ms", ev->reset.hold_ms),
			 LOG_BOOL("at_power_on", ev->reset.at_power_on));
		return;
	}
	if (d->reset_pending != RESET_ACTION_NONE) {
		/* A hard reset already under way is never downgraded. */
		if (action == RESET_ACTION_HARD)
			d->reset_pending = RESET_ACTION_HARD;
		return;
	}
	d->reset_pending = action;
	log_warning(&d->log, SUBSYS, "reset requested; restarting",
		    LOG_STR("action", reset_action_name(action)),
		    LOG_UINT("hold_ms", ev->reset.hold_ms));
	announce(d, action);
	sd_event_exit(d->event, 0);
}

int reset_restart(const struct ucphoned *d, char **argv)
{
	int ret;

	sd_notify(0, "RELOADING=1");
	if (d->reset_pending == RESET_ACTION_HARD) {
		ret = wipe_state_dir(d->options.state_dir, &d->log);
		if (ret < 0)
			return ret;
	}
	log_info(&d->log, SUBSYS, "re-executing",
		 LOG_STR("action", reset_action_name(d->reset_pending)));
	execv("/proc/self/exe", argv);
	ret = -errno;
	log_error(&d->log, SUBSYS, "cannot re-execute", LOG_ERRNO(ret));
	return ret;
}
