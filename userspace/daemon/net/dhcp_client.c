// SPDX-License-Identifier: GPL-2.0-only
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <netinet/ip.h>
#include <netinet/udp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "lib/util/atomic_file.h"
#include "net/dhcp_client.h"
#include "net/netcfg.h"

#define SUBSYS "dhcp"
#define USEC 1000000ull
#define LEASE_FILE_FMT "dhcp-lease-%s"
/* RFC 5227 times, shortened: [U] desk phones probe briefly at boot. */
#define ARP_PROBES 2
#define ARP_PROBE_GAP_USEC 100000ull
#define ARP_PROBE_WAIT_USEC 200000ull
#define DECLINE_WAIT_USEC (10 * USEC)
#define INFORM_TRIES 3
#define RENEW_RETRY_MIN_USEC (2 * USEC)

struct dhcp_client {
	struct ucphoned *d;
	struct log *log;
	struct dhcp_client_listener listener;
	char ifname[IF_NAMESIZE];
	int ifindex;
	uint8_t mac[6];
	enum dhcp_state state;

	int raw_fd, udp_fd, arp_fd;
	sd_event_source *raw_src, *udp_src, *arp_src;
	sd_event_source *retx_timer, *lease_timer;
	struct netcfg *net;

	uint32_t xid, inform_xid;
	unsigned int attempt, inform_tries, arp_sent;
	uint64_t start_usec;		/* this exchange, for secs */
	bool arp_conflict;

	struct dhcp_reply offer;
	struct dhcp_reply lease;
	bool have_lease;
	uint64_t bound_mono_usec;	/* when the lease was granted */
	uint64_t t1_usec, t2_usec, expiry_usec;	/* monotonic */

	uint64_t link_up_usec, first_bound_usec;
	uint64_t leases_granted, naks, declines, renewals, rebinds, expiries;
	uint64_t domains_refused;	/* option 15 that was not a name */
};

static uint64_t now_usec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * USEC + (uint64_t)ts.tv_nsec / 1000u;
}

static uint32_t random_u32(void)
{
	uint32_t v = 0;

	if (getrandom(&v, sizeof(v), 0) != sizeof(v))
		v = (uint32_t)now_usec() ^ (uint32_t)getpid();
	return v;
}

const char *dhcp_state_name(enum dhcp_state s)
{
	static const char *const names[] = {
		[DHCP_STATE_INIT] = "init",
		[DHCP_STATE_SELECTING] = "selecting",
		[DHCP_STATE_REQUESTING] = "requesting",
		[DHCP_STATE_CHECKING] = "checking",
		[DHCP_STATE_BOUND] = "bound",
		[DHCP_STATE_RENEWING] = "renewing",
		[DHCP_STATE_REBINDING] = "rebinding",
		[DHCP_STATE_INIT_REBOOT] = "init-reboot",
	};

	return s <= DHCP_STATE_INIT_REBOOT ? names[s] : "unknown";
}

static const char *ip(uint32_t a, char buf[INET_ADDRSTRLEN])
{
	return inet_ntop(AF_INET, &a, buf, INET_ADDRSTRLEN);
}

static void set_state(struct dhcp_client *c, enum dhcp_state s)
{
	if (c->state == s)
		return;
	log_debug(c->log, SUBSYS, "state", LOG_STR("from",
		  dhcp_state_name(c->state)), LOG_STR("to", dhcp_state_name(s)));
	c->state = s;
}

/* ---- timers ---- */

typedef int (*timer_fn)(sd_event_source *s, uint64_t usec, void *userdata);

static void timer_at(struct dhcp_client *c, sd_event_source **src,
		     uint64_t when, timer_fn fn)
{
	*src = sd_event_source_disable_unref(*src);
	if (sd_event_add_time(c->d->event, src, CLOCK_MONOTONIC, when, 10000,
			      fn, c) < 0)
		log_error(c->log, SUBSYS, "cannot arm a timer");
}

static void timer_stop(sd_event_source **src)
{
	*src = sd_event_source_disable_unref(*src);
}

/* RFC 2131 4.1: 4, 8, 16, 32, 64 s, each +-1 s at random. */
static uint64_t backoff_usec(unsigned int attempt)
{
	uint64_t base = (attempt < 4 ? 4ull << attempt : 64) * USEC;

	return base - USEC + (random_u32() % (2 * USEC));
}

/* ---- sending ---- */

