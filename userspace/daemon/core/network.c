// SPDX-License-Identifier: GPL-2.0-only
#include "core/network.h"
#include "net/dns.h"
#include "net/sntp.h"
#include "trust/trust.h"
#include "update/update_client.h"

static void lease_bound(const struct dhcp_reply *lease, bool address_changed,
			void *userdata)
{
	struct ucphoned *d = userdata;

	(void)address_changed;
	resolver_set_lease(d->resolver, lease);
	sntp_set_lease(d->sntp, lease);
	trust_set_lease(d->trust, lease);
	update_set_lease(d->update, lease);
}

static void lease_lost(void *userdata)
{
	struct ucphoned *d = userdata;

	resolver_set_lease(d->resolver, NULL);
	sntp_set_lease(d->sntp, NULL);
	trust_set_lease(d->trust, NULL);
	update_set_lease(d->update, NULL);
}

void network_listener_init(struct ucphoned *d,
			   struct dhcp_client_listener *listener)
{
	*listener = (struct dhcp_client_listener){
		.bound = lease_bound,
		.lost = lease_lost,
		.userdata = d,
	};
}
