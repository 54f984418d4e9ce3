/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The phone's audio mode as a state machine, with no I/O: which acoustic
 * path a call uses (handset, headset, speakerphone) and the playback
 * volume each path remembers. audio.c feeds it the hook switch and keys
 * and applies what it says to the sound card.
 *
 *	off-hook		-> handset (lifting the handset always takes
 *				   the call to it)
 *	on-hook			   leaves the route: a call may go on hands-free
 *	speaker key		-> speakerphone; pressed on speakerphone: back
 *				   to the handset if it is lifted, else stays
 *	headset key		-> headset; pressed on headset: handset if
 *				   lifted, else speakerphone
 *	volume up/down		   one step on the current route's volume,
 *				   clamped to the control's range; while
 *				   the phone rings, on the ringer's
 *	ringing			   the ringer's volume until it stops
 *				   (answered, taken elsewhere, ended)
 *	card reports a route	   adopted, so a change made elsewhere
 *				   (alsaucm, amixer) is not undone
 */
#ifndef UCPHONED_AUDIO_MODE_H
#define UCPHONED_AUDIO_MODE_H

#include <stdbool.h>

enum audio_route {
	AUDIO_ROUTE_HANDSET,
	AUDIO_ROUTE_HEADSET,
	AUDIO_ROUTE_SPEAKERPHONE,
	AUDIO_ROUTE_COUNT
};

/* The volumes kept: one per route, then the ringer's. */
#define AUDIO_VOLUME_RINGER	AUDIO_ROUTE_COUNT
#define AUDIO_VOLUME_SLOTS	(AUDIO_ROUTE_COUNT + 1)

enum audio_input {
	AUDIO_IN_OFF_HOOK,
	AUDIO_IN_ON_HOOK,
	AUDIO_IN_SPEAKER_KEY,
	AUDIO_IN_HEADSET_KEY,
	AUDIO_IN_VOLUME_UP,
	AUDIO_IN_VOLUME_DOWN,
};

struct audio_mode {
	enum audio_route route;
	bool off_hook;
	bool ringing;
	long volume[AUDIO_VOLUME_SLOTS];
	long volume_min, volume_max, volume_step;
};

void audio_mode_init(struct audio_mode *m, long volume_min, long volume_max,
		     long volume_default, long volume_step);
/* Returns true when the route or the current volume changed. */
bool audio_mode_input(struct audio_mode *m, enum audio_input input);
/* The card switched route by itself; returns true when that is news. */
bool audio_mode_adopt_route(struct audio_mode *m, enum audio_route route);
/* The phone rings (true) or stopped; true when the volume to apply changed. */
bool audio_mode_set_ringing(struct audio_mode *m, bool ringing);
/* The volume slot in use: the ringer's while ringing, else the route's. */
unsigned int audio_mode_slot(const struct audio_mode *m);
/* The value the volume control gets now. */
long audio_mode_volume(const struct audio_mode *m);
/* A slot's volume as a percentage of the control's range (0-100). */
int audio_mode_percent(const struct audio_mode *m, unsigned int slot);
/* Sets a slot's volume to pct % of the range; true when it changed. */
bool audio_mode_set_percent(struct audio_mode *m, unsigned int slot, int pct);
/*
 * The same in tenths of a percent (0-1000): for a control of up to 1000
 * steps a value goes there and back unchanged (what the volume file keeps).
 */
int audio_mode_permille(const struct audio_mode *m, unsigned int slot);
bool audio_mode_set_permille(struct audio_mode *m, unsigned int slot, int pm);
const char *audio_route_name(enum audio_route route);
/* "Handset", "Headset", "Speakerphone", "Ringer". */
const char *audio_volume_name(unsigned int slot);

#endif /* UCPHONED_AUDIO_MODE_H */
