// SPDX-License-Identifier: GPL-2.0-only
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "lib/ntp/ntp_packet.h"
#include "net/dns.h"
#include "net/sntp.h"

#define SUBSYS "ntp"
#define USEC 1000000ull
#define ANSWER_WAIT_USEC (2 * USEC)
#define POLL_MIN_S 64u
#define POLL_MAX_S 1024u
#define RETRY_FIRST_S 4u
#define STEP_THRESHOLD_NS 128000000LL	/* RFC 5905 STEPT */
#define WATCHERS_MAX 4

enum time_source {
	SOURCE_NONE,
	SOURCE_DHCP,		/* option 42 */
	SOURCE_SRV,		/* _ntp._udp.<SIP domain> */
	SOURCE_FALLBACK,	/* --ntp-fallback */
};

struct sntp {
	struct ucphoned *d;
	struct log *log;
	int fd;
	sd_event_source *io, *timer;
	struct dhcp_reply lease;
	bool have_lease;

	enum time_source source;
	char source_name[DHCP_NAME_MAX];
	uint32_t servers[DHCP_LIST_MAX];
	unsigned int n_servers, current;
	bool resolving, waiting;

	uint64_t nonce, t1;
	unsigned int poll_s, failures_in_row;

	bool synced;
	uint32_t synced_server;
	uint8_t stratum;
	int64_t offset_ns, delay_ns;
	time_t last_sync;
	uint64_t requests, answers, timeouts, rejected, kisses, steps;
	char last_error[128];
	struct {
		sntp_sampled_cb cb;
		void *ctx;
	} watchers[WATCHERS_MAX];
};

static const char *const source_names[] = { "none", "dhcp-option-42", "dns-srv",
				      "fallback" };

static uint64_t now_usec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * USEC + (uint64_t)ts.tv_nsec / 1000u;
}

static uint64_t ntp_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ntp_from_unix_ns((int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec);
}

static int on_timer(sd_event_source *src, uint64_t usec, void *ud);
static void next_source(struct sntp *s, enum time_source after);

static void arm(struct sntp *s, uint64_t delay_usec)
{
	s->timer = sd_event_source_disable_unref(s->timer);
	sd_event_add_time_relative(s->d->event, &s->timer, CLOCK_MONOTONIC,
				   delay_usec, 10000, on_timer, s);
}

static void send_request(struct sntp *s)
{
	struct sockaddr_in to = {
		.sin_family = AF_INET,
		.sin_port = htons(NTP_PORT),
		.sin_addr.s_addr = s->servers[s->current],
	};
	uint8_t pkt[NTP_PACKET_LEN];

	/* A random transmit timestamp: the answer must echo it (RFC 5905 9.1). */
	if (getrandom(&s->nonce, sizeof(s->nonce), 0) != sizeof(s->nonce))
		s->nonce = now_usec() ^ ntp_now();
	ntp_build_request(pkt, s->nonce);
	s->t1 = ntp_now();
	s->requests++;
	s->waiting = true;
	if (sendto(s->fd, pkt, sizeof(pkt), 0, (struct sockaddr *)&to,
		   sizeof(to)) < 0)
		log_debug(s->log, SUBSYS, "cannot send", LOG_ERRNO(errno));
	arm(s, ANSWER_WAIT_USEC);
}

static void server_failed(struct sntp *s, const char *why)
{
	char a[INET_ADDRSTRLEN];

	s->waiting = false;
	snprintf(s->last_error, sizeof(s->last_error), "%s from %s", why,
		 inet_ntop(AF_INET, &s->servers[s->current], a, sizeof(a)));
	log_info(s->log, SUBSYS, "time server failed",
		 LOG_STR("server", a), LOG_STR("reason", why),
		 LOG_STR("source", source_names[s->source]));
	if (++s->current < s->n_servers) {
		send_request(s);
		return;
	}
	next_source(s, s->source);
}

