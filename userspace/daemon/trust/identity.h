/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The sign-in identity: the sign-in address (user@SIP domain, the
 * seed's "sign-in address"), Domain\User, and the password. Entered with
 * `ucphonectl signin` (stored 0600 as <state dir>/signin, written
 * atomically, loaded at start-up, removed by `ucphonectl signout` and by a
 * hard reset's wipe) or given with --signin-config FILE (read at start-up
 * when nothing is stored; never written). The password never reaches a log,
 * a status reply or an error text, and is zeroed when freed.
 *
 * A stored file that cannot be read as an identity is reported (log, and
 * "error" in the status) and treated as signed out; it is left in place for
 * inspection, and moved aside to <state dir>/signin.corrupt by the next
 * sign-in rather than overwritten.
 */
#ifndef UCPHONED_IDENTITY_H
#define UCPHONED_IDENTITY_H

#include <json-c/json.h>

#include "core/daemon.h"
#include "trust/identity_file.h"

struct identity;
int identity_new(struct ucphoned *d, struct identity **out);   /* loads <state>/signin if present */
void identity_free(struct identity *id);
const struct signin_identity *identity_get(const struct identity *id); /* NULL when signed out */
const char *identity_domain(const struct identity *id); /* right side of address, "" if none */
const char *identity_username(const struct identity *id); /* user without "DOMAIN\\" prefix */
typedef void (*identity_changed_cb)(void *ctx);
int identity_watch(struct identity *id, identity_changed_cb cb, void *ctx); /* after sign-in/out */
void identity_unwatch(struct identity *id, void *ctx);
struct json_object *identity_status(const struct identity *id); /* address + user only */

/* Longest error text identity_signin()/identity_signout() give back. */
#define IDENTITY_SIGNIN_ERROR_MAX 160

/*
 * Checks, stores (atomically, 0600) and takes a new identity, then tells
 * the watchers. 0, or -errno with a reason fit for the user in error (no
 * value is quoted in it). Nothing changes on error.
 */
int identity_signin(struct identity *id, const struct signin_identity *in,
		    char error[IDENTITY_SIGNIN_ERROR_MAX]);

/*
 * Forgets the identity and removes the stored file, then tells the
 * watchers. Signing out while signed out is not an error.
 */
int identity_signout(struct identity *id,
		     char error[IDENTITY_SIGNIN_ERROR_MAX]);

#endif /* UCPHONED_IDENTITY_H */
