/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The in-kernel API of ucphone.ko for the phone's driver modules.
 *
 * A driver announces each device it drives with a binding (GET_INFO lists
 * bindings; binding and unbinding are events), sends hardware events
 * through it, and a module that serves netlink commands of the ucphone
 * family (SRTP) registers a handler for them.
 */
#ifndef _UCPHONE_CORE_H
#define _UCPHONE_CORE_H

#include <linux/ktime.h>
#include <linux/types.h>
#include <net/genetlink.h>
#include <linux/ucphone.h>

struct device;
struct module;
struct ucphone_binding;

struct ucphone_binding *ucphone_binding_add(enum ucphone_driver_kind kind,
					    const char *driver,
					    const char *device);
void ucphone_binding_remove(struct ucphone_binding *binding);
/* Bound for as long as @dev stays bound to its driver. */
struct ucphone_binding *devm_ucphone_bind(struct device *dev,
					  enum ucphone_driver_kind kind);

struct ucphone_event {
	enum ucphone_event_type type;
	/* When the hardware edge happened (CLOCK_BOOTTIME). */
	ktime_t timestamp;
	union {
		struct {
			u32 code;	/* Linux input key code */
			u32 value;	/* 1 pressed, 0 released */
		} key;
		enum ucphone_hook_state hook;
		struct {
			enum ucphone_reset_kind kind;
			u32 hold_ms;
			bool at_power_on;
		} reset;
		enum ucphone_audio_route audio_route;
	};
};

/*
 * Multicasts @event to every listener of the "events" group in the initial
 * network namespace. Callable from any context but hard interrupts;
 * returns 0 when nobody listens.
 */
int ucphone_event_send(struct ucphone_binding *binding,
		       const struct ucphone_event *event);

/* True when some socket of the initial network namespace listens to events. */
bool ucphone_events_have_listeners(void);

/*
 * A module serving commands of the family (UCPHONE_CMD_SRTP_*). The core
 * holds a reference on @owner for the whole of every call, so the module
 * cannot go away under a request. A dump handler may use cb->args[1..5];
 * cb->args[0] belongs to the core.
 */
struct ucphone_nl_handler {
	struct module *owner;
	int (*doit)(struct sk_buff *skb, struct genl_info *info);
	int (*dumpit)(struct sk_buff *skb, struct netlink_callback *cb);
	int (*done)(struct netlink_callback *cb);
};

/* The family, for a handler's replies (genlmsg_put_reply, genlmsg_put). */
extern struct genl_family ucphone_genl_family;

int ucphone_nl_handler_register(enum ucphone_cmd cmd,
				const struct ucphone_nl_handler *handler);
void ucphone_nl_handler_unregister(enum ucphone_cmd cmd);

#endif /* _UCPHONE_CORE_H */