static uint16_t ip_checksum(const void *data, size_t len, uint32_t sum)
{
	const uint8_t *p = data;

	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static int send_raw(struct dhcp_client *c, const uint8_t *payload,
		    size_t len, uint32_t src)
{
	uint8_t pkt[sizeof(struct iphdr) + sizeof(struct udphdr) + DHCP_MAX_LEN];
	struct iphdr *iph = (struct iphdr *)pkt;
	struct udphdr *udp = (struct udphdr *)(pkt + sizeof(*iph));
	struct sockaddr_ll to = {
		.sll_family = AF_PACKET,
		.sll_protocol = htons(ETH_P_IP),
		.sll_ifindex = c->ifindex,
		.sll_halen = 6,
		.sll_addr = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff },
	};
	size_t total = sizeof(*iph) + sizeof(*udp) + len;
	uint8_t pseudo[12];
	uint32_t sum = 0;

	if (len > DHCP_MAX_LEN)
		return -EMSGSIZE;
	memset(pkt, 0, sizeof(*iph) + sizeof(*udp));
	memcpy(pkt + sizeof(*iph) + sizeof(*udp), payload, len);
	iph->version = 4;
	iph->ihl = 5;
	iph->tot_len = htons((uint16_t)total);
	iph->ttl = 64;
	iph->protocol = IPPROTO_UDP;
	iph->saddr = src;
	iph->daddr = INADDR_BROADCAST;
	iph->check = htons(ip_checksum(iph, sizeof(*iph), 0));
	udp->source = htons(DHCP_CLIENT_PORT);
	udp->dest = htons(DHCP_SERVER_PORT);
	udp->len = htons((uint16_t)(sizeof(*udp) + len));
	memcpy(pseudo, &iph->saddr, 4);
	memcpy(pseudo + 4, &iph->daddr, 4);
	pseudo[8] = 0;
	pseudo[9] = IPPROTO_UDP;
	memcpy(pseudo + 10, &udp->len, 2);
	for (size_t i = 0; i < sizeof(pseudo); i += 2)
		sum += (uint32_t)(pseudo[i] << 8 | pseudo[i + 1]);
	udp->check = htons(ip_checksum(udp, sizeof(*udp) + len, sum));
	if (udp->check == 0)
		udp->check = 0xffff;
	if (sendto(c->raw_fd, pkt, total, 0, (struct sockaddr *)&to,
		   sizeof(to)) < 0)
		return -errno;
	return 0;
}

static int open_udp(struct dhcp_client *c, uint32_t addr);

static int send_udp(struct dhcp_client *c, const uint8_t *payload,
		    size_t len, uint32_t dst)
{
	struct sockaddr_in to = {
		.sin_family = AF_INET,
		.sin_port = htons(DHCP_SERVER_PORT),
		.sin_addr.s_addr = dst,
	};

	if (c->udp_fd < 0 && open_udp(c, c->lease.yiaddr) < 0)
		return -EIO;
	if (sendto(c->udp_fd, payload, len, 0, (struct sockaddr *)&to,
		   sizeof(to)) < 0)
		return -errno;
	return 0;
}

static int send_msg(struct dhcp_client *c, enum dhcp_msg_type type)
{
	struct dhcp_build b = {
		.type = type,
		.xid = c->xid,
		.vendor_class = c->d->options.vendor_class,
	};
	uint8_t buf[DHCP_MAX_LEN];
	uint64_t secs = (now_usec() - c->start_usec) / USEC;
	bool unicast = false;
	uint32_t src = 0;
	int n, ret;

	memcpy(b.mac, c->mac, 6);
	b.secs = secs > 0xffff ? 0xffff : (uint16_t)secs;
	switch (type) {
	case DHCP_DISCOVER:
		break;
	case DHCP_REQUEST:
		if (c->state == DHCP_STATE_REQUESTING) {
			b.requested_ip = c->offer.yiaddr;
			b.server_id = c->offer.server_id;
		} else if (c->state == DHCP_STATE_INIT_REBOOT) {
			b.requested_ip = c->lease.yiaddr;
		} else {	/* RENEWING, REBINDING */
			b.ciaddr = c->lease.yiaddr;
			src = c->lease.yiaddr;
			unicast = c->state == DHCP_STATE_RENEWING;
		}
		break;
	case DHCP_DECLINE:
		b.requested_ip = c->offer.yiaddr;
		b.server_id = c->offer.server_id;
		break;
	case DHCP_RELEASE:
		b.ciaddr = c->lease.yiaddr;
		b.server_id = c->lease.server_id;
		unicast = true;
		break;
	case DHCP_INFORM:
		b.xid = c->inform_xid;
		b.ciaddr = c->lease.yiaddr;
		src = c->lease.yiaddr;
		break;
	default:
		return -EINVAL;
	}
	n = dhcp_build(&b, buf, sizeof(buf));
	if (n < 0)
		return n;
	if (unicast)
		ret = send_udp(c, buf, (size_t)n, c->lease.server_id);
	else
		ret = send_raw(c, buf, (size_t)n, src);
	if (ret < 0)
		log_warning(c->log, SUBSYS, "cannot send",
			    LOG_UINT("type", type), LOG_ERRNO(ret));
	return ret;
}

/* ---- stored lease ---- */

