// SPDX-License-Identifier: GPL-2.0
/*
 * Hardware events to userspace: one UCPHONE_CMD_EVENT message per event,
 * multicast on the "events" group of the initial network namespace only.
 *
 * Key events carry what the user dials, PINs included. Joining the group
 * needs CAP_NET_ADMIN over the socket's network namespace, and anyone can
 * make a network namespace of their own (unshare -Urn) in which they hold
 * that capability. Generic netlink on 6.1 has no per-family bind hook that
 * could ask for more, so the events are simply never sent anywhere else:
 * in the initial namespace the capability is the real one (the initial
 * user namespace's). The rest of the family (GET_INFO, SRTP) still serves
 * every namespace.
 *
 * A sender is known here only by its identity (struct ucphone_event_source,
 * event.h): binding.c calls in, nothing here calls binding.c.
 */
#include <linux/atomic.h>
#include <linux/module.h>
#include <net/net_namespace.h>

#include "event.h"

/* Gives each event a number, so a listener can tell that it missed some. */
static atomic_t ucphone_event_seq = ATOMIC_INIT(0);

static int ucphone_event_fill_type(struct sk_buff *skb,
				   const struct ucphone_event *event)
{
	switch (event->type) {
	case UCPHONE_EVENT_KEY:
		if (nla_put_u32(skb, UCPHONE_EVENT_A_KEY_CODE, event->key.code) ||
		    nla_put_u32(skb, UCPHONE_EVENT_A_KEY_VALUE, event->key.value))
			return -EMSGSIZE;
		return 0;
	case UCPHONE_EVENT_HOOK:
		return nla_put_u32(skb, UCPHONE_EVENT_A_HOOK, event->hook);
	case UCPHONE_EVENT_RESET_BUTTON:
		if (nla_put_u32(skb, UCPHONE_EVENT_A_RESET_KIND, event->reset.kind) ||
		    nla_put_u32(skb, UCPHONE_EVENT_A_RESET_HOLD_MS,
				event->reset.hold_ms))
			return -EMSGSIZE;
		if (event->reset.at_power_on &&
		    nla_put_flag(skb, UCPHONE_EVENT_A_RESET_AT_POWER_ON))
			return -EMSGSIZE;
		return 0;
	case UCPHONE_EVENT_AUDIO_ROUTE:
		return nla_put_u32(skb, UCPHONE_EVENT_A_AUDIO_ROUTE,
				   event->audio_route);
	default:
		return -EINVAL;
	}
}

int ucphone_event_multicast(const struct ucphone_event_source *src,
			    const struct ucphone_event *event)
{
	struct nlattr *nest;
	struct sk_buff *skb;
	void *hdr;
	int ret;

	skb = genlmsg_new(NLMSG_GOODSIZE, GFP_ATOMIC);
	if (!skb)
		return -ENOMEM;
	hdr = genlmsg_put(skb, 0, 0, &ucphone_genl_family, 0,
			  UCPHONE_CMD_EVENT);
	if (!hdr) {
		ret = -EMSGSIZE;
		goto err_free;
	}
	nest = nla_nest_start(skb, UCPHONE_A_EVENT);
	if (!nest ||
	    nla_put_u32(skb, UCPHONE_EVENT_A_TYPE, event->type) ||
	    nla_put_u32(skb, UCPHONE_EVENT_A_SEQ,
			atomic_inc_return(&ucphone_event_seq)) ||
	    nla_put_u64_64bit(skb, UCPHONE_EVENT_A_TIMESTAMP,
			      ktime_to_ns(event->timestamp),
			      UCPHONE_EVENT_A_PAD) ||
	    nla_put_string(skb, UCPHONE_EVENT_A_DRIVER, src->driver) ||
	    nla_put_string(skb, UCPHONE_EVENT_A_DEVICE, src->device)) {
		ret = -EMSGSIZE;
		goto err_free;
	}
	if (event->type == UCPHONE_EVENT_DRIVER_BOUND ||
	    event->type == UCPHONE_EVENT_DRIVER_UNBOUND)
		ret = nla_put_u32(skb, UCPHONE_EVENT_A_DRIVER_KIND, src->kind);
	else
		ret = ucphone_event_fill_type(skb, event);
	if (ret)
		goto err_free;
	nla_nest_end(skb, nest);
	genlmsg_end(skb, hdr);

	ret = genlmsg_multicast(&ucphone_genl_family, skb, 0, 0, GFP_ATOMIC);
	/* Nobody listening is not a failure: the phone still works. */
	return ret == -ESRCH ? 0 : ret;

err_free:
	nlmsg_free(skb);
	return ret;
}

/**
 * ucphone_events_have_listeners - does anybody hear ucphone events?
 *
 * For a driver whose event asks for an action that must happen anyway
 * (a reset): true when some socket of the initial network namespace has
 * joined the "events" group. Listeners elsewhere hear nothing, so they
 * count for nothing: they cannot hold back a reset's fallback either.
 */
bool ucphone_events_have_listeners(void)
{
	return genl_has_listeners(&ucphone_genl_family, &init_net, 0) > 0;
}
EXPORT_SYMBOL_GPL(ucphone_events_have_listeners);
