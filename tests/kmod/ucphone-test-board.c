// SPDX-License-Identifier: GPL-2.0
/*
 * ucphone-test-board: the phone's keypad wiring for the test VM, where
 * there is no device tree. Test-only; never shipped.
 *
 * The key switches, the hook switch and the reset button are lines of a
 * gpio-sim bank labelled "kpd-sim" (made by the test through configfs
 * before this module loads); a test presses a key by pulling its line up.
 * gpio-sim cannot model a key matrix (a row's level depends on which
 * column the scanner drives), so this module adds one: a GPIO chip
 * "kpd-matrix" whose row inputs are computed from the key switches and
 * the column outputs like a matrix without diodes, phantom keys included,
 * and whose row interrupts fire on the edges that follows.
 *
 *	kpd-sim line r * 6 + c	key at row r, column c (4 rows, 6 columns)
 *	kpd-sim line 24		hook switch, up = handset lifted
 *	kpd-sim line 25		reset button, up = pressed
 *	kpd-matrix lines 0..3	rows; 4..9 columns (active high)
 *
 * Then it registers the platform devices "ucphone-keypad" and
 * "ucphone-reset" with software-node properties, the same ones the DT
 * bindings name, and gpiod lookup tables pointing at those lines (6.1's
 * gpiolib does not resolve software-node GPIO references).
 */
#include <linux/bitmap.h>
#include <linux/gpio/consumer.h>
#include <linux/gpio/driver.h>
#include <linux/gpio/machine.h>
#include <linux/input.h>
#include <linux/input/matrix_keypad.h>
#include <linux/interrupt.h>
#include <linux/irq.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/platform_device.h>
#include <linux/property.h>

#define BOARD_ROWS 4
#define BOARD_COLS 6
#define BOARD_KEYS (BOARD_ROWS * BOARD_COLS)
#define BOARD_SIM_LABEL "kpd-sim"
#define BOARD_MATRIX_LABEL "kpd-matrix"
#define BOARD_HOOK_LINE BOARD_KEYS
#define BOARD_RESET_LINE (BOARD_KEYS + 1)

static unsigned int debounce_ms = 20;
module_param(debounce_ms, uint, 0444);
MODULE_PARM_DESC(debounce_ms, "keypad debounce-delay-ms");
static unsigned int reset_hold_ms = 500;
module_param(reset_hold_ms, uint, 0444);
MODULE_PARM_DESC(reset_hold_ms, "reset hard-reset-hold-ms");

/* The phone's keymap: dial pad in columns 0-2, function keys in 3-5. */
static const u32 board_keymap[] = {
	KEY(0, 0, KEY_1), KEY(0, 1, KEY_2), KEY(0, 2, KEY_3),
	KEY(1, 0, KEY_4), KEY(1, 1, KEY_5), KEY(1, 2, KEY_6),
	KEY(2, 0, KEY_7), KEY(2, 1, KEY_8), KEY(2, 2, KEY_9),
	KEY(3, 0, KEY_NUMERIC_STAR), KEY(3, 1, KEY_0),
	KEY(3, 2, KEY_NUMERIC_POUND),
	KEY(0, 3, KEY_VOLUMEUP), KEY(1, 3, KEY_VOLUMEDOWN),
	KEY(2, 3, KEY_PAUSE),		/* hold */
	KEY(3, 3, KEY_MENU),
	KEY(0, 4, KEY_MICMUTE),		/* mute */
	KEY(1, 4, KEY_SOUND),		/* speaker */
	KEY(2, 4, KEY_PHONE),		/* headset */
	KEY(3, 4, KEY_OK),
	KEY(0, 5, KEY_VOICEMAIL),	/* message */
	KEY(1, 5, KEY_LAST),		/* redial */
	KEY(2, 5, KEY_FORWARD),		/* transfer */
	KEY(3, 5, KEY_ADDRESSBOOK),	/* directory */
};

struct board_matrix {
	struct gpio_chip gc;
	struct platform_device *pdev;
	struct gpio_desc *keys[BOARD_KEYS];
	int key_irqs[BOARD_KEYS];

	struct mutex lock;		/* the electrical state below */
	DECLARE_BITMAP(pressed, BOARD_KEYS);
	unsigned long cols_active;
	unsigned long rows_level;

	unsigned long irq_enabled;	/* rows, atomic bit ops */
	unsigned int irq_type[BOARD_ROWS];
};

static struct board_matrix board_matrix;
static struct platform_device *board_keypad, *board_reset;

