/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ucphonectl update status | check [--allow-downgrade]: the Device Update
 * client's state (installed and offered version, percent, speed, ETA, the
 * last error) and a check on request.
 */
#ifndef UCPHONECTL_UPDATE_CMD_H
#define UCPHONECTL_UPDATE_CMD_H

#include <stdbool.h>
#include <stdio.h>

#include <json-c/json.h>

#include "ctl/exchange_cmd.h"

bool ctl_is_update_command(const char *name);
/* argv[0] is "update"; returns the exit code. */
int ctl_update(int argc, char **argv, bool json, ctl_ask_fn ask, void *ctx);
/* The status's "update" object, a few lines. */
void ctl_print_update(FILE *out, struct json_object *update);
/*
 * The "failed_update" object (slot, version, stage, reason) in one line;
 * nothing for NULL.
 */
void ctl_print_failed_update(FILE *out, struct json_object *failed);

#endif /* UCPHONECTL_UPDATE_CMD_H */
