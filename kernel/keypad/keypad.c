// SPDX-License-Identifier: GPL-2.0
/*
 * ucphone-keypad: the phone's key matrix (dial pad and function keys) on
 * GPIO rows and columns, and the handset hook switch on one GPIO.
 *
 * Modelled on drivers/input/keyboard/matrix_keypad.c: columns are outputs,
 * all driven active while idle, rows are inputs whose edge interrupt
 * starts a scan. The interrupt masks the rows and schedules the scan one
 * debounce period later, so a bouncing contact yields one scan, not many.
 * The scan drives one column at a time and reads every row. While any key
 * is down the rows stay masked and the matrix is polled every debounce
 * period instead, because a second key on a row that is already active
 * makes no edge; the interrupts come back once every key is up. A matrix
 * without diodes shows a phantom key when three keys form the corners of
 * a rectangle; such a scan is ambiguous and is dropped whole, keeping the
 * last unambiguous state, so no phantom key is ever reported.
 *
 * Keys go to an input device (evdev, keycodes from "linux,keymap") and,
 * with the hook, to the ucphone family's events group, both stamped with
 * the time of the interrupt edge, not of the scan.
 */
#include <linux/bitops.h>
#include <linux/delay.h>
#include <linux/device.h>
#include <linux/gpio/consumer.h>
#include <linux/input.h>
#include <linux/input/matrix_keypad.h>
#include <linux/interrupt.h>
#include <linux/jiffies.h>
#include <linux/mod_devicetable.h>
#include <linux/module.h>
#include <linux/platform_device.h>
#include <linux/pm.h>
#include <linux/property.h>
#include <linux/spinlock.h>
#include <linux/timekeeping.h>
#include <linux/workqueue.h>
#include <ucphone/core.h>

#define KEYPAD_DEFAULT_DEBOUNCE_MS 20
#define KEYPAD_MAX_DEBOUNCE_MS 1000
#define KEYPAD_MAX_SCAN_DELAY_US 10000

struct ucphone_keypad {
	struct device *dev;
	struct input_dev *input;
	struct ucphone_binding *binding;

	unsigned int num_rows, num_cols, row_shift;
	struct gpio_desc *rows[MATRIX_MAX_ROWS];
	struct gpio_desc *cols[MATRIX_MAX_COLS];
	int row_irqs[MATRIX_MAX_ROWS];
	u32 debounce_ms;
	u32 col_scan_delay_us;

	/* Protects the fields below against the row and hook interrupts. */
	spinlock_t lock;
	bool scan_pending;	/* rows masked, scan queued */
	bool stopped;		/* unbinding or suspended: no new scans */
	bool polling;		/* keys down: rescanning without interrupts */
	ktime_t scan_edge;	/* CLOCK_MONOTONIC of the edge behind the scan */
	ktime_t hook_edge;

	struct delayed_work scan_work;
	/* Rows seen active per column in the last unambiguous scan. */
	u32 reported[MATRIX_MAX_COLS];
	unsigned int ghost_scans;

	struct gpio_desc *hook;	/* asserted: handset lifted */
	int hook_irq;
	struct delayed_work hook_work;
	int hook_off;		/* reported state: 1 lifted, 0 on, -1 unknown */
};

static ktime_t keypad_boottime(ktime_t mono)
{
	return ktime_mono_to_any(mono, TK_OFFS_BOOT);
}

static void keypad_send(struct ucphone_keypad *kp,
			const struct ucphone_event *event)
{
	int ret = ucphone_event_send(kp->binding, event);

	if (ret)
		dev_warn_ratelimited(kp->dev, "event not sent: %d\n", ret);
}

static void keypad_report_key(struct ucphone_keypad *kp, unsigned int row,
			      unsigned int col, bool pressed, ktime_t edge)
{
	const unsigned short *keycodes = kp->input->keycode;
	unsigned int code = MATRIX_SCAN_CODE(row, col, kp->row_shift);
	struct ucphone_event event = {
		.type = UCPHONE_EVENT_KEY,
		.timestamp = keypad_boottime(edge),
		.key = { .code = keycodes[code], .value = pressed },
	};

	input_event(kp->input, EV_MSC, MSC_SCAN, code);
	input_report_key(kp->input, keycodes[code], pressed);
	if (keycodes[code] != KEY_RESERVED)
		keypad_send(kp, &event);
}