/*
 * Current flows from each driven column through closed switches to rows,
 * and through further switches on to other columns and rows: without
 * diodes, three keys on a rectangle light up the fourth corner's row.
 */
static unsigned long board_matrix_rows(const struct board_matrix *m)
{
	unsigned long cols = m->cols_active, rows = 0;
	bool grew = true;
	unsigned int key;

	while (grew) {
		grew = false;
		for_each_set_bit(key, m->pressed, BOARD_KEYS) {
			unsigned int r = key / BOARD_COLS, c = key % BOARD_COLS;

			if ((cols & BIT(c)) && !(rows & BIT(r))) {
				rows |= BIT(r);
				grew = true;
			}
			if ((rows & BIT(r)) && !(cols & BIT(c))) {
				cols |= BIT(c);
				grew = true;
			}
		}
	}
	return rows;
}

/* Called with the lock held; returns the rows whose level changed. */
static unsigned long board_matrix_update(struct board_matrix *m)
{
	unsigned long rows = board_matrix_rows(m);
	unsigned long changed = rows ^ m->rows_level;

	m->rows_level = rows;
	return changed;
}

/* Runs the row interrupts for @changed; from thread context, unlocked. */
static void board_matrix_fire(struct board_matrix *m, unsigned long changed,
			      unsigned long level)
{
	unsigned int row;

	for_each_set_bit(row, &changed, BOARD_ROWS) {
		unsigned int want = level & BIT(row) ? IRQ_TYPE_EDGE_RISING :
						       IRQ_TYPE_EDGE_FALLING;

		if (!test_bit(row, &m->irq_enabled) ||
		    !(READ_ONCE(m->irq_type[row]) & want))
			continue;
		handle_nested_irq(irq_find_mapping(m->gc.irq.domain, row));
	}
}

static int board_matrix_get_direction(struct gpio_chip *gc,
				      unsigned int offset)
{
	return offset < BOARD_ROWS ? GPIO_LINE_DIRECTION_IN :
				     GPIO_LINE_DIRECTION_OUT;
}

static int board_matrix_direction_input(struct gpio_chip *gc,
					unsigned int offset)
{
	return offset < BOARD_ROWS ? 0 : -EINVAL;
}

static void board_matrix_set(struct gpio_chip *gc, unsigned int offset,
			     int value)
{
	struct board_matrix *m = gpiochip_get_data(gc);
	unsigned long changed, level;

	if (offset < BOARD_ROWS)
		return;
	mutex_lock(&m->lock);
	if (value)
		m->cols_active |= BIT(offset - BOARD_ROWS);
	else
		m->cols_active &= ~BIT(offset - BOARD_ROWS);
	changed = board_matrix_update(m);
	level = m->rows_level;
	mutex_unlock(&m->lock);
	board_matrix_fire(m, changed, level);
}

static int board_matrix_direction_output(struct gpio_chip *gc,
					 unsigned int offset, int value)
{
	if (offset < BOARD_ROWS)
		return -EINVAL;
	board_matrix_set(gc, offset, value);
	return 0;
}

static int board_matrix_get(struct gpio_chip *gc, unsigned int offset)
{
	struct board_matrix *m = gpiochip_get_data(gc);
	int value;

	mutex_lock(&m->lock);
	if (offset < BOARD_ROWS)
		value = !!(m->rows_level & BIT(offset));
	else
		value = !!(m->cols_active & BIT(offset - BOARD_ROWS));
	mutex_unlock(&m->lock);
	return value;
}

static void board_matrix_irq_mask(struct irq_data *d)
{
	struct gpio_chip *gc = irq_data_get_irq_chip_data(d);
	struct board_matrix *m = gpiochip_get_data(gc);

	clear_bit(irqd_to_hwirq(d), &m->irq_enabled);
	gpiochip_disable_irq(gc, irqd_to_hwirq(d));
}

static void board_matrix_irq_unmask(struct irq_data *d)
{
	struct gpio_chip *gc = irq_data_get_irq_chip_data(d);
	struct board_matrix *m = gpiochip_get_data(gc);

	gpiochip_enable_irq(gc, irqd_to_hwirq(d));
	set_bit(irqd_to_hwirq(d), &m->irq_enabled);
}

