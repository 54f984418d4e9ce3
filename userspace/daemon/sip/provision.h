/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * In-band provisioning ([MS-SIPREGE], protocols brief 7): once registered,
 * a SUBSCRIBE to the phone's own address for vnd-microsoft-provisioning-v2
 * (Expires 0, the provisioningGroupList body of lib/prov_xml), over the
 * registration's connection, with Digest when challenged. The answer's
 * provisionGroupList (the 200's body, or a NOTIFY's) is parsed with
 * prov_xml_parse() and its ServerConfiguration values are kept for later
 * steps (Device Update URLs, voicemail URI, primary SMTP address...).
 * A body that does not parse changes nothing already kept.
 */
#ifndef UCPHONED_SIP_PROVISION_H
#define UCPHONED_SIP_PROVISION_H

#include <json-c/json.h>

#include "core/daemon.h"
#include "lib/xml/prov_xml.h"
#include "sip/register.h"
#include "sip/transaction.h"

#define SIP_PROV_EVENT "vnd-microsoft-provisioning-v2"
#define SIP_PROV_CONTENT_TYPE "application/vnd-microsoft-roaming-provisioning-v2+xml"

struct sip_provision;

int sip_provision_new(struct ucphoned *d, struct sip_txn_layer *l,
		      struct sip_register *reg, struct sip_provision **out);
void sip_provision_free(struct sip_provision *p);

/* A new registration: subscribe on its connection. */
void sip_provision_start(struct sip_provision *p);
/* Signed out: forget the values. */
void sip_provision_reset(struct sip_provision *p);

/*
 * cb runs with the user's primary SMTP address each time provisioning
 * delivers one, and with NULL when the values are forgotten (sign-out).
 * Whoever locates Exchange listens here; provisioning knows nothing of it.
 */
typedef void (*sip_provision_smtp_cb)(void *ctx, const char *smtp_address);
void sip_provision_on_smtp(struct sip_provision *p, sip_provision_smtp_cb cb,
			   void *ctx);

/* The values kept, or NULL before the first provisioning. */
const struct prov_config *sip_provision_config(const struct sip_provision *p);

struct json_object *sip_provision_status(const struct sip_provision *p);

#endif /* UCPHONED_SIP_PROVISION_H */
