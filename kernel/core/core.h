/* SPDX-License-Identifier: GPL-2.0 */
/* What the files of ucphone.ko share among themselves. */
#ifndef _UCPHONE_CORE_INTERNAL_H
#define _UCPHONE_CORE_INTERNAL_H

#include <net/genetlink.h>
#include <ucphone/core.h>

extern struct genl_family ucphone_genl_family;

int ucphone_netlink_init(void);
void ucphone_netlink_exit(void);

/* Appends UCPHONE_A_DRIVERS, one nest per binding, to a GET_INFO reply. */
int ucphone_bindings_fill(struct sk_buff *skb);

/* Announces a binding coming or going (UCPHONE_EVENT_DRIVER_*). */
void ucphone_event_binding(struct ucphone_binding *binding, bool bound);

/* Accessors the event code needs; a binding's strings never change. */
const char *ucphone_binding_driver(const struct ucphone_binding *binding);
const char *ucphone_binding_device(const struct ucphone_binding *binding);
enum ucphone_driver_kind
ucphone_binding_kind(const struct ucphone_binding *binding);

/* Command handlers served by other modules (see ucphone_nl_handler). */
int ucphone_dispatch_doit(struct sk_buff *skb, struct genl_info *info);
int ucphone_dispatch_start(struct netlink_callback *cb);
int ucphone_dispatch_dumpit(struct sk_buff *skb, struct netlink_callback *cb);
int ucphone_dispatch_done(struct netlink_callback *cb);

#endif /* _UCPHONE_CORE_INTERNAL_H */
