// SPDX-License-Identifier: GPL-2.0
/*
 * Commands of the ucphone family served by other modules.
 *
 * One family, one header: the core owns the family and its policies, and a
 * feature module (ucphone-srtp.ko) plugs its handlers in here. The core
 * validates every request against the strict policy before a handler sees
 * it, and holds a reference on the handler's module for the whole call, so
 * rmmod of a feature module can never pull code out from under a request.
 */
#include <linux/kmod.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>

#include "core.h"

static const struct ucphone_nl_handler __rcu *ucphone_handlers[UCPHONE_CMD_MAX + 1];
static DEFINE_MUTEX(ucphone_handlers_lock);

/* The one feature module today; its handlers serve every pluggable command. */
#define UCPHONE_SRTP_MODULE "ucphone-srtp"

static bool ucphone_cmd_is_pluggable(enum ucphone_cmd cmd)
{
	return cmd == UCPHONE_CMD_SRTP_NEW || cmd == UCPHONE_CMD_SRTP_DEL ||
	       cmd == UCPHONE_CMD_SRTP_GET;
}

/**
 * ucphone_nl_handler_register - serve @cmd with @handler
 * @cmd: one of the commands a feature module serves (UCPHONE_CMD_SRTP_*)
 * @handler: static for the module's lifetime, with @owner set
 *
 * Return: 0, -EINVAL for a command the core serves itself, -EBUSY when
 * another handler holds it.
 */
int ucphone_nl_handler_register(enum ucphone_cmd cmd,
				const struct ucphone_nl_handler *handler)
{
	int ret = 0;

	if (!ucphone_cmd_is_pluggable(cmd) || !handler || !handler->owner ||
	    (!handler->doit && !handler->dumpit))
		return -EINVAL;

	mutex_lock(&ucphone_handlers_lock);
	if (rcu_access_pointer(ucphone_handlers[cmd]))
		ret = -EBUSY;
	else
		rcu_assign_pointer(ucphone_handlers[cmd], handler);
	mutex_unlock(&ucphone_handlers_lock);
	return ret;
}
EXPORT_SYMBOL_GPL(ucphone_nl_handler_register);

void ucphone_nl_handler_unregister(enum ucphone_cmd cmd)
{
	if (!ucphone_cmd_is_pluggable(cmd))
		return;
	mutex_lock(&ucphone_handlers_lock);
	RCU_INIT_POINTER(ucphone_handlers[cmd], NULL);
	mutex_unlock(&ucphone_handlers_lock);
	/* Callers that found it took a module reference before we get here. */
	synchronize_rcu();
}
EXPORT_SYMBOL_GPL(ucphone_nl_handler_unregister);

static const struct ucphone_nl_handler *ucphone_handler_find(u8 cmd)
{
	const struct ucphone_nl_handler *handler;

	rcu_read_lock();
	handler = rcu_dereference(ucphone_handlers[cmd]);
	if (handler && !try_module_get(handler->owner))
		handler = NULL;
	rcu_read_unlock();
	return handler;
}

/*
 * Finds @cmd's handler and pins its module, loading the module on demand
 * as genetlink does for a family: a daemon on a phone whose image ships
 * ucphone-srtp needs no modprobe of its own. One attempt per request; NULL
 * when the module is not installed or failed to load. modprobe runs while
 * the family's genl_mutex is held, which is safe because ucphone-srtp
 * registers handlers here and no family of its own.
 */
static const struct ucphone_nl_handler *ucphone_handler_get(u8 cmd)
{
	const struct ucphone_nl_handler *handler;

	if (!ucphone_cmd_is_pluggable(cmd))
		return NULL;
	handler = ucphone_handler_find(cmd);
	if (handler || !IS_ENABLED(CONFIG_MODULES))
		return handler;
	if (request_module(UCPHONE_SRTP_MODULE))
		return NULL;
	return ucphone_handler_find(cmd);
}

static void ucphone_handler_put(const struct ucphone_nl_handler *handler)
{
	module_put(handler->owner);
}

static int ucphone_handler_missing(struct netlink_ext_ack *extack)
{
	NL_SET_ERR_MSG(extack, "SRTP offload module ucphone-srtp is not loaded");
	return -EOPNOTSUPP;
}

int ucphone_dispatch_doit(struct sk_buff *skb, struct genl_info *info)
{
	const struct ucphone_nl_handler *handler;
	int ret;

	handler = ucphone_handler_get(info->genlhdr->cmd);
	if (!handler)
		return ucphone_handler_missing(info->extack);
	if (handler->doit)
		ret = handler->doit(skb, info);
	else
		ret = -EOPNOTSUPP;
	ucphone_handler_put(handler);
	return ret;
}

/* A dump spans several recv() calls: pin the module from start to done. */
int ucphone_dispatch_start(struct netlink_callback *cb)
{
	const struct genl_dumpit_info *info = genl_dumpit_info(cb);
	const struct ucphone_nl_handler *handler;

	handler = ucphone_handler_get(info->op.cmd);
	if (!handler)
		return ucphone_handler_missing(cb->extack);
	if (!handler->dumpit) {
		ucphone_handler_put(handler);
		return -EOPNOTSUPP;
	}
	cb->args[0] = (long)handler;
	return 0;
}

int ucphone_dispatch_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	const struct ucphone_nl_handler *handler = (void *)cb->args[0];

	return handler->dumpit(skb, cb);
}

int ucphone_dispatch_done(struct netlink_callback *cb)
{
	const struct ucphone_nl_handler *handler = (void *)cb->args[0];
	int ret = 0;

	if (!handler)
		return 0;
	if (handler->done)
		ret = handler->done(cb);
	ucphone_handler_put(handler);
	return ret;
}
