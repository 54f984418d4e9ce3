/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Registrar discovery: walks lib/sip/registrar_plan.h in the seed's order
 * (SRV _sipinternaltls._tcp, _sip._tls, _sipinternal._tcp, then A
 * sipinternal, sip, sipexternal) on the daemon's DNS channel (net/dns.h),
 * every failed name retried with each DNS suffix appended. The result is
 * the ordered, de-duplicated list of registrars; nothing found is retried
 * after 5 s, doubling to 5 min. A new DNS configuration (lease, SIP
 * domain) starts it over.
 *
 *	IDLE --lease + SIP domain--> RUNNING --found--> DONE
 *	                                     --none---> FAILED --retry--> RUNNING
 *	any --configuration changed--> RUNNING (or IDLE: no lease, no domain)
 */
#ifndef UCPHONED_DISCOVERY_H
#define UCPHONED_DISCOVERY_H

#include <json-c/json.h>
#include <systemd/sd-event.h>

#include "core/log.h"
#include "lib/dhcp/dhcp_msg.h"
#include "lib/sip/registrar_plan.h"
#include "net/dns.h"

#define REGISTRARS_MAX 32

struct registrar {
	char host[DHCP_NAME_MAX];
	uint16_t port;
	enum sip_transport transport;
	char source[DHCP_NAME_MAX + 8];	/* "srv _sip._tls.corp.test" */
};

struct discovery;

/*
 * Watches r for its whole life; the caller frees it before r. An SRV
 * target is used only inside the SIP domain or one of the n_trusted
 * domains (strict DNS naming; the array outlives the discovery).
 */
int discovery_new(sd_event *event, struct log *log, struct resolver *r,
		  const char *const *trusted, unsigned int n_trusted,
		  struct discovery **out);
void discovery_free(struct discovery *disc);

/*
 * The registrar list of the last finished discovery, in the seed's order
 * (empty while discovery runs, failed, or there is no lease).
 */
const struct registrar *discovery_registrars(const struct discovery *disc,
					     unsigned int *n);
/* cb runs when discovery finishes (found or failed) or the lease is lost. */
typedef void (*discovery_changed_cb)(void *ctx);
int discovery_watch(struct discovery *disc, discovery_changed_cb cb, void *ctx);
void discovery_unwatch(struct discovery *disc, void *ctx);

/* Adds discovery, discovery_ms, error, retry_in_s, runs, failures, registrars. */
void discovery_status(const struct discovery *disc, struct json_object *o);

#endif /* UCPHONED_DISCOVERY_H */
