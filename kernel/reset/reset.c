// SPDX-License-Identifier: GPL-2.0
/*
 * ucphone-reset: the phone's recessed reset button on one GPIO.
 *
 * The phone's rules: a short press while running asks for a soft reset
 * (orderly restart); the button held while power is applied, until boot
 * progress completes, asks for a hard reset (wipe to factory defaults).
 * "Held while power is applied" is what probe sees: the button already
 * down when the driver starts. If it is still down "hard-reset-hold-ms"
 * after probe the press is a hard reset, sent at once (the user lets go
 * once the progress bar is full); released earlier, it is reported as a
 * soft press at power-on, which the daemon ignores. A press while running
 * is always reported as soft, with its hold time: whether a long press
 * means more is the daemon's policy, never the kernel's.
 *
 * The kernel only reports; ucphoned decides and acts. If nobody listens
 * to the events group when a soft reset is asked for, the press is logged
 * and, when the fallback_restart_ms parameter is non-zero and still nobody
 * listens that long after, the kernel restarts the phone itself
 * (orderly_reboot()). A hard reset is never done by the kernel: it cannot
 * know what the daemon keeps where.
 */
#include <linux/device.h>
#include <linux/gpio/consumer.h>
#include <linux/interrupt.h>
#include <linux/jiffies.h>
#include <linux/mod_devicetable.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/platform_device.h>
#include <linux/property.h>
#include <linux/reboot.h>
#include <linux/spinlock.h>
#include <linux/sysfs.h>
#include <linux/timekeeping.h>
#include <linux/workqueue.h>
#include <ucphone/core.h>

#define RESET_DEFAULT_DEBOUNCE_MS 20
#define RESET_DEFAULT_HARD_HOLD_MS 5000
#define RESET_MAX_MS 60000

static unsigned int fallback_restart_ms;
module_param(fallback_restart_ms, uint, 0644);
MODULE_PARM_DESC(fallback_restart_ms,
		 "restart the phone this long after a soft reset press nobody listened to (0: never)");

enum reset_state {
	RESET_IDLE,
	RESET_PRESSED,		/* down while running */
	RESET_POWER_ON_HELD,	/* down since probe, hard threshold not reached */
	RESET_POWER_ON_DONE,	/* hard reset sent, waiting for the release */
};

struct ucphone_reset {
	struct device *dev;
	struct ucphone_binding *binding;
	struct gpio_desc *button;	/* asserted: pressed */
	int irq;
	u32 debounce_ms;
	u32 hard_hold_ms;

	spinlock_t edge_lock;		/* the interrupt's edge time */
	ktime_t edge;			/* CLOCK_BOOTTIME of the first edge */

	struct mutex lock;		/* state and press_start */
	enum reset_state state;
	ktime_t press_start;

	struct delayed_work debounce_work;
	struct delayed_work hard_work;
	struct delayed_work fallback_work;
};

static u32 reset_ms_between(ktime_t from, ktime_t to)
{
	s64 ms = ktime_ms_delta(to, from);

	return ms < 0 ? 0 : (u32)min_t(s64, ms, U32_MAX);
}

static void reset_send(struct ucphone_reset *rst, enum ucphone_reset_kind kind,
		       ktime_t when, bool at_power_on)
{
	struct ucphone_event event = {
		.type = UCPHONE_EVENT_RESET_BUTTON,
		.timestamp = when,
		.reset = {
			.kind = kind,
			.hold_ms = reset_ms_between(rst->press_start, when),
			.at_power_on = at_power_on,
		},
	};
	int ret;

	dev_info(rst->dev, "%s reset asked for (held %u ms%s)\n",
		 kind == UCPHONE_RESET_HARD ? "hard" : "soft",
		 event.reset.hold_ms, at_power_on ? ", from power-on" : "");
	ret = ucphone_event_send(rst->binding, &event);
	if (ret)
		dev_warn(rst->dev, "reset event not sent: %d\n", ret);
	if (ucphone_events_have_listeners() || at_power_on ||
	    kind != UCPHONE_RESET_SOFT)
		return;
	if (!fallback_restart_ms) {
		dev_notice(rst->dev, "no daemon listening; reset press ignored\n");
		return;
	}
	dev_notice(rst->dev, "no daemon listening; restarting in %u ms unless one appears\n",
		   fallback_restart_ms);
	mod_delayed_work(system_wq, &rst->fallback_work,
			 msecs_to_jiffies(fallback_restart_ms));
}

