/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The phone's Exchange client: once in-band provisioning gives the user's
 * primary SMTP address, Autodiscover finds the Client Access Server
 * (autodiscover.c), then EWS brings the contacts, voice mail and missed
 * calls (ews.c): at sign-in, every --exchange-sync-s seconds (15 min by
 * default) and on request (ucphonectl exchange-sync). What was fetched is
 * kept in <state>/exchange.json (cache_file.c) and shown by ucphonectl
 * contacts / voicemail; signing out forgets it, a factory wipe removes it.
 * A server refusing the credentials stops the periodic retries until the
 * next sign-in or an explicit request.
 */
#ifndef UCPHONED_EXCHANGE_H
#define UCPHONED_EXCHANGE_H

#include <json-c/json.h>

#include "core/daemon.h"
#include "exchange/ews_lookup.h"

/* Contacts per control reply: the reply must fit CONTROL_MESSAGE_MAX. */
#define EXCHANGE_CONTACTS_PER_REPLY 50
#define EXCHANGE_MESSAGES_PER_REPLY 30

struct exchange;

int exchange_new(struct ucphoned *d, struct exchange **out);
void exchange_free(struct exchange *x);

/* The primary SMTP address from provisioning; NULL when signed out. */
void exchange_set_address(struct exchange *x, const char *address);

/* Synchronise now. -ENOENT (with a reason) when there is no account yet. */
int exchange_sync_now(struct exchange *x, const char **why);

/*
 * {"total":N,"matched":M,"contacts":[{"index":I,"name":...},...],
 *  "next_offset":K (when more match)}: the contacts whose name, company,
 * e-mail or SIP address contains search (ASCII case ignored), from the
 * offset-th match on. index is the contact's place in the whole list.
 */
struct json_object *exchange_contacts(const struct exchange *x,
				      const char *search, unsigned int offset);
/* {"voicemail":[...],"missed_calls":[...],"calls":[...], totals}: newest first. */
struct json_object *exchange_voicemail(const struct exchange *x);

struct json_object *exchange_status(const struct exchange *x);

/*
 * A directory search by name (ResolveNames), or voice message number
 * message (1 = the newest, as `voicemail` lists them) fetched into the
 * state directory: cb runs once with the result (ews_lookup.h), tag handed
 * back. One of each at a time: a newer request ends the older one's wait
 * with -ECANCELED. <0 with why when it cannot start (no EWS URL yet, no
 * such message, a name EWS cannot take).
 */
int exchange_directory(struct exchange *x, const char *name, ews_lookup_cb cb,
		       void *ctx, uint64_t tag, const char **why);
int exchange_fetch_recording(struct exchange *x, const char *message,
			     ews_lookup_cb cb, void *ctx, uint64_t tag,
			     const char **why);

#endif /* UCPHONED_EXCHANGE_H */
