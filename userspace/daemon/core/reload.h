/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Reloading the configuration file in the running daemon (SIGHUP, or
 * `ucphonectl reload`): see core/options.h for what applies at once.
 */
#ifndef UCPHONED_RELOAD_H
#define UCPHONED_RELOAD_H

#include <json-c/json.h>

#include "core/daemon.h"

/*
 * Re-reads the file, applies what can change live and logs the outcome.
 * Returns the reply's result object ({"config":..,"applied":[..],
 * "restart_needed":[..]}), or NULL with error (CONTROL_ERROR_MAX bytes)
 * set when the file does not parse or memory ran out.
 */
struct json_object *daemon_reload(struct ucphoned *d, char *error);

#endif /* UCPHONED_RELOAD_H */
