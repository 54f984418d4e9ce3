// SPDX-License-Identifier: GPL-2.0
/*
 * Which ucphone drivers are bound to which devices: the list GET_INFO
 * answers with, and the identity every event of a driver goes out under.
 * Bindings are added and removed in process context only; their events
 * are sent through event.c, which needs only the identity.
 */
#include <linux/device.h>
#include <linux/list.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "core.h"
#include "event.h"

struct ucphone_binding {
	struct list_head node;
	/* Never changes once added: events read it without the lock. */
	struct ucphone_event_source src;
};

static LIST_HEAD(ucphone_bindings);
static DEFINE_MUTEX(ucphone_bindings_lock);

/* Announces a binding coming or going (UCPHONE_EVENT_DRIVER_*). */
static void ucphone_binding_announce(struct ucphone_binding *binding,
				     bool bound)
{
	struct ucphone_event event = {
		.type = bound ? UCPHONE_EVENT_DRIVER_BOUND :
				UCPHONE_EVENT_DRIVER_UNBOUND,
		.timestamp = ktime_get_boottime(),
	};

	ucphone_event_multicast(&binding->src, &event);
}

/**
 * ucphone_binding_add - announce that @driver now drives @device
 * @kind: what sort of phone hardware it is
 * @driver: the kernel driver's name
 * @device: the device's name, unique among bindings of @driver
 *
 * Return: the binding, or an ERR_PTR: -EINVAL for a bad kind or an empty
 * name, -ENAMETOOLONG for a name of UCPHONE_NAME_MAX bytes or more, -EEXIST
 * when that pair is already bound, -ENOMEM.
 */
struct ucphone_binding *ucphone_binding_add(enum ucphone_driver_kind kind,
					    const char *driver,
					    const char *device)
{
	struct ucphone_binding *binding, *other;

	if (kind <= UCPHONE_DRIVER_KIND_UNSPEC || kind > UCPHONE_DRIVER_KIND_MAX ||
	    !driver || !*driver || !device || !*device)
		return ERR_PTR(-EINVAL);
	if (strlen(driver) >= UCPHONE_NAME_MAX ||
	    strlen(device) >= UCPHONE_NAME_MAX)
		return ERR_PTR(-ENAMETOOLONG);

	binding = kzalloc(sizeof(*binding), GFP_KERNEL);
	if (!binding)
		return ERR_PTR(-ENOMEM);
	binding->src.kind = kind;
	strscpy(binding->src.driver, driver, sizeof(binding->src.driver));
	strscpy(binding->src.device, device, sizeof(binding->src.device));

	mutex_lock(&ucphone_bindings_lock);
	list_for_each_entry(other, &ucphone_bindings, node) {
		if (!strcmp(other->src.driver, driver) &&
		    !strcmp(other->src.device, device)) {
			mutex_unlock(&ucphone_bindings_lock);
			kfree(binding);
			return ERR_PTR(-EEXIST);
		}
	}
	list_add_tail(&binding->node, &ucphone_bindings);
	mutex_unlock(&ucphone_bindings_lock);

	ucphone_binding_announce(binding, true);
	return binding;
}
EXPORT_SYMBOL_GPL(ucphone_binding_add);

/**
 * ucphone_binding_remove - announce that a binding has ended
 * @binding: from ucphone_binding_add(); no event may be sent through it
 *	once this starts
 */
void ucphone_binding_remove(struct ucphone_binding *binding)
{
	if (IS_ERR_OR_NULL(binding))
		return;
	mutex_lock(&ucphone_bindings_lock);
	list_del(&binding->node);
	mutex_unlock(&ucphone_bindings_lock);

	ucphone_binding_announce(binding, false);
	kfree(binding);
}
EXPORT_SYMBOL_GPL(ucphone_binding_remove);

/**
 * ucphone_event_send - tell userspace about a hardware event
 * @binding: the sender's binding
 * @event: what happened; bound/unbound events are the core's own
 *
 * Return: 0, or a negative errno (-EINVAL for a bad event, -ENOMEM,
 * -ENOBUFS when a listener's socket is full).
 */
int ucphone_event_send(struct ucphone_binding *binding,
		       const struct ucphone_event *event)
{
	if (IS_ERR_OR_NULL(binding) || !event ||
	    event->type == UCPHONE_EVENT_DRIVER_BOUND ||
	    event->type == UCPHONE_EVENT_DRIVER_UNBOUND)
		return -EINVAL;
	return ucphone_event_multicast(&binding->src, event);
}
EXPORT_SYMBOL_GPL(ucphone_event_send);

static void ucphone_binding_release(void *binding)
{
	ucphone_binding_remove(binding);
}

/**
 * devm_ucphone_bind - bind @dev's driver for as long as @dev stays bound
 * @dev: the device being probed; its driver and device names are used
 * @kind: what sort of phone hardware it is
 *
 * Call it early in probe: devres releases in reverse order, so the binding
 * outlives the interrupts and work items that send events through it.
 */
struct ucphone_binding *devm_ucphone_bind(struct device *dev,
					  enum ucphone_driver_kind kind)
{
	struct ucphone_binding *binding;
	int ret;

	if (!dev->driver)
		return ERR_PTR(-EINVAL);
	binding = ucphone_binding_add(kind, dev->driver->name, dev_name(dev));
	if (IS_ERR(binding))
		return binding;
	ret = devm_add_action_or_reset(dev, ucphone_binding_release, binding);
	if (ret)
		return ERR_PTR(ret);
	return binding;
}
EXPORT_SYMBOL_GPL(devm_ucphone_bind);

int ucphone_bindings_fill(struct sk_buff *skb)
{
	struct ucphone_binding *binding;
	struct nlattr *list, *entry;
	int ret = -EMSGSIZE;

	list = nla_nest_start(skb, UCPHONE_A_DRIVERS);
	if (!list)
		return -EMSGSIZE;

	mutex_lock(&ucphone_bindings_lock);
	list_for_each_entry(binding, &ucphone_bindings, node) {
		entry = nla_nest_start(skb, 0);
		if (!entry ||
		    nla_put_string(skb, UCPHONE_DRIVER_A_NAME,
				   binding->src.driver) ||
		    nla_put_string(skb, UCPHONE_DRIVER_A_DEVICE,
				   binding->src.device) ||
		    nla_put_u32(skb, UCPHONE_DRIVER_A_KIND, binding->src.kind))
			goto out_unlock;
		nla_nest_end(skb, entry);
	}
	ret = 0;
out_unlock:
	mutex_unlock(&ucphone_bindings_lock);
	if (ret) {
		nla_nest_cancel(skb, list);
		return ret;
	}
	nla_nest_end(skb, list);
	return 0;
}
