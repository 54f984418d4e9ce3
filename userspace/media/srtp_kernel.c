// SPDX-License-Identifier: GPL-2.0
/*
 * srtp_flow's kernel backend: one generic netlink socket, requests with an
 * ACK, replies decoded against the UAPI's attribute types.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>

#include "media/srtp_kernel.h"

struct srtp_kernel {
	struct nl_sock *sock;
	int family;
};

struct reply {
	uint32_t id;
	struct srtp_flow_stats *stats;
	bool seen;
	struct srtp_kernel_session session;
	void (*fn)(const struct srtp_kernel_session *s, void *arg);
	void *arg;
};

int srtp_kernel_open(struct srtp_kernel **out)
{
	struct srtp_kernel *k = calloc(1, sizeof(*k));

	if (!k)
		return -ENOMEM;
	k->sock = nl_socket_alloc();
	if (!k->sock || genl_connect(k->sock)) {
		srtp_kernel_close(k);
		return -EOPNOTSUPP;
	}
	k->family = genl_ctrl_resolve(k->sock, UCPHONE_GENL_NAME);
	if (k->family < 0) {
		srtp_kernel_close(k);
		return -EOPNOTSUPP;
	}
	*out = k;
	return 0;
}

void srtp_kernel_close(struct srtp_kernel *k)
{
	if (!k)
		return;
	nl_socket_free(k->sock);
	free(k);
}

static int parse_reply(struct nl_msg *msg, void *arg)
{
	static struct nla_policy srtp_policy[UCPHONE_SRTP_A_MAX + 1] = {
		[UCPHONE_SRTP_A_ID] = { .type = NLA_U32 },
		[UCPHONE_SRTP_A_SEQ] = { .type = NLA_U16 },
		[UCPHONE_SRTP_A_ROC] = { .type = NLA_U32 },
		[UCPHONE_SRTP_A_STATS] = { .type = NLA_NESTED },
		[UCPHONE_SRTP_A_DIRECTION] = { .type = NLA_U32 },
		[UCPHONE_SRTP_A_SUITE] = { .type = NLA_U32 },
		[UCPHONE_SRTP_A_SSRC] = { .type = NLA_U32 },
		[UCPHONE_SRTP_A_WINDOW] = { .type = NLA_U32 },
		[UCPHONE_SRTP_A_SRTCP_INDEX] = { .type = NLA_U32 },
	};
	struct nlattr *top[UCPHONE_A_MAX + 1], *tb[UCPHONE_SRTP_A_MAX + 1];
	struct nlattr *st[UCPHONE_SRTP_STATS_A_MAX + 1];
	struct reply *reply = arg;
	struct srtp_flow_stats *out = reply->fn ? &reply->session.stats : reply->stats;

	if (genlmsg_parse(nlmsg_hdr(msg), 0, top, UCPHONE_A_MAX, NULL) ||
	    !top[UCPHONE_A_SRTP] ||
	    nla_parse_nested(tb, UCPHONE_SRTP_A_MAX, top[UCPHONE_A_SRTP],
			     srtp_policy) || !tb[UCPHONE_SRTP_A_ID])
		return NL_SKIP;
	reply->id = nla_get_u32(tb[UCPHONE_SRTP_A_ID]);
	reply->seen = true;
	if (!out || !tb[UCPHONE_SRTP_A_STATS] ||
	    nla_parse_nested(st, UCPHONE_SRTP_STATS_A_MAX,
			     tb[UCPHONE_SRTP_A_STATS], NULL))
		return NL_OK;
#define STAT(field, attr) \
	out->field = st[attr] && nla_len(st[attr]) == 8 ? nla_get_u64(st[attr]) : 0
	STAT(packets, UCPHONE_SRTP_STATS_A_PACKETS);
	STAT(bytes, UCPHONE_SRTP_STATS_A_BYTES);
	STAT(auth_failures, UCPHONE_SRTP_STATS_A_AUTH_FAILURES);
	STAT(replays, UCPHONE_SRTP_STATS_A_REPLAYS);
	STAT(malformed, UCPHONE_SRTP_STATS_A_MALFORMED);
	STAT(rtcp_packets, UCPHONE_SRTP_STATS_A_RTCP_PACKETS);
	STAT(bad_mki, UCPHONE_SRTP_STATS_A_BAD_MKI);
#undef STAT
	out->roc = tb[UCPHONE_SRTP_A_ROC] ? nla_get_u32(tb[UCPHONE_SRTP_A_ROC]) : 0;
	out->seq = tb[UCPHONE_SRTP_A_SEQ] ? nla_get_u16(tb[UCPHONE_SRTP_A_SEQ]) : 0;
	if (reply->fn) {
		struct srtp_kernel_session *ks = &reply->session;

#define U32(attr) (tb[attr] ? nla_get_u32(tb[attr]) : 0)
		ks->id = reply->id;
		ks->dir = U32(UCPHONE_SRTP_A_DIRECTION);
		ks->suite = U32(UCPHONE_SRTP_A_SUITE);
		ks->has_ssrc = tb[UCPHONE_SRTP_A_SSRC];
		ks->ssrc = U32(UCPHONE_SRTP_A_SSRC);
		ks->window = U32(UCPHONE_SRTP_A_WINDOW);
		ks->srtcp_index = U32(UCPHONE_SRTP_A_SRTCP_INDEX);
#undef U32
		reply->fn(ks, reply->arg);
	}
	return NL_OK;
}

/* Sends @msg (freed) and waits for its ACK; the reply goes to @reply. */
static int request(struct srtp_kernel *k, struct nl_msg *msg, struct reply *reply)
{
	int ret;

	nl_socket_modify_cb(k->sock, NL_CB_VALID, NL_CB_CUSTOM, parse_reply, reply);
	ret = nl_send_auto(k->sock, msg);
	nlmsg_free(msg);
	if (ret < 0)
		return -EIO;
	/*
	 * A reply (or an error) comes first; after a reply the ACK still
	 * waits, and must be read now or it answers the next request.
	 */
	ret = nl_recvmsgs_default(k->sock);
	if (!ret && reply->seen)
		ret = nl_wait_for_ack(k->sock);
	/* libnl maps the kernel's errno to its own codes; keep the useful ones. */
	switch (ret) {
	case 0:
		return 0;
	case -NLE_OPNOTSUPP:
		return -EOPNOTSUPP;
	case -NLE_OBJ_NOTFOUND:
		return -ENOENT;
	case -NLE_PERM:
		return -EPERM;
	case -NLE_BUSY:
		return -EBUSY;
	case -NLE_INVAL:
	case -NLE_RANGE:
		return -EINVAL;
	default:
		return -EIO;
	}
}

