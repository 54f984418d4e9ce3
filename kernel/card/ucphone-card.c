// SPDX-License-Identifier: GPL-2.0
/*
 * ucphone-card: the desk phone's ASoC sound card.
 *
 * One I2S link from the SoC's I2S controller to the ES8311 voice codec, and
 * the phone's three acoustic paths behind the codec's single output and
 * microphone input:
 *
 *	Handset		earpiece + handset microphone
 *	Headset		headset earphone (codec in headphone drive) + headset mic
 *	Speakerphone	loudspeaker through an amplifier + speakerphone mic
 *
 * The "Audio Route" control picks the path: it enables that path's DAPM pins
 * only, drives the optional path-select GPIOs (bit 0 and 1 of the route
 * number) and tells ucphoned through an UCPHONE_EVENT_AUDIO_ROUTE event.
 * The speaker amplifier's enable GPIO (optional) follows DAPM power. The
 * hook switch (optional GPIO) is the "Handset" jack: the earpiece and the
 * handset microphone only power while the handset is off its cradle.
 */
#include <linux/gpio/consumer.h>
#include <linux/i2c.h>
#include <linux/module.h>
#include <linux/of.h>
#include <linux/platform_device.h>
#include <linux/property.h>
#include <sound/jack.h>
#include <sound/pcm_params.h>
#include <sound/soc.h>
#include <ucphone/core.h>

enum ucphone_card_route {
	ROUTE_HANDSET,
	ROUTE_HEADSET,
	ROUTE_SPEAKERPHONE,
	ROUTE_COUNT
};

static const char *const ucphone_card_route_names[ROUTE_COUNT] = {
	[ROUTE_HANDSET] = "Handset",
	[ROUTE_HEADSET] = "Headset",
	[ROUTE_SPEAKERPHONE] = "Speakerphone",
};

static const enum ucphone_audio_route ucphone_card_route_uapi[ROUTE_COUNT] = {
	[ROUTE_HANDSET] = UCPHONE_AUDIO_ROUTE_HANDSET,
	[ROUTE_HEADSET] = UCPHONE_AUDIO_ROUTE_HEADSET,
	[ROUTE_SPEAKERPHONE] = UCPHONE_AUDIO_ROUTE_SPEAKER,
};

/* The DAPM pins each route uses: an output and a microphone. */
static const char *const ucphone_card_route_pins[ROUTE_COUNT][2] = {
	[ROUTE_HANDSET] = { "Earpiece", "Handset Mic" },
	[ROUTE_HEADSET] = { "Headset Earphone", "Headset Mic" },
	[ROUTE_SPEAKERPHONE] = { "Speaker", "Speakerphone Mic" },
};

struct ucphone_card {
	struct snd_soc_card card;
	struct snd_soc_dai_link link;
	struct snd_soc_dai_link_component cpu, codec, platform;
	struct ucphone_binding *binding;
	struct gpio_desc *amp_gpio;
	struct gpio_descs *path_gpios;
	bool has_hook;
	struct snd_soc_jack handset_jack;
	struct snd_soc_jack_gpio hook_jack_gpio;
	unsigned int mclk_fs;
	enum ucphone_card_route route;
};

static struct ucphone_card *to_ucphone_card(struct snd_soc_card *card)
{
	return container_of(card, struct ucphone_card, card);
}

static int ucphone_card_apply_route(struct ucphone_card *uc,
				    enum ucphone_card_route route)
{
	struct snd_soc_dapm_context *dapm = &uc->card.dapm;
	struct ucphone_event event = {
		.type = UCPHONE_EVENT_AUDIO_ROUTE,
		.audio_route = ucphone_card_route_uapi[route],
	};
	unsigned int r, p;
	int ret;

