/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * DNS for the daemon: a c-ares channel on the daemon's loop, configured
 * from the DHCP lease (servers from option 6; never the host's
 * /etc/resolv.conf when the lease has servers), with the lease's search
 * suffixes (option 119, else option 15) and the SIP domain: the sign-in
 * address's domain once signed in, else --sip-domain, else the DHCP domain.
 * Registrar discovery (sip/discovery.h) walks its names on this channel.
 */
#ifndef UCPHONED_RESOLVER_H
#define UCPHONED_RESOLVER_H

#include <stdbool.h>

#include <json-c/json.h>

#include "core/daemon.h"
#include "lib/dhcp/dhcp_msg.h"
#include "lib/sip/registrar_plan.h"

struct resolver;

int resolver_new(struct ucphoned *d, struct resolver **out);
void resolver_free(struct resolver *r);

/* A new lease (or its loss: NULL): reconfigure; watchers hear of a change. */
void resolver_set_lease(struct resolver *r, const struct dhcp_reply *lease);

/* The SIP domain in use (option or DHCP domain); "" when unknown. */
const char *resolver_sip_domain(const struct resolver *r);
/* Whether a lease configures the channel. */
bool resolver_has_lease(const struct resolver *r);
/* The search suffixes, most preferred first (n of them). */
const char (*resolver_search(const struct resolver *r,
			     unsigned int *n))[DHCP_NAME_MAX];

/*
 * One-shot lookups (NTP, trust, SIP). addrs in network order. An SRV
 * lookup answered with the target "." (RFC 2782: the service is not
 * available) gives status 0 and n 0: no server, and none to look for.
 */
typedef void (*resolver_a_cb)(void *ctx, int status, const uint32_t *addrs,
			      unsigned int n);
typedef void (*resolver_srv_cb)(void *ctx, int status,
				const struct srv_record *recs, unsigned int n);
int resolver_lookup_a(struct resolver *r, const char *name,
		      resolver_a_cb cb, void *ctx);
int resolver_lookup_srv(struct resolver *r, const char *name,
			resolver_srv_cb cb, void *ctx);
/* Drops every pending callback to ctx (its owner is going away). */
void resolver_forget(struct resolver *r, void *ctx);

/*
 * cb runs when the configuration changes: a lease whose servers, SIP
 * domain or suffixes differ, a new SIP domain, or the lease's loss.
 */
typedef void (*resolver_changed_cb)(void *ctx);
int resolver_watch(struct resolver *r, resolver_changed_cb cb, void *ctx);
void resolver_unwatch(struct resolver *r, void *ctx);
/*
 * The sign-in address's domain, which is the SIP domain once signed in;
 * NULL or "" goes back to --sip-domain or the DHCP domain.
 */
void resolver_set_sip_domain(struct resolver *r, const char *domain);

/* servers, search, sip_domain, queries. */
struct json_object *resolver_status(const struct resolver *r);

#endif /* UCPHONED_RESOLVER_H */
