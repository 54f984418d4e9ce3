// SPDX-License-Identifier: GPL-2.0-only
#include "net/dhcp_client.h"
#include "net/network.h"
#include "net/dns.h"
#include "net/sntp.h"
#include "trust/trust.h"

void network_lease_bound(struct ucphoned *d, bool address_changed)
{
	const struct dhcp_reply *lease = dhcp_client_lease(d->dhcp);

	(void)address_changed;
	resolver_set_lease(d->resolver, lease);
	sntp_set_lease(d->sntp, lease);
	trust_set_lease(d->trust, lease);
}

void network_lease_lost(struct ucphoned *d)
{
	resolver_set_lease(d->resolver, NULL);
	sntp_set_lease(d->sntp, NULL);
	trust_set_lease(d->trust, NULL);
}
