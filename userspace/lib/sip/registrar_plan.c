// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "lib/sip/registrar_plan.h"

const struct registrar_step registrar_steps[] = {
	{ "_sipinternaltls._tcp", true, 0, SIP_TRANSPORT_TLS },
	{ "_sip._tls", true, 0, SIP_TRANSPORT_TLS },
	{ "_sipinternal._tcp", true, 0, SIP_TRANSPORT_TCP },
	{ "sipinternal", false, 5061, SIP_TRANSPORT_TLS },
	{ "sipinternal", false, 443, SIP_TRANSPORT_TLS },
	{ "sip", false, 5061, SIP_TRANSPORT_TLS },
	{ "sip", false, 443, SIP_TRANSPORT_TLS },
	{ "sipexternal", false, 5061, SIP_TRANSPORT_TLS },
	{ "sipexternal", false, 443, SIP_TRANSPORT_TLS },
};
const size_t registrar_steps_len =
	sizeof(registrar_steps) / sizeof(registrar_steps[0]);

const char *sip_transport_name(enum sip_transport t)
{
	return t == SIP_TRANSPORT_TCP ? "tcp" : "tls";
}

bool srv_unavailable(const struct srv_record *recs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!recs[i].target[0] || !strcmp(recs[i].target, "."))
			return true;
	return false;
}

bool name_in_domain(const char *name, const char *domain)
{
	size_t n = strlen(name), d = strlen(domain);

	if (n && name[n - 1] == '.')
		n--;
	if (d && domain[d - 1] == '.')
		d--;
	if (!n || !d || n < d || strncasecmp(name + n - d, domain, d))
		return false;
	return n == d || name[n - d - 1] == '.';
}

static void swap(struct srv_record *a, struct srv_record *b)
{
	struct srv_record t = *a;

	*a = *b;
	*b = t;
}

void srv_order(struct srv_record *recs, size_t n,
	       uint32_t (*rnd)(void *ctx), void *ctx)
{
	size_t i, j, start;

	/* Stable insertion sort by priority; n is small. */
	for (i = 1; i < n; i++)
		for (j = i; j > 0 && recs[j - 1].priority > recs[j].priority;
		     j--)
			swap(&recs[j - 1], &recs[j]);

	for (start = 0; start < n; ) {
		size_t end = start;

		while (end < n && recs[end].priority == recs[start].priority)
			end++;
		/* RFC 2782: zero-weight records first, then pick by sum. */
		for (i = start + 1; i < end; i++)
			for (j = i; j > start && recs[j - 1].weight != 0 &&
			     recs[j].weight == 0; j--)
				swap(&recs[j - 1], &recs[j]);
		for (i = start; i + 1 < end; i++) {
			uint64_t sum = 0, pick, run = 0;

			for (j = i; j < end; j++)
				sum += recs[j].weight;
			pick = sum ? (uint64_t)rnd(ctx) % (sum + 1) : 0;
			for (j = i; j < end; j++) {
				run += recs[j].weight;
				if (run >= pick)
					break;
			}
			if (j == end)
				j = end - 1;
			swap(&recs[i], &recs[j]);
		}
		start = end;
	}
}

int registrar_name(const struct registrar_step *step, const char *domain,
		   const char (*suffixes)[DHCP_NAME_MAX], unsigned int n_suffix,
		   unsigned int attempt, char out[DHCP_NAME_MAX])
{
	int n;

	if (attempt > n_suffix)
		return -ENOENT;
	if (attempt == 0)
		n = snprintf(out, DHCP_NAME_MAX, "%s.%s", step->label, domain);
	else
		n = snprintf(out, DHCP_NAME_MAX, "%s.%s.%s", step->label,
			     domain, suffixes[attempt - 1]);
	if (n < 0 || n >= DHCP_NAME_MAX)
		return -ENAMETOOLONG;
	return 0;
}
