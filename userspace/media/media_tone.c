// SPDX-License-Identifier: GPL-2.0-only
/*
 * Tone plans (ITU-T E.180 Supplement 2 and national standards): frequencies
 * in Hz, levels in dBm0, cadence in ms (on, off, on, off); a continuous
 * tone is 1 ms on, repeated, which spandsp plays without a seam.
 */
#include <errno.h>
#include <string.h>

#include "media/media_tone.h"

struct tone_def {
	int f1, l1, f2, l2;
	int d[4];
};

struct tone_plan {
	const char *country;
	struct tone_def tones[__MEDIA_TONE_LAST];
};

static const struct tone_plan plans[] = {
	{ "US", {
		[MEDIA_TONE_DIAL] = { 350, -13, 440, -13, { 1, 0, 0, 0 } },
		[MEDIA_TONE_RINGBACK] = { 440, -19, 480, -19, { 2000, 4000, 0, 0 } },
		[MEDIA_TONE_BUSY] = { 480, -24, 620, -24, { 500, 500, 0, 0 } },
		[MEDIA_TONE_REORDER] = { 480, -24, 620, -24, { 250, 250, 0, 0 } },
		[MEDIA_TONE_RING] = { 1000, -6, 1200, -6, { 400, 200, 400, 2000 } },
		[MEDIA_TONE_CALL_WAITING] = { 440, -13, 0, 0, { 300, 9700, 0, 0 } },
	} },
	{ "GB", {
		[MEDIA_TONE_DIAL] = { 350, -13, 450, -13, { 1, 0, 0, 0 } },
		[MEDIA_TONE_RINGBACK] = { 400, -19, 450, -19, { 400, 200, 400, 2000 } },
		[MEDIA_TONE_BUSY] = { 400, -13, 0, 0, { 375, 375, 0, 0 } },
		[MEDIA_TONE_REORDER] = { 400, -13, 0, 0, { 400, 350, 225, 525 } },
		[MEDIA_TONE_RING] = { 1000, -6, 1200, -6, { 400, 200, 400, 2000 } },
		[MEDIA_TONE_CALL_WAITING] = { 400, -13, 0, 0, { 100, 2900, 0, 0 } },
	} },
	{ "DE", {
		[MEDIA_TONE_DIAL] = { 425, -13, 0, 0, { 1, 0, 0, 0 } },
		[MEDIA_TONE_RINGBACK] = { 425, -13, 0, 0, { 1000, 4000, 0, 0 } },
		[MEDIA_TONE_BUSY] = { 425, -13, 0, 0, { 480, 480, 0, 0 } },
		[MEDIA_TONE_REORDER] = { 425, -13, 0, 0, { 240, 240, 0, 0 } },
		[MEDIA_TONE_RING] = { 1000, -6, 1200, -6, { 1000, 4000, 0, 0 } },
		[MEDIA_TONE_CALL_WAITING] = { 425, -13, 0, 0, { 200, 200, 200, 5000 } },
	} },
};

static const struct tone_plan *plan_of(const char *country)
{
	for (size_t i = 0; i < sizeof(plans) / sizeof(plans[0]); i++)
		if (country && !strcmp(plans[i].country, country))
			return &plans[i];
	return NULL;
}

bool media_tone_country_known(const char *country)
{
	return plan_of(country) != NULL;
}

bool media_tone_init(tone_gen_state_t *gen, const char *country, enum media_tone tone)
{
	const struct tone_plan *plan = plan_of(country);
	const struct tone_def *t;
	tone_gen_descriptor_t desc;

	if (!plan)
		plan = &plans[0];
	if (tone <= MEDIA_TONE_NONE || tone >= __MEDIA_TONE_LAST)
		return false;
	t = &plan->tones[tone];
	tone_gen_descriptor_init(&desc, t->f1, t->l1, t->f2, t->l2,
				 t->d[0], t->d[1], t->d[2], t->d[3], 1);
	tone_gen_init(gen, &desc);
	return true;
}

int tone_player_new(struct tone_player *t, unsigned int card_rate)
{
	int err = 0;

	memset(t, 0, sizeof(*t));
	t->frame = card_rate / 50;
	if (card_rate == TONE_RATE)
		return 0;
	t->rs = speex_resampler_init(1, TONE_RATE, card_rate, SPEEX_RESAMPLER_QUALITY_VOIP, &err);
	return t->rs ? 0 : -ENOMEM;
}

void tone_player_free(struct tone_player *t)
{
	if (t->rs)
		speex_resampler_destroy(t->rs);
	t->rs = NULL;
	t->on = false;
}

void tone_player_set(struct tone_player *t, const char *country, enum media_tone tone)
{
	t->on = media_tone_init(&t->gen, country, tone);
	/* a new tone starts clean, without the last one's filter tail */
	if (t->rs)
		speex_resampler_reset_mem(t->rs);
}

void tone_player_mix(struct tone_player *t, int32_t *mix)
{
	int16_t tone[TONE_FRAME], card[MEDIA_FRAME_MAX];
	spx_uint32_t in_len = TONE_FRAME, out_len = t->frame;
	const int16_t *x = tone;

	if (!t->on)
		return;
	tone_gen(&t->gen, tone, TONE_FRAME);
	if (t->rs) {
		speex_resampler_process_int(t->rs, 0, tone, &in_len, card, &out_len);
		for (unsigned int i = out_len; i < t->frame; i++)
			card[i] = 0;
		x = card;
	}
	for (unsigned int i = 0; i < t->frame; i++)
		mix[i] += x[i];
}
