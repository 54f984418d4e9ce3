/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What follows a DHCP lease: the resolver (and registrar discovery) and
 * the time client are told of each new lease and of its loss.
 */
#ifndef UCPHONED_NETWORK_H
#define UCPHONED_NETWORK_H

#include <stdbool.h>

#include "core/daemon.h"

void network_lease_bound(struct ucphoned *d, bool address_changed);
void network_lease_lost(struct ucphoned *d);

#endif /* UCPHONED_NETWORK_H */