static void keypad_activate_col(struct ucphone_keypad *kp, unsigned int col,
				bool on)
{
	gpiod_set_value_cansleep(kp->cols[col], on);
	if (on && kp->col_scan_delay_us)
		fsleep(kp->col_scan_delay_us);
}

static void keypad_activate_all_cols(struct ucphone_keypad *kp, bool on)
{
	unsigned int col;

	for (col = 0; col < kp->num_cols; col++)
		gpiod_set_value_cansleep(kp->cols[col], on);
}

/*
 * Two columns sharing two or more active rows close a rectangle: the
 * fourth corner reads pressed whether it is or not.
 */
static bool keypad_is_ghosted(const u32 *state, unsigned int num_cols)
{
	unsigned int i, j;

	for (i = 0; i < num_cols; i++)
		for (j = i + 1; j < num_cols; j++)
			if (hweight32(state[i] & state[j]) > 1)
				return true;
	return false;
}

static void keypad_enable_rows(struct ucphone_keypad *kp)
{
	unsigned int row;

	for (row = 0; row < kp->num_rows; row++)
		enable_irq(kp->row_irqs[row]);
}

static void keypad_release_all(struct ucphone_keypad *kp, ktime_t when)
{
	unsigned int row, col;
	bool any = false;

	input_set_timestamp(kp->input, when);
	for (col = 0; col < kp->num_cols; col++) {
		for (row = 0; row < kp->num_rows; row++) {
			if (kp->reported[col] & BIT(row)) {
				keypad_report_key(kp, row, col, false, when);
				any = true;
			}
		}
		kp->reported[col] = 0;
	}
	if (any)
		input_sync(kp->input);
}

static void keypad_kick(struct ucphone_keypad *kp, ktime_t edge);

static void keypad_scan(struct work_struct *work)
{
	struct ucphone_keypad *kp = container_of(to_delayed_work(work),
						 struct ucphone_keypad,
						 scan_work);
	u32 state[MATRIX_MAX_COLS] = { };
	unsigned int row, col;
	unsigned long flags;
	bool changed = false;
	ktime_t edge;

	spin_lock_irqsave(&kp->lock, flags);
	/* A poll has no edge: what it finds happened since the last one. */
	if (kp->polling)
		kp->scan_edge = ktime_get();
	edge = kp->scan_edge;
	spin_unlock_irqrestore(&kp->lock, flags);

	keypad_activate_all_cols(kp, false);
	for (col = 0; col < kp->num_cols; col++) {
		keypad_activate_col(kp, col, true);
		for (row = 0; row < kp->num_rows; row++)
			if (gpiod_get_value_cansleep(kp->rows[row]) > 0)
				state[col] |= BIT(row);
		keypad_activate_col(kp, col, false);
	}
	keypad_activate_all_cols(kp, true);

	if (keypad_is_ghosted(state, kp->num_cols)) {
		kp->ghost_scans++;
		dev_dbg(kp->dev, "ambiguous chord ignored (%u so far)\n",
			kp->ghost_scans);
	} else {
		input_set_timestamp(kp->input, edge);
		for (col = 0; col < kp->num_cols; col++) {
			u32 diff = state[col] ^ kp->reported[col];

			for (row = 0; row < kp->num_rows; row++) {
				if (!(diff & BIT(row)))
					continue;
				keypad_report_key(kp, row, col,
						  state[col] & BIT(row), edge);
				changed = true;
			}
			kp->reported[col] = state[col];
		}
		if (changed)
			input_sync(kp->input);
	}

	for (col = 0; col < kp->num_cols; col++)
		if (state[col])
			break;
	spin_lock_irqsave(&kp->lock, flags);
	kp->polling = col < kp->num_cols && !kp->stopped;
	if (kp->polling) {
		schedule_delayed_work(&kp->scan_work,
				      msecs_to_jiffies(kp->debounce_ms));
	} else {
		kp->scan_pending = false;
		if (!kp->stopped)
			keypad_enable_rows(kp);
	}
	spin_unlock_irqrestore(&kp->lock, flags);
	if (kp->polling)
		return;
	/* A key pressed between the scan and the unmask made no edge we saw. */
	for (row = 0; row < kp->num_rows; row++) {
		if (gpiod_get_value_cansleep(kp->rows[row]) > 0) {
			keypad_kick(kp, ktime_get());
			break;
		}
	}
}

