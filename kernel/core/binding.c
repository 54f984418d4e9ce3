// SPDX-License-Identifier: GPL-2.0
/*
 * Which ucphone drivers are bound to which devices: the list GET_INFO
 * answers with. Bindings are added and removed in process context only.
 */
#include <linux/device.h>
#include <linux/list.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "core.h"

struct ucphone_binding {
	struct list_head node;
	enum ucphone_driver_kind kind;
	char driver[UCPHONE_NAME_MAX];
	char device[UCPHONE_NAME_MAX];
};

static LIST_HEAD(ucphone_bindings);
static DEFINE_MUTEX(ucphone_bindings_lock);

const char *ucphone_binding_driver(const struct ucphone_binding *binding)
{
	return binding->driver;
}

const char *ucphone_binding_device(const struct ucphone_binding *binding)
{
	return binding->device;
}

enum ucphone_driver_kind
ucphone_binding_kind(const struct ucphone_binding *binding)
{
	return binding->kind;
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
	binding->kind = kind;
	strscpy(binding->driver, driver, sizeof(binding->driver));
	strscpy(binding->device, device, sizeof(binding->device));

	mutex_lock(&ucphone_bindings_lock);
	list_for_each_entry(other, &ucphone_bindings, node) {
		if (!strcmp(other->driver, driver) &&
		    !strcmp(other->device, device)) {
			mutex_unlock(&ucphone_bindings_lock);
			kfree(binding);
			return ERR_PTR(-EEXIST);
		}
	}
	list_add_tail(&binding->node, &ucphone_bindings);
	mutex_unlock(&ucphone_bindings_lock);

	ucphone_event_binding(binding, true);
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

	ucphone_event_binding(binding, false);
	kfree(binding);
}
EXPORT_SYMBOL_GPL(ucphone_binding_remove);

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
		    nla_put_string(skb, UCPHONE_DRIVER_A_NAME, binding->driver) ||
		    nla_put_string(skb, UCPHONE_DRIVER_A_DEVICE, binding->device) ||
		    nla_put_u32(skb, UCPHONE_DRIVER_A_KIND, binding->kind))
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