	for (r = 0; r < ROUTE_COUNT; r++) {
		for (p = 0; p < ARRAY_SIZE(ucphone_card_route_pins[r]); p++) {
			const char *pin = ucphone_card_route_pins[r][p];

			ret = r == route ? snd_soc_dapm_enable_pin(dapm, pin) :
					   snd_soc_dapm_disable_pin(dapm, pin);
			if (ret)
				return ret;
		}
	}
	if (uc->path_gpios) {
		DECLARE_BITMAP(values, 2) = { route };

		ret = gpiod_set_array_value_cansleep(uc->path_gpios->ndescs,
						     uc->path_gpios->desc,
						     uc->path_gpios->info,
						     values);
		if (ret)
			return ret;
	}
	uc->route = route;
	ret = snd_soc_dapm_sync(dapm);
	if (ret)
		return ret;
	event.timestamp = ktime_get_boottime();
	ucphone_event_send(uc->binding, &event);
	return 0;
}

static int ucphone_card_route_get(struct snd_kcontrol *kcontrol,
				  struct snd_ctl_elem_value *ucontrol)
{
	struct ucphone_card *uc = to_ucphone_card(snd_kcontrol_chip(kcontrol));

	ucontrol->value.enumerated.item[0] = uc->route;
	return 0;
}

static int ucphone_card_route_put(struct snd_kcontrol *kcontrol,
				  struct snd_ctl_elem_value *ucontrol)
{
	struct ucphone_card *uc = to_ucphone_card(snd_kcontrol_chip(kcontrol));
	unsigned int route = ucontrol->value.enumerated.item[0];
	int ret;

	if (route >= ROUTE_COUNT)
		return -EINVAL;
	if (route == uc->route)
		return 0;
	ret = ucphone_card_apply_route(uc, route);
	return ret ? ret : 1;
}

static SOC_ENUM_SINGLE_EXT_DECL(ucphone_card_route_enum,
				ucphone_card_route_names);

static const struct snd_kcontrol_new ucphone_card_controls[] = {
	SOC_ENUM_EXT("Audio Route", ucphone_card_route_enum,
		     ucphone_card_route_get, ucphone_card_route_put),
	SOC_DAPM_PIN_SWITCH("Earpiece"),
	SOC_DAPM_PIN_SWITCH("Headset Earphone"),
	SOC_DAPM_PIN_SWITCH("Speaker"),
	SOC_DAPM_PIN_SWITCH("Handset Mic"),
	SOC_DAPM_PIN_SWITCH("Headset Mic"),
	SOC_DAPM_PIN_SWITCH("Speakerphone Mic"),
};

static int ucphone_card_amp_event(struct snd_soc_dapm_widget *w,
				  struct snd_kcontrol *kcontrol, int event)
{
	struct ucphone_card *uc = to_ucphone_card(w->dapm->card);

	gpiod_set_value_cansleep(uc->amp_gpio, SND_SOC_DAPM_EVENT_ON(event));
	return 0;
}

static const struct snd_soc_dapm_widget ucphone_card_widgets[] = {
	SND_SOC_DAPM_SPK("Earpiece", NULL),
	SND_SOC_DAPM_HP("Headset Earphone", NULL),
	SND_SOC_DAPM_SPK("Speaker", ucphone_card_amp_event),
	SND_SOC_DAPM_MIC("Handset Mic", NULL),
	SND_SOC_DAPM_MIC("Headset Mic", NULL),
	SND_SOC_DAPM_MIC("Speakerphone Mic", NULL),
};

static const struct snd_soc_dapm_route ucphone_card_routes[] = {
	{ "Earpiece", NULL, "OUT" },
	{ "Headset Earphone", NULL, "OUT" },
	{ "Headset Earphone", NULL, "Headphone Drive" },
	{ "Speaker", NULL, "OUT" },
	{ "MIC1", NULL, "Handset Mic" },
	{ "MIC1", NULL, "Headset Mic" },
	{ "MIC1", NULL, "Speakerphone Mic" },
};

static struct snd_soc_jack_pin ucphone_card_handset_pins[] = {
	{ .pin = "Earpiece", .mask = SND_JACK_HEADPHONE },
	{ .pin = "Handset Mic", .mask = SND_JACK_MICROPHONE },
};

static int ucphone_card_hw_params(struct snd_pcm_substream *substream,
				  struct snd_pcm_hw_params *params)
{
	struct snd_soc_pcm_runtime *rtd = asoc_substream_to_rtd(substream);
	struct ucphone_card *uc = to_ucphone_card(rtd->card);

