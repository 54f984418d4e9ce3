// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/genetlink.h>

#include "nltest.h"

int nlt_open(void)
{
	struct sockaddr_nl addr = { .nl_family = AF_NETLINK };
	int one = 1;
	int fd;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0 ||
	    setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one)) < 0 ||
	    setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one)) < 0) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}

int nlt_subscribe(int fd, uint32_t group_id)
{
	if (setsockopt(fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &group_id,
		       sizeof(group_id)) < 0)
		return -errno;
	return 0;
}

void nlt_init(struct nlt_msg *msg, uint16_t family, uint8_t cmd,
	      uint16_t flags)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)msg->buf;
	struct genlmsghdr *genl = (struct genlmsghdr *)NLMSG_DATA(nlh);

	memset(msg->buf, 0, NLMSG_HDRLEN + GENL_HDRLEN);
	nlh->nlmsg_type = family;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	genl->cmd = cmd;
	genl->version = 1;
	msg->len = NLMSG_HDRLEN + GENL_HDRLEN;
}

void nlt_put_raw(struct nlt_msg *msg, const void *data, size_t len)
{
	if (msg->len + len > sizeof(msg->buf))
		return;
	memcpy(msg->buf + msg->len, data, len);
	msg->len += len;
}

void nlt_put(struct nlt_msg *msg, uint16_t type, const void *data,
	     size_t len)
{
	struct nlattr attr = { .nla_len = NLA_HDRLEN + len, .nla_type = type };
	static const uint8_t pad[NLA_ALIGNTO];

	nlt_put_raw(msg, &attr, sizeof(attr));
	nlt_put_raw(msg, data, len);
	nlt_put_raw(msg, pad, NLA_ALIGN(len) - len);
}

void nlt_put_u32(struct nlt_msg *msg, uint16_t type, uint32_t value)
{
	nlt_put(msg, type, &value, sizeof(value));
}

size_t nlt_nest_start(struct nlt_msg *msg, uint16_t type)
{
	size_t start = msg->len;

	nlt_put(msg, type | NLA_F_NESTED, NULL, 0);
	return start;
}

void nlt_nest_end(struct nlt_msg *msg, size_t start)
{
	struct nlattr *attr = (struct nlattr *)(msg->buf + start);

	attr->nla_len = msg->len - start;
}

static void nlt_parse_ack(const struct nlmsghdr *nlh, struct nlt_reply *reply)
{
	const struct nlmsgerr *err = NLMSG_DATA(nlh);
	const uint8_t *end = (const uint8_t *)nlh + nlh->nlmsg_len;
	const struct nlattr *attr;
	size_t skip = sizeof(*err);

	reply->error = err->error;
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		skip += err->msg.nlmsg_len - NLMSG_HDRLEN;
	attr = (const struct nlattr *)((const uint8_t *)err + skip);
	while ((const uint8_t *)attr + NLA_HDRLEN <= end &&
	       attr->nla_len >= NLA_HDRLEN &&
	       (const uint8_t *)attr + attr->nla_len <= end) {
		if (attr->nla_type == NLMSGERR_ATTR_MSG)
			snprintf(reply->extack, sizeof(reply->extack), "%.*s",
				 (int)(attr->nla_len - NLA_HDRLEN),
				 (const char *)attr + NLA_HDRLEN);
		attr = (const struct nlattr *)((const uint8_t *)attr +
					       NLA_ALIGN(attr->nla_len));
	}
}

int nlt_request(int fd, struct nlt_msg *msg, struct nlt_reply *reply)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)msg->buf;
	static uint32_t seq = 1;
	uint8_t buf[NLT_BUF_SIZE] __attribute__((aligned(4)));

	nlh->nlmsg_len = msg->len;
	nlh->nlmsg_flags |= NLM_F_ACK;
	nlh->nlmsg_seq = ++seq;
	memset(reply, 0, sizeof(*reply));
	if (send(fd, msg->buf, msg->len, 0) < 0)
		return -errno;

	for (;;) {
		ssize_t n = recv(fd, buf, sizeof(buf), 0);
		struct nlmsghdr *h;
		size_t left;

		if (n < 0)
			return -errno;
		left = n;
		for (h = (struct nlmsghdr *)buf; NLMSG_OK(h, left);
		     h = NLMSG_NEXT(h, left)) {
			if (h->nlmsg_seq != seq)
				continue;	/* a multicast or a stale answer */
			if (h->nlmsg_type == NLMSG_ERROR) {
				nlt_parse_ack(h, reply);
				return reply->error;
			}
			if (h->nlmsg_type == NLMSG_DONE)
				return 0;
			if (!reply->len && h->nlmsg_len <= sizeof(reply->buf)) {
				memcpy(reply->buf, h, h->nlmsg_len);
				reply->len = h->nlmsg_len;
			}
		}
	}
}