/* Starts a scan after the debounce period, unless one is under way. */
static void keypad_kick(struct ucphone_keypad *kp, ktime_t edge)
{
	unsigned long flags;
	unsigned int row;

	spin_lock_irqsave(&kp->lock, flags);
	if (kp->scan_pending || kp->stopped)
		goto out;
	/* Masked until the scan is done: bounces during debounce are ignored. */
	for (row = 0; row < kp->num_rows; row++)
		disable_irq_nosync(kp->row_irqs[row]);
	kp->scan_pending = true;
	kp->scan_edge = edge;
	schedule_delayed_work(&kp->scan_work,
			      msecs_to_jiffies(kp->debounce_ms));
out:
	spin_unlock_irqrestore(&kp->lock, flags);
}

static irqreturn_t keypad_row_irq(int irq, void *data)
{
	keypad_kick(data, ktime_get());
	return IRQ_HANDLED;
}

static void keypad_hook_report(struct ucphone_keypad *kp, int off,
			       ktime_t edge)
{
	unsigned int code = off ? KEY_PICKUP_PHONE : KEY_HANGUP_PHONE;
	struct ucphone_event event = {
		.type = UCPHONE_EVENT_HOOK,
		.timestamp = keypad_boottime(edge),
		.hook = off ? UCPHONE_HOOK_OFF : UCPHONE_HOOK_ON,
	};

	/*
	 * A hook change is one click of the matching telephony key. The state
	 * found at probe is no change: it goes to the daemon only.
	 */
	if (kp->hook_off >= 0) {
		input_set_timestamp(kp->input, edge);
		input_report_key(kp->input, code, 1);
		input_sync(kp->input);
		input_report_key(kp->input, code, 0);
		input_sync(kp->input);
	}
	kp->hook_off = off;
	keypad_send(kp, &event);
}

static void keypad_hook_work(struct work_struct *work)
{
	struct ucphone_keypad *kp = container_of(to_delayed_work(work),
						 struct ucphone_keypad,
						 hook_work);
	unsigned long flags;
	ktime_t edge;
	int off;

	off = gpiod_get_value_cansleep(kp->hook);
	if (off < 0) {
		dev_err_ratelimited(kp->dev, "cannot read hook: %d\n", off);
		return;
	}
	spin_lock_irqsave(&kp->lock, flags);
	edge = kp->hook_edge;
	spin_unlock_irqrestore(&kp->lock, flags);
	if (off != kp->hook_off)
		keypad_hook_report(kp, off, edge);
}

static irqreturn_t keypad_hook_irq(int irq, void *data)
{
	struct ucphone_keypad *kp = data;
	ktime_t now = ktime_get();
	unsigned long flags;

	spin_lock_irqsave(&kp->lock, flags);
	if (!kp->stopped) {
		/* A later edge restarts the debounce; the first one is kept. */
		if (!delayed_work_pending(&kp->hook_work))
			kp->hook_edge = now;
		mod_delayed_work(system_wq, &kp->hook_work,
				 msecs_to_jiffies(kp->debounce_ms));
	}
	spin_unlock_irqrestore(&kp->lock, flags);
	return IRQ_HANDLED;
}

/* Stops scanning and releases every key still down, so none stays stuck. */
static void keypad_stop(struct ucphone_keypad *kp)
{
	unsigned long flags;
	unsigned int row;
	bool masked;

	spin_lock_irqsave(&kp->lock, flags);
	kp->stopped = true;
	masked = kp->scan_pending;
	spin_unlock_irqrestore(&kp->lock, flags);

	/* A queued scan re-enables nothing once stopped is set. */
	cancel_delayed_work_sync(&kp->scan_work);
	for (row = 0; row < kp->num_rows; row++) {
		if (masked)
			synchronize_irq(kp->row_irqs[row]);
		else
			disable_irq(kp->row_irqs[row]);
	}
	if (kp->hook_irq > 0)
		disable_irq(kp->hook_irq);
	cancel_delayed_work_sync(&kp->hook_work);

	spin_lock_irqsave(&kp->lock, flags);
	kp->scan_pending = false;
	kp->polling = false;
	spin_unlock_irqrestore(&kp->lock, flags);
	keypad_release_all(kp, ktime_get());
}

