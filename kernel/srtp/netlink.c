// SPDX-License-Identifier: GPL-2.0
/*
 * UCPHONE_CMD_SRTP_NEW/DEL/GET, served for the core's family. The core
 * checked every request against its strict policy (types, lengths, ranges)
 * and holds this module for the whole call; what is checked here is what
 * depends on other attributes: key and salt lengths per suite, the socket.
 * No reply ever carries key material.
 */
#include <linux/file.h>
#include <linux/module.h>
#include <linux/net.h>
#include <net/genetlink.h>
#include <net/sock.h>
#include <ucphone/core.h>

#include "srtp.h"

struct srtp_request {
	struct nlattr *tb[UCPHONE_SRTP_A_MAX + 1];
};

static int srtp_parse(struct genl_info *info, struct srtp_request *req)
{
	struct nlattr *nest = info->attrs[UCPHONE_A_SRTP];

	if (!nest) {
		NL_SET_ERR_MSG(info->extack, "missing UCPHONE_A_SRTP");
		return -EINVAL;
	}
	/* Validated by the core's strict policy already. */
	return nla_parse_nested_deprecated(req->tb, UCPHONE_SRTP_A_MAX, nest,
					   NULL, info->extack);
}

/* @msg: a string literal, which the extended ACK points to. */
static int srtp_require(struct genl_info *info, struct srtp_request *req,
			int type, const char *msg)
{
	if (req->tb[type])
		return 0;
	NL_SET_ERR_ATTR_MISS(info->extack, info->attrs[UCPHONE_A_SRTP], type);
	if (info->extack)
		info->extack->_msg = msg;
	return -EINVAL;
}

/* The keys of a NEW request, with the lengths its suite demands. */
static struct ucphone_srtp_ctx *srtp_ctx_from(struct genl_info *info,
					      struct srtp_request *req)
{
	const struct ucphone_srtp_suite_info *suite_info;
	struct nlattr *key = req->tb[UCPHONE_SRTP_A_MASTER_KEY];
	struct nlattr *salt = req->tb[UCPHONE_SRTP_A_MASTER_SALT];
	struct nlattr *mki = req->tb[UCPHONE_SRTP_A_MKI];
	struct ucphone_srtp_ctx *ctx;
	enum ucphone_srtp_suite suite;

	suite = nla_get_u32(req->tb[UCPHONE_SRTP_A_SUITE]);
	suite_info = ucphone_srtp_suite_info(suite);
	if (nla_len(key) != suite_info->key_len) {
		if (suite_info->key_len == 16)
			NL_SET_ERR_MSG_ATTR(info->extack, key,
					    "master key must be 16 bytes for this suite");
		else
			NL_SET_ERR_MSG_ATTR(info->extack, key,
					    "master key must be 32 bytes for this suite");
		return ERR_PTR(-EINVAL);
	}
	if (nla_len(salt) != suite_info->salt_len) {
		if (suite_info->salt_len == 14)
			NL_SET_ERR_MSG_ATTR(info->extack, salt,
					    "master salt must be 14 bytes for this suite");
		else
			NL_SET_ERR_MSG_ATTR(info->extack, salt,
					    "master salt must be 12 bytes for this suite");
		return ERR_PTR(-EINVAL);
	}
	/* Where RFC 7714 puts an MKI was never checked against a peer. */
	if (mki && (suite == UCPHONE_SRTP_AEAD_AES_128_GCM ||
		    suite == UCPHONE_SRTP_AEAD_AES_256_GCM)) {
		NL_SET_ERR_MSG_ATTR(info->extack, mki,
				    "an MKI is supported with AES-CM suites only");
		return ERR_PTR(-EINVAL);
	}
	ctx = ucphone_srtp_ctx_new(suite, nla_data(key), nla_data(salt));
	if (!IS_ERR(ctx) && mki) {
		/* The policy bounds the length to the buffer. */
		ctx->mki_len = nla_len(mki);
		memcpy(ctx->mki, nla_data(mki), ctx->mki_len);
	}
	return ctx;
}