int nlt_recv_event(int fd, struct nlt_reply *event, int timeout_ms)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	ssize_t n;

	memset(event, 0, sizeof(*event));
	for (;;) {
		int ready = poll(&pfd, 1, timeout_ms);

		if (ready < 0)
			return -errno;
		if (ready == 0)
			return -ETIMEDOUT;
		n = recv(fd, event->buf, sizeof(event->buf), 0);
		if (n < 0)
			return -errno;
		/* Multicasts carry sequence number 0. */
		if ((size_t)n >= NLMSG_HDRLEN + GENL_HDRLEN &&
		    ((struct nlmsghdr *)event->buf)->nlmsg_seq == 0) {
			event->len = n;
			return 0;
		}
	}
}

static const struct nlattr *nlt_find(const uint8_t *start, const uint8_t *end,
				     uint16_t type)
{
	const struct nlattr *attr = (const struct nlattr *)start;

	while ((const uint8_t *)attr + NLA_HDRLEN <= end &&
	       attr->nla_len >= NLA_HDRLEN &&
	       (const uint8_t *)attr + attr->nla_len <= end) {
		if ((attr->nla_type & NLA_TYPE_MASK) == type)
			return attr;
		attr = (const struct nlattr *)((const uint8_t *)attr +
					       NLA_ALIGN(attr->nla_len));
	}
	return NULL;
}

const struct nlattr *nlt_msg_attr(const struct nlt_reply *reply,
				  uint16_t type)
{
	const struct nlmsghdr *nlh = (const struct nlmsghdr *)reply->buf;

	if (reply->len < NLMSG_HDRLEN + GENL_HDRLEN)
		return NULL;
	return nlt_find(reply->buf + NLMSG_HDRLEN + GENL_HDRLEN,
			reply->buf + nlh->nlmsg_len, type);
}

const struct nlattr *nlt_nest_attr(const struct nlattr *nest, uint16_t type)
{
	if (!nest)
		return NULL;
	return nlt_find((const uint8_t *)nest + NLA_HDRLEN,
			(const uint8_t *)nest + nest->nla_len, type);
}

uint16_t nlt_u16(const struct nlattr *attr)
{
	uint16_t v = 0;

	if (attr && attr->nla_len >= NLA_HDRLEN + sizeof(v))
		memcpy(&v, (const uint8_t *)attr + NLA_HDRLEN, sizeof(v));
	return v;
}

uint32_t nlt_u32(const struct nlattr *attr)
{
	uint32_t v = 0;

	if (attr && attr->nla_len >= NLA_HDRLEN + sizeof(v))
		memcpy(&v, (const uint8_t *)attr + NLA_HDRLEN, sizeof(v));
	return v;
}

uint64_t nlt_u64(const struct nlattr *attr)
{
	uint64_t v = 0;

	if (attr && attr->nla_len >= NLA_HDRLEN + sizeof(v))
		memcpy(&v, (const uint8_t *)attr + NLA_HDRLEN, sizeof(v));
	return v;
}

const char *nlt_str(const struct nlattr *attr)
{
	if (!attr || attr->nla_len <= NLA_HDRLEN)
		return "";
	return (const char *)attr + NLA_HDRLEN;
}

uint8_t nlt_cmd(const struct nlt_reply *reply)
{
	const struct genlmsghdr *genl =
		(const struct genlmsghdr *)(reply->buf + NLMSG_HDRLEN);

	return reply->len >= NLMSG_HDRLEN + GENL_HDRLEN ? genl->cmd : 0;
}

int nlt_resolve(int fd, const char *family, uint16_t *id,
		const char *group, uint32_t *group_id)
{
	const struct nlattr *groups, *entry;
	struct nlt_reply *reply;
	struct nlt_msg msg;
	int ret;

	reply = calloc(1, sizeof(*reply));
	if (!reply)
		return -ENOMEM;
	nlt_init(&msg, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 0);
	nlt_put(&msg, CTRL_ATTR_FAMILY_NAME, family, strlen(family) + 1);
	ret = nlt_request(fd, &msg, reply);
	if (ret)
		goto out;
	ret = -ENOENT;
	if (!nlt_msg_attr(reply, CTRL_ATTR_FAMILY_ID))
		goto out;
	*id = nlt_u16(nlt_msg_attr(reply, CTRL_ATTR_FAMILY_ID));
	ret = 0;
	if (!group)
		goto out;
	ret = -ENOENT;
	groups = nlt_msg_attr(reply, CTRL_ATTR_MCAST_GROUPS);
	if (!groups)
		goto out;
	nlt_for_each_nested(entry, groups) {
		const struct nlattr *name = nlt_nest_attr(entry, CTRL_ATTR_MCAST_GRP_NAME);

		if (name && !strcmp(nlt_str(name), group)) {
			*group_id = nlt_u32(nlt_nest_attr(entry, CTRL_ATTR_MCAST_GRP_ID));
			ret = 0;
		}
	}
out:
	free(reply);
	return ret;
}
