// SPDX-License-Identifier: GPL-2.0-only
#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <time.h>

#include <ares.h>

#include "resolver.h"

#define SUBSYS "dns"
#define USEC 1000000ull
#define FDS_MAX 16
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

struct query {
	struct resolver *r;
	unsigned int gen;	/* discovery generation; 0 = one-shot */
	bool srv;
	void *ctx;
	resolver_a_cb a_cb;
	resolver_srv_cb srv_cb;
	struct query *next;
};

struct resolver {
	struct ucphoned *d;
	struct log *log;
	ares_channel ch;
	bool have_channel;
	struct {
		int fd;
		sd_event_source *src;
	} fds[FDS_MAX];
	sd_event_source *timeout, *retry;
	struct query *pending;

	struct {
		resolver_changed_cb cb;
		void *ctx;
	} watch[WATCH_MAX];
	char signin_domain[DHCP_NAME_MAX];	/* wins over the rest when set */
	struct dhcp_reply *lease;		/* the last one, to reconfigure */

	/* configuration from the lease */
	char servers[DHCP_LIST_MAX * 16];
	char sip_domain[DHCP_NAME_MAX];
	char suffixes[DHCP_SEARCH_MAX][DHCP_NAME_MAX];
	unsigned int n_suffix;

	/* discovery */
	enum discovery_state state;
	unsigned int gen, step, attempt;
	char asking[DHCP_NAME_MAX];
	/* The seed asks each A name twice (two ports): the first answer serves both. */
	const char *a_label;
	bool a_found;
	char a_name[DHCP_NAME_MAX];
	struct registrar found[REGISTRARS_MAX];
	unsigned int n_found;
	uint64_t started_usec, finished_usec, retry_usec;
	uint64_t queries, failures, runs;
	char last_error[DHCP_NAME_MAX + 128];
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

static uint32_t rnd(void *ctx)
{
	uint32_t v = 0;

	(void)ctx;
	if (getrandom(&v, sizeof(v), 0) != sizeof(v))
		v = (uint32_t)now_usec();
	return v;
}

/* ---- c-ares on sd-event ---- */

static void reschedule(struct resolver *r);

static int on_io(sd_event_source *s, int fd, uint32_t revents, void *ud)
{
	struct resolver *r = ud;

	(void)s;
	ares_process_fd(r->ch,
			revents & (EPOLLIN | EPOLLERR | EPOLLHUP) ? fd : ARES_SOCKET_BAD,
			revents & EPOLLOUT ? fd : ARES_SOCKET_BAD);
	reschedule(r);
	return 0;
}

static int on_timeout(sd_event_source *s, uint64_t usec, void *ud)
{
	struct resolver *r = ud;

	(void)s;
	(void)usec;
	ares_process_fd(r->ch, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
	reschedule(r);
	return 0;
}

static void reschedule(struct resolver *r)
{
	struct timeval tv;

	r->timeout = sd_event_source_disable_unref(r->timeout);
	if (!r->have_channel || !ares_timeout(r->ch, NULL, &tv))
		return;
	sd_event_add_time_relative(r->d->event, &r->timeout, CLOCK_MONOTONIC,
				   (uint64_t)tv.tv_sec * USEC +
				   (uint64_t)tv.tv_usec + 1000, 1000,
				   on_timeout, r);
}

static void sock_state(void *data, ares_socket_t fd, int readable,
		       int writable)
{
	struct resolver *r = data;
	uint32_t events = (readable ? EPOLLIN : 0) | (writable ? EPOLLOUT : 0);
	int i, free_slot = -1;

	for (i = 0; i < FDS_MAX; i++) {
		if (r->fds[i].src && r->fds[i].fd == fd)
			break;
		if (!r->fds[i].src && free_slot < 0)
			free_slot = i;
	}
	if (i < FDS_MAX) {
		if (events)
			sd_event_source_set_io_events(r->fds[i].src, events);
		else
			r->fds[i].src = sd_event_source_disable_unref(
				r->fds[i].src);
		return;
	}
	if (!events)
		return;
	if (free_slot < 0 ||
	    sd_event_add_io(r->d->event, &r->fds[free_slot].src, fd, events,
			    on_io, r) < 0) {
		log_error(r->log, SUBSYS, "cannot watch a DNS socket");
		return;
	}
	r->fds[free_slot].fd = fd;
}

static void channel_close(struct resolver *r)
{
	if (!r->have_channel)
		return;
	ares_destroy(r->ch);	/* calls back every query with EDESTRUCTION */
	r->have_channel = false;
	for (int i = 0; i < FDS_MAX; i++)
		r->fds[i].src = sd_event_source_disable_unref(r->fds[i].src);
	r->timeout = sd_event_source_disable_unref(r->timeout);
}

static int channel_open(struct resolver *r)
{
	struct ares_options opt = {
		.sock_state_cb = sock_state,
		.sock_state_cb_data = r,
		.timeout = 1000,
		.tries = 2,
		.ndomains = 0,
		.lookups = (char *)"b",
	};
	int mask = ARES_OPT_SOCK_STATE_CB | ARES_OPT_TIMEOUTMS |
		   ARES_OPT_TRIES | ARES_OPT_DOMAINS | ARES_OPT_LOOKUPS;
	int ret;

	ret = ares_init_options(&r->ch, &opt, mask);
	if (ret != ARES_SUCCESS) {
		log_error(r->log, SUBSYS, "cannot create the resolver",
			  LOG_STR("reason", ares_strerror(ret)));
		return -EIO;
	}
	r->have_channel = true;
	/* Lease servers replace whatever c-ares read from the host. */
	if (r->servers[0]) {
		ret = ares_set_servers_csv(r->ch, r->servers);
		if (ret != ARES_SUCCESS) {
			log_error(r->log, SUBSYS, "cannot set DNS servers",
				  LOG_STR("servers", r->servers),
				  LOG_STR("reason", ares_strerror(ret)));
			channel_close(r);
			return -EINVAL;
		}
	}
	return 0;
}

/* ---- queries ---- */

static void unlink_query(struct resolver *r, struct query *q)
{
	for (struct query **pp = &r->pending; *pp; pp = &(*pp)->next)
		if (*pp == q) {
			*pp = q->next;
			return;
		}
}

static void discovery_answer(struct resolver *r, int status,
			     const struct srv_record *recs, unsigned int n,
			     bool any_a, bool unavailable);

static void on_answer(void *arg, int status, int timeouts,
		      unsigned char *abuf, int alen)
{
	struct query *q = arg;
	struct resolver *r = q->r;
	struct srv_record recs[REGISTRARS_MAX];
	uint32_t addrs[DHCP_LIST_MAX];
	unsigned int n = 0;
	bool unavailable = false;

	(void)timeouts;
	unlink_query(r, q);
	if (status == ARES_EDESTRUCTION || status == ARES_ECANCELLED ||
	    (!q->gen && !q->ctx) || (q->gen && q->gen != r->gen)) {
		free(q);
		return;
	}
	if (status == ARES_SUCCESS && q->srv) {
		struct ares_srv_reply *srv = NULL, *it;

		status = ares_parse_srv_reply(abuf, alen, &srv);
		for (it = srv; status == ARES_SUCCESS && it &&
		     n < REGISTRARS_MAX; it = it->next) {
			if (snprintf(recs[n].target, DHCP_NAME_MAX, "%s",
				     it->host) >= DHCP_NAME_MAX)
				continue;
			recs[n].priority = it->priority;
			recs[n].weight = it->weight;
			recs[n].port = it->port;
			n++;
		}
		if (srv)
			ares_free_data(srv);
		/* The name answered: no server there, and none to look for. */
		if (status == ARES_SUCCESS && srv_unavailable(recs, n)) {
			unavailable = true;
			n = 0;
		}
		if (status == ARES_SUCCESS && n == 0 && !unavailable)
			status = ARES_ENODATA;
		if (n)
			srv_order(recs, n, rnd, NULL);
	} else if (status == ARES_SUCCESS) {
		struct ares_addrttl ttls[DHCP_LIST_MAX];
		int nttl = DHCP_LIST_MAX;

		status = ares_parse_a_reply(abuf, alen, NULL, ttls, &nttl);
		for (int i = 0; status == ARES_SUCCESS && i < nttl; i++)
			addrs[n++] = ttls[i].ipaddr.s_addr;
		if (status == ARES_SUCCESS && n == 0)
			status = ARES_ENODATA;
	}
	if (status != ARES_SUCCESS)
		n = 0;
	if (q->gen)
		discovery_answer(r, status, recs, n, !q->srv, unavailable);
	else if (q->srv)
		q->srv_cb(q->ctx, status == ARES_SUCCESS ? 0 : -ENOENT, recs, n);
	else
		q->a_cb(q->ctx, status == ARES_SUCCESS ? 0 : -ENOENT, addrs, n);
	free(q);
}

static int send_query(struct resolver *r, const char *name, bool srv,
		      struct query *q)
{
	if (!r->have_channel && channel_open(r) < 0) {
		free(q);
		return -EIO;
	}
	q->r = r;
	q->srv = srv;
	q->next = r->pending;
	r->pending = q;
	r->queries++;
	log_debug(r->log, SUBSYS, "query", LOG_STR("name", name),
		  LOG_STR("type", srv ? "SRV" : "A"));
	ares_query(r->ch, name, ns_c_in, srv ? ns_t_srv : ns_t_a, on_answer, q);
	reschedule(r);
	return 0;
}

int resolver_lookup_a(struct resolver *r, const char *name,
		      resolver_a_cb cb, void *ctx)
{
	struct query *q = calloc(1, sizeof(*q));

	if (!q)
		return -ENOMEM;
	q->ctx = ctx;
	q->a_cb = cb;
	return send_query(r, name, false, q);
}

int resolver_lookup_srv(struct resolver *r, const char *name,
			resolver_srv_cb cb, void *ctx)
{
	struct query *q = calloc(1, sizeof(*q));

	if (!q)
		return -ENOMEM;
	q->ctx = ctx;
	q->srv_cb = cb;
	return send_query(r, name, true, q);
}

void resolver_forget(struct resolver *r, void *ctx)
{
	if (!r)
		return;
	for (struct query *q = r->pending; q; q = q->next)
		if (!q->gen && q->ctx == ctx)
			q->ctx = NULL;
}

/* ---- registrar discovery ---- */

static void discovery_next(struct resolver *r);
static void add_found(struct resolver *r, const char *host, uint16_t port,
		      enum sip_transport t, const char *kind, const char *name);

static int on_retry(sd_event_source *s, uint64_t usec, void *ud)
{
	struct resolver *r = ud;

	(void)s;
	(void)usec;
	r->retry = sd_event_source_disable_unref(r->retry);
	r->gen++;
	r->step = r->attempt = 0;
	r->n_found = 0;
	r->n_skipped = 0;
	r->a_label = NULL;
	r->last_error[0] = '\0';
	r->state = DISCOVERY_RUNNING;
	r->started_usec = now_usec();
	r->runs++;
	discovery_next(r);
	return 0;
}

static void notify(struct resolver *r)
{
	for (int i = 0; i < WATCH_MAX; i++)
		if (r->watch[i].cb)
			r->watch[i].cb(r->watch[i].ctx);
}

int resolver_watch(struct resolver *r, resolver_changed_cb cb, void *ctx)
{
	for (int i = 0; i < WATCH_MAX; i++)
		if (!r->watch[i].cb) {
			r->watch[i].cb = cb;
			r->watch[i].ctx = ctx;
			return 0;
		}
	return -ENOSPC;
}

void resolver_unwatch(struct resolver *r, void *ctx)
{
	if (!r)
		return;
	for (int i = 0; i < WATCH_MAX; i++)
		if (r->watch[i].ctx == ctx)
			r->watch[i].cb = NULL;
}

const struct registrar *resolver_registrars(const struct resolver *r,
					    unsigned int *n)
{
	*n = r->state == DISCOVERY_DONE ? r->n_found : 0;
	return r->found;
}

static void discovery_finish(struct resolver *r)
{
	r->finished_usec = now_usec();
	if (r->n_found) {
		r->state = DISCOVERY_DONE;
		r->retry_usec = 0;
		r->last_error[0] = '\0';
		log_info(r->log, SUBSYS, "registrars discovered",
			 LOG_UINT("count", r->n_found),
			 LOG_STR("first", r->found[0].host),
			 LOG_UINT("port", r->found[0].port),
			 LOG_STR("source", r->found[0].source),
			 LOG_UINT("ms", (r->finished_usec - r->started_usec) / 1000));
		notify(r);
		return;
	}
	r->state = DISCOVERY_FAILED;
	r->failures++;
	r->retry_usec = r->retry_usec ? r->retry_usec * 2 : RETRY_FIRST_USEC;
	if (r->retry_usec > RETRY_MAX_USEC)
		r->retry_usec = RETRY_MAX_USEC;
	if (!r->last_error[0] && r->n_skipped)
		snprintf(r->last_error, sizeof(r->last_error),
			 "no registrar in the SIP domain: %.340s",
			 r->skipped[0]);
	else if (!r->last_error[0])
		snprintf(r->last_error, sizeof(r->last_error),
			 "no registrar found in %s (every SRV and A name failed)",
			 r->sip_domain);
	log_warning(r->log, SUBSYS, "no registrar found; will retry",
		    LOG_STR("sip_domain", r->sip_domain),
		    LOG_UINT("retry_s", r->retry_usec / USEC));
	sd_event_add_time_relative(r->d->event, &r->retry, CLOCK_MONOTONIC,
				   r->retry_usec, 100000, on_retry, r);
	notify(r);
}

static void discovery_next(struct resolver *r)
{
	const struct registrar_step *step;
	struct query *q;
	int ret;

	while (r->step < registrar_steps_len) {
		step = &registrar_steps[r->step];
		if (!step->srv && r->attempt == 0 && r->a_label &&
		    !strcmp(r->a_label, step->label)) {
			if (r->a_found)
				add_found(r, r->a_name, step->port,
					  step->transport, "a", r->a_name);
			r->step++;
			continue;
		}
		ret = registrar_name(step, r->sip_domain, r->suffixes,
				     r->n_suffix, r->attempt, r->asking);
		if (ret == -ENAMETOOLONG) {
			r->attempt++;
			continue;
		}
		if (ret < 0) {
			r->step++;
			r->attempt = 0;
			continue;
		}
		q = calloc(1, sizeof(*q));
		if (q) {
			q->gen = r->gen;
			if (send_query(r, r->asking, step->srv, q) == 0)
				return;
		}
		snprintf(r->last_error, sizeof(r->last_error),
			 "cannot send DNS queries");
		break;
	}
	discovery_finish(r);
}

/*
 * Strict DNS naming: unsecured DNS may only point inside the SIP domain
 * (or a domain the phone was given to trust); the certificate is then
 * checked against that name, so the server proves it is the domain's.
 */
static bool srv_target_trusted(struct resolver *r, const char *host)
{
	const struct ucphoned_options *o = &r->d->options;
	char *why;

	if (name_in_domain(host, r->sip_domain))
		return true;
	for (unsigned int i = 0; i < o->n_trusted_domains; i++)
		if (name_in_domain(host, o->trusted_domains[i]))
			return true;
	r->skipped_total++;
	if (r->n_skipped < SKIPPED_MAX) {
		why = r->skipped[r->n_skipped++];
		snprintf(why, sizeof(r->skipped[0]), "%.*s is not in %.*s",
			 DHCP_NAME_MAX - 1, host, DHCP_NAME_MAX - 1,
			 r->sip_domain);
	}
	log_warning(r->log, SUBSYS, "registrar skipped: outside the SIP domain",
		    LOG_STR("host", host), LOG_STR("sip_domain", r->sip_domain),
		    LOG_STR("srv", r->asking));
	return false;
}

static void add_found(struct resolver *r, const char *host, uint16_t port,
		      enum sip_transport t, const char *kind, const char *name)
{
	struct registrar *reg;

	if (r->n_found == REGISTRARS_MAX)
		return;
	if (!strcmp(kind, "srv") && !srv_target_trusted(r, host))
		return;
	/* The SIP layer need not try one server twice; the first source wins. */
	for (unsigned int i = 0; i < r->n_found; i++)
		if (r->found[i].port == port && r->found[i].transport == t &&
		    !strcasecmp(r->found[i].host, host))
			return;
	reg = &r->found[r->n_found++];
	snprintf(reg->host, sizeof(reg->host), "%.*s", DHCP_NAME_MAX - 1, host);
	reg->port = port;
	reg->transport = t;
	snprintf(reg->source, sizeof(reg->source), "%s %s", kind, name);
}

static void discovery_answer(struct resolver *r, int status,
			     const struct srv_record *recs, unsigned int n,
			     bool any_a, bool unavailable)
{
	const struct registrar_step *step = &registrar_steps[r->step];

	if (unavailable) {
		/* RFC 2782 ".": decidedly not here; the seed's next step. */
		log_info(r->log, SUBSYS, "SRV says the service is not available",
			 LOG_STR("name", r->asking));
		r->step++;
		r->attempt = 0;
	} else if (status == ARES_SUCCESS && n) {
		if (any_a)
			add_found(r, r->asking, step->port, step->transport, "a",
				  r->asking);
		for (unsigned int i = 0; !any_a && i < n; i++)
			add_found(r, recs[i].target, recs[i].port,
				  step->transport, "srv", r->asking);
		if (any_a) {
			r->a_label = step->label;
			r->a_found = true;
			memcpy(r->a_name, r->asking, sizeof(r->a_name));
		}
		log_debug(r->log, SUBSYS, "found", LOG_STR("name", r->asking));
		r->step++;
		r->attempt = 0;
	} else {
		log_debug(r->log, SUBSYS, "not found", LOG_STR("name", r->asking),
			  LOG_STR("reason", ares_strerror(status)));
		r->attempt++;
		if (!step->srv && r->attempt > r->n_suffix) {
			r->a_label = step->label;
			r->a_found = false;
		}
	}
	discovery_next(r);
}

static void discovery_start(struct resolver *r)
{
	r->retry = sd_event_source_disable_unref(r->retry);
	r->retry_usec = 0;
	if (!r->sip_domain[0]) {
		r->state = DISCOVERY_IDLE;
		snprintf(r->last_error, sizeof(r->last_error),
			 "no SIP domain (no --sip-domain and no option 15)");
		return;
	}
	on_retry(NULL, 0, r);
}

void resolver_set_lease(struct resolver *r, const struct dhcp_reply *l)
{
	char servers[sizeof(r->servers)] = "", domain[DHCP_NAME_MAX] = "";
	char suffixes[DHCP_SEARCH_MAX][DHCP_NAME_MAX];
	unsigned int n_suffix = 0;
	const char *opt_domain = r->d->options.sip_domain;

	if (l) {
		for (unsigned int i = 0; i < l->n_dns; i++) {
			char a[INET_ADDRSTRLEN];

			inet_ntop(AF_INET, &l->dns[i], a, sizeof(a));
			if (i)
				strcat(servers, ",");
			strcat(servers, a);
		}
		for (unsigned int i = 0; i < l->n_search; i++)
			memcpy(suffixes[n_suffix++], l->search[i], DHCP_NAME_MAX);
		if (!n_suffix && l->domain[0])
			memcpy(suffixes[n_suffix++], l->domain, DHCP_NAME_MAX);
		/* Signed in, the sign-in address's domain is the SIP domain. */
		snprintf(domain, sizeof(domain), "%s",
			 r->signin_domain[0] ? r->signin_domain :
			 opt_domain ? opt_domain : l->domain);
	}
	if (l && r->state != DISCOVERY_IDLE && strcmp(servers, r->servers) == 0 &&
	    strcmp(domain, r->sip_domain) == 0 && n_suffix == r->n_suffix &&
	    !memcmp(suffixes, r->suffixes, n_suffix * DHCP_NAME_MAX))
		return;		/* a renewal that changed nothing */

	channel_close(r);
	r->gen++;
	r->n_found = 0;
	r->state = DISCOVERY_IDLE;
	r->retry = sd_event_source_disable_unref(r->retry);
	memcpy(r->servers, servers, sizeof(servers));
	memcpy(r->sip_domain, domain, sizeof(domain));
	memcpy(r->suffixes, suffixes, n_suffix * DHCP_NAME_MAX);
	r->n_suffix = n_suffix;
	if (!l) {
		free(r->lease);
		r->lease = NULL;
		snprintf(r->last_error, sizeof(r->last_error), "no lease");
		notify(r);
		return;
	}
	if (l != r->lease) {
		struct dhcp_reply *copy = malloc(sizeof(*copy));

		if (copy)
			*copy = *l;
		free(r->lease);
		r->lease = copy;
	}
	log_info(r->log, SUBSYS, "configured from the lease",
		 LOG_STR("servers", servers[0] ? servers : "(host resolv.conf)"),
		 LOG_STR("sip_domain", domain), LOG_UINT("suffixes", n_suffix));
	discovery_start(r);
}

void resolver_set_sip_domain(struct resolver *r, const char *domain)
{
	char want[DHCP_NAME_MAX];

	snprintf(want, sizeof(want), "%s", domain ? domain : "");
	if (!strcmp(want, r->signin_domain))
		return;
	memcpy(r->signin_domain, want, sizeof(want));
	log_info(r->log, SUBSYS, "SIP domain from the sign-in address",
		 LOG_STR("domain", want[0] ? want : "(none)"));
	if (r->lease)
		resolver_set_lease(r, r->lease);
}

const char *resolver_sip_domain(const struct resolver *r)
{
	return r->sip_domain;
}

int resolver_new(struct ucphoned *d, struct resolver **out)
{
	struct resolver *r = calloc(1, sizeof(*r));
	int ret;

	if (!r)
		return -ENOMEM;
	ret = ares_library_init(ARES_LIB_INIT_ALL);
	if (ret != ARES_SUCCESS) {
		free(r);
		return -EIO;
	}
	r->d = d;
	r->log = &d->log;
	snprintf(r->last_error, sizeof(r->last_error), "no lease");
	*out = r;
	return 0;
}

void resolver_free(struct resolver *r)
{
	if (!r)
		return;
	channel_close(r);
	r->retry = sd_event_source_disable_unref(r->retry);
	ares_library_cleanup();
	free(r->lease);
	free(r);
}

struct json_object *resolver_status(const struct resolver *r)
{
	static const char *const states[] = {
		"idle", "running", "done", "failed",
	};
	struct json_object *o = json_object_new_object(), *arr, *e;
	char buf[DHCP_NAME_MAX + 1];
	const char *p = r->servers;

	arr = json_object_new_array();
	while (*p) {
		size_t n = strcspn(p, ",");

		snprintf(buf, sizeof(buf), "%.*s", (int)n, p);
		json_object_array_add(arr, json_object_new_string(buf));
		p += n + (p[n] == ',');
	}
	json_object_object_add(o, "servers", arr);
	arr = json_object_new_array();
	for (unsigned int i = 0; i < r->n_suffix; i++)
		json_object_array_add(arr, json_object_new_string(r->suffixes[i]));
	json_object_object_add(o, "search", arr);
	json_object_object_add(o, "sip_domain", json_object_new_string(r->sip_domain));
	json_object_object_add(o, "discovery",
			       json_object_new_string(states[r->state]));
	if (r->state == DISCOVERY_DONE)
		json_object_object_add(o, "discovery_ms", json_object_new_uint64(
			(r->finished_usec - r->started_usec) / 1000));
	if (r->state != DISCOVERY_DONE && r->last_error[0])
		json_object_object_add(o, "error",
				       json_object_new_string(r->last_error));
	if (r->state == DISCOVERY_FAILED)
		json_object_object_add(o, "retry_in_s",
				       json_object_new_uint64(r->retry_usec / USEC));
	json_object_object_add(o, "queries", json_object_new_uint64(r->queries));
	json_object_object_add(o, "runs", json_object_new_uint64(r->runs));
	json_object_object_add(o, "failures", json_object_new_uint64(r->failures));
	arr = json_object_new_array();
	for (unsigned int i = 0; i < r->n_found; i++) {
		e = json_object_new_object();
		json_object_object_add(e, "host", json_object_new_string(r->found[i].host));
		json_object_object_add(e, "port", json_object_new_int(r->found[i].port));
		json_object_object_add(e, "transport", json_object_new_string(
			sip_transport_name(r->found[i].transport)));
		json_object_object_add(e, "source", json_object_new_string(r->found[i].source));
		json_object_array_add(arr, e);
	}
	json_object_object_add(o, "registrars", arr);
	arr = json_object_new_array();
	for (unsigned int i = 0; i < r->n_skipped; i++)
		json_object_array_add(arr, json_object_new_string(r->skipped[i]));
	json_object_object_add(o, "skipped", arr);
	json_object_object_add(o, "skipped_total",
			       json_object_new_uint64(r->skipped_total));
	return o;
}
