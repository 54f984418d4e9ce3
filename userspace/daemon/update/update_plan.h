/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The Device Update client's decisions, kept apart from the network so
 * that each is tested with plain inputs (tests/unit/test_update_plan.c):
 * where to ask, which hosts may serve, which offered module to take (the
 * model, then the version policy of lib/update), where its files are, and
 * when to ask next.
 */
#ifndef UCPHONED_UPDATE_PLAN_H
#define UCPHONED_UPDATE_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/update/version.h"
#include "lib/xml/update_xml.h"

#define UPDATE_HOST_LABEL "ucupdates-r2"
/* A day between checks, give or take up to two hours. */
#define UPDATE_PERIOD_USEC (24ull * 3600 * 1000000)
#define UPDATE_JITTER_USEC (2ull * 3600 * 1000000)

/*
 * The URL to POST to: the provisioned one (signed in, in-band
 * provisioning gave it), else https://ucupdates-r2.<DHCP domain>/
 * RequestHandler/ucdevice.upx. -EINVAL for a provisioned URL that is not
 * https, -ENOENT when there is neither, -ENAMETOOLONG.
 */
int update_check_url(const char *provisioned, const char *dhcp_domain,
		     char *out, size_t len);

struct update_domains {
	const char *sip_domain;		/* "" when signed out */
	const char *dhcp_domain;	/* "" without a lease */
	const char *const *trusted;	/* --trusted-server-domain */
	unsigned int n_trusted;
};

/*
 * Strict naming: a Device Update host is believed only inside the SIP
 * domain, the DHCP domain or a trusted server domain (its certificate is
 * then checked against that name). false with why filled otherwise.
 */
bool update_host_allowed(const char *host, const struct update_domains *dom,
			 char *why, size_t why_len);

/* The host of an https URL into host; -EINVAL for anything else. */
int update_url_host(const char *url, char *host, size_t len);

/*
 * The module to take from an answer, or -1 with why filled ("no update
 * offered", "image for another model (CX800)", "3.5.6907.35 is not on
 * the upgrade path from 1.0.199.123", "1.0.199.123 would be a
 * downgrade"...). A module whose Model is given and is not the phone's
 * never counts; pending (a version installed and waiting for the reboot,
 * or NULL) is not taken again. refused is set when the answer offered
 * something and all of it was refused, cleared when nothing was offered.
 */
int update_choose(const struct update_answer *a, const struct version *installed,
		  const char *model, bool allow_downgrade,
		  const struct version *pending, bool *refused,
		  char *why, size_t why_len);

/*
 * The URL of file under the module's base: an absolute BaseURL as is, a
 * /path on the host the answer came from (check_url's), with one '/'
 * between base and file. -EINVAL, -ENAMETOOLONG.
 */
int update_file_url(const char *check_url, const char *base, const char *file,
		    char *out, size_t len);

/* When to check next, from now and a random 32-bit value: a day +- 2 h. */
uint64_t update_next_check(uint64_t now_usec, uint32_t rnd);

#endif /* UCPHONED_UPDATE_PLAN_H */
