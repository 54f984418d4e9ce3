// SPDX-License-Identifier: GPL-2.0-only
/*
 * Generic netlink link to the ucphone kernel modules.
 *
 * Two sockets: "mcast" only listens (nlctrl's "notify" group, then
 * ucphone's "events" group while the family exists) and is driven by the
 * event loop; "request" carries our requests and their replies, so a reply
 * is never mixed up with an event. libnl builds and sends messages; every
 * received byte goes through lib/netlink/ucphone_nl.c.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <linux/netlink.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>

#include "device/kernel_link.h"
#include "lib/netlink/event_seq.h"

#define SUBSYS "kernel"

/* Big enough for any nlctrl message, whose op lists can run to kilobytes. */
#define KERNEL_RECV_BUF_SIZE (64 * 1024)
/* The kernel answers in its sendmsg path; a second is plenty. */
#define KERNEL_REQUEST_TIMEOUT_MS 1000
/* Datagrams read per wakeup, so a flood cannot starve the control socket. */
#define KERNEL_RECV_BATCH 64
/* Room for bursts of events before the socket overruns. */
#define KERNEL_MCAST_RCVBUF (1 << 20)

struct kernel_link {
	sd_event *event;
	const struct log *log;
	struct kernel_link_listener listener;

	struct nl_sock *mcast;
	struct nl_sock *request;
	sd_event_source *mcast_source;

	struct kernel_link_state state;
	uint32_t events_group;
	struct event_seq seq;
	struct kernel_link_counters counters;

	uint8_t *buf;		/* KERNEL_RECV_BUF_SIZE, for either socket */
};

/* Decodes the one reply a request waits for; 0 or -errno. */
typedef int (*reply_decoder)(const void *msg, size_t len, void *arg,
			     struct ucphone_nl_error *err);

struct datagram {
	ssize_t len;
	bool from_kernel;
	bool truncated;
};

static int recv_datagram(int fd, uint8_t *buf, struct datagram *dg)
{
	struct sockaddr_nl addr = { 0 };
	struct iovec iov = { .iov_base = buf, .iov_len = KERNEL_RECV_BUF_SIZE };
	struct msghdr mh = {
		.msg_name = &addr,
		.msg_namelen = sizeof(addr),
		.msg_iov = &iov,
		.msg_iovlen = 1,
	};

	*dg = (struct datagram){ 0 };
	do {
		dg->len = recvmsg(fd, &mh, MSG_DONTWAIT);
	} while (dg->len < 0 && errno == EINTR);
	if (dg->len < 0)
		return -errno;
	dg->truncated = mh.msg_flags & MSG_TRUNC;
	/* Only the kernel (port 0) may speak on these groups. */
	dg->from_kernel = mh.msg_namelen >= sizeof(addr) &&
			  addr.nl_family == AF_NETLINK && addr.nl_pid == 0;
	return 0;
}

static int set_why(char *why, size_t why_size, int ret, const char *text)
{
	if (why && why_size)
		snprintf(why, why_size, "%s", text);
	return ret;
}

/*
 * Sends msg on the request socket and waits for the reply of type
 * reply_type that matches it, handing it to decode.
 */