static void lease_store(struct dhcp_client *c)
{
	char name[64], a[INET_ADDRSTRLEN], s[INET_ADDRSTRLEN];
	char text[256];
	int n, ret;

	snprintf(name, sizeof(name), LEASE_FILE_FMT, c->ifname);
	n = snprintf(text, sizeof(text), "%s %s %lld %u\n",
		     ip(c->lease.yiaddr, a), ip(c->lease.server_id, s),
		     (long long)time(NULL), c->lease.lease_time);
	ret = atomic_file_write(c->d->state_dir_fd, name, text, (size_t)n,
				NULL);
	if (ret < 0)
		log_warning(c->log, SUBSYS, "cannot store the lease",
			    LOG_STR("file", name), LOG_ERRNO(ret));
}

/* The stored address if its lease has not run out; 0 otherwise. */
static uint32_t lease_load(struct dhcp_client *c)
{
	char name[64], text[256], a[INET_ADDRSTRLEN + 1], s[INET_ADDRSTRLEN + 1];
	long long granted;
	unsigned int secs;
	struct in_addr addr;
	ssize_t n;
	int fd;

	snprintf(name, sizeof(name), LEASE_FILE_FMT, c->ifname);
	/* O_NOFOLLOW: a symlink planted here must not be read. */
	fd = openat(c->d->state_dir_fd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return 0;
	n = read(fd, text, sizeof(text) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	text[n] = '\0';
	if (sscanf(text, "%15s %15s %lld %u", a, s, &granted, &secs) != 4 ||
	    inet_pton(AF_INET, a, &addr) != 1) {
		log_warning(c->log, SUBSYS, "stored lease unreadable; ignored",
			    LOG_STR("file", name));
		return 0;
	}
	if (granted + (long long)secs <= (long long)time(NULL))
		return 0;
	return addr.s_addr;
}

/* ---- transitions ---- */

static int on_retransmit(sd_event_source *s, uint64_t usec, void *userdata);
static int on_lease_timer(sd_event_source *s, uint64_t usec, void *userdata);
static void start_init(struct dhcp_client *c, uint64_t delay);

static void new_exchange(struct dhcp_client *c)
{
	c->xid = random_u32();
	c->attempt = 0;
	c->start_usec = now_usec();
}

static void transmit(struct dhcp_client *c, enum dhcp_msg_type type)
{
	send_msg(c, type);
	timer_at(c, &c->retx_timer, now_usec() + backoff_usec(c->attempt),
		 on_retransmit);
	c->attempt++;
}

static void lose_lease(struct dhcp_client *c, const char *why)
{
	char a[INET_ADDRSTRLEN];

	if (!c->have_lease)
		return;
	log_warning(c->log, SUBSYS, "lease lost",
		    LOG_STR("address", ip(c->lease.yiaddr, a)),
		    LOG_STR("reason", why));
	c->have_lease = false;
	timer_stop(&c->lease_timer);
	c->udp_src = sd_event_source_disable_unref(c->udp_src);
	if (c->udp_fd >= 0)
		close(c->udp_fd);
	c->udp_fd = -1;
	netcfg_remove(c->net);
	c->listener.lost(c->listener.userdata);
}

static void start_init(struct dhcp_client *c, uint64_t delay)
{
	set_state(c, DHCP_STATE_INIT);
	timer_stop(&c->retx_timer);
	new_exchange(c);
	if (delay) {
		timer_at(c, &c->retx_timer, now_usec() + delay, on_retransmit);
		return;
	}
	set_state(c, DHCP_STATE_SELECTING);
	transmit(c, DHCP_DISCOVER);
}

static void arm_lease_timer(struct dhcp_client *c)
{
	uint64_t when;

	switch (c->state) {
	case DHCP_STATE_BOUND:
		when = c->t1_usec;
		break;
	case DHCP_STATE_RENEWING:
		when = c->t2_usec;
		break;
	default:
		when = c->expiry_usec;
		break;
	}
	timer_at(c, &c->lease_timer, when, on_lease_timer);
}

static int open_udp(struct dhcp_client *c, uint32_t addr)
{
	struct sockaddr_in sa = {
		.sin_family = AF_INET,
		.sin_port = htons(DHCP_CLIENT_PORT),
		.sin_addr.s_addr = addr,
	};
	int one = 1, fd;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, c->ifname,
		       (socklen_t)strlen(c->ifname)) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_BROADCAST, &one, sizeof(one)) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int err = -errno;

		close(fd);
		log_warning(c->log, SUBSYS, "cannot open the UDP socket",
			    LOG_ERRNO(err));
		return err;
	}
	c->udp_fd = fd;
	return 0;
}

static void maybe_inform(struct dhcp_client *c);