/* The caller's UDP socket named by FD, with a file reference; or ERR_PTR. */
static struct socket *srtp_socket_from(struct genl_info *info,
				       struct srtp_request *req)
{
	struct nlattr *fd = req->tb[UCPHONE_SRTP_A_FD];
	struct socket *sock;
	struct sock *sk;
	int err;

	sock = sockfd_lookup(nla_get_s32(fd), &err);
	if (!sock) {
		NL_SET_ERR_MSG_ATTR(info->extack, fd,
				    "fd is not an open socket of the caller");
		return ERR_PTR(err);
	}
	sk = sock->sk;
	if (sk->sk_type != SOCK_DGRAM || sk->sk_protocol != IPPROTO_UDP ||
	    (sk->sk_family != AF_INET && sk->sk_family != AF_INET6)) {
		NL_SET_ERR_MSG_ATTR(info->extack, fd, "fd is not a UDP socket");
		err = -EPROTOTYPE;
		goto err;
	}
	if (!net_eq(sock_net(sk), genl_info_net(info))) {
		NL_SET_ERR_MSG_ATTR(info->extack, fd,
				    "socket is in another network namespace");
		err = -EXDEV;
		goto err;
	}
	return sock;
err:
	sockfd_put(sock);
	return ERR_PTR(err);
}

static void srtp_apply_state(struct ucphone_srtp_session *s,
			     struct srtp_request *req)
{
	struct ucphone_srtp_stream *st = &s->stream;

	if (req->tb[UCPHONE_SRTP_A_SSRC]) {
		s->ssrc_fixed = true;
		s->ssrc = nla_get_u32(req->tb[UCPHONE_SRTP_A_SSRC]);
	}
	if (req->tb[UCPHONE_SRTP_A_ROC]) {
		s->initial_roc = nla_get_u32(req->tb[UCPHONE_SRTP_A_ROC]);
		st->roc = s->initial_roc;
	}
	if (req->tb[UCPHONE_SRTP_A_SEQ]) {
		st->seq = nla_get_u16(req->tb[UCPHONE_SRTP_A_SEQ]);
		st->seq_valid = true;
	}
}

static int srtp_reply_id(struct genl_info *info, u32 id)
{
	struct sk_buff *reply;
	struct nlattr *nest;
	void *hdr;

	reply = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!reply)
		return -ENOMEM;
	hdr = genlmsg_put_reply(reply, info, &ucphone_genl_family, 0,
				UCPHONE_CMD_SRTP_NEW);
	if (!hdr)
		goto err;
	nest = nla_nest_start(reply, UCPHONE_A_SRTP);
	if (!nest || nla_put_u32(reply, UCPHONE_SRTP_A_ID, id))
		goto err;
	nla_nest_end(reply, nest);
	genlmsg_end(reply, hdr);
	return genlmsg_reply(reply, info);
err:
	nlmsg_free(reply);
	return -EMSGSIZE;
}

/* F_REPLACE: new keys for a live session in one step (re-INVITE). */
static int srtp_rekey(struct genl_info *info, struct srtp_request *req,
		      struct socket *sock, struct ucphone_srtp_ctx *ctx)
{
	struct ucphone_srtp_ctx *old;
	struct ucphone_srtp_session *s;
	u32 id;
	int ret;

	ret = srtp_require(info, req, UCPHONE_SRTP_A_ID,
			   "UCPHONE_SRTP_F_REPLACE needs UCPHONE_SRTP_A_ID");
	if (ret)
		return ret;
	id = nla_get_u32(req->tb[UCPHONE_SRTP_A_ID]);
	mutex_lock(&ucphone_srtp_mutex);
	s = ucphone_srtp_session_find(id);
	if (!s || s->ssk->sk != sock->sk) {
		NL_SET_ERR_MSG_ATTR(info->extack, req->tb[UCPHONE_SRTP_A_ID],
				    "no such session on this socket");
		ret = -ENOENT;
		goto unlock;
	}
	if (s->dir != nla_get_u32(req->tb[UCPHONE_SRTP_A_DIRECTION])) {
		NL_SET_ERR_MSG_ATTR(info->extack,
				    req->tb[UCPHONE_SRTP_A_DIRECTION],
				    "a re-key keeps the session's direction");
		ret = -EINVAL;
		goto unlock;
	}
	spin_lock_bh(&s->lock);
	old = s->ctx;
	s->ctx = ctx;
	/* libsrtp's srtp_update() keeps index and replay state; so do we. */
	if (req->tb[UCPHONE_SRTP_A_SSRC] &&
	    (!s->ssrc_fixed ||
	     s->ssrc != nla_get_u32(req->tb[UCPHONE_SRTP_A_SSRC])))
		ucphone_srtp_stream_reset(s);
	srtp_apply_state(s, req);
	spin_unlock_bh(&s->lock);
	ctx = old;
	ret = 0;
unlock:
	mutex_unlock(&ucphone_srtp_mutex);
	ucphone_srtp_ctx_free(ctx);
	return ret ? ret : srtp_reply_id(info, id);
}