static int request(struct kernel_link *kl, struct nl_msg *msg,
		   uint16_t reply_type, reply_decoder decode, void *arg,
		   char *why, size_t why_size)
{
	int fd = nl_socket_get_fd(kl->request);
	uint32_t port = nl_socket_get_local_port(kl->request);
	struct nlmsghdr *req = nlmsg_hdr(msg);
	struct timespec deadline, now;
	uint32_t seq;

	nl_complete_msg(kl->request, msg);
	seq = req->nlmsg_seq;
	if (send(fd, req, req->nlmsg_len, 0) < 0)
		return set_why(why, why_size, -errno, strerror(errno));

	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += KERNEL_REQUEST_TIMEOUT_MS / 1000;

	for (;;) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		const struct nlmsghdr *nlh;
		struct ucphone_nl_walk walk;
		struct ucphone_nl_error err;
		struct datagram dg;
		size_t len;
		int timeout_ms, ret;

		clock_gettime(CLOCK_MONOTONIC, &now);
		timeout_ms = (int)((deadline.tv_sec - now.tv_sec) * 1000 +
				   (deadline.tv_nsec - now.tv_nsec) / 1000000);
		if (timeout_ms <= 0)
			return set_why(why, why_size, -ETIMEDOUT,
				       "the kernel did not answer");
		ret = poll(&pfd, 1, timeout_ms);
		if (ret < 0 && errno != EINTR)
			return set_why(why, why_size, -errno, strerror(errno));
		if (ret <= 0)
			continue;

		ret = recv_datagram(fd, kl->buf, &dg);
		if (ret == -EAGAIN)
			continue;
		if (ret < 0)
			return set_why(why, why_size, ret, strerror(-ret));
		if (!dg.from_kernel)
			continue;
		if (dg.truncated)
			return set_why(why, why_size, -EMSGSIZE,
				       "reply larger than the receive buffer");

		ucphone_nl_walk_init(&walk, kl->buf, (size_t)dg.len);
		while ((nlh = ucphone_nl_walk_next(&walk, &len))) {
			char ack_msg[UCPHONE_NL_ACK_MSG_MAX];
			int error;

			/* A late reply to an earlier, timed-out request. */
			if (nlh->nlmsg_seq != seq || nlh->nlmsg_pid != port)
				continue;
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				ret = ucphone_nl_decode_ack(nlh, len, &error,
							    ack_msg, &err);
				if (ret < 0)
					return set_why(why, why_size, ret,
						       err.reason);
				if (error == 0)
					continue;
				return set_why(why, why_size, error,
					       ack_msg[0] ? ack_msg :
					       strerror(-error));
			}
			if (nlh->nlmsg_type != reply_type)
				continue;
			ret = decode(nlh, len, arg, &err);
			if (ret < 0) {
				kl->counters.malformed++;
				log_warning(kl->log, SUBSYS,
					    "malformed reply from the kernel",
					    LOG_STR("reason", err.reason),
					    LOG_STR("attr", err.attr ?
						    err.attr : "-"));
				return set_why(why, why_size, ret,
					       "malformed reply from the kernel");
			}
			return 0;
		}
	}
}

struct family_query {
	const char *want_group;
	struct genl_family_desc *desc;
};

static int decode_family_reply(const void *msg, size_t len, void *arg,
			       struct ucphone_nl_error *err)
{
	struct family_query *q = arg;

	return ucphone_nl_decode_family(msg, len, q->want_group, q->desc, err);
}

/* CTRL_CMD_GETFAMILY by name: -ENOENT when no such family exists. */
static int get_family(struct kernel_link *kl, const char *name,
		      const char *want_group, struct genl_family_desc *desc,
		      char *why, size_t why_size)
{
	struct family_query q = { .want_group = want_group, .desc = desc };
	struct nl_msg *msg = nlmsg_alloc();
	int ret;

	if (!msg)
		return set_why(why, why_size, -ENOMEM, strerror(ENOMEM));
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, GENL_ID_CTRL, 0,
			 NLM_F_REQUEST, CTRL_CMD_GETFAMILY, 1) ||
	    nla_put_string(msg, CTRL_ATTR_FAMILY_NAME, name) < 0) {
		nlmsg_free(msg);
		return set_why(why, why_size, -ENOMEM, strerror(ENOMEM));
	}
	/* Resolving the name also makes the kernel load ucphone.ko. */
	ret = request(kl, msg, GENL_ID_CTRL, decode_family_reply, &q, why,
		      why_size);
	nlmsg_free(msg);
	return ret;
}

static void notify_available(struct kernel_link *kl)
{
	if (kl->listener.available)
		kl->listener.available(kl->state.available,
				       kl->state.family_version,
				       kl->listener.userdata);
}

static void family_down(struct kernel_link *kl, const char *why)
{
	if (!kl->state.available)
		return;
	/*
	 * The kernel already dropped us from the vanished group; this only
	 * tidies the socket's own bookkeeping.
	 */
	if (kl->state.events_joined)
		nl_socket_drop_membership(kl->mcast, (int)kl->events_group);
	memset(&kl->state, 0, sizeof(kl->state));
	kl->events_group = 0;
	event_seq_reset(&kl->seq);
	kl->counters.family_vanished++;
	log_warning(kl->log, SUBSYS,
		    "ucphone family gone; running degraded (no phone hardware)",
		    LOG_STR("reason", why));
	notify_available(kl);
}

