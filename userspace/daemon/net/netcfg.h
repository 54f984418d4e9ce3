/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The phone's interface as DHCP configures it, through rtnetlink
 * (libnl-route): address/prefix, default route, MTU. Only the one
 * interface named at start is touched; what was set is undone on loss of
 * the lease and at shutdown.
 */
#ifndef UCPHONED_NETCFG_H
#define UCPHONED_NETCFG_H

#include <stdint.h>

#include "core/log.h"

struct netcfg;

int netcfg_new(int ifindex, struct log *log, struct netcfg **out);
void netcfg_free(struct netcfg *nc);	/* removes what it set */

/* Sets the link up if it is not. */
int netcfg_link_up(struct netcfg *nc);

/* Addresses in network order; gateway/mtu 0 = none. Replaces the old. */
int netcfg_apply(struct netcfg *nc, uint32_t addr, uint8_t prefix,
		 uint32_t gateway, uint16_t mtu);
void netcfg_remove(struct netcfg *nc);

#endif /* UCPHONED_NETCFG_H */
