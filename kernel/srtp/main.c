// SPDX-License-Identifier: GPL-2.0
/*
 * ucphone-srtp: SRTP/SRTCP in the kernel for the daemon's RTP sockets
 * (RFC 3711, RFC 6188), configured with UCPHONE_CMD_SRTP_* of the ucphone
 * family. See include/uapi/linux/ucphone.h for the contract.
 */
#include <linux/err.h>
#include <linux/mod_devicetable.h>
#include <linux/module.h>
#include <ucphone/core.h>

#include "srtp.h"

static struct ucphone_binding *ucphone_srtp_binding;

static int __init ucphone_srtp_init(void)
{
	int ret;

	ret = ucphone_srtp_sessions_init();
	if (ret)
		return ret;
	ret = ucphone_srtp_socket_init();
	if (ret)
		goto err_sessions;
	ucphone_srtp_binding = ucphone_binding_add(UCPHONE_DRIVER_KIND_SRTP,
						   "ucphone-srtp", "srtp");
	if (IS_ERR(ucphone_srtp_binding)) {
		ret = PTR_ERR(ucphone_srtp_binding);
		goto err_socket;
	}
	ret = ucphone_srtp_netlink_init();
	if (ret)
		goto err_binding;
	return 0;

err_binding:
	ucphone_binding_remove(ucphone_srtp_binding);
err_socket:
	ucphone_srtp_socket_exit();
err_sessions:
	ucphone_srtp_sessions_exit();
	return ret;
}

static void __exit ucphone_srtp_exit(void)
{
	ucphone_srtp_netlink_exit();
	ucphone_binding_remove(ucphone_srtp_binding);
	ucphone_srtp_sessions_exit();
	ucphone_srtp_socket_exit();
}

/*
 * A board whose device tree names its SRTP engine loads this module by
 * the node's modalias, as it loads the keypad and reset drivers. The
 * engine is the kernel's crypto API: the node carries no resources.
 */
static const struct of_device_id ucphone_srtp_of_match[] = {
	{ .compatible = "ucphone,srtp" },
	{ }
};
MODULE_DEVICE_TABLE(of, ucphone_srtp_of_match);

module_init(ucphone_srtp_init);
module_exit(ucphone_srtp_exit);
MODULE_DESCRIPTION("ucphone SRTP/SRTCP offload on the daemon's UDP sockets");
MODULE_LICENSE("GPL");
