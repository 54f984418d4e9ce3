// SPDX-License-Identifier: GPL-2.0
/*
 * ucphone-test-source: a test-only stand-in for a phone driver.
 *
 * It binds like a driver (kind TEST) and sends events through the core's
 * exported event API when a test writes a line to
 * /sys/kernel/debug/ucphone-test-source/emit:
 *
 *	key <code> <0|1>		a key released/pressed
 *	hook <on|off>			handset in the cradle/lifted
 *	reset <soft|hard> <hold_ms> [power-on]
 *	route <handset|headset|speaker>
 *	burst <n>			n key events in a row (overrun tests)
 *
 * It lives under tests/ and exercises the same code path a real driver
 * does; no ucphone driver carries a test hook of its own.
 */
#include <linux/debugfs.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <ucphone/core.h>

#define TEST_SOURCE_NAME "ucphone-test-source"

struct test_source {
	struct ucphone_binding *binding;
	struct dentry *dir;
};

static struct test_source test_source;

static int test_source_parse(char *line, struct ucphone_event *event,
			     unsigned int *repeat)
{
	char *verb = strsep(&line, " ");
	char *arg1 = strsep(&line, " ");
	char *arg2 = strsep(&line, " ");
	char *arg3 = strsep(&line, " ");

	*repeat = 1;
	event->timestamp = ktime_get_boottime();
	if (!verb || !arg1)
		return -EINVAL;

	if (!strcmp(verb, "key") || !strcmp(verb, "burst")) {
		event->type = UCPHONE_EVENT_KEY;
		if (!strcmp(verb, "burst")) {
			event->key.code = 2;
			event->key.value = 1;
			return kstrtouint(arg1, 0, repeat);
		}
		if (!arg2 || kstrtou32(arg1, 0, &event->key.code) ||
		    kstrtou32(arg2, 0, &event->key.value) || event->key.value > 1)
			return -EINVAL;
		return 0;
	}
	if (!strcmp(verb, "hook")) {
		event->type = UCPHONE_EVENT_HOOK;
		if (!strcmp(arg1, "on"))
			event->hook = UCPHONE_HOOK_ON;
		else if (!strcmp(arg1, "off"))
			event->hook = UCPHONE_HOOK_OFF;
		else
			return -EINVAL;
		return 0;
	}
	if (!strcmp(verb, "reset")) {
		event->type = UCPHONE_EVENT_RESET_BUTTON;
		if (!strcmp(arg1, "soft"))
			event->reset.kind = UCPHONE_RESET_SOFT;
		else if (!strcmp(arg1, "hard"))
			event->reset.kind = UCPHONE_RESET_HARD;
		else
			return -EINVAL;
		if (!arg2 || kstrtou32(arg2, 0, &event->reset.hold_ms))
			return -EINVAL;
		event->reset.at_power_on = arg3 && !strcmp(arg3, "power-on");
		return 0;
	}
	if (!strcmp(verb, "route")) {
		event->type = UCPHONE_EVENT_AUDIO_ROUTE;
		if (!strcmp(arg1, "handset"))
			event->audio_route = UCPHONE_AUDIO_ROUTE_HANDSET;
		else if (!strcmp(arg1, "headset"))
			event->audio_route = UCPHONE_AUDIO_ROUTE_HEADSET;
		else if (!strcmp(arg1, "speaker"))
			event->audio_route = UCPHONE_AUDIO_ROUTE_SPEAKER;
		else
			return -EINVAL;
		return 0;
	}
	return -EINVAL;
}

static ssize_t test_source_emit(struct file *file, const char __user *buf,
				size_t len, loff_t *ppos)
{
	struct ucphone_event event = {};
	unsigned int repeat, i;
	char line[64];
	int ret;

	if (len >= sizeof(line))
		return -EINVAL;
	if (copy_from_user(line, buf, len))
		return -EFAULT;
	line[len] = '\0';
	strim(line);

	ret = test_source_parse(line, &event, &repeat);
	if (ret)
		return ret;
	for (i = 0; i < repeat; i++) {
		ret = ucphone_event_send(test_source.binding, &event);
		/* A full listener is the overrun a burst is meant to cause. */
		if (ret && ret != -ENOBUFS)
			return ret;
	}
	return len;
}

static const struct file_operations test_source_emit_fops = {
	.owner = THIS_MODULE,
	.write = test_source_emit,
	.llseek = noop_llseek,
};

static int __init test_source_init(void)
{
	test_source.binding = ucphone_binding_add(UCPHONE_DRIVER_KIND_TEST,
						  TEST_SOURCE_NAME,
						  "test-source0");
	if (IS_ERR(test_source.binding))
		return PTR_ERR(test_source.binding);
	test_source.dir = debugfs_create_dir(TEST_SOURCE_NAME, NULL);
	debugfs_create_file("emit", 0200, test_source.dir, NULL,
			    &test_source_emit_fops);
	return 0;
}

static void __exit test_source_exit(void)
{
	/* Writers are gone once debugfs_remove returns. */
	debugfs_remove(test_source.dir);
	ucphone_binding_remove(test_source.binding);
}

module_init(test_source_init);
module_exit(test_source_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("ucphone test-only event source");
