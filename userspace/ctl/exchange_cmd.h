/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ucphonectl's Exchange commands: contacts, voicemail, call-contact,
 * exchange-sync, directory, voicemail-fetch, and the status's Exchange lines. Contact names are UTF-8
 * end to end: printed as they are, control characters (C0, DEL, C1) and
 * invalid UTF-8 dropped so nothing from the network drives the terminal.
 */
#ifndef UCPHONECTL_EXCHANGE_CMD_H
#define UCPHONECTL_EXCHANGE_CMD_H

#include <stdbool.h>
#include <stdio.h>

#include <json-c/json.h>

/*
 * Sends req (a request object; the callee keeps no reference) and gives
 * the result (new reference); returns ucphonectl's exit code.
 */
typedef int (*ctl_ask_fn)(void *ctx, struct json_object *req,
			  struct json_object **result);

/* Is name one of the commands below? */
bool ctl_is_exchange_command(const char *name);

/*
 * How long command may wait for its reply when longer than the usual: the
 * directory search and a recording's fetch wait on Exchange. 0: the usual.
 */
unsigned int ctl_exchange_timeout_s(const char *name);

/* argv[0] is the command; returns the exit code. */
int ctl_exchange(int argc, char **argv, bool json, ctl_ask_fn ask, void *ctx);

/* The status's "exchange" object, a few lines. */
void ctl_print_exchange(FILE *out, struct json_object *exchange);

/*
 * The URI to dial for contact's kind ("sip", "work", "mobile"; NULL: sip,
 * else work, else mobile, else home): "sip:..." or "tel:+...". 0, or
 * -ENOENT when the contact has no such number.
 */
int ctl_contact_uri(struct json_object *contact, const char *kind,
		    char *uri, size_t size, const char **used);

/* s with control characters and invalid UTF-8 dropped. */
const char *ctl_utf8_clean(const char *s, char *out, size_t size);

#endif