static void keypad_start(struct ucphone_keypad *kp)
{
	unsigned long flags;

	spin_lock_irqsave(&kp->lock, flags);
	kp->stopped = false;
	/* Rows stay masked until the first scan finds what is held now. */
	kp->scan_pending = true;
	kp->scan_edge = ktime_get();
	kp->hook_edge = kp->scan_edge;
	spin_unlock_irqrestore(&kp->lock, flags);

	if (kp->hook_irq > 0)
		enable_irq(kp->hook_irq);
	schedule_delayed_work(&kp->scan_work, 0);
	if (kp->hook)
		schedule_delayed_work(&kp->hook_work, 0);
}

static void keypad_stop_action(void *data)
{
	keypad_stop(data);
}

static int keypad_get_gpios(struct ucphone_keypad *kp)
{
	struct device *dev = kp->dev;
	unsigned int i;
	int ret;

	for (i = 0; i < kp->num_rows; i++) {
		kp->rows[i] = devm_gpiod_get_index(dev, "row", i, GPIOD_IN);
		if (IS_ERR(kp->rows[i]))
			return dev_err_probe(dev, PTR_ERR(kp->rows[i]),
					     "row %u GPIO\n", i);
		gpiod_set_consumer_name(kp->rows[i], "ucphone-keypad row");
		ret = gpiod_to_irq(kp->rows[i]);
		if (ret < 0)
			return dev_err_probe(dev, ret, "row %u has no IRQ\n", i);
		kp->row_irqs[i] = ret;
	}
	for (i = 0; i < kp->num_cols; i++) {
		/* Idle with every column active, so any key raises a row. */
		kp->cols[i] = devm_gpiod_get_index(dev, "col", i,
						   GPIOD_OUT_HIGH);
		if (IS_ERR(kp->cols[i]))
			return dev_err_probe(dev, PTR_ERR(kp->cols[i]),
					     "column %u GPIO\n", i);
		gpiod_set_consumer_name(kp->cols[i], "ucphone-keypad col");
	}
	kp->hook = devm_gpiod_get_optional(dev, "hook", GPIOD_IN);
	if (IS_ERR(kp->hook))
		return dev_err_probe(dev, PTR_ERR(kp->hook), "hook GPIO\n");
	if (kp->hook) {
		gpiod_set_consumer_name(kp->hook, "ucphone-keypad hook");
		ret = gpiod_to_irq(kp->hook);
		if (ret < 0)
			return dev_err_probe(dev, ret, "hook has no IRQ\n");
		kp->hook_irq = ret;
	}
	return 0;
}

static int keypad_request_irqs(struct ucphone_keypad *kp)
{
	struct device *dev = kp->dev;
	unsigned int i;
	int ret;

	for (i = 0; i < kp->num_rows; i++) {
		ret = devm_request_any_context_irq(dev, kp->row_irqs[i],
						   keypad_row_irq,
						   IRQF_NO_AUTOEN | IRQF_TRIGGER_RISING |
						   IRQF_TRIGGER_FALLING,
						   "ucphone-keypad", kp);
		if (ret < 0)
			return dev_err_probe(dev, ret, "row %u IRQ\n", i);
	}
	if (kp->hook_irq > 0) {
		ret = devm_request_any_context_irq(dev, kp->hook_irq,
						   keypad_hook_irq,
						   IRQF_NO_AUTOEN | IRQF_TRIGGER_RISING |
						   IRQF_TRIGGER_FALLING,
						   "ucphone-hook", kp);
		if (ret < 0)
			return dev_err_probe(dev, ret, "hook IRQ\n");
	}
	return 0;
}

