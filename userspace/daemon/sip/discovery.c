// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "sip/discovery.h"

#define SUBSYS "dns"
#define USEC 1000000ull
#define RETRY_FIRST_USEC (5 * USEC)
#define RETRY_MAX_USEC (300 * USEC)
#define WATCH_MAX 4
#define SKIPPED_MAX 4

enum discovery_state {
	DISCOVERY_IDLE,		/* no lease, or no SIP domain */
	DISCOVERY_RUNNING,
	DISCOVERY_DONE,
	DISCOVERY_FAILED,	/* nothing found; retrying with back-off */
};

struct discovery {
	sd_event *event;
	struct log *log;
	struct resolver *r;
	sd_event_source *retry;
	struct {
		discovery_changed_cb cb;
		void *ctx;
	} watch[WATCH_MAX];

	enum discovery_state state;
	unsigned int step, attempt;
	char sip_domain[DHCP_NAME_MAX];
	char asking[DHCP_NAME_MAX];
	/* The seed asks each A name twice (two ports): the first answer serves both. */
	const char *a_label;
	bool a_found;
	char a_name[DHCP_NAME_MAX];
	struct registrar found[REGISTRARS_MAX];
	unsigned int n_found;
	uint64_t started_usec, finished_usec, retry_usec;
	uint64_t failures, runs;
	char last_error[DHCP_NAME_MAX + 128];
	/* Domains besides the SIP domain whose servers DNS may name. */
	const char *const *trusted;
	unsigned int n_trusted;
	/* SRV targets outside the SIP domain and the trusted domains. */
	char skipped[SKIPPED_MAX][2 * DHCP_NAME_MAX + 16];
	unsigned int n_skipped;
	uint64_t skipped_total;
};

static uint64_t now_usec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * USEC + (uint64_t)ts.tv_nsec / 1000u;
}

static void discovery_next(struct discovery *disc);

/* Drops the answer still pending (if any) and starts at the first step. */
static int on_retry(sd_event_source *s, uint64_t usec, void *ud)
{
	struct discovery *disc = ud;

	(void)s;
	(void)usec;
	disc->retry = sd_event_source_disable_unref(disc->retry);
	resolver_forget(disc->r, disc);
	disc->step = disc->attempt = 0;
	disc->n_found = 0;
	disc->n_skipped = 0;
	disc->a_label = NULL;
	disc->last_error[0] = '\0';
	disc->state = DISCOVERY_RUNNING;
	disc->started_usec = now_usec();
	disc->runs++;
	discovery_next(disc);
	return 0;
}

static void notify(struct discovery *disc)
{
	for (int i = 0; i < WATCH_MAX; i++)
		if (disc->watch[i].cb)
			disc->watch[i].cb(disc->watch[i].ctx);
}

int discovery_watch(struct discovery *disc, discovery_changed_cb cb, void *ctx)
{
	for (int i = 0; i < WATCH_MAX; i++)
		if (!disc->watch[i].cb) {
			disc->watch[i].cb = cb;
			disc->watch[i].ctx = ctx;
			return 0;
		}
	return -ENOSPC;
}

void discovery_unwatch(struct discovery *disc, void *ctx)
{
	if (!disc)
		return;
	for (int i = 0; i < WATCH_MAX; i++)
		if (disc->watch[i].ctx == ctx)
			disc->watch[i].cb = NULL;
}

const struct registrar *discovery_registrars(const struct discovery *disc,
					     unsigned int *n)
{
	*n = disc->state == DISCOVERY_DONE ? disc->n_found : 0;
	return disc->found;
}

static void discovery_finish(struct discovery *disc)
{
	disc->finished_usec = now_usec();
	if (disc->n_found) {
		disc->state = DISCOVERY_DONE;
		disc->retry_usec = 0;
		disc->last_error[0] = '\0';
		log_info(disc->log, SUBSYS, "registrars discovered",
			 LOG_UINT("count", disc->n_found),
			 LOG_STR("first", disc->found[0].host),
			 LOG_UINT("port", disc->found[0].port),
			 LOG_STR("source", disc->found[0].source),
			 LOG_UINT("ms", (disc->finished_usec -
					 disc->started_usec) / 1000));
		notify(disc);
		return;
	}
	disc->state = DISCOVERY_FAILED;
	disc->failures++;
	disc->retry_usec = disc->retry_usec ? disc->retry_usec * 2 :
			   RETRY_FIRST_USEC;
	if (disc->retry_usec > RETRY_MAX_USEC)
		disc->retry_usec = RETRY_MAX_USEC;
	if (!disc->last_error[0] && disc->n_skipped)
		snprintf(disc->last_error, sizeof(disc->last_error),
			 "no registrar in the SIP domain: %.340s",
			 disc->skipped[0]);
	else if (!disc->last_error[0])
		snprintf(disc->last_error, sizeof(disc->last_error),
			 "no registrar found in %s (every SRV and A name failed)",
			 disc->sip_domain);
	log_warning(disc->log, SUBSYS, "no registrar found; will retry",
		    LOG_STR("sip_domain", disc->sip_domain),
		    LOG_UINT("retry_s", disc->retry_usec / USEC));
	sd_event_add_time_relative(disc->event, &disc->retry, CLOCK_MONOTONIC,
				   disc->retry_usec, 100000, on_retry, disc);
	notify(disc);
}

