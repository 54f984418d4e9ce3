/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * EWS requests the user asks for and waits on, one at a time each, on the
 * loop (lib/xml/ews_lookup_xml.h for the SOAP):
 * - a directory search: ResolveNames for a name; the result is
 *   {"query":NAME,"matches":[{"name","company","email","sip","work",
 *   "mobile","home"},...]} (the fields a contact has, those present);
 * - a voice message's recording: GetItem for the message's attachments,
 *   then GetAttachment of the first audio one, stored in the state
 *   directory as voicemail-recording.<ext> (atomically; one at a time:
 *   the next fetch replaces it; a factory wipe removes it with the
 *   directory); the result is {"file":PATH,"bytes":N,"name":...,
 *   "content_type":...}.
 */
#ifndef UCPHONED_EXCHANGE_EWS_LOOKUP_H
#define UCPHONED_EXCHANGE_EWS_LOOKUP_H

#include <stdint.h>

#include <json-c/json.h>

#include "core/daemon.h"

#define EWS_RECORDING_FILE "voicemail-recording"

struct ews_lookup;

/*
 * Runs once, from the loop. status 0: result is a new reference for the
 * callee; <0: error says why. tag is the caller's, handed back.
 */
typedef void (*ews_lookup_cb)(void *ctx, uint64_t tag, int status,
			      struct json_object *result, const char *error);

int ews_lookup_directory(struct ucphoned *d, const char *url, const char *name,
			 ews_lookup_cb cb, void *ctx, uint64_t tag,
			 struct ews_lookup **out);
int ews_lookup_recording(struct ucphoned *d, const char *url,
			 const char *item_id, ews_lookup_cb cb, void *ctx,
			 uint64_t tag, struct ews_lookup **out);
/* Stops it: its callback never runs. */
void ews_lookup_free(struct ews_lookup *l);

/* Removes a stored recording (signing out). */
void ews_lookup_remove_recording(int state_dir_fd);

#endif /* UCPHONED_EXCHANGE_EWS_LOOKUP_H */
