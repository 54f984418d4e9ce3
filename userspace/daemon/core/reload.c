// SPDX-License-Identifier: GPL-2.0-only
/*
 * Configuration reload: the options file read again, applied where the
 * daemon reads the setting at each use, reported where it needs a restart.
 */
#include <stdio.h>
#include <string.h>

#include "core/options.h"
#include "core/reload.h"
#include "lib/control/control_proto.h"

#define SUBSYS "config"

/* "a b c" -> ["a","b","c"] */
static struct json_object *key_array(const char *keys)
{
	struct json_object *arr = json_object_new_array();
	char copy[OPTIONS_ERROR_MAX], *save = NULL, *tok;

	if (!arr)
		return NULL;
	snprintf(copy, sizeof(copy), "%s", keys);
	for (tok = strtok_r(copy, " ", &save); tok;
	     tok = strtok_r(NULL, " ", &save)) {
		struct json_object *s = json_object_new_string(tok);

		if (!s || json_object_array_add(arr, s)) {
			json_object_put(s);
			json_object_put(arr);
			return NULL;
		}
	}
	return arr;
}

struct json_object *daemon_reload(struct ucphoned *d, char *error)
{
	struct options_reload_result r;
	struct json_object *obj, *applied, *restart;

	if (options_reload(&d->options, &r) < 0) {
		log_error(&d->log, SUBSYS, "configuration not reloaded",
			  LOG_STR("reason", r.error));
		snprintf(error, CONTROL_ERROR_MAX, "%.*s", CONTROL_ERROR_MAX - 1,
			 r.error);
		return NULL;
	}
	d->log.max_level = d->options.log_level;
	log_info(&d->log, SUBSYS, "configuration reloaded",
		 LOG_STR("file", d->options.config_path),
		 LOG_STR("applied", r.applied_keys),
		 LOG_STR("restart_needed", r.restart_keys));

	obj = json_object_new_object();
	applied = key_array(r.applied_keys);
	restart = key_array(r.restart_keys);
	if (!obj || !applied || !restart ||
	    json_object_object_add(obj, "config",
		json_object_new_string(d->options.config_path)) ||
	    json_object_object_add(obj, "applied", applied) ||
	    json_object_object_add(obj, "restart_needed", restart)) {
		json_object_put(obj);
		json_object_put(applied);
		json_object_put(restart);
		snprintf(error, CONTROL_ERROR_MAX, "out of memory");
		return NULL;
	}
	return obj;
}
