// SPDX-License-Identifier: GPL-2.0-only
#include <stdio.h>
#include <string.h>

#include "call/calls.h"
#include "core/slots.h"
#include "device/slot_health.h"
#include "net/dhcp_client.h"
#include "sip/register.h"
#include "sip/signin.h"
#include "trust/identity.h"
#include "update/update_client.h"

static bool slot_healthy(void *ctx, char *what, size_t len)
{
	struct ucphoned *d = ctx;
	enum sip_reg_state reg;

	if (!d->options.interface) {
		snprintf(what, len, "ucphoned runs (network not managed)");
		return true;
	}
	if (!d->identity || !identity_get(d->identity)) {
		if (d->dhcp && dhcp_client_lease(d->dhcp)) {
			snprintf(what, len, "network up (no sign-in configured)");
			return true;
		}
		snprintf(what, len, "no DHCP lease (no sign-in configured)");
		return false;
	}
	if (!d->signin || !signin_register(d->signin)) {
		snprintf(what, len, "signed in, SIP not started");
		return false;
	}
	reg = sip_register_state(signin_register(d->signin));
	if (reg == SIP_REG_REGISTERED || reg == SIP_REG_REFRESHING) {
		snprintf(what, len, "registered");
		return true;
	}
	snprintf(what, len, "not registered (%s%s)", sip_register_state_name(reg),
		 d->dhcp && !dhcp_client_lease(d->dhcp) ? ", no DHCP lease" : "");
	return false;
}

static bool phone_busy(void *ctx)
{
	struct ucphoned *d = ctx;
	struct json_object *st, *calls;
	bool busy = false;

	if (!d->calls)
		return false;
	st = calls_status(d->calls);
	if (st && json_object_object_get_ex(st, "calls", &calls) &&
	    json_object_is_type(calls, json_type_array))
		busy = json_object_array_length(calls) > 0;
	json_object_put(st);
	return busy;
}

bool slots_may_update(void *ctx, char *why, size_t len)
{
	struct ucphoned *d = ctx;

	if (!slot_health_on_trial(d->slots))
		return true;
	snprintf(why, len, "the running slot is on trial until it is marked good");
	return false;
}

struct json_object *slots_update_status(struct ucphoned *d)
{
	struct json_object *o = update_status(d->update), *f, *stage;
	char booted = slot_health_booted_slot(d->slots);
	char other[2] = { booted == 'a' ? 'b' : 'a', 0 };

	if (!o)
		return NULL;
	if (json_object_object_get_ex(o, "failed_update", &f)) {
		/* the installer writes the slot not booted; earlier, none */
		json_object_object_get_ex(f, "stage", &stage);
		json_object_object_add(f, "slot", json_object_new_string(
			strcmp(json_object_get_string(stage), "installer") ? "none" :
			booted ? other : "unknown"));
		return o;
	}
	f = slot_health_failed_update(d->slots);
	if (f) {
		json_object_object_add(f, "stage", json_object_new_string("trial"));
		json_object_object_add(o, "failed_update", f);
	}
	return o;
}

int slots_start(struct ucphoned *d)
{
	struct slot_health_config cfg = {
		.trial_usec = (uint64_t)d->options.update_trial_min * 60000000ULL,
		.version_file = d->options.update_version_file,
	};
	struct slot_health_hooks hooks = {
		.healthy = slot_healthy,
		.busy = phone_busy,
		.ctx = d,
	};

	if (maint_window_parse(d->options.update_reboot_window, &cfg.window) < 0)
		cfg.window = (struct maint_window){ .any = true };
	return slot_health_new(d->event, &d->log, &cfg, &hooks, &d->slots);
}