/*
 * The request still holds the master key and salt: wipe them, so that no
 * error ACK (which echoes the request) nor a later reader of the buffer
 * sees them.
 */
static void srtp_wipe_keys(struct srtp_request *req)
{
	struct nlattr *key = req->tb[UCPHONE_SRTP_A_MASTER_KEY];
	struct nlattr *salt = req->tb[UCPHONE_SRTP_A_MASTER_SALT];

	if (key)
		memzero_explicit(nla_data(key), nla_len(key));
	if (salt)
		memzero_explicit(nla_data(salt), nla_len(salt));
}

static int srtp_new(struct sk_buff *skb, struct genl_info *info)
{
	struct ucphone_srtp_session *s = NULL;
	struct ucphone_srtp_ctx *ctx = NULL;
	struct srtp_request req;
	struct socket *sock;
	u32 flags = 0, window;
	int ret;

	ret = srtp_parse(info, &req);
	if (ret)
		return ret;
	if (srtp_require(info, &req, UCPHONE_SRTP_A_FD, "missing UCPHONE_SRTP_A_FD") ||
	    srtp_require(info, &req, UCPHONE_SRTP_A_DIRECTION,
			 "missing UCPHONE_SRTP_A_DIRECTION") ||
	    srtp_require(info, &req, UCPHONE_SRTP_A_SUITE,
			 "missing UCPHONE_SRTP_A_SUITE") ||
	    srtp_require(info, &req, UCPHONE_SRTP_A_MASTER_KEY,
			 "missing UCPHONE_SRTP_A_MASTER_KEY") ||
	    srtp_require(info, &req, UCPHONE_SRTP_A_MASTER_SALT,
			 "missing UCPHONE_SRTP_A_MASTER_SALT")) {
		srtp_wipe_keys(&req);
		return -EINVAL;
	}
	if (req.tb[UCPHONE_SRTP_A_FLAGS])
		flags = nla_get_u32(req.tb[UCPHONE_SRTP_A_FLAGS]);
	window = req.tb[UCPHONE_SRTP_A_WINDOW] ?
		 nla_get_u32(req.tb[UCPHONE_SRTP_A_WINDOW]) :
		 UCPHONE_SRTP_DEFAULT_WINDOW;

	sock = srtp_socket_from(info, &req);
	if (IS_ERR(sock)) {
		srtp_wipe_keys(&req);
		return PTR_ERR(sock);
	}
	ctx = srtp_ctx_from(info, &req);
	if (IS_ERR(ctx)) {
		ret = PTR_ERR(ctx);
		goto out;
	}
	if (flags & UCPHONE_SRTP_F_REPLACE) {
		ret = srtp_rekey(info, &req, sock, ctx);
		goto out;
	}
	s = ucphone_srtp_session_alloc(window,
				       nla_get_u32(req.tb[UCPHONE_SRTP_A_DIRECTION]));
	if (!s) {
		ucphone_srtp_ctx_free(ctx);
		ret = -ENOMEM;
		goto out;
	}
	s->ctx = ctx;
	ucphone_srtp_stream_reset(s);
	srtp_apply_state(s, &req);
	ret = ucphone_srtp_session_new(sock, s, info->extack);
	if (ret < 0) {
		ucphone_srtp_session_free(s);
		goto out;
	}
	/* Another DEL may have ended it already: report its id anyway. */
	ret = srtp_reply_id(info, ret);
out:
	sockfd_put(sock);
	srtp_wipe_keys(&req);
	return ret;
}