static struct nl_msg *start(struct srtp_kernel *k, uint8_t cmd, struct nlattr **nest)
{
	struct nl_msg *msg = nlmsg_alloc();

	if (!msg)
		return NULL;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, k->family, 0, 0, cmd,
			 UCPHONE_GENL_VERSION) ||
	    !(*nest = nla_nest_start(msg, UCPHONE_A_SRTP))) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

int srtp_kernel_new(struct srtp_kernel *k, int fd,
		    const struct srtp_flow_params *p, uint32_t id)
{
	struct reply reply = { 0 };
	struct nlattr *nest;
	struct nl_msg *msg = start(k, UCPHONE_CMD_SRTP_NEW, &nest);
	int ret;

	if (!msg)
		return -ENOMEM;
	if (nla_put_s32(msg, UCPHONE_SRTP_A_FD, fd) ||
	    nla_put_u32(msg, UCPHONE_SRTP_A_DIRECTION, p->dir) ||
	    nla_put_u32(msg, UCPHONE_SRTP_A_SUITE, p->suite) ||
	    nla_put(msg, UCPHONE_SRTP_A_MASTER_KEY, p->master_key_len, p->master_key) ||
	    nla_put(msg, UCPHONE_SRTP_A_MASTER_SALT, p->master_salt_len, p->master_salt) ||
	    (p->ssrc_fixed && nla_put_u32(msg, UCPHONE_SRTP_A_SSRC, p->ssrc)) ||
	    (p->window && nla_put_u32(msg, UCPHONE_SRTP_A_WINDOW, p->window)) ||
	    (p->mki_len && nla_put(msg, UCPHONE_SRTP_A_MKI, p->mki_len, p->mki)) ||
	    (id && (nla_put_u32(msg, UCPHONE_SRTP_A_ID, id) ||
		    nla_put_u32(msg, UCPHONE_SRTP_A_FLAGS, UCPHONE_SRTP_F_REPLACE)))) {
		/* The message held key bytes. */
		memset(nlmsg_data(nlmsg_hdr(msg)), 0, nlmsg_datalen(nlmsg_hdr(msg)));
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	nla_nest_end(msg, nest);
	/* request() frees the message; wipe its key bytes after sending. */
	nlmsg_get(msg);
	ret = request(k, msg, &reply);
	memset(nlmsg_data(nlmsg_hdr(msg)), 0, nlmsg_datalen(nlmsg_hdr(msg)));
	nlmsg_free(msg);
	if (ret)
		return ret;
	return reply.seen ? (int)reply.id : -EIO;
}

int srtp_kernel_del(struct srtp_kernel *k, uint32_t id)
{
	struct reply reply = { 0 };
	struct nlattr *nest;
	struct nl_msg *msg = start(k, UCPHONE_CMD_SRTP_DEL, &nest);

	if (!msg)
		return -ENOMEM;
	if (nla_put_u32(msg, UCPHONE_SRTP_A_ID, id)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	nla_nest_end(msg, nest);
	return request(k, msg, &reply);
}

int srtp_kernel_get(struct srtp_kernel *k, uint32_t id,
		    struct srtp_flow_stats *stats)
{
	struct reply reply = { .stats = stats };
	struct nlattr *nest;
	struct nl_msg *msg = start(k, UCPHONE_CMD_SRTP_GET, &nest);
	int ret;

	if (!msg)
		return -ENOMEM;
	if (nla_put_u32(msg, UCPHONE_SRTP_A_ID, id)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	nla_nest_end(msg, nest);
	ret = request(k, msg, &reply);
	return ret ? ret : reply.seen ? 0 : -EIO;
}

int srtp_kernel_dump(struct srtp_kernel *k,
		     void (*fn)(const struct srtp_kernel_session *s, void *arg),
		     void *arg)
{
	struct reply reply = { .fn = fn, .arg = arg };
	struct nl_msg *msg = nlmsg_alloc();
	int ret;

	if (!msg)
		return -ENOMEM;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, k->family, 0, NLM_F_DUMP,
			 UCPHONE_CMD_SRTP_GET, UCPHONE_GENL_VERSION)) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	nl_socket_modify_cb(k->sock, NL_CB_VALID, NL_CB_CUSTOM, parse_reply, &reply);
	ret = nl_send_auto(k->sock, msg);
	nlmsg_free(msg);
	if (ret < 0)
		return -EIO;
	ret = nl_recvmsgs_default(k->sock);
	if (ret == -NLE_OPNOTSUPP)
		return -EOPNOTSUPP;
	return ret < 0 ? -EIO : 0;
}