static int board_matrix_irq_set_type(struct irq_data *d, unsigned int type)
{
	struct gpio_chip *gc = irq_data_get_irq_chip_data(d);
	struct board_matrix *m = gpiochip_get_data(gc);

	if (irqd_to_hwirq(d) >= BOARD_ROWS || (type & ~IRQ_TYPE_EDGE_BOTH))
		return -EINVAL;
	WRITE_ONCE(m->irq_type[irqd_to_hwirq(d)], type);
	return 0;
}

static const struct irq_chip board_matrix_irq_chip = {
	.name = BOARD_MATRIX_LABEL,
	.irq_mask = board_matrix_irq_mask,
	.irq_unmask = board_matrix_irq_unmask,
	.irq_set_type = board_matrix_irq_set_type,
	.flags = IRQCHIP_IMMUTABLE,
	GPIOCHIP_IRQ_RESOURCE_HELPERS,
};

static irqreturn_t board_key_irq(int irq, void *data)
{
	struct board_matrix *m = data;
	unsigned long changed, level;
	unsigned int key;
	int value;

	for (key = 0; key < BOARD_KEYS; key++)
		if (m->key_irqs[key] == irq)
			break;
	if (key == BOARD_KEYS)
		return IRQ_NONE;
	value = gpiod_get_value_cansleep(m->keys[key]);
	if (value < 0)
		return IRQ_HANDLED;
	mutex_lock(&m->lock);
	if (value)
		__set_bit(key, m->pressed);
	else
		__clear_bit(key, m->pressed);
	changed = board_matrix_update(m);
	level = m->rows_level;
	mutex_unlock(&m->lock);
	board_matrix_fire(m, changed, level);
	return IRQ_HANDLED;
}

static struct gpiod_lookup_table board_matrix_lookup = {
	.dev_id = "ucphone-test-matrix",
	.table = {
		GPIO_LOOKUP_IDX(BOARD_SIM_LABEL, 0, "key", 0, GPIO_ACTIVE_HIGH),
		GPIO_LOOKUP_IDX(BOARD_SIM_LABEL, 1, "key", 1, GPIO_ACTIVE_HIGH),
		GPIO_LOOKUP_IDX(BOARD_SIM_LABEL, 2, "key", 2, GPIO_ACTIVE_HIGH),
		GPIO_LOOKUP_IDX(BOARD_SIM_LABEL, 3, "key", 3, GPIO_ACTIVE_HIGH),
		GPIO_LOOKUP_IDX(BOARD_SIM_LABEL, 4, "key", 4, GPIO_ACTIVE_HIGH),
		GPIO_LOOKUP_IDX(BOARD_SIM_LABEL, 5, "key", 5, GPIO_ACTIVE_HIGH),
		GPIO_LOOKUP_IDX(BOARD_SIM_LABEL, 6, "key", 6, GPIO_ACTIVE_HIGH),
		GPIO_LOOKUP_IDX(BOARD_SIM_LABEL, 7, "key", 7, GPIO_ACTIVE_HIGH),
		GPIO_LOOKUP_IDX(BOARD_SIM_LABEL, 8, "key", 8, GPIO_ACTIVE_HIGH),
		GPIO_LOOKUP_IDX(BOARD_SIM_LABEL, 9, "key", 9, GPIO_ACTIVE_HIGH),
		GPIO_LOOKUP_IDX(BOARD_SIM_LABEL, 10, "key", 10, GPIO_ACTIVE_HIGH),
		GPIO_LOOKUP_IDX(BOARD_SIM_LABEL, 11, "key", 11, GPIO_ACTIVE_HIGH),
		GPIO_LOOKUP_IDX(BOARD_SIM_LABEL, 12, "key", 12, GPIO_ACTIVE_HIGH),
		GPIO_LOOKUP_IDX(BOARD_SIM_LABEL, 13, "key", 13, GPIO_ACTIVE_HIGH),
		GPIO_LOOKUP_IDX(BOARD_SIM_LABEL, 14, "key", 14, GPIO_ACTIVE_HIGH),
		GPIO_LOOKUP_IDX(BOARD_SIM_LABEL, 15, "key", 15, GPIO_ACTIVE_HIGH),
		GPIO_LOOKUP_IDX(BOARD_SIM_LABEL, 16, "key", 16, GPIO_ACTIVE_HIGH),
		GPIO_LOOKUP_IDX(BOARD_SIM_LABEL, 17, "key", 17, GPIO_ACTIVE_HIGH),
		GPIO_LOOKUP_IDX(BOARD_SIM_LABEL, 18, "key", 18, GPIO_ACTIVE_HIGH),
		GPIO_LOOKUP_IDX(BOARD_SIM_LABEL, 19, "key", 19, GPIO_ACTIVE_HIGH),
		GPIO_LOOKUP_IDX(BOARD_SIM_LABEL, 20, "key", 20, GPIO_ACTIVE_HIGH),
		GPIO_LOOKUP_IDX(BOARD_SIM_LABEL, 21, "key", 21, GPIO_ACTIVE_HIGH),
		GPIO_LOOKUP_IDX(BOARD_SIM_LABEL, 22, "key", 22, GPIO_ACTIVE_HIGH),
		GPIO_LOOKUP_IDX(BOARD_SIM_LABEL, 23, "key", 23, GPIO_ACTIVE_HIGH),
		{ }
	},
};

