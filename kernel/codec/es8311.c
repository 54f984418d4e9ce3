// SPDX-License-Identifier: GPL-2.0
/*
 * ucphone-es8311: ASoC driver for the Everest ES8311 mono voice codec.
 *
 * One I2S/DSP port, one differential microphone input into a PGA and ADC,
 * one DAC driving a line or headphone output. The codec is a clock consumer
 * on the port: the SoC provides BCLK and LRCK. Its internal clock comes from
 * the MCLK pin when the machine driver announces an MCLK rate through
 * set_sysclk, or from BCLK otherwise; both are brought to 256 * fs with the
 * pre-divider, pre-multiplier and ADC/DAC dividers, so the default
 * oversampling settings hold at every rate.
 */
#include <linux/delay.h>
#include <linux/i2c.h>
#include <linux/module.h>
#include <linux/regmap.h>
#include <sound/pcm_params.h>
#include <sound/soc.h>
#include <sound/tlv.h>
#include <ucphone/core.h>

#include "es8311.h"

#define ES8311_MCLK_MAX		49200000
#define ES8311_RATES		(SNDRV_PCM_RATE_8000 | SNDRV_PCM_RATE_16000 | \
				 SNDRV_PCM_RATE_32000 | SNDRV_PCM_RATE_44100 | \
				 SNDRV_PCM_RATE_48000)
#define ES8311_FORMATS		(SNDRV_PCM_FMTBIT_S16_LE | SNDRV_PCM_FMTBIT_S24_LE)

struct es8311 {
	struct regmap *regmap;
	unsigned int mclk_rate;	/* 0: derive the internal clock from BCLK */
};

/* The dividers that bring an input clock to 256 * fs. */
struct es8311_clk_coeff {
	unsigned int pre_div;		/* 1..8 */
	unsigned int pre_mult_log2;	/* x1, x2, x4, x8 */
	unsigned int adc_dac_div;	/* 1..16 */
};

static int es8311_find_coeff(unsigned int in_rate, unsigned int fs,
			     struct es8311_clk_coeff *coeff)
{
	u64 target = 256ULL * fs;
	unsigned int mult, div, adc_dac_div;

	for (mult = 0; mult <= 3; mult++) {
		for (div = 1; div <= 8; div++) {
			for (adc_dac_div = 1; adc_dac_div <= 16; adc_dac_div++) {
				if ((u64)in_rate << mult !=
				    target * div * adc_dac_div)
					continue;
				coeff->pre_div = div;
				coeff->pre_mult_log2 = mult;
				coeff->adc_dac_div = adc_dac_div;
				return 0;
			}
		}
	}
	return -EINVAL;
}

static const DECLARE_TLV_DB_SCALE(es8311_vol_tlv, -9550, 50, 1);
static const DECLARE_TLV_DB_SCALE(es8311_pga_tlv, 0, 300, 0);
static const DECLARE_TLV_DB_SCALE(es8311_adc_scale_tlv, 0, 600, 0);

/* The DAC's user mute sets both its delta-sigma and DEM mutes. */
static int es8311_dac_switch_get(struct snd_kcontrol *kcontrol,
				 struct snd_ctl_elem_value *ucontrol)
{
	struct snd_soc_component *component = snd_kcontrol_chip(kcontrol);
	unsigned int val = snd_soc_component_read(component, ES8311_DAC1);

	ucontrol->value.integer.value[0] =
		!(val & (ES8311_DAC1_DSMMUTE | ES8311_DAC1_DEMMUTE));
	return 0;
}

static int es8311_dac_switch_put(struct snd_kcontrol *kcontrol,
				 struct snd_ctl_elem_value *ucontrol)
{
	struct snd_soc_component *component = snd_kcontrol_chip(kcontrol);
	unsigned int mask = ES8311_DAC1_DSMMUTE | ES8311_DAC1_DEMMUTE;
	long on = ucontrol->value.integer.value[0];

