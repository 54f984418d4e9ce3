/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What follows a DHCP lease: the resolver (and with it registrar
 * discovery), the time client and root CA discovery are told of each new
 * lease and of its loss. The DHCP client calls this through the listener
 * it owns (net/dhcp_client.h), so net/ never calls up into core/.
 */
#ifndef UCPHONED_NETWORK_H
#define UCPHONED_NETWORK_H

#include "core/daemon.h"
#include "net/dhcp_client.h"

void network_listener_init(struct ucphoned *d,
			   struct dhcp_client_listener *listener);

#endif /* UCPHONED_NETWORK_H */