static int srtp_del(struct sk_buff *skb, struct genl_info *info)
{
	struct ucphone_srtp_session *s;
	struct srtp_request req;
	int ret;

	ret = srtp_parse(info, &req);
	if (ret)
		return ret;
	ret = srtp_require(info, &req, UCPHONE_SRTP_A_ID, "missing UCPHONE_SRTP_A_ID");
	if (ret)
		return ret;
	mutex_lock(&ucphone_srtp_mutex);
	s = ucphone_srtp_session_find(nla_get_u32(req.tb[UCPHONE_SRTP_A_ID]));
	if (s)
		ucphone_srtp_session_del(s);
	mutex_unlock(&ucphone_srtp_mutex);
	if (!s) {
		NL_SET_ERR_MSG_ATTR(info->extack, req.tb[UCPHONE_SRTP_A_ID],
				    "no such SRTP session");
		return -ENOENT;
	}
	return 0;
}

static int srtp_fill(struct sk_buff *skb, struct ucphone_srtp_session *s)
{
	struct ucphone_srtp_stream st;
	struct ucphone_srtp_stats stats;
	struct nlattr *nest, *snest;
	u32 ssrc;
	bool has_ssrc;

	spin_lock_bh(&s->lock);
	st = s->stream;
	stats = s->stats;
	spin_unlock_bh(&s->lock);
	has_ssrc = s->ssrc_fixed || st.ssrc_valid;
	ssrc = s->ssrc_fixed ? s->ssrc : st.ssrc;

	nest = nla_nest_start(skb, UCPHONE_A_SRTP);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u32(skb, UCPHONE_SRTP_A_ID, s->id) ||
	    nla_put_u32(skb, UCPHONE_SRTP_A_DIRECTION, s->dir) ||
	    nla_put_u32(skb, UCPHONE_SRTP_A_SUITE, s->ctx->suite) ||
	    (has_ssrc && nla_put_u32(skb, UCPHONE_SRTP_A_SSRC, ssrc)) ||
	    nla_put_u32(skb, UCPHONE_SRTP_A_WINDOW, s->window) ||
	    nla_put_u16(skb, UCPHONE_SRTP_A_SEQ, st.seq) ||
	    nla_put_u32(skb, UCPHONE_SRTP_A_ROC, st.roc) ||
	    nla_put_u32(skb, UCPHONE_SRTP_A_SRTCP_INDEX, st.rtcp_index) ||
	    (s->ctx->mki_len &&
	     nla_put(skb, UCPHONE_SRTP_A_MKI, s->ctx->mki_len, s->ctx->mki)))
		goto cancel;
	snest = nla_nest_start(skb, UCPHONE_SRTP_A_STATS);
	if (!snest ||
	    nla_put_u64_64bit(skb, UCPHONE_SRTP_STATS_A_PACKETS, stats.packets,
			      UCPHONE_SRTP_STATS_A_PAD) ||
	    nla_put_u64_64bit(skb, UCPHONE_SRTP_STATS_A_BYTES, stats.bytes,
			      UCPHONE_SRTP_STATS_A_PAD) ||
	    nla_put_u64_64bit(skb, UCPHONE_SRTP_STATS_A_AUTH_FAILURES,
			      stats.auth_failures, UCPHONE_SRTP_STATS_A_PAD) ||
	    nla_put_u64_64bit(skb, UCPHONE_SRTP_STATS_A_REPLAYS, stats.replays,
			      UCPHONE_SRTP_STATS_A_PAD) ||
	    nla_put_u64_64bit(skb, UCPHONE_SRTP_STATS_A_MALFORMED,
			      stats.malformed, UCPHONE_SRTP_STATS_A_PAD) ||
	    nla_put_u64_64bit(skb, UCPHONE_SRTP_STATS_A_RTCP_PACKETS,
			      stats.rtcp_packets, UCPHONE_SRTP_STATS_A_PAD) ||
	    nla_put_u64_64bit(skb, UCPHONE_SRTP_STATS_A_BAD_MKI,
			      stats.bad_mki, UCPHONE_SRTP_STATS_A_PAD))
		goto cancel;
	nla_nest_end(skb, snest);
	nla_nest_end(skb, nest);
	return 0;
