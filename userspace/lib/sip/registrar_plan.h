/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Registrar discovery as the seed orders it (protocols brief 3), as data:
 * the list of DNS questions, and RFC 2782 ordering of SRV answers. The
 * daemon's resolver walks the plan; this file does no I/O.
 */
#ifndef UCPHONE_REGISTRAR_PLAN_H
#define UCPHONE_REGISTRAR_PLAN_H

#include <stddef.h>
#include <stdint.h>

#include "lib/dhcp/dhcp_msg.h"

enum sip_transport { SIP_TRANSPORT_TLS, SIP_TRANSPORT_TCP };

struct registrar_step {
	const char *label;	/* "_sipinternaltls._tcp" or "sipinternal" */
	bool srv;		/* SRV question, else A with port below */
	uint16_t port;
	enum sip_transport transport;
};

extern const struct registrar_step registrar_steps[];
extern const size_t registrar_steps_len;

const char *sip_transport_name(enum sip_transport t);

struct srv_record {
	char target[DHCP_NAME_MAX];
	uint16_t priority, weight, port;
};

/*
 * RFC 2782: a target of "." (c-ares hands it over as "") says the service
 * is decidedly not available under the name asked: true when any record
 * of an answer says so, and then no record of it names a server.
 */
bool srv_unavailable(const struct srv_record *recs, size_t n);

/*
 * True when name is domain itself or a name under it (RFC 5922 s4: a
 * server learned from unsecured DNS is only believed inside the domain
 * asked about). Case-insensitive; a final '.' on either is ignored.
 */
bool name_in_domain(const char *name, const char *domain);

/*
 * Orders records in place per RFC 2782: ascending priority; within a
 * priority, weighted random selection (zero weights first among equals
 * get a small chance). rnd returns a uniform 32-bit value.
 */
void srv_order(struct srv_record *recs, size_t n,
	       uint32_t (*rnd)(void *ctx), void *ctx);

/*
 * Name number `attempt` for a step: 0 is <label>.<domain>, k >= 1 is
 * <label>.<domain>.<suffix[k-1]>. Returns 0, -ENOENT past the last, or
 * -ENAMETOOLONG.
 */
int registrar_name(const struct registrar_step *step, const char *domain,
		   const char (*suffixes)[DHCP_NAME_MAX], unsigned int n_suffix,
		   unsigned int attempt, char out[DHCP_NAME_MAX]);

#endif /* UCPHONE_REGISTRAR_PLAN_H */