	if (on < 0 || on > 1)
		return -EINVAL;
	return snd_soc_component_update_bits(component, ES8311_DAC1, mask,
					     on ? 0 : mask);
}

static const struct snd_kcontrol_new es8311_controls[] = {
	SOC_SINGLE_TLV("DAC Playback Volume", ES8311_DAC2, 0, 0xff, 0,
		       es8311_vol_tlv),
	SOC_SINGLE_BOOL_EXT("DAC Playback Switch", 0, es8311_dac_switch_get,
			    es8311_dac_switch_put),
	SOC_SINGLE_TLV("ADC Capture Volume", ES8311_ADC3, 0, 0xff, 0,
		       es8311_vol_tlv),
	SOC_SINGLE("ADC Capture Switch", ES8311_SDP_OUT, 6, 1, 1),
	SOC_SINGLE_TLV("Mic PGA Capture Volume", ES8311_SYS10, 0,
		       ES8311_SYS10_PGAGAIN_MAX, 0, es8311_pga_tlv),
	SOC_SINGLE_TLV("ADC Scale Capture Volume", ES8311_ADC2, 0, 7, 0,
		       es8311_adc_scale_tlv),
	SOC_SINGLE("ADC High Pass Capture Switch", ES8311_ADC8,
		   ES8311_ADC8_HPF, 1, 0),
	SOC_SINGLE("ALC Capture Switch", ES8311_ADC4, ES8311_ADC4_ALC_EN, 1, 0),
	SOC_SINGLE("DRC Playback Switch", ES8311_DAC4, ES8311_DAC4_DRC_EN, 1, 0),
};

static const struct snd_soc_dapm_widget es8311_dapm_widgets[] = {
	SND_SOC_DAPM_SUPPLY("Analog Power", ES8311_SYS3, ES8311_SYS3_PDN_ANA,
			    1, NULL, 0),
	SND_SOC_DAPM_SUPPLY("Bias", ES8311_SYS3, ES8311_SYS3_PDN_IBIAS, 1,
			    NULL, 0),
	SND_SOC_DAPM_SUPPLY("Vref", ES8311_SYS3, ES8311_SYS3_PDN_VREF, 1,
			    NULL, 0),

	/* Capture */
	SND_SOC_DAPM_INPUT("MIC1"),
	SND_SOC_DAPM_SUPPLY("Mic Input", ES8311_SYS10, ES8311_SYS10_LINESEL, 0,
			    NULL, 0),
	SND_SOC_DAPM_PGA("Mic PGA", ES8311_SYS4, ES8311_SYS4_PDN_PGA, 1,
			 NULL, 0),
	SND_SOC_DAPM_ADC("Mono ADC", NULL, ES8311_SYS4, ES8311_SYS4_PDN_MOD, 1),
	SND_SOC_DAPM_SUPPLY("ADC Bias", ES8311_SYS3, ES8311_SYS3_PDN_ADCBIAS, 1,
			    NULL, 0),
	SND_SOC_DAPM_SUPPLY("ADC Vref", ES8311_SYS3, ES8311_SYS3_PDN_ADCVREF, 1,
			    NULL, 0),
	SND_SOC_DAPM_SUPPLY("ADC Clock", ES8311_CLKMGR1, ES8311_CLKMGR1_ADC_ON,
			    0, NULL, 0),
	SND_SOC_DAPM_SUPPLY("ADC Analog Clock", ES8311_CLKMGR1,
			    ES8311_CLKMGR1_ANAADC_ON, 0, NULL, 0),
	SND_SOC_DAPM_AIF_OUT("AIF Capture", "Capture", 0, SND_SOC_NOPM, 0, 0),

	/* Playback */
	SND_SOC_DAPM_AIF_IN("AIF Playback", "Playback", 0, SND_SOC_NOPM, 0, 0),
	SND_SOC_DAPM_DAC("Mono DAC", NULL, ES8311_SYS8, ES8311_SYS8_PDN_DAC, 1),
	SND_SOC_DAPM_SUPPLY("DAC Vref", ES8311_SYS3, ES8311_SYS3_PDN_DACVREF, 1,
			    NULL, 0),
	SND_SOC_DAPM_SUPPLY("DAC Clock", ES8311_CLKMGR1, ES8311_CLKMGR1_DAC_ON,
			    0, NULL, 0),
	SND_SOC_DAPM_SUPPLY("DAC Analog Clock", ES8311_CLKMGR1,
			    ES8311_CLKMGR1_ANADAC_ON, 0, NULL, 0),
	/* A machine driver routes its headphone jack through this supply. */
	SND_SOC_DAPM_SUPPLY("Headphone Drive", ES8311_SYS9, ES8311_SYS9_HPSW, 0,
			    NULL, 0),
	SND_SOC_DAPM_OUTPUT("OUT"),
};