static void family_up(struct kernel_link *kl,
		      const struct genl_family_desc *desc)
{
	int ret;

	if (kl->state.available && kl->state.family_id == desc->id)
		return;
	if (kl->state.available)
		family_down(kl, "family id changed");

	kl->state.available = true;
	kl->state.family_id = desc->id;
	kl->state.family_version = desc->version;
	event_seq_reset(&kl->seq);
	kl->counters.family_appeared++;
	log_info(kl->log, SUBSYS, "ucphone family found",
		 LOG_UINT("uapi", desc->version),
		 LOG_UINT("family_id", desc->id));

	if (desc->version != UCPHONE_GENL_VERSION)
		log_warning(kl->log, SUBSYS,
			    "kernel and daemon speak different UAPI versions; "
			    "messages the daemon does not know are refused",
			    LOG_UINT("kernel_uapi", desc->version),
			    LOG_UINT("daemon_uapi", UCPHONE_GENL_VERSION));

	if (!desc->has_group) {
		log_warning(kl->log, SUBSYS,
			    "ucphone family has no events group",
			    LOG_STR("group", UCPHONE_MCGRP_EVENTS));
	} else {
		ret = nl_socket_add_membership(kl->mcast, (int)desc->group_id);
		if (ret < 0) {
			log_error(kl->log, SUBSYS,
				  "cannot subscribe to kernel events",
				  LOG_STR("error", nl_geterror(ret)));
		} else {
			kl->events_group = desc->group_id;
			kl->state.events_joined = true;
		}
	}
	notify_available(kl);
}

/* Asks the controller whether ucphone exists, and follows the answer. */
static void refresh_family(struct kernel_link *kl, bool at_start)
{
	struct genl_family_desc desc;
	char why[UCPHONE_NL_ACK_MSG_MAX];
	int ret;

	ret = get_family(kl, UCPHONE_GENL_NAME, UCPHONE_MCGRP_EVENTS, &desc,
			 why, sizeof(why));
	if (ret == 0) {
		family_up(kl, &desc);
		return;
	}
	if (ret != -ENOENT) {
		/* Not an answer about the family: keep what we believe. */
		log_warning(kl->log, SUBSYS, "cannot look up the ucphone family",
			    LOG_STR("reason", why));
		if (!at_start)
			return;
	}
	if (at_start)
		log_warning(kl->log, SUBSYS,
			    "ucphone family not found; running degraded "
			    "(no phone hardware)",
			    LOG_STR("family", UCPHONE_GENL_NAME));
	else
		family_down(kl, "not found after an overrun");
}

static void handle_ctrl(struct kernel_link *kl, const struct nlmsghdr *nlh,
			size_t len)
{
	struct genl_family_desc desc;
	struct ucphone_nl_error err;

	if (ucphone_nl_decode_family(nlh, len, UCPHONE_MCGRP_EVENTS, &desc,
				     &err) < 0) {
		kl->counters.malformed++;
		log_warning(kl->log, SUBSYS,
			    "malformed controller notification",
			    LOG_STR("reason", err.reason),
			    LOG_STR("attr", err.attr ? err.attr : "-"));
		return;
	}
	if (strcmp(desc.name, UCPHONE_GENL_NAME) != 0)
		return;

	if (desc.cmd == CTRL_CMD_NEWFAMILY)
		family_up(kl, &desc);
	else if (desc.cmd == CTRL_CMD_DELFAMILY &&
		 desc.id == kl->state.family_id)
		family_down(kl, "module unloaded");
}