	/* Without MCLK the codec derives its clock from BCLK. */
	return snd_soc_dai_set_sysclk(asoc_rtd_to_codec(rtd, 0), 0,
				      uc->mclk_fs * params_rate(params),
				      SND_SOC_CLOCK_IN);
}

static const struct snd_soc_ops ucphone_card_ops = {
	.hw_params = ucphone_card_hw_params,
};

static int ucphone_card_late_probe(struct snd_soc_card *card)
{
	struct ucphone_card *uc = to_ucphone_card(card);
	int ret;

	if (uc->has_hook) {
		/* Lifting the handset is "inserting" it: active means off-hook. */
		ret = snd_soc_card_jack_new_pins(card, "Handset",
						 SND_JACK_HEADSET,
						 &uc->handset_jack,
						 ucphone_card_handset_pins,
						 ARRAY_SIZE(ucphone_card_handset_pins));
		if (ret)
			return ret;
		uc->hook_jack_gpio.name = "hook";
		uc->hook_jack_gpio.report = SND_JACK_HEADSET;
		uc->hook_jack_gpio.debounce_time = 20;
		uc->hook_jack_gpio.gpiod_dev = card->dev;
		ret = snd_soc_jack_add_gpios(&uc->handset_jack, 1,
					     &uc->hook_jack_gpio);
		if (ret)
			return ret;
	}
	return ucphone_card_apply_route(uc, ROUTE_HANDSET);
}

static int ucphone_card_remove(struct snd_soc_card *card)
{
	struct ucphone_card *uc = to_ucphone_card(card);

	/* The jack's GPIO is requested at every bind of the card, so free it. */
	if (uc->has_hook)
		snd_soc_jack_free_gpios(&uc->handset_jack, 1,
					&uc->hook_jack_gpio);
	return 0;
}

static void ucphone_card_put_fwnode(void *fwnode)
{
	fwnode_handle_put(fwnode);
}

/*
 * Fill @comp from the firmware reference @prop: an OF node as is, any other
 * firmware node (ACPI, software node) by the name of the device it describes.
 */
static int ucphone_card_link_component(struct device *dev, const char *prop,
				       struct bus_type *bus,
				       struct snd_soc_dai_link_component *comp)
{
	struct snd_soc_component *component;
	struct fwnode_reference_args args;
	struct device *target;
	int ret;

	ret = fwnode_property_get_reference_args(dev_fwnode(dev), prop, NULL,
						 0, 0, &args);
	if (ret)
		return dev_err_probe(dev, ret, "no %s reference\n", prop);

	if (is_of_node(args.fwnode)) {
		comp->of_node = to_of_node(args.fwnode);
		/* The card holds the reference for as long as it is bound. */
		return devm_add_action_or_reset(dev, ucphone_card_put_fwnode,
						args.fwnode);
	}

	target = bus_find_device_by_fwnode(bus, args.fwnode);
	fwnode_handle_put(args.fwnode);
	if (!target)
		return dev_err_probe(dev, -EPROBE_DEFER, "%s not present\n",
				     prop);
	/* ASoC names a component after its device and driver: ask it. */
	component = snd_soc_lookup_component(target, NULL);
	if (component)
		comp->name = devm_kstrdup(dev, component->name, GFP_KERNEL);
	put_device(target);
	if (!component)
		return dev_err_probe(dev, -EPROBE_DEFER, "%s not bound yet\n",
				     prop);
	return comp->name ? 0 : -ENOMEM;
}

