/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * One EWS synchronisation (lib/xml/ews_xml.h for the requests): every page
 * of the contacts folder, then every page of the voice mail and missed
 * calls Unified Messaging filed in the inbox, then the calls Office
 * Communicator logged in "Conversation History" (when the mailbox has that
 * folder; its absence is noted, not an error), one request at a time on
 * the loop, with the sign-in credentials (Basic or NTLM over HTTPS) and the
 * trust store. The result is JSON, ready for the cache and the control
 * socket: {"contacts":[...],"voicemail":[...],"missed_calls":[...],
 * "calls":[...]}.
 */
#ifndef UCPHONED_EXCHANGE_EWS_H
#define UCPHONED_EXCHANGE_EWS_H

#include <json-c/json.h>

#include "core/daemon.h"

/* A mailbox with more is cut there (and says so). */
#define EWS_CONTACTS_MAX 5000
#define EWS_MESSAGES_MAX 500

struct ews_sync;

/*
 * status 0: data holds the result (a new reference for the callee);
 * <0: error says why, credentials_refused when the server said 401.
 */
typedef void (*ews_sync_done_cb)(void *ctx, int status,
				 struct json_object *data, const char *error,
				 bool credentials_refused);

int ews_sync_start(struct ucphoned *d, const char *url, ews_sync_done_cb cb,
		   void *ctx, struct ews_sync **out);
void ews_sync_free(struct ews_sync *s);

/* Requests sent so far, for the status. */
unsigned int ews_sync_requests(const struct ews_sync *s);

#endif /* UCPHONED_EXCHANGE_EWS_H */
