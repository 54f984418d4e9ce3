// SPDX-License-Identifier: GPL-2.0-only
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "core/control.h"
#include "core/info.h"
#include "device/kernel_link.h"
#include "lib/control/ucphone_json.h"

static uint64_t now_usec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static void add_uint(struct json_object *obj, const char *key, uint64_t v)
{
	json_object_object_add(obj, key, json_object_new_uint64(v));
}

static void add_string(struct json_object *obj, const char *key,
		       const char *v)
{
	json_object_object_add(obj, key, json_object_new_string(v));
}

static struct json_object *daemon_json(const struct ucphoned *d)
{
	struct json_object *obj = json_object_new_object();

	if (!obj)
		return NULL;
	add_string(obj, "version", UCPHONE_VERSION);
	add_uint(obj, "uapi", UCPHONE_GENL_VERSION);
	add_uint(obj, "pid", (uint64_t)getpid());
	add_uint(obj, "uptime_s", (now_usec() - d->started_usec) / 1000000u);
	add_string(obj, "control", d->options.control_path);
	add_string(obj, "state_dir", d->options.state_dir);
	return obj;
}

static struct json_object *kernel_json(struct ucphoned *d)
{
	struct json_object *obj = json_object_new_object();
	struct kernel_link_state state;
	struct ucphone_info info;
	char why[128];

	if (!obj)
		return NULL;

	kernel_link_get_state(d->kernel, &state);
	json_object_object_add(obj, "available",
			       json_object_new_boolean(state.available));
	if (!state.available) {
		add_string(obj, "reason",
			   "ucphone module not loaded; running degraded");
		return obj;
	}

	add_uint(obj, "family_id", state.family_id);
	add_uint(obj, "family_version", state.family_version);
	json_object_object_add(obj, "events",
			       json_object_new_boolean(state.events_joined));

	/* Asked now, not cached: drivers come and go with their modules. */
	if (kernel_link_get_info(d->kernel, &info, why, sizeof(why)) < 0) {
		add_string(obj, "error", why);
		return obj;
	}
	add_uint(obj, "uapi", info.version);
	add_string(obj, "release", info.kernel_release);
	json_object_object_add(obj, "drivers", ucphone_drivers_to_json(&info));
	return obj;
}

static struct json_object *kernel_counters_json(const struct ucphoned *d)
{
	const struct kernel_link_counters *k = kernel_link_counters(d->kernel);
	struct json_object *obj = json_object_new_object();

	if (!obj)
		return NULL;
	add_uint(obj, "events_received", k->events_received);
	add_uint(obj, "events_lost", k->events_lost);
	add_uint(obj, "overruns", k->overruns);
	add_uint(obj, "malformed", k->malformed);
	add_uint(obj, "seq_restarts", k->seq_restarts);
	add_uint(obj, "foreign", k->foreign);
	add_uint(obj, "family_appeared", k->family_appeared);
	add_uint(obj, "family_vanished", k->family_vanished);
	add_uint(obj, "info_requests", k->info_requests);
	add_uint(obj, "info_failures", k->info_failures);
	return obj;
}

static struct json_object *control_counters_json(const struct ucphoned *d)
{
	struct json_object *obj = json_object_new_object();
	struct control_stats st;

	if (!obj)
		return NULL;
	control_get_stats(d->control, &st);
	add_uint(obj, "clients", st.clients);
	add_uint(obj, "subscribers", st.subscribers);
	add_uint(obj, "clients_accepted", st.counters.clients_accepted);
	add_uint(obj, "clients_refused", st.counters.clients_refused);
	add_uint(obj, "requests", st.counters.requests);
	add_uint(obj, "bad_requests", st.counters.bad_requests);
	add_uint(obj, "idle_closed", st.counters.idle_closed);
	add_uint(obj, "events_sent", st.counters.events_sent);
	add_uint(obj, "slow_dropped", st.counters.slow_dropped);
	return obj;
}

struct json_object *info_build(struct ucphoned *d)
{
	struct json_object *result = json_object_new_object();
	struct json_object *counters = json_object_new_object();

	if (!result || !counters) {
		json_object_put(result);
		json_object_put(counters);
		return NULL;
	}
	json_object_object_add(result, "daemon", daemon_json(d));
	json_object_object_add(result, "kernel", kernel_json(d));
	json_object_object_add(counters, "kernel", kernel_counters_json(d));
	json_object_object_add(counters, "control", control_counters_json(d));
	json_object_object_add(result, "counters", counters);
	return result;
}