static const struct snd_soc_dapm_route es8311_dapm_routes[] = {
	{ "MIC1", NULL, "Analog Power" },
	{ "MIC1", NULL, "Bias" },
	{ "MIC1", NULL, "Vref" },
	{ "MIC1", NULL, "Mic Input" },
	{ "Mic PGA", NULL, "MIC1" },
	{ "Mono ADC", NULL, "Mic PGA" },
	{ "Mono ADC", NULL, "ADC Bias" },
	{ "Mono ADC", NULL, "ADC Vref" },
	{ "Mono ADC", NULL, "ADC Clock" },
	{ "Mono ADC", NULL, "ADC Analog Clock" },
	{ "AIF Capture", NULL, "Mono ADC" },

	{ "Mono DAC", NULL, "AIF Playback" },
	{ "Mono DAC", NULL, "DAC Vref" },
	{ "Mono DAC", NULL, "DAC Clock" },
	{ "Mono DAC", NULL, "DAC Analog Clock" },
	{ "OUT", NULL, "Mono DAC" },
	{ "OUT", NULL, "Analog Power" },
	{ "OUT", NULL, "Bias" },
	{ "OUT", NULL, "Vref" },
};

static int es8311_set_sysclk(struct snd_soc_dai *dai, int clk_id,
			     unsigned int freq, int dir)
{
	struct es8311 *es8311 = snd_soc_component_get_drvdata(dai->component);

	if (freq > ES8311_MCLK_MAX) {
		dev_err(dai->dev, "MCLK %u Hz is above the codec's %u Hz\n",
			freq, ES8311_MCLK_MAX);
		return -EINVAL;
	}
	es8311->mclk_rate = freq;
	return 0;
}

static int es8311_set_fmt(struct snd_soc_dai *dai, unsigned int fmt)
{
	struct snd_soc_component *component = dai->component;
	unsigned int sdp = 0, clk = 0;

	/* The SoC's I2S controller provides the bit and frame clocks. */
	if ((fmt & SND_SOC_DAIFMT_CLOCK_PROVIDER_MASK) != SND_SOC_DAIFMT_CBC_CFC) {
		dev_err(dai->dev, "only clock-consumer mode is supported\n");
		return -EINVAL;
	}

	switch (fmt & SND_SOC_DAIFMT_FORMAT_MASK) {
	case SND_SOC_DAIFMT_I2S:
		sdp = ES8311_SDP_FMT_I2S;
		break;
	case SND_SOC_DAIFMT_LEFT_J:
		sdp = ES8311_SDP_FMT_LEFT_J;
		break;
	case SND_SOC_DAIFMT_DSP_A:
		sdp = ES8311_SDP_FMT_DSP;
		break;
	case SND_SOC_DAIFMT_DSP_B:
		sdp = ES8311_SDP_FMT_DSP | ES8311_SDP_LRP;
		break;
	default:
		return -EINVAL;
	}

	switch (fmt & SND_SOC_DAIFMT_INV_MASK) {
	case SND_SOC_DAIFMT_NB_NF:
		break;
	case SND_SOC_DAIFMT_IB_NF:
		clk = ES8311_CLKMGR6_BCLK_INV;
		break;
	case SND_SOC_DAIFMT_NB_IF:
	case SND_SOC_DAIFMT_IB_IF:
		/* In DSP modes LRP picks mode A or B, not a frame inversion. */
		if (sdp & ES8311_SDP_FMT_DSP)
			return -EINVAL;
		sdp |= ES8311_SDP_LRP;
		if ((fmt & SND_SOC_DAIFMT_INV_MASK) == SND_SOC_DAIFMT_IB_IF)
			clk = ES8311_CLKMGR6_BCLK_INV;
		break;
	default:
		return -EINVAL;
	}

	snd_soc_component_update_bits(component, ES8311_RESET,
				      ES8311_RESET_MSC, 0);
	snd_soc_component_update_bits(component, ES8311_CLKMGR6,
				      ES8311_CLKMGR6_BCLK_INV, clk);
	snd_soc_component_update_bits(component, ES8311_SDP_IN,
				      ES8311_SDP_FMT_MASK | ES8311_SDP_LRP, sdp);
	snd_soc_component_update_bits(component, ES8311_SDP_OUT,
				      ES8311_SDP_FMT_MASK | ES8311_SDP_LRP, sdp);
	return 0;
}

