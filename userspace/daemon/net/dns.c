// SPDX-License-Identifier: GPL-2.0-only
#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include <ares.h>

#include "net/dns.h"

#define SUBSYS "dns"
#define USEC 1000000ull
#define FDS_MAX 16
#define SRV_MAX 32
#define WATCH_MAX 4

struct query {
	struct resolver *r;
	bool srv;
	char name[DHCP_NAME_MAX];
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
	sd_event_source *timeout;
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
	uint64_t queries;
};

static uint32_t rnd(void *ctx)
{
	struct timespec ts;
	uint32_t v = 0;

	(void)ctx;
	if (getrandom(&v, sizeof(v), 0) != sizeof(v)) {
		clock_gettime(CLOCK_MONOTONIC, &ts);
		v = (uint32_t)ts.tv_nsec;
	}
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

static void on_answer(void *arg, int status, int timeouts,
		      unsigned char *abuf, int alen)
{
	struct query *q = arg;
	struct resolver *r = q->r;
	struct srv_record recs[SRV_MAX];
	uint32_t addrs[DHCP_LIST_MAX];
	unsigned int n = 0;

	(void)timeouts;
	unlink_query(r, q);
	if (status == ARES_EDESTRUCTION || status == ARES_ECANCELLED ||
	    !q->ctx) {
		free(q);
		return;
	}
	if (status == ARES_SUCCESS && q->srv) {
		struct ares_srv_reply *srv = NULL, *it;

		status = ares_parse_srv_reply(abuf, alen, &srv);
		for (it = srv; status == ARES_SUCCESS && it &&
		     n < SRV_MAX; it = it->next) {
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
		/*
		 * RFC 2782 ".": the name answered that the service is decidedly
		 * not there. Success with no record, so that nobody looks for
		 * it under the search suffixes.
		 */
		if (status == ARES_SUCCESS && srv_unavailable(recs, n))
			n = 0;
		else if (status == ARES_SUCCESS && n == 0)
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
	if (status != ARES_SUCCESS) {
		n = 0;
		log_debug(r->log, SUBSYS, "not found", LOG_STR("name", q->name),
			  LOG_STR("reason", ares_strerror(status)));
	}
	if (q->srv)
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
	snprintf(q->name, sizeof(q->name), "%s", name);
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
		if (q->ctx == ctx)
			q->ctx = NULL;
}

/* ---- configuration ---- */

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
	if (l && r->lease && strcmp(servers, r->servers) == 0 &&
	    strcmp(domain, r->sip_domain) == 0 && n_suffix == r->n_suffix &&
	    !memcmp(suffixes, r->suffixes, n_suffix * DHCP_NAME_MAX))
		return;		/* a renewal that changed nothing */

	channel_close(r);
	memcpy(r->servers, servers, sizeof(servers));
	memcpy(r->sip_domain, domain, sizeof(domain));
	memcpy(r->suffixes, suffixes, n_suffix * DHCP_NAME_MAX);
	r->n_suffix = n_suffix;
	if (!l) {
		free(r->lease);
		r->lease = NULL;
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
	notify(r);
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

bool resolver_has_lease(const struct resolver *r)
{
	return r->lease;
}

const char (*resolver_search(const struct resolver *r,
			     unsigned int *n))[DHCP_NAME_MAX]
{
	*n = r->n_suffix;
	return r->suffixes;
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
	*out = r;
	return 0;
}

void resolver_free(struct resolver *r)
{
	if (!r)
		return;
	channel_close(r);
	ares_library_cleanup();
	free(r->lease);
	free(r);
}

struct json_object *resolver_status(const struct resolver *r)
{
	struct json_object *o = json_object_new_object(), *arr;
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
	json_object_object_add(o, "queries", json_object_new_uint64(r->queries));
	return o;
}
