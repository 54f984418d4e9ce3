/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ucphonectl's call-feature commands: forward, dnd, mute, volume and
 * calllog, and the status's phone and audio lines. Each does what the
 * phone's key does (the daemon maps both onto one function).
 */
#ifndef UCPHONECTL_FEATURES_CMD_H
#define UCPHONECTL_FEATURES_CMD_H

#include <stdbool.h>
#include <stdio.h>

#include <json-c/json.h>

#include "ctl/exchange_cmd.h"

bool ctl_is_feature_command(const char *name);
/* argv[0] is the command; returns the exit code. */
int ctl_features(int argc, char **argv, bool json, ctl_ask_fn ask, void *ctx);

/* The "phone" object (forwarding, dnd, muted, missed_calls). */
void ctl_print_features(FILE *out, struct json_object *phone);
/* The "audio" object (route, volumes). */
void ctl_print_audio(FILE *out, struct json_object *audio);

#endif /* UCPHONECTL_FEATURES_CMD_H */
