// SPDX-License-Identifier: GPL-2.0
/*
 * ucphone.ko: the core every ucphone driver module depends on. It owns the
 * "ucphone" generic netlink family, the list of bound drivers and the
 * event group through which the drivers speak to the daemon.
 */
#include <linux/module.h>
#include <net/genetlink.h>

#include "core.h"

static int __init ucphone_init(void)
{
	int ret;

	ret = ucphone_netlink_init();
	if (ret)
		return ret;
	pr_info("ucphone: core loaded, netlink family %s version %u\n",
		UCPHONE_GENL_NAME, UCPHONE_GENL_VERSION);
	return 0;
}

static void __exit ucphone_exit(void)
{
	ucphone_netlink_exit();
}

module_init(ucphone_init);
module_exit(ucphone_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("ucphone desk phone core: netlink family and driver events");
MODULE_AUTHOR("The ucphone developers");
MODULE_ALIAS_GENL_FAMILY(UCPHONE_GENL_NAME);
