/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The `info` command: what the daemon is, what the kernel says right now
 * (UCPHONE_CMD_GET_INFO, asked at request time), and every counter.
 */
#ifndef UCPHONED_INFO_H
#define UCPHONED_INFO_H

#include <json-c/json.h>

#include "core/daemon.h"

/* The result object of an `info` reply; NULL when out of memory. */
struct json_object *info_build(struct ucphoned *d);

#endif /* UCPHONED_INFO_H */