static struct gpiod_lookup_table board_keypad_lookup = {
	.dev_id = "ucphone-keypad",
	.table = {
		GPIO_LOOKUP_IDX(BOARD_MATRIX_LABEL, 0, "row", 0, GPIO_ACTIVE_HIGH),
		GPIO_LOOKUP_IDX(BOARD_MATRIX_LABEL, 1, "row", 1, GPIO_ACTIVE_HIGH),
		GPIO_LOOKUP_IDX(BOARD_MATRIX_LABEL, 2, "row", 2, GPIO_ACTIVE_HIGH),
		GPIO_LOOKUP_IDX(BOARD_MATRIX_LABEL, 3, "row", 3, GPIO_ACTIVE_HIGH),
		GPIO_LOOKUP_IDX(BOARD_MATRIX_LABEL, BOARD_ROWS + 0, "col", 0,
				GPIO_ACTIVE_HIGH),
		GPIO_LOOKUP_IDX(BOARD_MATRIX_LABEL, BOARD_ROWS + 1, "col", 1,
				GPIO_ACTIVE_HIGH),
		GPIO_LOOKUP_IDX(BOARD_MATRIX_LABEL, BOARD_ROWS + 2, "col", 2,
				GPIO_ACTIVE_HIGH),
		GPIO_LOOKUP_IDX(BOARD_MATRIX_LABEL, BOARD_ROWS + 3, "col", 3,
				GPIO_ACTIVE_HIGH),
		GPIO_LOOKUP_IDX(BOARD_MATRIX_LABEL, BOARD_ROWS + 4, "col", 4,
				GPIO_ACTIVE_HIGH),
		GPIO_LOOKUP_IDX(BOARD_MATRIX_LABEL, BOARD_ROWS + 5, "col", 5,
				GPIO_ACTIVE_HIGH),
		GPIO_LOOKUP(BOARD_SIM_LABEL, BOARD_HOOK_LINE, "hook",
			    GPIO_ACTIVE_HIGH),
		{ }
	},
};

static struct gpiod_lookup_table board_reset_lookup = {
	.dev_id = "ucphone-reset",
	.table = {
		GPIO_LOOKUP(BOARD_SIM_LABEL, BOARD_RESET_LINE, "reset",
			    GPIO_ACTIVE_HIGH),
		{ }
	},
};

static void board_matrix_free_irqs(struct board_matrix *m, unsigned int n)
{
	while (n--)
		free_irq(m->key_irqs[n], m);
}

static void board_matrix_put_keys(struct board_matrix *m)
{
	unsigned int key;

	for (key = 0; key < BOARD_KEYS; key++)
		if (!IS_ERR_OR_NULL(m->keys[key]))
			gpiod_put(m->keys[key]);
}

