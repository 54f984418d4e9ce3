/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * DNS for the daemon: a c-ares channel on the daemon's loop, configured
 * from the DHCP lease (servers from option 6; never the host's
 * /etc/resolv.conf when the lease has servers), and registrar discovery
 * walking lib/sip/registrar_plan.h in the seed's order with every failed name
 * retried with each DNS suffix (option 119, else option 15) appended.
 */
#ifndef UCPHONED_RESOLVER_H
#define UCPHONED_RESOLVER_H

#include <json-c/json.h>

#include "core/daemon.h"
#include "lib/dhcp/dhcp_msg.h"
#include "lib/sip/registrar_plan.h"

#define REGISTRARS_MAX 32

struct registrar {
	char host[DHCP_NAME_MAX];
	uint16_t port;
	enum sip_transport transport;
	char source[DHCP_NAME_MAX + 8];	/* "srv _sip._tls.corp.test" */
};

struct resolver;

int resolver_new(struct ucphoned *d, struct resolver **out);
void resolver_free(struct resolver *r);

/* A new lease (or its loss: NULL): reconfigure and rediscover. */
void resolver_set_lease(struct resolver *r, const struct dhcp_reply *lease);

/* The SIP domain in use (option or DHCP domain); "" when unknown. */
const char *resolver_sip_domain(const struct resolver *r);

/* One-shot lookups for other jobs (NTP). addrs in network order. */
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
 * The registrar list of the last finished discovery, in the seed's order
 * (empty while discovery runs, failed, or there is no lease).
 */
const struct registrar *resolver_registrars(const struct resolver *r,
					    unsigned int *n);
/* cb runs when discovery finishes (found or failed) or the lease is lost. */
typedef void (*resolver_changed_cb)(void *ctx);
int resolver_watch(struct resolver *r, resolver_changed_cb cb, void *ctx);
void resolver_unwatch(struct resolver *r, void *ctx);
/*
 * The sign-in address's domain, which is the SIP domain once signed in
 * (issue 7); NULL or "" goes back to --sip-domain or the DHCP domain.
 * A change rediscovers the registrars.
 */
void resolver_set_sip_domain(struct resolver *r, const char *domain);

struct json_object *resolver_status(const struct resolver *r);

#endif /* UCPHONED_RESOLVER_H */
