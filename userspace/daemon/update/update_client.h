/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The phone's Device Update client (protocols brief 8, seed chapter 2).
 *
 * When: at power-on (the first lease), at sign-in (in-band provisioning
 * arrived) and then about once a day (24 h +- 2 h at random, so that a
 * building's phones do not ask at once), or now (ucphonectl update check).
 *
 * Where: the provisioned updatesServerInternalUrl once signed in, before
 * that https://ucupdates-r2.<DHCP domain>/RequestHandler/ucdevice.upx.
 * HTTPS only, the certificate verified against the trust store, and
 * every host (the check's and the files') believed only inside the SIP
 * domain, the DHCP domain or a trusted server domain.
 *
 *   idle/up-to-date/refused/failed/installed
 *     -> checking     POST the device (type, vendor, model, hardware
 *                     revision, MAC, serial, locale, installed version)
 *     -> downloading  the module the model and the version policy take,
 *                     image then signature, into <state>/update/; a cut
 *                     transfer resumes with an HTTP Range (after a
 *                     restart too: the part file stays); the size cap
 *                     and the announced size hold
 *     -> verifying    CMS detached signature against the vendor root
 *     -> installing   --update-installer IMAGE, its exit status and
 *                     output are the result
 *     -> installed    (waiting for the restart into the new slot)
 *
 * Anything refused (another model, a downgrade, a step off the path, an
 * oversized, cut, unsigned or wrongly signed image, a size not the one
 * announced) leaves no file behind and says why in the status.
 */
#ifndef UCPHONED_UPDATE_CLIENT_H
#define UCPHONED_UPDATE_CLIENT_H

#include <stdbool.h>

#include <json-c/json.h>

#include "core/daemon.h"
#include "lib/dhcp/dhcp_msg.h"

struct update;

int update_new(struct ucphoned *d, struct update **out);
void update_free(struct update *u);

/* A lease (the DHCP domain, the MAC); the first one is power-on. NULL: lost. */
void update_set_lease(struct update *u, const struct dhcp_reply *lease);
/*
 * Signed in and provisioned (url: updatesServerInternalUrl, or NULL when
 * none was provisioned): checks now. signed_in false: signed out.
 */
void update_set_signed_in(struct update *u, bool signed_in, const char *url);

/*
 * may_update says whether the phone may look for and install an update
 * now; it says no (and why, in words) while the booted slot is on trial:
 * an install then would overwrite the slot the phone falls back to. A
 * check asked for meanwhile waits, retried every few seconds.
 */
typedef bool (*update_gate_fn)(void *ctx, char *why, size_t why_len);
void update_set_gate(struct update *u, update_gate_fn may_update, void *ctx);

/*
 * Checks now. -EBUSY (with why) while a check or an update runs, or while
 * the gate is shut.
 */
int update_check_now(struct update *u, bool allow_downgrade, const char **why);

/*
 * cb gets {"event":"update","state":...,"percent":N,...} on every state
 * change and at most once a second while downloading (for the screen).
 */
void update_on_event(struct update *u,
		     void (*cb)(void *ctx, struct json_object *ev), void *ctx);

/* The status "update" section. */
struct json_object *update_status(const struct update *u);

#endif /* UCPHONED_UPDATE_CLIENT_H */
