// SPDX-License-Identifier: GPL-2.0-only
#include "core/status.h"
#include "call/calls_features.h"
#include "device/audio.h"
#include "device/slot_health.h"
#include "exchange/exchange.h"
#include "update/update_client.h"
#include "net/dhcp_client.h"
#include "net/dns.h"
#include "net/sntp.h"
#include "sip/discovery.h"
#include "sip/signin.h"
#include "trust/identity.h"
#include "trust/trust.h"

struct json_object *status_build(struct ucphoned *d)
{
	struct json_object *o = json_object_new_object(), *dns;

	if (!o)
		return NULL;
	if (d->identity)
		json_object_object_add(o, "identity",
				       identity_status(d->identity));
	if (d->calls)
		json_object_object_add(o, "phone", calls_features_status(d->calls));
	if (d->audio)
		json_object_object_add(o, "audio", audio_status(d->audio));
	if (d->slots)
		json_object_object_add(o, "software", slot_health_status(d->slots));
	if (!d->dhcp) {
		json_object_object_add(o, "network", json_object_new_string(
			"not managed (no --interface)"));
		return o;
	}
	json_object_object_add(o, "dhcp", dhcp_client_status(d->dhcp));
	dns = resolver_status(d->resolver);
	if (dns)
		discovery_status(d->discovery, dns);
	json_object_object_add(o, "dns", dns);
	json_object_object_add(o, "time", sntp_status(d->sntp));
	json_object_object_add(o, "trust", trust_status(d->trust));
	if (d->signin)
		json_object_object_add(o, "sip", signin_status(d->signin));
	if (d->exchange)
		json_object_object_add(o, "exchange", exchange_status(d->exchange));
	if (d->update)
		json_object_object_add(o, "update", update_status(d->update));
	return o;
}