static int es8311_hw_params(struct snd_pcm_substream *substream,
			    struct snd_pcm_hw_params *params,
			    struct snd_soc_dai *dai)
{
	struct snd_soc_component *component = dai->component;
	struct es8311 *es8311 = snd_soc_component_get_drvdata(component);
	unsigned int rate = params_rate(params);
	unsigned int in_rate, wl, clkmgr1;
	struct es8311_clk_coeff coeff;
	int ret;

	switch (params_width(params)) {
	case 16:
		wl = ES8311_SDP_WL_16;
		break;
	case 24:
		wl = ES8311_SDP_WL_24;
		break;
	default:
		return -EINVAL;
	}

	if (es8311->mclk_rate) {
		in_rate = es8311->mclk_rate;
		clkmgr1 = ES8311_CLKMGR1_MCLK_ON;
	} else {
		/* An I2S frame carries two slots of the sample's container. */
		in_rate = rate * 2 * params_physical_width(params);
		clkmgr1 = ES8311_CLKMGR1_MCLK_SEL;
	}
	ret = es8311_find_coeff(in_rate, rate, &coeff);
	if (ret) {
		dev_err(dai->dev, "no divider takes %s %u Hz to 256 * %u Hz\n",
			es8311->mclk_rate ? "MCLK" : "BCLK", in_rate, rate);
		return ret;
	}

	snd_soc_component_update_bits(component,
				      substream->stream == SNDRV_PCM_STREAM_PLAYBACK ?
				      ES8311_SDP_IN : ES8311_SDP_OUT,
				      ES8311_SDP_WL_MASK, wl);
	snd_soc_component_update_bits(component, ES8311_CLKMGR1,
				      ES8311_CLKMGR1_MCLK_SEL |
				      ES8311_CLKMGR1_MCLK_ON |
				      ES8311_CLKMGR1_BCLK_ON,
				      clkmgr1 | ES8311_CLKMGR1_BCLK_ON);
	snd_soc_component_write(component, ES8311_CLKMGR2,
				(coeff.pre_div - 1) << ES8311_CLKMGR2_DIV_SHIFT |
				coeff.pre_mult_log2 << ES8311_CLKMGR2_MULT_SHIFT);
	snd_soc_component_write(component, ES8311_CLKMGR5,
				(coeff.adc_dac_div - 1) << 4 |
				(coeff.adc_dac_div - 1));
	return 0;
}

/* Stream mute uses the serial port's mute so the user's DAC switch stays. */
static int es8311_mute_stream(struct snd_soc_dai *dai, int mute, int stream)
{
	int ret = snd_soc_component_update_bits(dai->component, ES8311_SDP_IN,
						ES8311_SDP_MUTE,
						mute ? ES8311_SDP_MUTE : 0);

	return ret < 0 ? ret : 0;
}