static void maybe_set_clock(struct sntp *s)
{
	struct timespec ts;
	int64_t ns;

	if (!s->d->options.set_clock || (s->offset_ns < STEP_THRESHOLD_NS &&
					 s->offset_ns > -STEP_THRESHOLD_NS))
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	ns = (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec + s->offset_ns;
	ts.tv_sec = ns / 1000000000;
	ts.tv_nsec = ns % 1000000000;
	if (clock_settime(CLOCK_REALTIME, &ts) < 0) {
		log_error(s->log, SUBSYS, "cannot set the clock",
			  LOG_ERRNO(errno));
		return;
	}
	s->steps++;
	log_info(s->log, SUBSYS, "clock stepped",
		 LOG_INT("offset_ms", s->offset_ns / 1000000));
	s->offset_ns = 0;
}

static void notify(struct sntp *s)
{
	unsigned int i;

	for (i = 0; i < WATCHERS_MAX; i++)
		if (s->watchers[i].cb)
			s->watchers[i].cb(s->watchers[i].ctx);
}

static int on_answer(sd_event_source *src, int fd, uint32_t revents, void *ud)
{
	struct sntp *s = ud;
	struct sockaddr_in from;
	socklen_t fl = sizeof(from);
	uint8_t buf[128];
	struct ntp_answer a;
	enum ntp_verdict v;
	char ip[INET_ADDRSTRLEN];
	ssize_t n;
	bool first;

	(void)src;
	(void)revents;
	while ((n = recvfrom(fd, buf, sizeof(buf), MSG_DONTWAIT,
			     (struct sockaddr *)&from, &fl)) >= 0) {
		uint64_t t4 = ntp_now();

		if (!s->waiting || from.sin_addr.s_addr != s->servers[s->current] ||
		    from.sin_port != htons(NTP_PORT))
			continue;
		v = ntp_parse_answer(buf, (size_t)n, s->nonce, s->t1, t4, &a);
		if (v == NTP_BOGUS_ORIGIN || v == NTP_MALFORMED) {
			s->rejected++;
			continue;	/* keep waiting for the real one */
		}
		s->waiting = false;
		s->answers++;
		if (v == NTP_KISS) {
			s->kisses++;
			if (!strcmp(a.kiss, "RATE")) {
				s->poll_s = s->poll_s * 2 > POLL_MAX_S ?
					    POLL_MAX_S : s->poll_s * 2;
				arm(s, (uint64_t)s->poll_s * USEC);
				snprintf(s->last_error, sizeof(s->last_error),
					 "kiss-o'-death RATE: polling less");
				return 0;
			}
			server_failed(s, "kiss-o'-death");
			return 0;
		}
		if (v == NTP_UNSYNCHRONISED) {
			server_failed(s, "server unsynchronised");
			return 0;
		}
		first = !s->synced;
		s->synced = true;
		s->synced_server = s->servers[s->current];
		s->stratum = a.stratum;
		s->offset_ns = a.offset_ns;
		s->delay_ns = a.delay_ns;
		s->last_sync = time(NULL);
		s->last_error[0] = '\0';
		s->failures_in_row = 0;
		log_info(s->log, SUBSYS, "time sample",
			 LOG_STR("server", inet_ntop(AF_INET, &s->synced_server,
						     ip, sizeof(ip))),
			 LOG_STR("source", source_names[s->source]),
			 LOG_UINT("stratum", a.stratum),
			 LOG_INT("offset_us", a.offset_ns / 1000),
			 LOG_INT("delay_us", a.delay_ns / 1000));
		maybe_set_clock(s);
		s->poll_s = POLL_MIN_S;
		arm(s, (uint64_t)s->poll_s * USEC);
		if (first)
			notify(s);
		return 0;
	}
	return 0;
}

static void use_servers(struct sntp *s, enum time_source src,
			const uint32_t *addrs, unsigned int n, const char *name)
{
	s->source = src;
	if (name != s->source_name)
		snprintf(s->source_name, sizeof(s->source_name), "%s", name);
	memcpy(s->servers, addrs, n * sizeof(*addrs));
	s->n_servers = n;
	s->current = 0;
	send_request(s);
}

static void on_fallback_a(void *ctx, int status, const uint32_t *addrs,
			  unsigned int n)
{
	struct sntp *s = ctx;

	s->resolving = false;
	if (status < 0 || !n) {
		next_source(s, SOURCE_FALLBACK);
		return;
	}
	use_servers(s, SOURCE_FALLBACK, addrs, n, s->d->options.ntp_fallback);
}

static void on_srv_a(void *ctx, int status, const uint32_t *addrs,
		     unsigned int n)
{
	struct sntp *s = ctx;

	s->resolving = false;
	if (status < 0 || !n) {
		next_source(s, SOURCE_SRV);
		return;
	}
	use_servers(s, SOURCE_SRV, addrs, n, s->source_name);
}

static void on_srv(void *ctx, int status, const struct srv_record *recs,
		   unsigned int n)
{
	struct sntp *s = ctx;

	if (status < 0 || !n) {
		s->resolving = false;
		next_source(s, SOURCE_SRV);
		return;
	}
	/* The first target in RFC 2782 order; its port is NTP's anyway. */
	snprintf(s->source_name, sizeof(s->source_name), "%s", recs[0].target);
	if (resolver_lookup_a(s->d->resolver, recs[0].target, on_srv_a, s) < 0) {
		s->resolving = false;
		next_source(s, SOURCE_SRV);
	}
}

/* Moves to the source after `after`; past the last, waits and restarts. */
static void next_source(struct sntp *s, enum time_source after)
{
	char name[DHCP_NAME_MAX + 16];
	const char *domain = resolver_sip_domain(s->d->resolver);

	s->waiting = false;
	s->n_servers = 0;
	if (after < SOURCE_DHCP && s->lease.n_ntp) {
		use_servers(s, SOURCE_DHCP, s->lease.ntp, s->lease.n_ntp,
			    "option 42");
		return;
	}
	if (after < SOURCE_SRV && domain[0]) {
		snprintf(name, sizeof(name), "_ntp._udp.%s", domain);
		s->source = SOURCE_SRV;
		s->resolving = true;
		if (resolver_lookup_srv(s->d->resolver, name, on_srv, s) == 0)
			return;
		s->resolving = false;
	}
	if (after < SOURCE_FALLBACK && s->d->options.ntp_fallback[0]) {
		s->source = SOURCE_FALLBACK;
		s->resolving = true;
		if (resolver_lookup_a(s->d->resolver, s->d->options.ntp_fallback,
				      on_fallback_a, s) == 0)
			return;
		s->resolving = false;
	}
	/* Every source failed: back off and start again from the first. */
	s->source = SOURCE_NONE;
	s->failures_in_row++;
	s->poll_s = RETRY_FIRST_S << (s->failures_in_row > 8 ? 8 :
				      s->failures_in_row - 1);
	if (s->poll_s > POLL_MAX_S)
		s->poll_s = POLL_MAX_S;
	if (!s->last_error[0])
		snprintf(s->last_error, sizeof(s->last_error),
			 "no time source answered");
	log_warning(s->log, SUBSYS, "no time source answered; retrying",
		    LOG_UINT("retry_s", s->poll_s));
	arm(s, (uint64_t)s->poll_s * USEC);
}

static int on_timer(sd_event_source *src, uint64_t usec, void *ud)
{
	struct sntp *s = ud;

	(void)src;
	(void)usec;
	if (!s->have_lease)
		return 0;
	if (s->waiting) {
		s->timeouts++;
		server_failed(s, "no answer");
		return 0;
	}
	if (s->n_servers && s->current < s->n_servers) {
		send_request(s);	/* the next poll of the same server */
		return 0;
	}
	next_source(s, SOURCE_NONE);
	return 0;
}

void sntp_set_lease(struct sntp *s, const struct dhcp_reply *l)
{
	if (l && s->have_lease && l->n_ntp == s->lease.n_ntp &&
	    !memcmp(l->ntp, s->lease.ntp, l->n_ntp * sizeof(l->ntp[0])) &&
	    !s->resolving)
		return;		/* a renewal: same servers, keep polling */
	resolver_forget(s->d->resolver, s);
	s->timer = sd_event_source_disable_unref(s->timer);
	s->waiting = s->resolving = false;
	s->n_servers = 0;
	s->source = SOURCE_NONE;
	s->have_lease = l != NULL;
	if (!l)
		return;
	s->lease = *l;
	s->failures_in_row = 0;
	s->last_error[0] = '\0';
	next_source(s, SOURCE_NONE);
}

int sntp_new(struct ucphoned *d, struct sntp **out)
{
	struct sntp *s = calloc(1, sizeof(*s));
	int ret;

	if (!s)
		return -ENOMEM;
	s->d = d;
	s->log = &d->log;
	s->poll_s = POLL_MIN_S;
	*out = s;
	s->fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (s->fd < 0)
		return -errno;
	ret = sd_event_add_io(d->event, &s->io, s->fd, EPOLLIN, on_answer, s);
	if (ret < 0)
		return ret;
	if (d->options.set_clock)
		log_info(s->log, SUBSYS, "will set the clock (--set-clock)");
	return 0;
}

void sntp_free(struct sntp *s)
{
	if (!s)
		return;
	resolver_forget(s->d->resolver, s);
	s->timer = sd_event_source_disable_unref(s->timer);
	s->io = sd_event_source_disable_unref(s->io);
	if (s->fd >= 0)
		close(s->fd);
	free(s);
}

struct json_object *sntp_status(const struct sntp *s)
{
	struct json_object *o = json_object_new_object();
	char a[INET_ADDRSTRLEN];

	json_object_object_add(o, "source", json_object_new_string(
		source_names[s->source]));
	if (s->source != SOURCE_NONE)
		json_object_object_add(o, "source_name",
				       json_object_new_string(s->source_name));
	if (s->n_servers)
		json_object_object_add(o, "server", json_object_new_string(
			inet_ntop(AF_INET, &s->servers[s->current], a, sizeof(a))));
	json_object_object_add(o, "synchronised", json_object_new_boolean(s->synced));
	if (s->synced) {
		json_object_object_add(o, "synced_server", json_object_new_string(
			inet_ntop(AF_INET, &s->synced_server, a, sizeof(a))));
		json_object_object_add(o, "stratum", json_object_new_int(s->stratum));
		json_object_object_add(o, "offset_us", json_object_new_int64(s->offset_ns / 1000));
		json_object_object_add(o, "delay_us", json_object_new_int64(s->delay_ns / 1000));
		json_object_object_add(o, "last_sync", json_object_new_int64(s->last_sync));
	}
	json_object_object_add(o, "certificates_checked_at", json_object_new_string(
		s->synced && ntp_corrected_time(0, s->offset_ns, &(time_t){ 0 }) ?
		"ntp-time" : "system-clock"));
	json_object_object_add(o, "sets_clock",
			       json_object_new_boolean(s->d->options.set_clock));
	json_object_object_add(o, "poll_s", json_object_new_int(s->poll_s));
	if (s->last_error[0])
		json_object_object_add(o, "error", json_object_new_string(s->last_error));
	json_object_object_add(o, "requests", json_object_new_uint64(s->requests));
	json_object_object_add(o, "answers", json_object_new_uint64(s->answers));
	json_object_object_add(o, "timeouts", json_object_new_uint64(s->timeouts));
	json_object_object_add(o, "rejected", json_object_new_uint64(s->rejected));
	json_object_object_add(o, "kisses", json_object_new_uint64(s->kisses));
	json_object_object_add(o, "clock_steps", json_object_new_uint64(s->steps));
	return o;
}

bool sntp_offset(const struct sntp *s, int64_t *offset_ns)
{
	if (!s || !s->synced)
		return false;
	if (offset_ns)
		*offset_ns = s->offset_ns;
	return true;
}

void sntp_set_verify_time(const struct sntp *s, X509_VERIFY_PARAM *param)
{
	int64_t offset_ns;
	time_t at;

	if (sntp_offset(s, &offset_ns) &&
	    ntp_corrected_time(time(NULL), offset_ns, &at))
		X509_VERIFY_PARAM_set_time(param, at);
}

int sntp_watch(struct sntp *s, sntp_sampled_cb cb, void *ctx)
{
	unsigned int i;

	for (i = 0; i < WATCHERS_MAX; i++) {
		if (!s->watchers[i].cb) {
			s->watchers[i].cb = cb;
			s->watchers[i].ctx = ctx;
			return 0;
		}
	}
	return -ENOSPC;
}

void sntp_unwatch(struct sntp *s, void *ctx)
{
	unsigned int i;

	for (i = 0; i < WATCHERS_MAX; i++)
		if (s->watchers[i].ctx == ctx)
			s->watchers[i].cb = NULL;
}