cancel:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

static int srtp_get(struct sk_buff *skb, struct genl_info *info)
{
	struct ucphone_srtp_session *s;
	struct srtp_request req;
	struct sk_buff *reply;
	void *hdr;
	int ret;

	ret = srtp_parse(info, &req);
	if (ret)
		return ret;
	ret = srtp_require(info, &req, UCPHONE_SRTP_A_ID, "missing UCPHONE_SRTP_A_ID");
	if (ret)
		return ret;
	reply = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!reply)
		return -ENOMEM;
	hdr = genlmsg_put_reply(reply, info, &ucphone_genl_family, 0,
				UCPHONE_CMD_SRTP_GET);
	mutex_lock(&ucphone_srtp_mutex);
	s = ucphone_srtp_session_find(nla_get_u32(req.tb[UCPHONE_SRTP_A_ID]));
	if (!s) {
		NL_SET_ERR_MSG_ATTR(info->extack, req.tb[UCPHONE_SRTP_A_ID],
				    "no such SRTP session");
		ret = -ENOENT;
	} else {
		ret = hdr ? srtp_fill(reply, s) : -EMSGSIZE;
	}
	mutex_unlock(&ucphone_srtp_mutex);
	if (ret) {
		nlmsg_free(reply);
		return ret;
	}
	genlmsg_end(reply, hdr);
	return genlmsg_reply(reply, info);
}

/* cb->args[1]: the next id to dump. */
static int srtp_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	const struct genl_dumpit_info *info = genl_dumpit_info(cb);
	struct ucphone_srtp_session *s;
	u32 id = cb->args[1];
	void *hdr;
	int ret = 0;

	mutex_lock(&ucphone_srtp_mutex);
	for (; (s = ucphone_srtp_session_next(&id)); id++) {
		hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
				  cb->nlh->nlmsg_seq, info->family, NLM_F_MULTI,
				  UCPHONE_CMD_SRTP_GET);
		if (!hdr)
			break;
		if (srtp_fill(skb, s)) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		genlmsg_end(skb, hdr);
	}
	mutex_unlock(&ucphone_srtp_mutex);
	cb->args[1] = id;
	return ret ? ret : skb->len;
}

static const struct ucphone_nl_handler srtp_new_handler = {
	.owner = THIS_MODULE,
	.doit = srtp_new,
};

static const struct ucphone_nl_handler srtp_del_handler = {
	.owner = THIS_MODULE,
	.doit = srtp_del,
};

static const struct ucphone_nl_handler srtp_get_handler = {
	.owner = THIS_MODULE,
	.doit = srtp_get,
	.dumpit = srtp_dump,
};

int ucphone_srtp_netlink_init(void)
{
	int ret;

	ret = ucphone_nl_handler_register(UCPHONE_CMD_SRTP_NEW, &srtp_new_handler);
	if (ret)
		return ret;
	ret = ucphone_nl_handler_register(UCPHONE_CMD_SRTP_DEL, &srtp_del_handler);
	if (ret)
		goto err_new;
	ret = ucphone_nl_handler_register(UCPHONE_CMD_SRTP_GET, &srtp_get_handler);
	if (ret)
		goto err_del;
	return 0;
err_del:
	ucphone_nl_handler_unregister(UCPHONE_CMD_SRTP_DEL);
err_new:
	ucphone_nl_handler_unregister(UCPHONE_CMD_SRTP_NEW);
	return ret;
}

void ucphone_srtp_netlink_exit(void)
{
	ucphone_nl_handler_unregister(UCPHONE_CMD_SRTP_GET);
	ucphone_nl_handler_unregister(UCPHONE_CMD_SRTP_DEL);
	ucphone_nl_handler_unregister(UCPHONE_CMD_SRTP_NEW);
}
