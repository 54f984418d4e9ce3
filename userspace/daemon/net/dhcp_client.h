/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The DHCPv4 client (RFC 2131) of the phone's one interface: an explicit
 * state machine on the daemon's loop. Before it has an address it talks
 * through an AF_PACKET socket (building IP and UDP itself); renewals go
 * out through a UDP socket bound to the leased address. The lease is kept
 * in the state directory (written atomically) for INIT-REBOOT.
 */
#ifndef UCPHONED_DHCP_CLIENT_H
#define UCPHONED_DHCP_CLIENT_H

#include <json-c/json.h>

#include "core/daemon.h"
#include "lib/dhcp/dhcp_msg.h"

enum dhcp_state {
	DHCP_STATE_INIT,
	DHCP_STATE_SELECTING,
	DHCP_STATE_REQUESTING,
	DHCP_STATE_CHECKING,		/* ARP probe of the offered address */
	DHCP_STATE_BOUND,
	DHCP_STATE_RENEWING,
	DHCP_STATE_REBINDING,
	DHCP_STATE_INIT_REBOOT,
};

struct dhcp_client;

/*
 * Who hears of the lease (core/network.c): bound on each new or changed
 * lease (and when DHCPINFORM completes one), lost when it is gone. The
 * client owns this interface so that it calls up without knowing who
 * listens.
 */
struct dhcp_client_listener {
	void (*bound)(const struct dhcp_reply *lease, bool address_changed,
		      void *userdata);
	void (*lost)(void *userdata);
	void *userdata;
};

int dhcp_client_new(struct ucphoned *d,
		    const struct dhcp_client_listener *listener,
		    struct dhcp_client **out);
/* Sends DHCPRELEASE if configured, removes the address, frees. */
void dhcp_client_free(struct dhcp_client *c);

/* The lease in force (NULL without one). */
const struct dhcp_reply *dhcp_client_lease(const struct dhcp_client *c);
const char *dhcp_state_name(enum dhcp_state s);
/* When the interface came up (CLOCK_MONOTONIC usec), for timings. */
uint64_t dhcp_client_link_up_usec(const struct dhcp_client *c);
struct json_object *dhcp_client_status(const struct dhcp_client *c);

#endif /* UCPHONED_DHCP_CLIENT_H */