/* Unicast answers arrive on the packet socket too; this copy is dropped. */
static int on_udp_drain(sd_event_source *s, int fd, uint32_t revents,
			void *ud)
{
	uint8_t buf[64];

	(void)s;
	(void)revents;
	(void)ud;
	while (recv(fd, buf, sizeof(buf), MSG_DONTWAIT) >= 0)
		;
	return 0;
}

static void bind_lease(struct dhcp_client *c, const struct dhcp_reply *ack)
{
	char a[INET_ADDRSTRLEN], s[INET_ADDRSTRLEN];
	struct dhcp_lease_times t;
	uint64_t now = now_usec();
	bool was = c->have_lease;
	bool changed = !was || c->lease.yiaddr != ack->yiaddr;
	struct dhcp_ms_uc uc = c->lease.ms_uc;
	struct dhcp_sip_servers sip = c->lease.sip;

	timer_stop(&c->retx_timer);
	c->lease = *ack;
	/* What DHCPINFORM added stays unless the new lease brings its own. */
	if (was && !changed) {
		if (!c->lease.ms_uc.present)
			c->lease.ms_uc = uc;
		if (!c->lease.sip.present)
			c->lease.sip = sip;
	}
	c->have_lease = true;
	c->bound_mono_usec = now;
	dhcp_lease_times(ack, &t);
	c->expiry_usec = now + (uint64_t)t.expiry * USEC;
	c->t1_usec = now + (uint64_t)t.renew * USEC;
	c->t2_usec = now + (uint64_t)t.rebind * USEC;
	set_state(c, DHCP_STATE_BOUND);
	c->leases_granted++;
	if (!c->first_bound_usec)
		c->first_bound_usec = now;
	arm_lease_timer(c);
	lease_store(c);

	if (changed && was) {
		/* The renewal socket was bound to the old address. */
		c->udp_src = sd_event_source_disable_unref(c->udp_src);
		if (c->udp_fd >= 0)
			close(c->udp_fd);
		c->udp_fd = -1;
	}
	if (changed || !was) {
		netcfg_apply(c->net, ack->yiaddr, ack->has_subnet ?
			     ack->prefix_len : 24,
			     ack->n_routers ? ack->routers[0] : 0, ack->mtu);
		if (c->udp_fd < 0)
			open_udp(c, ack->yiaddr);
		if (c->udp_fd >= 0 && !c->udp_src)
			sd_event_add_io(c->d->event, &c->udp_src, c->udp_fd,
					EPOLLIN, on_udp_drain, c);
	}
	log_info(c->log, SUBSYS, was ? "lease renewed" : "lease acquired",
		 LOG_STR("address", ip(ack->yiaddr, a)),
		 LOG_UINT("prefix", ack->prefix_len),
		 LOG_STR("server", ip(ack->server_id, s)),
		 LOG_UINT("lease_s", t.expiry),
		 LOG_UINT("link_to_bound_ms", was ? 0 :
			  (now - c->link_up_usec) / 1000));
	if (ack->bad_options)
		log_warning(c->log, SUBSYS, "options refused in the lease",
			    LOG_UINT("mask", ack->bad_options));
	if (ack->bad_options & DHCP_BAD_DOMAIN) {
		c->domains_refused++;
		log_warning(c->log, SUBSYS, "option 15 refused: not a domain name",
			    LOG_STR("reason", ack->domain_why ?
				    ack->domain_why : "malformed"));
	}
	c->listener.bound(&c->lease, changed, c->listener.userdata);
	if (!was)
		maybe_inform(c);
}

static void maybe_inform(struct dhcp_client *c)
{
	if (c->lease.ms_uc.present && c->lease.sip.present)
		return;
	/* [U] phones whose lease lacks 43/120 ask with DHCPINFORM. */
	c->inform_xid = random_u32();
	c->inform_tries = 0;
	log_info(c->log, SUBSYS, "lease lacks 43 or 120; sending DHCPINFORM",
		 LOG_BOOL("has_43", c->lease.ms_uc.present),
		 LOG_BOOL("has_120", c->lease.sip.present));
	send_msg(c, DHCP_INFORM);
	c->inform_tries++;
}

static void send_arp_probe(struct dhcp_client *c)
{
	struct {
		struct arphdr h;
		uint8_t sha[6], spa[4], tha[6], tpa[4];
	} __attribute__((packed)) arp = {
		.h = { htons(ARPHRD_ETHER), htons(ETH_P_IP), 6, 4,
		       htons(ARPOP_REQUEST) },
	};
	struct sockaddr_ll to = {
		.sll_family = AF_PACKET,
		.sll_protocol = htons(ETH_P_ARP),
		.sll_ifindex = c->ifindex,
		.sll_halen = 6,
		.sll_addr = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff },
	};

	memcpy(arp.sha, c->mac, 6);
	memcpy(arp.tpa, &c->offer.yiaddr, 4);
	if (sendto(c->arp_fd, &arp, sizeof(arp), 0, (struct sockaddr *)&to,
		   sizeof(to)) < 0)
		log_warning(c->log, SUBSYS, "cannot send an ARP probe",
			    LOG_ERRNO(errno));
}