static int board_matrix_add(struct board_matrix *m)
{
	struct gpio_irq_chip *girq;
	unsigned int key;
	int ret;

	mutex_init(&m->lock);
	m->pdev = platform_device_register_simple("ucphone-test-matrix",
						  PLATFORM_DEVID_NONE, NULL, 0);
	if (IS_ERR(m->pdev))
		return PTR_ERR(m->pdev);

	for (key = 0; key < BOARD_KEYS; key++) {
		m->keys[key] = gpiod_get_index(&m->pdev->dev, "key", key,
					       GPIOD_IN);
		if (IS_ERR(m->keys[key])) {
			ret = PTR_ERR(m->keys[key]);
			pr_err("ucphone-test-board: %s line %u: %d (is the gpio-sim bank live?)\n",
			       BOARD_SIM_LABEL, key, ret);
			goto err_keys;
		}
		ret = gpiod_to_irq(m->keys[key]);
		if (ret < 0)
			goto err_keys;
		m->key_irqs[key] = ret;
	}

	m->gc.label = BOARD_MATRIX_LABEL;
	m->gc.parent = &m->pdev->dev;
	m->gc.owner = THIS_MODULE;
	m->gc.base = -1;
	m->gc.ngpio = BOARD_ROWS + BOARD_COLS;
	m->gc.can_sleep = true;
	m->gc.get_direction = board_matrix_get_direction;
	m->gc.direction_input = board_matrix_direction_input;
	m->gc.direction_output = board_matrix_direction_output;
	m->gc.get = board_matrix_get;
	m->gc.set = board_matrix_set;
	girq = &m->gc.irq;
	gpio_irq_chip_set_chip(girq, &board_matrix_irq_chip);
	girq->handler = handle_simple_irq;
	girq->default_type = IRQ_TYPE_NONE;
	girq->threaded = true;
	ret = gpiochip_add_data(&m->gc, m);
	if (ret)
		goto err_keys;

	for (key = 0; key < BOARD_KEYS; key++) {
		ret = request_threaded_irq(m->key_irqs[key], NULL,
					   board_key_irq,
					   IRQF_ONESHOT | IRQF_TRIGGER_RISING |
					   IRQF_TRIGGER_FALLING,
					   "ucphone-test-key", m);
		if (ret) {
			board_matrix_free_irqs(m, key);
			goto err_chip;
		}
	}
	return 0;

err_chip:
	gpiochip_remove(&m->gc);
err_keys:
	board_matrix_put_keys(m);
	platform_device_unregister(m->pdev);
	return ret;
}

static void board_matrix_remove(struct board_matrix *m)
{
	board_matrix_free_irqs(m, BOARD_KEYS);
	gpiochip_remove(&m->gc);
	board_matrix_put_keys(m);
	platform_device_unregister(m->pdev);
}

static struct platform_device *board_add_device(const char *name,
						const struct property_entry *props)
{
	struct platform_device_info info = {
		.name = name,
		.id = PLATFORM_DEVID_NONE,
		.properties = props,
	};

	return platform_device_register_full(&info);
}

static int __init board_init(void)
{
	const struct property_entry keypad_props[] = {
		PROPERTY_ENTRY_U32("keypad,num-rows", BOARD_ROWS),
		PROPERTY_ENTRY_U32("keypad,num-columns", BOARD_COLS),
		PROPERTY_ENTRY_U32_ARRAY("linux,keymap", board_keymap),
		PROPERTY_ENTRY_U32("debounce-delay-ms", debounce_ms),
		PROPERTY_ENTRY_U32("col-scan-delay-us", 5),
		{ }
	};
	const struct property_entry reset_props[] = {
		PROPERTY_ENTRY_U32("debounce-delay-ms", 20),
		PROPERTY_ENTRY_U32("hard-reset-hold-ms", reset_hold_ms),
		{ }
	};
	int ret;

	gpiod_add_lookup_table(&board_matrix_lookup);
	gpiod_add_lookup_table(&board_keypad_lookup);
	gpiod_add_lookup_table(&board_reset_lookup);
	ret = board_matrix_add(&board_matrix);
	if (ret)
		goto err_lookups;
	board_keypad = board_add_device("ucphone-keypad", keypad_props);
	if (IS_ERR(board_keypad)) {
		ret = PTR_ERR(board_keypad);
		goto err_matrix;
	}
	board_reset = board_add_device("ucphone-reset", reset_props);
	if (IS_ERR(board_reset)) {
		ret = PTR_ERR(board_reset);
		goto err_keypad;
	}
	return 0;

err_keypad:
	platform_device_unregister(board_keypad);
err_matrix:
	board_matrix_remove(&board_matrix);
err_lookups:
	gpiod_remove_lookup_table(&board_reset_lookup);
	gpiod_remove_lookup_table(&board_keypad_lookup);
	gpiod_remove_lookup_table(&board_matrix_lookup);
	return ret;
}

static void __exit board_exit(void)
{
	platform_device_unregister(board_reset);
	platform_device_unregister(board_keypad);
	board_matrix_remove(&board_matrix);
	gpiod_remove_lookup_table(&board_reset_lookup);
	gpiod_remove_lookup_table(&board_keypad_lookup);
	gpiod_remove_lookup_table(&board_matrix_lookup);
}

module_init(board_init);
module_exit(board_exit);

MODULE_DESCRIPTION("ucphone test board: keypad matrix model on gpio-sim");
MODULE_LICENSE("GPL");
