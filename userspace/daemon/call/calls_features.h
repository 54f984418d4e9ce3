/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The desk phone's call features on the daemon's loop, each reached the
 * same way from its key and from its ucphonectl command:
 *
 *   LAST key / `redial`        calls the newest placed call of the log
 *   VOICEMAIL key              calls the provisioned voicemailUri
 *   MUTE key / `mute`          microphone to silence and back (the far end
 *                              hears silence, RTP keeps flowing)
 *   `forward ...`, `dnd ...`   forwarding rules and Do Not Disturb
 *                              (forward.h), saved in the state directory
 *   `calllog`                  the call log (calllog.h); clears the
 *                              missed-call count
 *
 * Changes go to control clients as the usual {"event":"call"} message,
 * whose "features" object carries forwarding, dnd, muted and
 * missed_calls (the screen's indicators).
 */
#ifndef UCPHONED_CALL_CALLS_FEATURES_H
#define UCPHONED_CALL_CALLS_FEATURES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#include "call/calls.h"

struct forward_rules;
struct calllog;
struct media_engine;

void calls_feature_key(struct calls *c, uint32_t code);
/* Adds "features" {forwarding, dnd, muted, missed_calls} to o. */
void calls_add_features(const struct calls *c, struct json_object *o);
struct json_object *calls_features_status(const struct calls *c);

/* 0, or -errno with a reason for the user in why. */
int calls_forward(struct calls *c, const char *setting, char *why, size_t len);
int calls_dnd(struct calls *c, const char *setting, char *why, size_t len);
/* "toggle", "on" or "off". */
int calls_mute(struct calls *c, const char *setting, char *why, size_t len);
int calls_redial(struct calls *c, char *why, size_t len);
int calls_voicemail(struct calls *c, char *why, size_t len);
/* The log, newest first; the missed count is cleared (it was seen). */
struct json_object *calls_calllog(struct calls *c);

/* calls.c's parts these need */
struct forward_rules *calls_forward_rules(struct calls *c);
struct calllog *calls_log(const struct calls *c);
struct media_engine *calls_media(const struct calls *c);
struct ucphoned *calls_daemon(const struct calls *c);
/* Tells control clients (an {"event":"call"} message). */
void calls_notify(struct calls *c);

#endif /* UCPHONED_CALL_CALLS_FEATURES_H */
