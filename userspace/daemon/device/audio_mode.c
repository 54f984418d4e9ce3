// SPDX-License-Identifier: GPL-2.0-only
#include "device/audio_mode.h"

static const char *const route_names[AUDIO_ROUTE_COUNT] = {
	[AUDIO_ROUTE_HANDSET] = "Handset",
	[AUDIO_ROUTE_HEADSET] = "Headset",
	[AUDIO_ROUTE_SPEAKERPHONE] = "Speakerphone",
};

const char *audio_route_name(enum audio_route route)
{
	return route < AUDIO_ROUTE_COUNT ? route_names[route] : "?";
}

const char *audio_volume_name(unsigned int slot)
{
	return slot == AUDIO_VOLUME_RINGER ? "Ringer" :
	       audio_route_name((enum audio_route)slot);
}

void audio_mode_init(struct audio_mode *m, long volume_min, long volume_max,
		     long volume_default, long volume_step)
{
	int r;

	m->route = AUDIO_ROUTE_HANDSET;
	m->off_hook = false;
	m->ringing = false;
	m->volume_min = volume_min;
	m->volume_max = volume_max < volume_min ? volume_min : volume_max;
	m->volume_step = volume_step > 0 ? volume_step : 1;
	if (volume_default < m->volume_min)
		volume_default = m->volume_min;
	if (volume_default > m->volume_max)
		volume_default = m->volume_max;
	for (r = 0; r < AUDIO_VOLUME_SLOTS; r++)
		m->volume[r] = volume_default;
}

static bool set_route(struct audio_mode *m, enum audio_route route)
{
	bool changed = m->route != route;

	m->route = route;
	return changed;
}

unsigned int audio_mode_slot(const struct audio_mode *m)
{
	return m->ringing ? AUDIO_VOLUME_RINGER : (unsigned int)m->route;
}

static bool step_volume(struct audio_mode *m, long delta)
{
	unsigned int slot = audio_mode_slot(m);
	long v = m->volume[slot] + delta;

	if (v < m->volume_min)
		v = m->volume_min;
	if (v > m->volume_max)
		v = m->volume_max;
	if (v == m->volume[slot])
		return false;
	m->volume[slot] = v;
	return true;
}

bool audio_mode_set_ringing(struct audio_mode *m, bool ringing)
{
	bool changed = m->ringing != ringing;

	m->ringing = ringing;
	return changed;
}

bool audio_mode_input(struct audio_mode *m, enum audio_input input)
{
	switch (input) {
	case AUDIO_IN_OFF_HOOK:
		m->off_hook = true;
		return set_route(m, AUDIO_ROUTE_HANDSET);
	case AUDIO_IN_ON_HOOK:
		m->off_hook = false;
		return false;
	case AUDIO_IN_SPEAKER_KEY:
		if (m->route != AUDIO_ROUTE_SPEAKERPHONE)
			return set_route(m, AUDIO_ROUTE_SPEAKERPHONE);
		return m->off_hook && set_route(m, AUDIO_ROUTE_HANDSET);
	case AUDIO_IN_HEADSET_KEY:
		if (m->route != AUDIO_ROUTE_HEADSET)
			return set_route(m, AUDIO_ROUTE_HEADSET);
		return set_route(m, m->off_hook ? AUDIO_ROUTE_HANDSET :
				 AUDIO_ROUTE_SPEAKERPHONE);
	case AUDIO_IN_VOLUME_UP:
		return step_volume(m, m->volume_step);
	case AUDIO_IN_VOLUME_DOWN:
		return step_volume(m, -m->volume_step);
	}
	return false;
}

bool audio_mode_adopt_route(struct audio_mode *m, enum audio_route route)
{
	if (route >= AUDIO_ROUTE_COUNT)
		return false;
	return set_route(m, route);
}

long audio_mode_volume(const struct audio_mode *m)
{
	return m->volume[audio_mode_slot(m)];
}

int audio_mode_permille(const struct audio_mode *m, unsigned int slot)
{
	long span = m->volume_max - m->volume_min;

	if (slot >= AUDIO_VOLUME_SLOTS || span <= 0)
		return 0;
	return (int)(((m->volume[slot] - m->volume_min) * 1000 + span / 2) / span);
}

int audio_mode_percent(const struct audio_mode *m, unsigned int slot)
{
	long span = m->volume_max - m->volume_min;

	if (slot >= AUDIO_VOLUME_SLOTS || span <= 0)
		return 0;
	return (int)(((m->volume[slot] - m->volume_min) * 100 + span / 2) / span);
}

bool audio_mode_set_permille(struct audio_mode *m, unsigned int slot, int pm)
{
	long v;

	if (slot >= AUDIO_VOLUME_SLOTS)
		return false;
	pm = pm < 0 ? 0 : pm > 1000 ? 1000 : pm;
	v = m->volume_min + ((m->volume_max - m->volume_min) * pm + 500) / 1000;
	if (v == m->volume[slot])
		return false;
	m->volume[slot] = v;
	return true;
}

bool audio_mode_set_percent(struct audio_mode *m, unsigned int slot, int pct)
{
	pct = pct < 0 ? 0 : pct > 100 ? 100 : pct;
	return audio_mode_set_permille(m, slot, pct * 10);
}