static int ucphone_card_probe(struct platform_device *pdev)
{
	struct device *dev = &pdev->dev;
	struct gpio_desc *hook;
	struct ucphone_card *uc;
	int ret;

	uc = devm_kzalloc(dev, sizeof(*uc), GFP_KERNEL);
	if (!uc)
		return -ENOMEM;
	uc->binding = devm_ucphone_bind(dev, UCPHONE_DRIVER_KIND_SOUND_CARD);
	if (IS_ERR(uc->binding))
		return PTR_ERR(uc->binding);

	ret = ucphone_card_link_component(dev, "ucphone,cpu",
					  &platform_bus_type, &uc->cpu);
	if (ret)
		return ret;
	ret = ucphone_card_link_component(dev, "ucphone,codec", &i2c_bus_type,
					  &uc->codec);
	if (ret)
		return ret;
	uc->codec.dai_name = "es8311-hifi";
	uc->platform = uc->cpu;
	device_property_read_u32(dev, "ucphone,mclk-fs", &uc->mclk_fs);

	uc->amp_gpio = devm_gpiod_get_optional(dev, "amp", GPIOD_OUT_LOW);
	if (IS_ERR(uc->amp_gpio))
		return dev_err_probe(dev, PTR_ERR(uc->amp_gpio),
				     "amplifier GPIO\n");
	uc->path_gpios = devm_gpiod_get_array_optional(dev, "path-select",
						       GPIOD_OUT_LOW);
	if (IS_ERR(uc->path_gpios))
		return dev_err_probe(dev, PTR_ERR(uc->path_gpios),
				     "path-select GPIOs\n");
	if (uc->path_gpios && uc->path_gpios->ndescs != 2)
		return dev_err_probe(dev, -EINVAL,
				     "path-select-gpios needs 2 lines, not %u\n",
				     uc->path_gpios->ndescs);
	/* Only look: the jack requests the hook GPIO when the card binds. */
	hook = gpiod_get_optional(dev, "hook", GPIOD_IN);
	if (IS_ERR(hook))
		return dev_err_probe(dev, PTR_ERR(hook), "hook switch GPIO\n");
	uc->has_hook = !!hook;
	if (hook)
		gpiod_put(hook);

	uc->link.name = "Voice";
	uc->link.stream_name = "Voice";
	uc->link.cpus = &uc->cpu;
	uc->link.num_cpus = 1;
	uc->link.codecs = &uc->codec;
	uc->link.num_codecs = 1;
	uc->link.platforms = &uc->platform;
	uc->link.num_platforms = 1;
	uc->link.dai_fmt = SND_SOC_DAIFMT_I2S | SND_SOC_DAIFMT_NB_NF |
			   SND_SOC_DAIFMT_CBC_CFC;
	uc->link.ops = &ucphone_card_ops;

	uc->card.dev = dev;
	uc->card.owner = THIS_MODULE;
	uc->card.name = "ucphone";
	uc->card.driver_name = "ucphone";
	uc->card.long_name = "ucphone desk phone";
	uc->card.dai_link = &uc->link;
	uc->card.num_links = 1;
	uc->card.controls = ucphone_card_controls;
	uc->card.num_controls = ARRAY_SIZE(ucphone_card_controls);
	uc->card.dapm_widgets = ucphone_card_widgets;
	uc->card.num_dapm_widgets = ARRAY_SIZE(ucphone_card_widgets);
	uc->card.dapm_routes = ucphone_card_routes;
	uc->card.num_dapm_routes = ARRAY_SIZE(ucphone_card_routes);
	uc->card.fully_routed = true;
	uc->card.late_probe = ucphone_card_late_probe;
	uc->card.remove = ucphone_card_remove;
	uc->route = ROUTE_HANDSET;

	return devm_snd_soc_register_card(dev, &uc->card);
}

static const struct of_device_id ucphone_card_of_ids[] = {
	{ .compatible = "ucphone,sound-card" },
	{ }
};
MODULE_DEVICE_TABLE(of, ucphone_card_of_ids);

static const struct platform_device_id ucphone_card_ids[] = {
	{ "ucphone-sound-card" },
	{ }
};
MODULE_DEVICE_TABLE(platform, ucphone_card_ids);

static struct platform_driver ucphone_card_driver = {
	.driver = {
		.name = "ucphone-sound-card",
		.of_match_table = ucphone_card_of_ids,
		.pm = &snd_soc_pm_ops,
	},
	.probe = ucphone_card_probe,
	.id_table = ucphone_card_ids,
};
module_platform_driver(ucphone_card_driver);

MODULE_DESCRIPTION("ucphone: the desk phone's sound card");
MODULE_LICENSE("GPL");