static int on_arp(sd_event_source *s, int fd, uint32_t revents, void *ud)
{
	struct dhcp_client *c = ud;
	uint8_t buf[64];
	ssize_t n;

	(void)s;
	(void)revents;
	while ((n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT)) > 0) {
		const uint8_t *sha = buf + 8, *spa = buf + 14, *tpa = buf + 24;

		if (c->state != DHCP_STATE_CHECKING || n < 28)
			continue;
		if (memcmp(sha, c->mac, 6) == 0)
			continue;
		/* RFC 5227 2.1.1: a reply from it, or another's probe for it. */
		if (memcmp(spa, &c->offer.yiaddr, 4) == 0 ||
		    (memcmp(tpa, &c->offer.yiaddr, 4) == 0 &&
		     !memcmp(spa, "\0\0\0\0", 4)))
			c->arp_conflict = true;
	}
	return 0;
}

static void finish_check(struct dhcp_client *c)
{
	char a[INET_ADDRSTRLEN];

	if (c->arp_conflict) {
		log_warning(c->log, SUBSYS,
			    "offered address in use; declining",
			    LOG_STR("address", ip(c->offer.yiaddr, a)));
		c->declines++;
		send_msg(c, DHCP_DECLINE);
		start_init(c, DECLINE_WAIT_USEC);
		return;
	}
	bind_lease(c, &c->offer);
}

static void start_check(struct dhcp_client *c, const struct dhcp_reply *ack)
{
	c->offer = *ack;
	c->arp_conflict = false;
	c->arp_sent = 0;
	set_state(c, DHCP_STATE_CHECKING);
	if (c->arp_fd < 0) {
		bind_lease(c, ack);
		return;
	}
	send_arp_probe(c);
	c->arp_sent++;
	timer_at(c, &c->retx_timer, now_usec() + ARP_PROBE_GAP_USEC,
		 on_retransmit);
}

static int on_retransmit(sd_event_source *s, uint64_t usec, void *userdata)
{
	struct dhcp_client *c = userdata;

	(void)s;
	(void)usec;
	switch (c->state) {
	case DHCP_STATE_INIT:
		start_init(c, 0);
		break;
	case DHCP_STATE_SELECTING:
		transmit(c, DHCP_DISCOVER);
		break;
	case DHCP_STATE_REQUESTING:
	case DHCP_STATE_INIT_REBOOT:
		/* RFC 2131 3.1/3.2: give up on the REQUEST after a few. */
		if (c->attempt >= 4) {
			start_init(c, 0);
			break;
		}
		transmit(c, DHCP_REQUEST);
		break;
	case DHCP_STATE_CHECKING:
		if (c->arp_conflict) {
			finish_check(c);
		} else if (c->arp_sent < ARP_PROBES) {
			send_arp_probe(c);
			c->arp_sent++;
			timer_at(c, &c->retx_timer, now_usec() +
				 (c->arp_sent < ARP_PROBES ? ARP_PROBE_GAP_USEC :
				  ARP_PROBE_WAIT_USEC), on_retransmit);
		} else {
			finish_check(c);
		}
		break;
	case DHCP_STATE_BOUND:
		if (c->inform_tries && c->inform_tries < INFORM_TRIES &&
		    !(c->lease.ms_uc.present && c->lease.sip.present)) {
			send_msg(c, DHCP_INFORM);
			c->inform_tries++;
			timer_at(c, &c->retx_timer, now_usec() +
				 backoff_usec(c->inform_tries), on_retransmit);
		}
		break;
	case DHCP_STATE_RENEWING:
	case DHCP_STATE_REBINDING: {
		/*
		 * RFC 2131 4.4.5: half the time left, down to 60 s. [U] 2 s
		 * here: with the short leases of some deployments (and the
		 * tests) 60 s would leave no retry at all.
		 */
		uint64_t until = c->state == DHCP_STATE_RENEWING ?
				 c->t2_usec : c->expiry_usec;
		uint64_t now = now_usec();
		uint64_t wait = until > now ? (until - now) / 2 : 0;

		send_msg(c, DHCP_REQUEST);
		if (wait >= RENEW_RETRY_MIN_USEC)
			timer_at(c, &c->retx_timer, now + wait, on_retransmit);
		break;
	}
	}
	return 0;
}