static int keypad_setup_input(struct ucphone_keypad *kp)
{
	struct device *dev = kp->dev;
	struct input_dev *input;
	int ret;

	input = devm_input_allocate_device(dev);
	if (!input)
		return -ENOMEM;
	input->name = "ucphone-keypad";
	input->phys = "ucphone-keypad/input0";
	input->id.bustype = BUS_HOST;
	kp->input = input;

	/* Reads "linux,keymap" through device properties (DT or swnode). */
	ret = matrix_keypad_build_keymap(NULL, NULL, kp->num_rows,
					 kp->num_cols, NULL, input);
	if (ret)
		return dev_err_probe(dev, ret, "bad linux,keymap\n");
	if (!device_property_read_bool(dev, "linux,no-autorepeat"))
		__set_bit(EV_REP, input->evbit);
	input_set_capability(input, EV_MSC, MSC_SCAN);
	if (kp->hook) {
		input_set_capability(input, EV_KEY, KEY_PICKUP_PHONE);
		input_set_capability(input, EV_KEY, KEY_HANGUP_PHONE);
	}
	input_set_drvdata(input, kp);
	return 0;
}

static int keypad_probe(struct platform_device *pdev)
{
	struct device *dev = &pdev->dev;
	struct ucphone_keypad *kp;
	int ret;

	kp = devm_kzalloc(dev, sizeof(*kp), GFP_KERNEL);
	if (!kp)
		return -ENOMEM;
	kp->dev = dev;
	kp->hook_off = -1;
	kp->stopped = true;
	spin_lock_init(&kp->lock);
	INIT_DELAYED_WORK(&kp->scan_work, keypad_scan);
	INIT_DELAYED_WORK(&kp->hook_work, keypad_hook_work);

	ret = matrix_keypad_parse_properties(dev, &kp->num_rows,
					     &kp->num_cols);
	if (ret)
		return ret;
	kp->row_shift = get_count_order(kp->num_cols);
	kp->debounce_ms = KEYPAD_DEFAULT_DEBOUNCE_MS;
	device_property_read_u32(dev, "debounce-delay-ms", &kp->debounce_ms);
	device_property_read_u32(dev, "col-scan-delay-us",
				 &kp->col_scan_delay_us);
	if (kp->debounce_ms > KEYPAD_MAX_DEBOUNCE_MS ||
	    kp->col_scan_delay_us > KEYPAD_MAX_SCAN_DELAY_US)
		return dev_err_probe(dev, -EINVAL,
				     "debounce %u ms or scan delay %u us too long\n",
				     kp->debounce_ms, kp->col_scan_delay_us);

	ret = keypad_get_gpios(kp);
	if (ret)
		return ret;
	ret = keypad_setup_input(kp);
	if (ret)
		return ret;
	kp->binding = devm_ucphone_bind(dev, UCPHONE_DRIVER_KIND_KEYPAD);
	if (IS_ERR(kp->binding))
		return dev_err_probe(dev, PTR_ERR(kp->binding), "binding\n");
	ret = keypad_request_irqs(kp);
	if (ret)
		return ret;
	ret = input_register_device(kp->input);
	if (ret)
		return ret;

	/* Runs first on unbind: nothing scans once the input device goes. */
	ret = devm_add_action_or_reset(dev, keypad_stop_action, kp);
	if (ret)
		return ret;
	platform_set_drvdata(pdev, kp);
	keypad_start(kp);
	dev_info(dev, "%ux%u matrix%s, debounce %u ms\n", kp->num_rows,
		 kp->num_cols, kp->hook ? " and hook switch" : "",
		 kp->debounce_ms);
	return 0;
}

static int keypad_suspend(struct device *dev)
{
	keypad_stop(dev_get_drvdata(dev));
	return 0;
}

static int keypad_resume(struct device *dev)
{
	keypad_start(dev_get_drvdata(dev));
	return 0;
}

static DEFINE_SIMPLE_DEV_PM_OPS(keypad_pm_ops, keypad_suspend, keypad_resume);

static const struct of_device_id keypad_of_match[] = {
	{ .compatible = "ucphone,keypad" },
	{ }
};
MODULE_DEVICE_TABLE(of, keypad_of_match);

static const struct platform_device_id keypad_ids[] = {
	{ .name = "ucphone-keypad" },
	{ }
};
MODULE_DEVICE_TABLE(platform, keypad_ids);

static struct platform_driver keypad_driver = {
	.probe = keypad_probe,
	.id_table = keypad_ids,
	.driver = {
		.name = "ucphone-keypad",
		.of_match_table = keypad_of_match,
		.pm = pm_sleep_ptr(&keypad_pm_ops),
	},
};
module_platform_driver(keypad_driver);

MODULE_DESCRIPTION("ucphone key matrix and hook switch");
MODULE_LICENSE("GPL");