/*
 * Strict DNS naming: unsecured DNS may only point inside the SIP domain
 * (or a domain the phone was given to trust); the certificate is then
 * checked against that name, so the server proves it is the domain's.
 */
static bool srv_target_trusted(struct discovery *disc, const char *host)
{
	char *why;

	if (name_in_domain(host, disc->sip_domain))
		return true;
	for (unsigned int i = 0; i < disc->n_trusted; i++)
		if (name_in_domain(host, disc->trusted[i]))
			return true;
	disc->skipped_total++;
	if (disc->n_skipped < SKIPPED_MAX) {
		why = disc->skipped[disc->n_skipped++];
		snprintf(why, sizeof(disc->skipped[0]), "%.*s is not in %.*s",
			 DHCP_NAME_MAX - 1, host, DHCP_NAME_MAX - 1,
			 disc->sip_domain);
	}
	log_warning(disc->log, SUBSYS,
		    "registrar skipped: outside the SIP domain",
		    LOG_STR("host", host),
		    LOG_STR("sip_domain", disc->sip_domain),
		    LOG_STR("srv", disc->asking));
	return false;
}

static void add_found(struct discovery *disc, const char *host, uint16_t port,
		      enum sip_transport t, const char *kind, const char *name)
{
	struct registrar *reg;

	if (disc->n_found == REGISTRARS_MAX)
		return;
	if (!strcmp(kind, "srv") && !srv_target_trusted(disc, host))
		return;
	/* The SIP layer need not try one server twice; the first source wins. */
	for (unsigned int i = 0; i < disc->n_found; i++)
		if (disc->found[i].port == port && disc->found[i].transport == t &&
		    !strcasecmp(disc->found[i].host, host))
			return;
	reg = &disc->found[disc->n_found++];
	snprintf(reg->host, sizeof(reg->host), "%.*s", DHCP_NAME_MAX - 1, host);
	reg->port = port;
	reg->transport = t;
	snprintf(reg->source, sizeof(reg->source), "%s %s", kind, name);
}

static void discovery_answer(struct discovery *disc, int status,
			     const struct srv_record *recs, unsigned int n,
			     bool any_a)
{
	const struct registrar_step *step = &registrar_steps[disc->step];

	if (status == 0 && !n && !any_a) {
		/* RFC 2782 ".": decidedly not here; the seed's next step. */
		log_info(disc->log, SUBSYS,
			 "SRV says the service is not available",
			 LOG_STR("name", disc->asking));
		disc->step++;
		disc->attempt = 0;
	} else if (status == 0 && n) {
		if (any_a)
			add_found(disc, disc->asking, step->port,
				  step->transport, "a", disc->asking);
		for (unsigned int i = 0; !any_a && i < n; i++)
			add_found(disc, recs[i].target, recs[i].port,
				  step->transport, "srv", disc->asking);
		if (any_a) {
			disc->a_label = step->label;
			disc->a_found = true;
			memcpy(disc->a_name, disc->asking, sizeof(disc->a_name));
		}
		log_debug(disc->log, SUBSYS, "found",
			  LOG_STR("name", disc->asking));
		disc->step++;
		disc->attempt = 0;
	} else {
		unsigned int n_suffix;

		resolver_search(disc->r, &n_suffix);
		disc->attempt++;
		if (!step->srv && disc->attempt > n_suffix) {
			disc->a_label = step->label;
			disc->a_found = false;
		}
	}
	discovery_next(disc);
}

static void on_srv(void *ctx, int status, const struct srv_record *recs,
		   unsigned int n)
{
	discovery_answer(ctx, status, recs, n, false);
}

static void on_a(void *ctx, int status, const uint32_t *addrs, unsigned int n)
{
	(void)addrs;
	discovery_answer(ctx, status, NULL, n, true);
}