static int on_lease_timer(sd_event_source *s, uint64_t usec, void *userdata)
{
	struct dhcp_client *c = userdata;

	(void)s;
	(void)usec;
	if (now_usec() >= c->expiry_usec) {
		c->expiries++;
		lose_lease(c, "expired");
		start_init(c, 0);
		return 0;
	}
	if (c->state == DHCP_STATE_BOUND) {
		set_state(c, DHCP_STATE_RENEWING);
		c->renewals++;
		log_info(c->log, SUBSYS, "renewing (T1)");
	} else {
		set_state(c, DHCP_STATE_REBINDING);
		c->rebinds++;
		log_info(c->log, SUBSYS, "rebinding (T2)");
	}
	new_exchange(c);
	arm_lease_timer(c);
	on_retransmit(NULL, 0, c);
	return 0;
}

static void handle_reply(struct dhcp_client *c, const struct dhcp_reply *r)
{
	char a[INET_ADDRSTRLEN];

	if (memcmp(r->chaddr, c->mac, 6) != 0)
		return;
	if (r->xid == c->inform_xid && c->inform_tries &&
	    c->state == DHCP_STATE_BOUND && r->type == DHCP_ACK) {
		/* Only what INFORM was for; the lease itself is unchanged. */
		if (!c->lease.ms_uc.present && r->ms_uc.present)
			c->lease.ms_uc = r->ms_uc;
		if (!c->lease.sip.present && r->sip.present)
			c->lease.sip = r->sip;
		c->inform_tries = 0;
		timer_stop(&c->retx_timer);
		log_info(c->log, SUBSYS, "DHCPINFORM answered",
			 LOG_BOOL("has_43", c->lease.ms_uc.present),
			 LOG_BOOL("has_120", c->lease.sip.present));
		c->listener.bound(&c->lease, false, c->listener.userdata);
		return;
	}
	if (r->xid != c->xid)
		return;
	switch (c->state) {
	case DHCP_STATE_SELECTING:
		if (r->type != DHCP_OFFER || !r->yiaddr || !r->server_id)
			return;
		c->offer = *r;
		log_debug(c->log, SUBSYS, "offer",
			  LOG_STR("address", ip(r->yiaddr, a)));
		set_state(c, DHCP_STATE_REQUESTING);
		c->attempt = 0;
		transmit(c, DHCP_REQUEST);
		return;
	case DHCP_STATE_REQUESTING:
	case DHCP_STATE_INIT_REBOOT:
		if (r->type == DHCP_ACK && r->yiaddr) {
			start_check(c, r);
		} else if (r->type == DHCP_NAK) {
			c->naks++;
			log_warning(c->log, SUBSYS, "DHCPNAK; starting over");
			start_init(c, 0);
		}
		return;
	case DHCP_STATE_RENEWING:
	case DHCP_STATE_REBINDING:
		if (r->type == DHCP_ACK && r->yiaddr) {
			bind_lease(c, r);
		} else if (r->type == DHCP_NAK) {
			c->naks++;
			lose_lease(c, "DHCPNAK");
			start_init(c, 0);
		}
		return;
	default:
		return;
	}
}

static int on_raw(sd_event_source *s, int fd, uint32_t revents, void *ud)
{
	struct dhcp_client *c = ud;
	uint8_t buf[2048];
	ssize_t n;

	(void)s;
	(void)revents;
	while ((n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT)) > 0) {
		const struct iphdr *iph = (const struct iphdr *)buf;
		const struct udphdr *udp;
		struct dhcp_reply r;
		const char *why;
		size_t ihl, tot;

		if ((size_t)n < sizeof(*iph) || iph->version != 4 ||
		    iph->protocol != IPPROTO_UDP)
			continue;
		ihl = (size_t)iph->ihl * 4;
		tot = ntohs(iph->tot_len);
		if (ihl < sizeof(*iph) || tot > (size_t)n ||
		    tot < ihl + sizeof(*udp) ||
		    (ntohs(iph->frag_off) & 0x3fff))
			continue;
		udp = (const struct udphdr *)(buf + ihl);
		if (ntohs(udp->dest) != DHCP_CLIENT_PORT ||
		    ntohs(udp->source) != DHCP_SERVER_PORT)
			continue;
		if (ntohs(udp->len) < sizeof(*udp) ||
		    ntohs(udp->len) > tot - ihl)
			continue;
		if (dhcp_parse(buf + ihl + sizeof(*udp),
			       ntohs(udp->len) - sizeof(*udp), &r, &why) < 0) {
			log_debug(c->log, SUBSYS, "bad DHCP message ignored",
				  LOG_STR("reason", why));
			continue;
		}
		handle_reply(c, &r);
	}
	return 0;
}

/*
 * The kernel hands the IP packet socket only what can be a DHCP reply (an
 * unfragmented UDP datagram from port 67 to port 68): without a filter
 * every packet the phone receives, a call's RTP included, would be copied
 * to it and wake the main loop.
 */