static void handle_event(struct kernel_link *kl, const struct nlmsghdr *nlh,
			 size_t len)
{
	struct ucphone_event ev;
	struct ucphone_nl_error err;
	uint32_t lost;
	int ret;

	ret = ucphone_nl_decode_event(nlh, len, &ev, &err);
	if (ret < 0) {
		kl->counters.malformed++;
		log_warning(kl->log, SUBSYS, "malformed event",
			    LOG_STR("reason", err.reason),
			    LOG_STR("attr", err.attr ? err.attr : "-"));
		return;
	}

	switch (event_seq_update(&kl->seq, ev.seq, &lost)) {
	case EVENT_SEQ_GAP:
		kl->counters.events_lost += lost;
		log_warning(kl->log, SUBSYS, "events lost",
			    LOG_UINT("count", lost), LOG_UINT("seq", ev.seq),
			    LOG_UINT("total_lost", kl->counters.events_lost));
		if (kl->listener.lost)
			kl->listener.lost(lost, kl->listener.userdata);
		break;
	case EVENT_SEQ_BACKWARDS:
		kl->counters.seq_restarts++;
		log_warning(kl->log, SUBSYS,
			    "event sequence went backwards; counting afresh",
			    LOG_UINT("seq", ev.seq));
		break;
	case EVENT_SEQ_IN_ORDER:
		break;
	}

	kl->counters.events_received++;
	if (ret == UCPHONE_NL_EVENT_NEWER) {
		log_debug(kl->log, SUBSYS, "skipped an event type newer than this build",
			  LOG_UINT("type", ev.type));
		return;
	}
	if (kl->listener.event)
		kl->listener.event(&ev, kl->listener.userdata);
}

static void handle_overrun(struct kernel_link *kl)
{
	kl->counters.overruns++;
	log_warning(kl->log, SUBSYS,
		    "event socket overrun; kernel events were lost",
		    LOG_UINT("overruns", kl->counters.overruns));
	/* The count shows up as a sequence gap on the next event. */
	if (kl->listener.lost)
		kl->listener.lost(0, kl->listener.userdata);
	/* A load or unload notification may be among the lost. */
	refresh_family(kl, false);
}

static int on_mcast_readable(sd_event_source *source, int fd,
			     uint32_t revents, void *userdata)
{
	struct kernel_link *kl = userdata;

	(void)source;
	(void)revents;

	for (int i = 0; i < KERNEL_RECV_BATCH; i++) {
		const struct nlmsghdr *nlh;
		struct ucphone_nl_walk walk;
		struct datagram dg;
		size_t len;
		int ret;

		ret = recv_datagram(fd, kl->buf, &dg);
		if (ret == -EAGAIN)
			break;
		if (ret == -ENOBUFS) {
			handle_overrun(kl);
			continue;
		}
		if (ret < 0) {
			log_error(kl->log, SUBSYS, "event socket read failed",
				  LOG_ERRNO(ret));
			break;
		}
		if (!dg.from_kernel) {
			kl->counters.foreign++;
			continue;
		}
		if (dg.truncated) {
			kl->counters.malformed++;
			log_warning(kl->log, SUBSYS,
				    "kernel message larger than the buffer",
				    LOG_UINT("size", dg.len));
			continue;
		}

		ucphone_nl_walk_init(&walk, kl->buf, (size_t)dg.len);
		while ((nlh = ucphone_nl_walk_next(&walk, &len))) {
			if (nlh->nlmsg_type == GENL_ID_CTRL)
				handle_ctrl(kl, nlh, len);
			else if (kl->state.available &&
				 nlh->nlmsg_type == kl->state.family_id)
				handle_event(kl, nlh, len);
		}
		if (walk.malformed) {
			kl->counters.malformed++;
			log_warning(kl->log, SUBSYS,
				    "trailing bytes after kernel messages");
		}
	}
	return 0;
}

static int open_socket(struct nl_sock **out, int rcvbuf)
{
	struct nl_sock *sk = nl_socket_alloc();
	int ret;

	if (!sk)
		return -ENOMEM;
	ret = genl_connect(sk);
	if (ret == 0)
		ret = nl_socket_set_nonblocking(sk);
	if (ret == 0 && rcvbuf)
		ret = nl_socket_set_buffer_size(sk, rcvbuf, 0);
	if (ret < 0) {
		nl_socket_free(sk);
		return -EIO;
	}
	*out = sk;
	return 0;
}

int kernel_link_new(sd_event *event, const struct log *log,
		    const struct kernel_link_listener *listener,
		    struct kernel_link **out)
{
	struct genl_family_desc nlctrl;
	char why[UCPHONE_NL_ACK_MSG_MAX];
	struct kernel_link *kl;
	int one = 1;
	int ret;

