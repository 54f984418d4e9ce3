// SPDX-License-Identifier: GPL-2.0-only
/* The Device Update client's decisions (update_plan.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "lib/sip/registrar_plan.h"
#include "update/update_plan.h"

int update_check_url(const char *provisioned, const char *dhcp_domain,
		     char *out, size_t len)
{
	int n;

	if (provisioned && *provisioned) {
		if (strncasecmp(provisioned, "https://", 8))
			return -EINVAL;
		n = snprintf(out, len, "%s", provisioned);
	} else if (dhcp_domain && *dhcp_domain) {
		n = snprintf(out, len, "https://" UPDATE_HOST_LABEL ".%s"
			     UPDATE_REQUEST_PATH, dhcp_domain);
	} else {
		return -ENOENT;
	}
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

int update_url_host(const char *url, char *host, size_t len)
{
	const char *p, *end;
	size_t n;

	if (strncasecmp(url, "https://", 8))
		return -EINVAL;
	p = url + 8;
	end = p + strcspn(p, "/:?#");
	n = (size_t)(end - p);
	if (!n || n >= len || memchr(p, '@', n) || memchr(p, '[', n))
		return -EINVAL;
	memcpy(host, p, n);
	host[n] = '\0';
	return 0;
}

bool update_host_allowed(const char *host, const struct update_domains *dom,
			 char *why, size_t why_len)
{
	if (dom->sip_domain && *dom->sip_domain &&
	    name_in_domain(host, dom->sip_domain))
		return true;
	if (dom->dhcp_domain && *dom->dhcp_domain &&
	    name_in_domain(host, dom->dhcp_domain))
		return true;
	for (unsigned int i = 0; i < dom->n_trusted; i++)
		if (name_in_domain(host, dom->trusted[i]))
			return true;
	snprintf(why, why_len, "update host %.100s is outside the SIP and DHCP domains",
		 host);
	return false;
}

int update_choose(const struct update_answer *a, const struct version *installed,
		  const char *model, bool allow_downgrade,
		  const struct version *pending, bool *refused,
		  char *why, size_t why_len)
{
	struct version offered[UPDATE_MODULES_MAX];
	unsigned int map[UPDATE_MODULES_MAX], n = 0;
	char v[VERSION_STR_MAX], w[VERSION_STR_MAX];
	const struct update_module *m;
	enum version_verdict verdict;
	int pick;

	*refused = false;
	if (!a->n) {
		snprintf(why, why_len, "no update offered");
		return -1;
	}
	*refused = true;
	for (unsigned int i = 0; i < a->n; i++) {
		m = &a->modules[i];
		if (m->model[0] && strcasecmp(m->model, model))
			continue;
		if (pending && !version_cmp(&m->version, pending))
			continue;
		offered[n] = m->version;
		map[n++] = i;
	}
	if (!n) {
		m = &a->modules[0];
		if (m->model[0] && strcasecmp(m->model, model)) {
			snprintf(why, why_len, "image for another model (%.60s, this is %.60s)",
				 m->model, model);
		} else {
			*refused = false;
			snprintf(why, why_len, "%s already installed, waiting for a restart",
				 version_format(pending, v, sizeof(v)));
		}
		return -1;
	}
	pick = version_policy_pick(installed, offered, n, allow_downgrade);
	if (pick >= 0)
		return (int)map[pick];
	/* Say why the first offer the phone could take was refused. */
	verdict = version_policy_check(installed, &offered[0], allow_downgrade);
	version_format(&offered[0], v, sizeof(v));
	version_format(installed, w, sizeof(w));
	if (verdict == VERSION_SAME)
		*refused = false;
	if (verdict == VERSION_DOWNGRADE)
		snprintf(why, why_len, "%s would be a downgrade from %s", v, w);
	else
		snprintf(why, why_len, "%s: %s (installed %s)", v,
			 version_verdict_reason(verdict), w);
	return -1;
}

int update_file_url(const char *check_url, const char *base, const char *file,
		    char *out, size_t len)
{
	const char *slash = base[0] && base[strlen(base) - 1] == '/' ? "" : "/";
	char host[256];
	const char *after;
	int n;

	if (!strncasecmp(base, "https://", 8)) {
		n = snprintf(out, len, "%s%s%s", base, slash, file);
	} else if (base[0] == '/') {
		if (update_url_host(check_url, host, sizeof(host)))
			return -EINVAL;
		/* scheme://host[:port] of the check URL */
		after = check_url + 8 + strcspn(check_url + 8, "/?#");
		n = snprintf(out, len, "%.*s%s%s%s", (int)(after - check_url),
			     check_url, base, slash, file);
	} else {
		return -EINVAL;
	}
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

uint64_t update_next_check(uint64_t now_usec, uint32_t rnd)
{
	/* In whole seconds, so that rnd * spread stays far inside 64 bits. */
	uint64_t spread_s = 2 * UPDATE_JITTER_USEC / 1000000;

	return now_usec + UPDATE_PERIOD_USEC - UPDATE_JITTER_USEC +
	       (uint64_t)rnd * spread_s / UINT32_MAX * 1000000;
}