static const struct sock_filter dhcp_reply_filter[] = {
	BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 9),			/* protocol */
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, IPPROTO_UDP, 0, 8),
	BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 6),			/* fragment */
	BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, 0x3fff, 6, 0),
	BPF_STMT(BPF_LDX | BPF_B | BPF_MSH, 0),			/* X = ihl * 4 */
	BPF_STMT(BPF_LD | BPF_H | BPF_IND, 0),			/* source port */
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, DHCP_SERVER_PORT, 0, 3),
	BPF_STMT(BPF_LD | BPF_H | BPF_IND, 2),			/* destination port */
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, DHCP_CLIENT_PORT, 0, 1),
	BPF_STMT(BPF_RET | BPF_K, 0xffff),
	BPF_STMT(BPF_RET | BPF_K, 0),
};

static int filter_dhcp_replies(int fd)
{
	struct sock_fprog prog = {
		.len = sizeof(dhcp_reply_filter) / sizeof(dhcp_reply_filter[0]),
		.filter = (struct sock_filter *)dhcp_reply_filter,
	};
	uint8_t buf[64];

	if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof(prog)) < 0)
		return -errno;
	/* what arrived before the filter: on_raw() checks each, but drop it */
	while (recv(fd, buf, sizeof(buf), MSG_DONTWAIT | MSG_TRUNC) >= 0)
		;
	return 0;
}

static int open_packet(struct dhcp_client *c, uint16_t proto, int *fdp)
{
	struct sockaddr_ll sa = {
		.sll_family = AF_PACKET,
		.sll_protocol = htons(proto),
		.sll_ifindex = c->ifindex,
	};
	int fd = socket(AF_PACKET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
			htons(proto));

	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int err = -errno;

		close(fd);
		return err;
	}
	if (proto == ETH_P_IP) {
		int err = filter_dhcp_replies(fd);

		if (err < 0) {
			close(fd);
			return err;
		}
	}
	*fdp = fd;
	return 0;
}

static int read_mac(struct dhcp_client *c)
{
	struct ifreq ifr = { 0 };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), ret = 0;

	if (fd < 0)
		return -errno;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", c->ifname);
	if (ioctl(fd, SIOCGIFHWADDR, &ifr) < 0)
		ret = -errno;
	else if (ifr.ifr_hwaddr.sa_family != ARPHRD_ETHER)
		ret = -EPROTONOSUPPORT;
	else
		memcpy(c->mac, ifr.ifr_hwaddr.sa_data, 6);
	close(fd);
	return ret;
}

int dhcp_client_new(struct ucphoned *d,
		    const struct dhcp_client_listener *listener,
		    struct dhcp_client **out)
{
	struct dhcp_client *c = calloc(1, sizeof(*c));
	const char *ifname = d->options.interface;
	uint32_t stored;
	int ret;

	if (!c)
		return -ENOMEM;
	c->d = d;
	c->log = &d->log;
	c->listener = *listener;
	c->raw_fd = c->udp_fd = c->arp_fd = -1;
	*out = c;
	if (strlen(ifname) >= sizeof(c->ifname))
		return -ENAMETOOLONG;
	snprintf(c->ifname, sizeof(c->ifname), "%s", ifname);
	c->ifindex = (int)if_nametoindex(ifname);
	if (!c->ifindex) {
		log_error(c->log, SUBSYS, "no such interface",
			  LOG_STR("interface", ifname));
		return -ENODEV;
	}
	ret = read_mac(c);
	if (ret < 0) {
		log_error(c->log, SUBSYS, "cannot read the MAC address",
			  LOG_STR("interface", ifname), LOG_ERRNO(ret));
		return ret;
	}
	ret = netcfg_new(c->ifindex, c->log, &c->net);
	if (ret < 0)
		return ret;
	ret = netcfg_link_up(c->net);
	if (ret < 0)
		log_warning(c->log, SUBSYS, "cannot set the link up",
			    LOG_ERRNO(ret));
	ret = open_packet(c, ETH_P_IP, &c->raw_fd);
	if (ret >= 0)
		ret = sd_event_add_io(d->event, &c->raw_src, c->raw_fd,
				      EPOLLIN, on_raw, c);
	if (ret < 0) {
		log_error(c->log, SUBSYS, "cannot open the packet socket",
			  LOG_ERRNO(ret));
		return ret;
	}
	if (open_packet(c, ETH_P_ARP, &c->arp_fd) < 0 ||
	    sd_event_add_io(d->event, &c->arp_src, c->arp_fd, EPOLLIN,
			    on_arp, c) < 0)
		log_warning(c->log, SUBSYS,
			    "no ARP socket; offered addresses are not probed");
	c->link_up_usec = now_usec();

	stored = lease_load(c);
	if (stored) {
		char a[INET_ADDRSTRLEN];

		log_info(c->log, SUBSYS, "stored lease; asking for it again",
			 LOG_STR("address", ip(stored, a)));
		new_exchange(c);
		c->lease.yiaddr = stored;
		set_state(c, DHCP_STATE_INIT_REBOOT);
		transmit(c, DHCP_REQUEST);
	} else {
		start_init(c, 0);
	}
	log_info(c->log, SUBSYS, "started", LOG_STR("interface", ifname),
		 LOG_STR("vendor_class", d->options.vendor_class));
	return 0;
}

