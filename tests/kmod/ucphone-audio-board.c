// SPDX-License-Identifier: GPL-2.0
/*
 * ucphone-audio-board: the phone's audio hardware as the test VM has it.
 *
 * What a device tree says on a real board (see
 * Documentation/devicetree/bindings/sound/ucphone,sound-card.yaml), this
 * module says with software nodes: an ES8311 at 0x18 on the i2c-stub
 * adapter (load i2c-stub with chip_addr=0x18 first; the module seeds the
 * chip-ID registers the way the silicon would answer), the test I2S
 * controller (ucphone-test-i2s) and the ucphone sound card tying them
 * together. No amplifier, path-select or hook GPIOs: they are optional.
 *
 *	mclk_fs=256	the SoC drives MCLK at 256 * fs; 0 clocks the codec
 *			from BCLK instead
 */
#include <linux/i2c.h>
#include <linux/module.h>
#include <linux/platform_device.h>
#include <linux/property.h>

#define BOARD_STUB_ADAPTER	"SMBus stub driver"
#define BOARD_CODEC_ADDR	0x18

static unsigned int mclk_fs = 256;
module_param(mclk_fs, uint, 0444);
MODULE_PARM_DESC(mclk_fs, "MCLK as a multiple of the sample rate (0: none)");

static const struct software_node board_i2s_node = {
	.name = "ucphone-board-i2s",
};

static const struct software_node board_codec_node = {
	.name = "ucphone-board-es8311",
};

static struct property_entry board_card_props[] = {
	PROPERTY_ENTRY_REF("ucphone,cpu", &board_i2s_node),
	PROPERTY_ENTRY_REF("ucphone,codec", &board_codec_node),
	PROPERTY_ENTRY_U32("ucphone,mclk-fs", 256),
	{ }
};

static const struct software_node board_card_node = {
	.name = "ucphone-board-card",
	.properties = board_card_props,
};

static const struct software_node *board_nodes[] = {
	&board_i2s_node,
	&board_codec_node,
	&board_card_node,
	NULL
};

struct audio_board {
	struct i2c_adapter *adapter;
	struct platform_device *i2s;
	struct i2c_client *codec;
	struct platform_device *card;
};

static struct audio_board board;

static int board_match_stub(struct device *dev, void *data)
{
	struct i2c_adapter *adapter = i2c_verify_adapter(dev);

	return adapter && !strcmp(adapter->name, BOARD_STUB_ADAPTER) ?
		adapter->nr + 1 : 0;
}

/* The ES8311's read-only ID registers, as the silicon answers them. */
static int board_seed_chip_id(struct i2c_adapter *adapter)
{
	static const u8 id[][2] = { { 0xfd, 0x83 }, { 0xfe, 0x11 } };
	union i2c_smbus_data data;
	unsigned int i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(id); i++) {
		data.byte = id[i][1];
		ret = i2c_smbus_xfer(adapter, BOARD_CODEC_ADDR, 0,
				     I2C_SMBUS_WRITE, id[i][0],
				     I2C_SMBUS_BYTE_DATA, &data);
		if (ret)
			return ret;
	}
	return 0;
}

static struct platform_device *board_add_pdev(const char *name,
					      const struct software_node *node)
{
	struct platform_device_info info = {
		.name = name,
		.id = PLATFORM_DEVID_NONE,
		.fwnode = software_node_fwnode(node),
	};

	return platform_device_register_full(&info);
}

static int __init board_init(void)
{
	struct i2c_board_info codec_info = {
		I2C_BOARD_INFO("es8311", BOARD_CODEC_ADDR),
		.swnode = &board_codec_node,
	};
	int nr, ret;

	nr = i2c_for_each_dev(NULL, board_match_stub);
	if (nr <= 0) {
		pr_err("ucphone-audio-board: no i2c-stub adapter (modprobe i2c-stub chip_addr=0x%02x)\n",
		       BOARD_CODEC_ADDR);
		return -ENODEV;
	}
	board.adapter = i2c_get_adapter(nr - 1);
	if (!board.adapter)
		return -ENODEV;
	ret = board_seed_chip_id(board.adapter);
	if (ret)
		goto err_put_adapter;

	board_card_props[2].value.u32_data[0] = mclk_fs;
	ret = software_node_register_node_group(board_nodes);
	if (ret)
		goto err_put_adapter;

	board.i2s = board_add_pdev("ucphone-test-i2s", &board_i2s_node);
	if (IS_ERR(board.i2s)) {
		ret = PTR_ERR(board.i2s);
		goto err_nodes;
	}
	board.codec = i2c_new_client_device(board.adapter, &codec_info);
	if (IS_ERR(board.codec)) {
		ret = PTR_ERR(board.codec);
		goto err_i2s;
	}
	board.card = board_add_pdev("ucphone-sound-card", &board_card_node);
	if (IS_ERR(board.card)) {
		ret = PTR_ERR(board.card);
		goto err_codec;
	}
	return 0;

err_codec:
	i2c_unregister_device(board.codec);
err_i2s:
	platform_device_unregister(board.i2s);
err_nodes:
	software_node_unregister_node_group(board_nodes);
err_put_adapter:
	i2c_put_adapter(board.adapter);
	return ret;
}

static void __exit board_exit(void)
{
	platform_device_unregister(board.card);
	i2c_unregister_device(board.codec);
	platform_device_unregister(board.i2s);
	software_node_unregister_node_group(board_nodes);
	i2c_put_adapter(board.adapter);
}

module_init(board_init);
module_exit(board_exit);

MODULE_DESCRIPTION("ucphone test hardware: the audio board on i2c-stub");
MODULE_LICENSE("GPL");
