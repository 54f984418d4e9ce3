/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the files of ucphone.ko share among themselves. Calls go one way:
 * netlink.c and dispatch.c serve requests, binding.c keeps the driver list
 * and sends through event.c (event.h), which sends messages and knows no
 * binding.
 */
#ifndef _UCPHONE_CORE_INTERNAL_H
#define _UCPHONE_CORE_INTERNAL_H

#include <net/genetlink.h>
#include <ucphone/core.h>

extern struct genl_family ucphone_genl_family;

int ucphone_netlink_init(void);
void ucphone_netlink_exit(void);

/* Appends UCPHONE_A_DRIVERS, one nest per binding, to a GET_INFO reply. */
int ucphone_bindings_fill(struct sk_buff *skb);

/* Command handlers served by other modules (see ucphone_nl_handler). */
int ucphone_dispatch_doit(struct sk_buff *skb, struct genl_info *info);
int ucphone_dispatch_start(struct netlink_callback *cb);
int ucphone_dispatch_dumpit(struct sk_buff *skb, struct netlink_callback *cb);
int ucphone_dispatch_done(struct netlink_callback *cb);

#endif /* _UCPHONE_CORE_INTERNAL_H */
