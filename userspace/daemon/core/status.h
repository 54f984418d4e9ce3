/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The `status` command: the network as the daemon brought it up (lease,
 * address, DNS, registrars found and where from, time source and offset).
 */
#ifndef UCPHONED_STATUS_H
#define UCPHONED_STATUS_H

#include <json-c/json.h>

#include "core/daemon.h"

/* The result object of a `status` reply; NULL when out of memory. */
struct json_object *status_build(struct ucphoned *d);

#endif /* UCPHONED_STATUS_H */