static void reset_fallback(struct work_struct *work)
{
	struct ucphone_reset *rst = container_of(to_delayed_work(work),
						 struct ucphone_reset,
						 fallback_work);

	if (ucphone_events_have_listeners()) {
		dev_info(rst->dev, "a daemon listens now; no kernel restart\n");
		return;
	}
	dev_emerg(rst->dev, "soft reset with no daemon: restarting\n");
	orderly_reboot();
}

static void reset_hard_timeout(struct work_struct *work)
{
	struct ucphone_reset *rst = container_of(to_delayed_work(work),
						 struct ucphone_reset,
						 hard_work);

	ktime_t now = ktime_get_boottime();
	u32 held;

	mutex_lock(&rst->lock);
	held = reset_ms_between(rst->press_start, now);
	/* Timers run on jiffies; the hold time is the clock's word. */
	if (rst->state == RESET_POWER_ON_HELD && held < rst->hard_hold_ms) {
		schedule_delayed_work(&rst->hard_work,
				      msecs_to_jiffies(rst->hard_hold_ms - held) + 1);
	} else if (rst->state == RESET_POWER_ON_HELD &&
		   gpiod_get_value_cansleep(rst->button) > 0) {
		/* A release still in its debounce period is handled there. */
		rst->state = RESET_POWER_ON_DONE;
		reset_send(rst, UCPHONE_RESET_HARD, now, true);
	}
	mutex_unlock(&rst->lock);
}

static void reset_debounced(struct work_struct *work)
{
	struct ucphone_reset *rst = container_of(to_delayed_work(work),
						 struct ucphone_reset,
						 debounce_work);
	unsigned long flags;
	ktime_t edge;
	int pressed;

	pressed = gpiod_get_value_cansleep(rst->button);
	if (pressed < 0) {
		dev_err_ratelimited(rst->dev, "cannot read button: %d\n",
				    pressed);
		return;
	}
	spin_lock_irqsave(&rst->edge_lock, flags);
	edge = rst->edge;
	spin_unlock_irqrestore(&rst->edge_lock, flags);

	mutex_lock(&rst->lock);
	switch (rst->state) {
	case RESET_IDLE:
		if (pressed) {
			rst->state = RESET_PRESSED;
			rst->press_start = edge;
		}
		break;
	case RESET_PRESSED:
		if (!pressed) {
			rst->state = RESET_IDLE;
			reset_send(rst, UCPHONE_RESET_SOFT, edge, false);
		}
		break;
	case RESET_POWER_ON_HELD:
		if (!pressed) {
			rst->state = RESET_IDLE;
			cancel_delayed_work(&rst->hard_work);
			reset_send(rst, UCPHONE_RESET_SOFT, edge, true);
		}
		break;
	case RESET_POWER_ON_DONE:
		if (!pressed)
			rst->state = RESET_IDLE;
		break;
	}
	mutex_unlock(&rst->lock);
}

static irqreturn_t reset_irq(int irq, void *data)
{
	struct ucphone_reset *rst = data;
	ktime_t now = ktime_get_boottime();
	unsigned long flags;

	spin_lock_irqsave(&rst->edge_lock, flags);
	/* Bounces restart the debounce; the first edge's time is kept. */
	if (!delayed_work_pending(&rst->debounce_work))
		rst->edge = now;
	mod_delayed_work(system_wq, &rst->debounce_work,
			 msecs_to_jiffies(rst->debounce_ms));
	spin_unlock_irqrestore(&rst->edge_lock, flags);
	return IRQ_HANDLED;
}

static void reset_stop(void *data)
{
	struct ucphone_reset *rst = data;

	disable_irq(rst->irq);
	cancel_delayed_work_sync(&rst->debounce_work);
	cancel_delayed_work_sync(&rst->hard_work);
	cancel_delayed_work_sync(&rst->fallback_work);
}

/*
 * power_on_hold: the hard-reset window as the phone's screen draws it (its
 * boot progress bar goes across over the same window). "held ELAPSED_MS
 * WINDOW_MS" while the button is down since power-on and the window runs,
 * "hard" once the hard reset was asked for and the button is still down,
 * "none" otherwise.
 */
static ssize_t power_on_hold_show(struct device *dev,
				  struct device_attribute *attr, char *buf)
{
	struct ucphone_reset *rst = dev_get_drvdata(dev);
	ssize_t len;

