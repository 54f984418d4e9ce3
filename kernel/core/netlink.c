// SPDX-License-Identifier: GPL-2.0
/*
 * The ucphone generic netlink family: its policies, its commands and its
 * event group. include/uapi/linux/ucphone.h documents every message.
 */
#include <linux/module.h>
#include <linux/utsname.h>
#include <net/genetlink.h>

#include "core.h"

static struct netlink_range_validation ucphone_srtp_window_range = {
	.min = 64,
	.max = 32768,
};

static const struct nla_policy ucphone_srtp_policy[UCPHONE_SRTP_A_MAX + 1] = {
	[UCPHONE_SRTP_A_ID] = { .type = NLA_U32 },
	[UCPHONE_SRTP_A_FD] = { .type = NLA_S32 },
	[UCPHONE_SRTP_A_DIRECTION] = NLA_POLICY_RANGE(NLA_U32, UCPHONE_SRTP_DIR_TX,
						      UCPHONE_SRTP_DIR_MAX),
	[UCPHONE_SRTP_A_SUITE] =
		NLA_POLICY_RANGE(NLA_U32, UCPHONE_SRTP_AES_CM_128_HMAC_SHA1_80,
				 UCPHONE_SRTP_SUITE_MAX),
	/* Lengths here bound the buffers; the handler checks them per suite. */
	[UCPHONE_SRTP_A_MASTER_KEY] = NLA_POLICY_RANGE(NLA_BINARY, 16,
						       UCPHONE_SRTP_KEY_MAX),
	[UCPHONE_SRTP_A_MASTER_SALT] = NLA_POLICY_RANGE(NLA_BINARY, 12,
							UCPHONE_SRTP_SALT_MAX),
	[UCPHONE_SRTP_A_SSRC] = { .type = NLA_U32 },
	[UCPHONE_SRTP_A_SEQ] = { .type = NLA_U16 },
	[UCPHONE_SRTP_A_ROC] = { .type = NLA_U32 },
	[UCPHONE_SRTP_A_WINDOW] =
		NLA_POLICY_FULL_RANGE(NLA_U32, &ucphone_srtp_window_range),
	[UCPHONE_SRTP_A_FLAGS] = NLA_POLICY_MASK(NLA_U32, __UCPHONE_SRTP_F_ALL),
	[UCPHONE_SRTP_A_MKI] = NLA_POLICY_RANGE(NLA_BINARY, 1,
						UCPHONE_SRTP_MKI_MAX),
};

/*
 * Requests may carry only what a command takes; attributes the kernel
 * sends (version, drivers, events) are left out so that strict validation
 * refuses them in a request.
 */
static const struct nla_policy ucphone_srtp_request_policy[UCPHONE_A_MAX + 1] = {
	[UCPHONE_A_SRTP] = NLA_POLICY_NESTED(ucphone_srtp_policy),
};

static int ucphone_nl_get_info(struct sk_buff *skb, struct genl_info *info)
{
	struct sk_buff *reply;
	void *hdr;
	int ret;

	reply = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!reply)
		return -ENOMEM;
	hdr = genlmsg_put_reply(reply, info, &ucphone_genl_family, 0,
				UCPHONE_CMD_GET_INFO);
	if (!hdr ||
	    nla_put_u32(reply, UCPHONE_A_VERSION, UCPHONE_GENL_VERSION) ||
	    nla_put_string(reply, UCPHONE_A_KERNEL_RELEASE, utsname()->release)) {
		ret = -EMSGSIZE;
		goto err_free;
	}
	ret = ucphone_bindings_fill(reply);
	if (ret) {
		NL_SET_ERR_MSG(info->extack, "too many bound drivers to list");
		goto err_free;
	}
	genlmsg_end(reply, hdr);
	return genlmsg_reply(reply, info);

err_free:
	nlmsg_free(reply);
	return ret;
}

static const struct genl_ops ucphone_genl_ops[] = {
	{
		/* No policy: any attribute in the request is refused. */
		.cmd = UCPHONE_CMD_GET_INFO,
		.doit = ucphone_nl_get_info,
	},
	{
		.cmd = UCPHONE_CMD_SRTP_NEW,
		.flags = GENL_ADMIN_PERM,
		.doit = ucphone_dispatch_doit,
		.policy = ucphone_srtp_request_policy,
		.maxattr = UCPHONE_A_MAX,
	},
	{
		.cmd = UCPHONE_CMD_SRTP_DEL,
		.flags = GENL_ADMIN_PERM,
		.doit = ucphone_dispatch_doit,
		.policy = ucphone_srtp_request_policy,
		.maxattr = UCPHONE_A_MAX,
	},
	{
		.cmd = UCPHONE_CMD_SRTP_GET,
		.doit = ucphone_dispatch_doit,
		.start = ucphone_dispatch_start,
		.dumpit = ucphone_dispatch_dumpit,
		.done = ucphone_dispatch_done,
		.policy = ucphone_srtp_request_policy,
		.maxattr = UCPHONE_A_MAX,
	},
};

static const struct genl_multicast_group ucphone_mcgrps[] = {
	/*
	 * Key events reveal what the user dials, PINs included: they are sent
	 * in the initial network namespace only (event.c), where this flag
	 * asks for CAP_NET_ADMIN in the initial user namespace.
	 */
	{ .name = UCPHONE_MCGRP_EVENTS, .flags = GENL_MCAST_CAP_NET_ADMIN },
};

struct genl_family ucphone_genl_family __ro_after_init = {
	.name = UCPHONE_GENL_NAME,
	.version = UCPHONE_GENL_VERSION,
	.maxattr = UCPHONE_A_MAX,
	/*
	 * Commands work in every namespace (a daemon in a container may
	 * offload SRTP on its sockets); events stay in the initial one.
	 */
	.netnsok = true,
	.module = THIS_MODULE,
	.ops = ucphone_genl_ops,
	.n_ops = ARRAY_SIZE(ucphone_genl_ops),
	.mcgrps = ucphone_mcgrps,
	.n_mcgrps = ARRAY_SIZE(ucphone_mcgrps),
};

/* Feature modules build their replies (genlmsg_put_reply) with it. */
EXPORT_SYMBOL_GPL(ucphone_genl_family);

int __init ucphone_netlink_init(void)
{
	return genl_register_family(&ucphone_genl_family);
}

void ucphone_netlink_exit(void)
{
	genl_unregister_family(&ucphone_genl_family);
}