static const struct snd_soc_dai_ops es8311_dai_ops = {
	.set_sysclk = es8311_set_sysclk,
	.set_fmt = es8311_set_fmt,
	.hw_params = es8311_hw_params,
	.mute_stream = es8311_mute_stream,
	.no_capture_mute = 1,
};

static struct snd_soc_dai_driver es8311_dai = {
	.name = "es8311-hifi",
	.playback = {
		.stream_name = "Playback",
		.channels_min = 1,
		.channels_max = 2,
		.rates = ES8311_RATES,
		.formats = ES8311_FORMATS,
	},
	.capture = {
		.stream_name = "Capture",
		.channels_min = 1,
		.channels_max = 2,
		.rates = ES8311_RATES,
		.formats = ES8311_FORMATS,
	},
	.ops = &es8311_dai_ops,
	.symmetric_rate = 1,
};

static int es8311_set_bias_level(struct snd_soc_component *component,
				 enum snd_soc_bias_level level)
{
	int ret;

	switch (level) {
	case SND_SOC_BIAS_STANDBY:
		ret = snd_soc_component_update_bits(component, ES8311_SYS3,
						    ES8311_SYS3_VMIDSEL,
						    ES8311_SYS3_VMID_NORMAL);
		break;
	case SND_SOC_BIAS_OFF:
		ret = snd_soc_component_update_bits(component, ES8311_SYS3,
						    ES8311_SYS3_VMIDSEL,
						    ES8311_SYS3_VMID_OFF);
		break;
	default:
		return 0;
	}
	/* update_bits says 1 when it changed something: not an error. */
	return ret < 0 ? ret : 0;
}

/*
 * Reset the digital blocks and restart the state machine, then leave every
 * block powered down for DAPM and both outputs muted until a stream starts.
 */
static void es8311_reset(struct regmap *regmap)
{
	regmap_write(regmap, ES8311_RESET, ES8311_RESET_ALL);
	usleep_range(5000, 6000);
	regmap_write(regmap, ES8311_RESET, ES8311_RESET_CSM_ON);
}

static const struct reg_sequence es8311_init_seq[] = {
	{ ES8311_SYS1, 0x00 },			/* shortest power-up time */
	{ ES8311_SYS2, 0x00 },
	{ ES8311_CLKMGR1, 0x00 },		/* clocks gated until DAPM */
	{ ES8311_CLKMGR3, 0x10 },		/* ADC single speed, OSR 16 */
	{ ES8311_CLKMGR4, 0x10 },		/* DAC OSR 16 */
	{ ES8311_SYS3, 0xfc },			/* all analog blocks down */
	{ ES8311_SYS4, 0x60 },			/* PGA and modulator down */
	{ ES8311_SYS8, 0x02 },			/* DAC down */
	{ ES8311_SYS9, 0x00 },			/* line output */
	{ ES8311_SYS10, 0x00 },
	{ ES8311_SDP_IN, ES8311_SDP_MUTE | ES8311_SDP_WL_16 },
	{ ES8311_SDP_OUT, ES8311_SDP_WL_16 },
	{ ES8311_ADC3, ES8311_VOL_0DB },
	{ ES8311_ADC8, 0x6a },			/* high-pass on, EQ bypassed */
	{ ES8311_DAC1, 0x00 },
	{ ES8311_DAC2, ES8311_VOL_0DB },
};

static int es8311_component_probe(struct snd_soc_component *component)
{
	struct es8311 *es8311 = snd_soc_component_get_drvdata(component);

	es8311_reset(es8311->regmap);
	return regmap_multi_reg_write(es8311->regmap, es8311_init_seq,
				      ARRAY_SIZE(es8311_init_seq));
}

static int es8311_suspend(struct snd_soc_component *component)
{
	struct es8311 *es8311 = snd_soc_component_get_drvdata(component);

	regmap_write(es8311->regmap, ES8311_RESET, ES8311_RESET_ALL);
	regcache_cache_only(es8311->regmap, true);
	regcache_mark_dirty(es8311->regmap);
	return 0;
}