static void discovery_next(struct discovery *disc)
{
	const char (*suffixes)[DHCP_NAME_MAX];
	const struct registrar_step *step;
	unsigned int n_suffix;
	int ret;

	suffixes = resolver_search(disc->r, &n_suffix);
	while (disc->step < registrar_steps_len) {
		step = &registrar_steps[disc->step];
		if (!step->srv && disc->attempt == 0 && disc->a_label &&
		    !strcmp(disc->a_label, step->label)) {
			if (disc->a_found)
				add_found(disc, disc->a_name, step->port,
					  step->transport, "a", disc->a_name);
			disc->step++;
			continue;
		}
		ret = registrar_name(step, disc->sip_domain, suffixes, n_suffix,
				     disc->attempt, disc->asking);
		if (ret == -ENAMETOOLONG) {
			disc->attempt++;
			continue;
		}
		if (ret < 0) {
			disc->step++;
			disc->attempt = 0;
			continue;
		}
		ret = step->srv ?
		      resolver_lookup_srv(disc->r, disc->asking, on_srv, disc) :
		      resolver_lookup_a(disc->r, disc->asking, on_a, disc);
		if (ret == 0)
			return;
		snprintf(disc->last_error, sizeof(disc->last_error),
			 "cannot send DNS queries");
		break;
	}
	discovery_finish(disc);
}

/* The DNS configuration changed: start over, or stop without a lease. */
static void on_dns_changed(void *ctx)
{
	struct discovery *disc = ctx;

	resolver_forget(disc->r, disc);
	disc->retry = sd_event_source_disable_unref(disc->retry);
	disc->retry_usec = 0;
	disc->n_found = 0;
	disc->n_skipped = 0;
	disc->state = DISCOVERY_IDLE;
	snprintf(disc->sip_domain, sizeof(disc->sip_domain), "%s",
		 resolver_sip_domain(disc->r));
	if (!resolver_has_lease(disc->r)) {
		snprintf(disc->last_error, sizeof(disc->last_error), "no lease");
		notify(disc);
		return;
	}
	if (!disc->sip_domain[0]) {
		snprintf(disc->last_error, sizeof(disc->last_error),
			 "no SIP domain (no --sip-domain and no option 15)");
		return;
	}
	on_retry(NULL, 0, disc);
}

int discovery_new(sd_event *event, struct log *log, struct resolver *r,
		  const char *const *trusted, unsigned int n_trusted,
		  struct discovery **out)
{
	struct discovery *disc = calloc(1, sizeof(*disc));
	int ret;

	if (!disc)
		return -ENOMEM;
	disc->event = event;
	disc->log = log;
	disc->r = r;
	disc->trusted = trusted;
	disc->n_trusted = n_trusted;
	snprintf(disc->last_error, sizeof(disc->last_error), "no lease");
	ret = resolver_watch(r, on_dns_changed, disc);
	if (ret < 0) {
		free(disc);
		return ret;
	}
	*out = disc;
	return 0;
}

void discovery_free(struct discovery *disc)
{
	if (!disc)
		return;
	resolver_unwatch(disc->r, disc);
	resolver_forget(disc->r, disc);
	disc->retry = sd_event_source_disable_unref(disc->retry);
	free(disc);
}

void discovery_status(const struct discovery *disc, struct json_object *o)
{
	static const char *const states[] = {
		"idle", "running", "done", "failed",
	};
	struct json_object *arr, *e;

	json_object_object_add(o, "discovery",
			       json_object_new_string(states[disc->state]));
	if (disc->state == DISCOVERY_DONE)
		json_object_object_add(o, "discovery_ms", json_object_new_uint64(
			(disc->finished_usec - disc->started_usec) / 1000));
	if (disc->state != DISCOVERY_DONE && disc->last_error[0])
		json_object_object_add(o, "error",
				       json_object_new_string(disc->last_error));
	if (disc->state == DISCOVERY_FAILED)
		json_object_object_add(o, "retry_in_s", json_object_new_uint64(
			disc->retry_usec / USEC));
	json_object_object_add(o, "runs", json_object_new_uint64(disc->runs));
	json_object_object_add(o, "failures",
			       json_object_new_uint64(disc->failures));
	arr = json_object_new_array();
	for (unsigned int i = 0; i < disc->n_found; i++) {
		e = json_object_new_object();
		json_object_object_add(e, "host",
				       json_object_new_string(disc->found[i].host));
		json_object_object_add(e, "port",
				       json_object_new_int(disc->found[i].port));
		json_object_object_add(e, "transport", json_object_new_string(
			sip_transport_name(disc->found[i].transport)));
		json_object_object_add(e, "source",
				       json_object_new_string(disc->found[i].source));
		json_object_array_add(arr, e);
	}
	json_object_object_add(o, "registrars", arr);
	arr = json_object_new_array();
	for (unsigned int i = 0; i < disc->n_skipped; i++)
		json_object_array_add(arr,
				      json_object_new_string(disc->skipped[i]));
	json_object_object_add(o, "skipped", arr);
	json_object_object_add(o, "skipped_total",
			       json_object_new_uint64(disc->skipped_total));
}