	mutex_lock(&rst->lock);
	switch (rst->state) {
	case RESET_POWER_ON_HELD:
		len = sysfs_emit(buf, "held %u %u\n",
				 reset_ms_between(rst->press_start,
						  ktime_get_boottime()),
				 rst->hard_hold_ms);
		break;
	case RESET_POWER_ON_DONE:
		len = sysfs_emit(buf, "hard\n");
		break;
	default:
		len = sysfs_emit(buf, "none\n");
		break;
	}
	mutex_unlock(&rst->lock);
	return len;
}
static DEVICE_ATTR_RO(power_on_hold);

static struct attribute *reset_attrs[] = {
	&dev_attr_power_on_hold.attr,
	NULL
};
ATTRIBUTE_GROUPS(reset);

static int reset_probe(struct platform_device *pdev)
{
	struct device *dev = &pdev->dev;
	struct ucphone_reset *rst;
	int ret;

	rst = devm_kzalloc(dev, sizeof(*rst), GFP_KERNEL);
	if (!rst)
		return -ENOMEM;
	rst->dev = dev;
	platform_set_drvdata(pdev, rst);
	spin_lock_init(&rst->edge_lock);
	mutex_init(&rst->lock);
	INIT_DELAYED_WORK(&rst->debounce_work, reset_debounced);
	INIT_DELAYED_WORK(&rst->hard_work, reset_hard_timeout);
	INIT_DELAYED_WORK(&rst->fallback_work, reset_fallback);

	rst->debounce_ms = RESET_DEFAULT_DEBOUNCE_MS;
	rst->hard_hold_ms = RESET_DEFAULT_HARD_HOLD_MS;
	device_property_read_u32(dev, "debounce-delay-ms", &rst->debounce_ms);
	device_property_read_u32(dev, "hard-reset-hold-ms", &rst->hard_hold_ms);
	if (rst->debounce_ms > RESET_MAX_MS || rst->hard_hold_ms > RESET_MAX_MS)
		return dev_err_probe(dev, -EINVAL, "durations above %u ms\n",
				     RESET_MAX_MS);

	rst->button = devm_gpiod_get(dev, "reset", GPIOD_IN);
	if (IS_ERR(rst->button))
		return dev_err_probe(dev, PTR_ERR(rst->button), "reset GPIO\n");
	gpiod_set_consumer_name(rst->button, "ucphone-reset");
	rst->irq = gpiod_to_irq(rst->button);
	if (rst->irq < 0)
		return dev_err_probe(dev, rst->irq, "reset GPIO has no IRQ\n");

	rst->binding = devm_ucphone_bind(dev, UCPHONE_DRIVER_KIND_RESET);
	if (IS_ERR(rst->binding))
		return dev_err_probe(dev, PTR_ERR(rst->binding), "binding\n");

	ret = devm_request_any_context_irq(dev, rst->irq, reset_irq,
					   IRQF_NO_AUTOEN | IRQF_TRIGGER_RISING |
					   IRQF_TRIGGER_FALLING,
					   "ucphone-reset", rst);
	if (ret < 0)
		return dev_err_probe(dev, ret, "reset IRQ\n");

	rst->press_start = ktime_get_boottime();
	ret = gpiod_get_value_cansleep(rst->button);
	if (ret < 0)
		return dev_err_probe(dev, ret, "reading the button\n");
	if (ret) {
		/* Held since power-on: a hard reset if held long enough. */
		rst->state = RESET_POWER_ON_HELD;
		schedule_delayed_work(&rst->hard_work,
				      msecs_to_jiffies(rst->hard_hold_ms));
		dev_info(dev, "button held at start; hard reset after %u ms\n",
			 rst->hard_hold_ms);
	}
	enable_irq(rst->irq);
	ret = devm_add_action_or_reset(dev, reset_stop, rst);
	if (ret)
		return ret;
	return 0;
}

static const struct of_device_id reset_of_match[] = {
	{ .compatible = "ucphone,reset-button" },
	{ }
};
MODULE_DEVICE_TABLE(of, reset_of_match);

static const struct platform_device_id reset_ids[] = {
	{ .name = "ucphone-reset" },
	{ }
};
MODULE_DEVICE_TABLE(platform, reset_ids);

static struct platform_driver reset_driver = {
	.probe = reset_probe,
	.id_table = reset_ids,
	.driver = {
		.name = "ucphone-reset",
		.of_match_table = reset_of_match,
		.dev_groups = reset_groups,
	},
};
module_platform_driver(reset_driver);

MODULE_DESCRIPTION("ucphone reset button: soft and hard reset requests");
MODULE_LICENSE("GPL");