	kl = calloc(1, sizeof(*kl));
	if (!kl)
		return -ENOMEM;
	kl->event = sd_event_ref(event);
	kl->log = log;
	if (listener)
		kl->listener = *listener;

	kl->buf = malloc(KERNEL_RECV_BUF_SIZE);
	if (!kl->buf) {
		ret = -ENOMEM;
		goto fail;
	}

	ret = open_socket(&kl->mcast, KERNEL_MCAST_RCVBUF);
	if (ret == 0)
		ret = open_socket(&kl->request, 0);
	if (ret < 0) {
		log_error(log, SUBSYS, "cannot open a generic netlink socket",
			  LOG_ERRNO(ret));
		goto fail;
	}
	nl_socket_disable_seq_check(kl->mcast);
	/* Errors come back with the kernel's reason, without our request. */
	setsockopt(nl_socket_get_fd(kl->request), SOL_NETLINK, NETLINK_EXT_ACK,
		   &one, sizeof(one));
	setsockopt(nl_socket_get_fd(kl->request), SOL_NETLINK, NETLINK_CAP_ACK,
		   &one, sizeof(one));

	/* Listen for family changes before looking: no load goes unseen. */
	ret = get_family(kl, "nlctrl", "notify", &nlctrl, why, sizeof(why));
	if (ret == 0 && !nlctrl.has_group)
		ret = set_why(why, sizeof(why), -ENOENT, "no notify group");
	if (ret == 0)
		ret = nl_socket_add_membership(kl->mcast,
					       (int)nlctrl.group_id) < 0 ?
		      -EIO : 0;
	if (ret < 0) {
		log_error(log, SUBSYS,
			  "cannot watch generic netlink family changes",
			  LOG_STR("reason", why));
		goto fail;
	}

	ret = sd_event_add_io(event, &kl->mcast_source,
			      nl_socket_get_fd(kl->mcast), EPOLLIN,
			      on_mcast_readable, kl);
	if (ret < 0) {
		log_error(log, SUBSYS, "cannot watch the netlink socket",
			  LOG_ERRNO(ret));
		goto fail;
	}
	sd_event_source_set_description(kl->mcast_source, "kernel-mcast");

	refresh_family(kl, true);
	*out = kl;
	return 0;

fail:
	kernel_link_free(kl);
	return ret;
}

void kernel_link_free(struct kernel_link *kl)
{
	if (!kl)
		return;
	sd_event_source_disable_unref(kl->mcast_source);
	if (kl->mcast)
		nl_socket_free(kl->mcast);
	if (kl->request)
		nl_socket_free(kl->request);
	sd_event_unref(kl->event);
	free(kl->buf);
	free(kl);
}

void kernel_link_get_state(const struct kernel_link *kl,
			   struct kernel_link_state *state)
{
	*state = kl->state;
}

const struct kernel_link_counters *
kernel_link_counters(const struct kernel_link *kl)
{
	return &kl->counters;
}

static int decode_info_reply(const void *msg, size_t len, void *arg,
			     struct ucphone_nl_error *err)
{
	return ucphone_nl_decode_info(msg, len, arg, err);
}

int kernel_link_get_info(struct kernel_link *kl, struct ucphone_info *info,
			 char *why, size_t why_size)
{
	struct nl_msg *msg;
	int ret;

	if (!kl->state.available)
		return set_why(why, why_size, -ENODEV,
			       "ucphone module not loaded");

	msg = nlmsg_alloc();
	if (!msg)
		return set_why(why, why_size, -ENOMEM, strerror(ENOMEM));
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, kl->state.family_id,
			 0, NLM_F_REQUEST, UCPHONE_CMD_GET_INFO,
			 UCPHONE_GENL_VERSION)) {
		nlmsg_free(msg);
		return set_why(why, why_size, -ENOMEM, strerror(ENOMEM));
	}

	kl->counters.info_requests++;
	ret = request(kl, msg, kl->state.family_id, decode_info_reply, info,
		      why, why_size);
	nlmsg_free(msg);
	if (ret < 0) {
		kl->counters.info_failures++;
		log_warning(kl->log, SUBSYS, "GET_INFO failed",
			    LOG_STR("reason", why));
	}
	return ret;
}