void dhcp_client_free(struct dhcp_client *c)
{
	if (!c)
		return;
	if (c->have_lease && c->d->options.release_on_exit) {
		send_msg(c, DHCP_RELEASE);
		log_info(c->log, SUBSYS, "lease released");
	}
	timer_stop(&c->retx_timer);
	timer_stop(&c->lease_timer);
	c->raw_src = sd_event_source_disable_unref(c->raw_src);
	c->udp_src = sd_event_source_disable_unref(c->udp_src);
	c->arp_src = sd_event_source_disable_unref(c->arp_src);
	if (c->raw_fd >= 0)
		close(c->raw_fd);
	if (c->udp_fd >= 0)
		close(c->udp_fd);
	if (c->arp_fd >= 0)
		close(c->arp_fd);
	netcfg_free(c->net);
	free(c);
}

const struct dhcp_reply *dhcp_client_lease(const struct dhcp_client *c)
{
	return c && c->have_lease ? &c->lease : NULL;
}

static struct json_object *addr_array(const uint32_t *a, unsigned int n)
{
	struct json_object *arr = json_object_new_array();
	char buf[INET_ADDRSTRLEN];

	for (unsigned int i = 0; i < n; i++)
		json_object_array_add(arr, json_object_new_string(ip(a[i], buf)));
	return arr;
}

uint64_t dhcp_client_link_up_usec(const struct dhcp_client *c)
{
	return c->link_up_usec;
}

struct json_object *dhcp_client_status(const struct dhcp_client *c)
{
	struct json_object *o = json_object_new_object(), *arr;
	const struct dhcp_reply *l = &c->lease;
	char buf[INET_ADDRSTRLEN];
	uint64_t now = now_usec();

	json_object_object_add(o, "interface", json_object_new_string(c->ifname));
	json_object_object_add(o, "state",
			       json_object_new_string(dhcp_state_name(c->state)));
	if (c->first_bound_usec)
		json_object_object_add(o, "link_to_bound_ms",
			json_object_new_uint64((c->first_bound_usec -
						c->link_up_usec) / 1000));
	json_object_object_add(o, "leases_granted", json_object_new_uint64(c->leases_granted));
	json_object_object_add(o, "renewals", json_object_new_uint64(c->renewals));
	json_object_object_add(o, "rebinds", json_object_new_uint64(c->rebinds));
	json_object_object_add(o, "expiries", json_object_new_uint64(c->expiries));
	json_object_object_add(o, "naks", json_object_new_uint64(c->naks));
	json_object_object_add(o, "declines", json_object_new_uint64(c->declines));
	json_object_object_add(o, "domains_refused",
			       json_object_new_uint64(c->domains_refused));
	if (!c->have_lease)
		return o;
	json_object_object_add(o, "address", json_object_new_string(ip(l->yiaddr, buf)));
	json_object_object_add(o, "prefix", json_object_new_int(l->prefix_len));
	json_object_object_add(o, "server", json_object_new_string(ip(l->server_id, buf)));
	json_object_object_add(o, "lease_s", json_object_new_uint64(l->lease_time));
	json_object_object_add(o, "expires_in_s", json_object_new_uint64(
		c->expiry_usec > now ? (c->expiry_usec - now) / USEC : 0));
	json_object_object_add(o, "routers", addr_array(l->routers, l->n_routers));
	json_object_object_add(o, "dns", addr_array(l->dns, l->n_dns));
	json_object_object_add(o, "ntp", addr_array(l->ntp, l->n_ntp));
	json_object_object_add(o, "domain", json_object_new_string(l->domain));
	arr = json_object_new_array();
	for (unsigned int i = 0; i < l->n_search; i++)
		json_object_array_add(arr, json_object_new_string(l->search[i]));
	json_object_object_add(o, "search", arr);
	arr = json_object_new_array();
	for (unsigned int i = 0; i < l->sip.count; i++)
		json_object_array_add(arr, json_object_new_string(
			l->sip.are_addresses ? ip(l->sip.addrs[i], buf) :
					       l->sip.names[i]));
	json_object_object_add(o, "sip_servers", arr);
	if (l->ms_uc.present)
		json_object_object_add(o, "cert_provisioning_url",
				       json_object_new_string(l->ms_uc.url));
	if (l->mtu)
		json_object_object_add(o, "mtu", json_object_new_int(l->mtu));
	json_object_object_add(o, "bad_options", json_object_new_uint64(l->bad_options));
	if (l->bad_options & DHCP_BAD_DOMAIN)
		json_object_object_add(o, "domain_refused", json_object_new_string(
			l->domain_why ? l->domain_why : "malformed"));
	return o;
}