/* The chip may have lost power: restart it, then write back the cache. */
static int es8311_resume(struct snd_soc_component *component)
{
	struct es8311 *es8311 = snd_soc_component_get_drvdata(component);

	regcache_cache_only(es8311->regmap, false);
	regcache_cache_bypass(es8311->regmap, true);
	es8311_reset(es8311->regmap);
	regcache_cache_bypass(es8311->regmap, false);
	return regcache_sync(es8311->regmap);
}

static const struct snd_soc_component_driver es8311_component = {
	.probe = es8311_component_probe,
	.suspend = es8311_suspend,
	.resume = es8311_resume,
	.set_bias_level = es8311_set_bias_level,
	.controls = es8311_controls,
	.num_controls = ARRAY_SIZE(es8311_controls),
	.dapm_widgets = es8311_dapm_widgets,
	.num_dapm_widgets = ARRAY_SIZE(es8311_dapm_widgets),
	.dapm_routes = es8311_dapm_routes,
	.num_dapm_routes = ARRAY_SIZE(es8311_dapm_routes),
	.use_pmdown_time = 1,
	.endianness = 1,
};

static bool es8311_volatile_reg(struct device *dev, unsigned int reg)
{
	return reg == ES8311_RESET || reg >= ES8311_CHIPID1;
}

static const struct regmap_config es8311_regmap_config = {
	.reg_bits = 8,
	.val_bits = 8,
	.max_register = ES8311_CHIPVER,
	.volatile_reg = es8311_volatile_reg,
	.cache_type = REGCACHE_RBTREE,
	.use_single_read = true,
	.use_single_write = true,
};

static int es8311_i2c_probe(struct i2c_client *client)
{
	struct device *dev = &client->dev;
	struct ucphone_binding *binding;
	unsigned int id1, id2;
	struct es8311 *es8311;
	int ret;

	binding = devm_ucphone_bind(dev, UCPHONE_DRIVER_KIND_CODEC);
	if (IS_ERR(binding))
		return PTR_ERR(binding);

	es8311 = devm_kzalloc(dev, sizeof(*es8311), GFP_KERNEL);
	if (!es8311)
		return -ENOMEM;
	es8311->regmap = devm_regmap_init_i2c(client, &es8311_regmap_config);
	if (IS_ERR(es8311->regmap))
		return PTR_ERR(es8311->regmap);
	i2c_set_clientdata(client, es8311);

	ret = regmap_read(es8311->regmap, ES8311_CHIPID1, &id1);
	if (!ret)
		ret = regmap_read(es8311->regmap, ES8311_CHIPID2, &id2);
	if (ret)
		return dev_err_probe(dev, ret, "cannot read the chip ID\n");
	if (id1 != ES8311_CHIPID1_VALUE || id2 != ES8311_CHIPID2_VALUE)
		return dev_err_probe(dev, -ENODEV,
				     "chip ID %02x%02x is not an ES8311\n",
				     id1, id2);

	return devm_snd_soc_register_component(dev, &es8311_component,
					       &es8311_dai, 1);
}

static const struct i2c_device_id es8311_i2c_ids[] = {
	{ "es8311" },
	{ }
};
MODULE_DEVICE_TABLE(i2c, es8311_i2c_ids);

static const struct of_device_id es8311_of_ids[] = {
	{ .compatible = "everest,es8311" },
	{ }
};
MODULE_DEVICE_TABLE(of, es8311_of_ids);

static struct i2c_driver es8311_driver = {
	.driver = {
		.name = "ucphone-es8311",
		.of_match_table = es8311_of_ids,
	},
	.probe_new = es8311_i2c_probe,
	.id_table = es8311_i2c_ids,
};
module_i2c_driver(es8311_driver);

MODULE_DESCRIPTION("ucphone: Everest ES8311 voice codec");
MODULE_LICENSE("GPL");
