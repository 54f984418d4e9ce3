/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The phone's sound card from the daemon: opened through alsa-lib, its
 * route switched the standard way (the card's ALSA UCM "Voice Call" verb
 * and its Handset/Headset/Speakerphone devices; the card's "Audio Route"
 * control when no UCM is installed) as audio_mode.c decides from hook and
 * key events, and the volume keys changing "DAC Playback Volume".
 *
 * Keys: KEY_VOLUMEUP/KEY_VOLUMEDOWN; the speakerphone key is KEY_SOUND and
 * the headset key KEY_PHONE, as the keypad's keymap has them (dts/README.md).
 *
 * No card (a host without the modules): the daemon runs without audio and
 * opens the card when the kernel says a sound card bound.
 */
#ifndef UCPHONED_AUDIO_H
#define UCPHONED_AUDIO_H

#include <stddef.h>
#include <linux/input-event-codes.h>
#include <json-c/json.h>
#include <systemd/sd-event.h>

#include "core/log.h"
#include "lib/netlink/ucphone_nl.h"

#define AUDIO_CARD		"ucphone"
#define AUDIO_KEY_SPEAKER	KEY_SOUND
#define AUDIO_KEY_HEADSET	KEY_PHONE

struct audio;

int audio_new(sd_event *event, const struct log *log, struct audio **out);
void audio_free(struct audio *audio);
void audio_on_event(struct audio *audio, const struct ucphone_event *ev);
/* The speakerphone is the route in use (its echo canceller runs then). */
bool audio_is_speakerphone(const struct audio *audio);
/* The phone rings (or stopped): the ringer's volume while it does. */
void audio_set_ringing(struct audio *audio, bool ringing);

/*
 * Each route's volume and the ringer's are kept in the state directory
 * (file "volume", "Handset=NN.N" ... "Ringer=NN.N" lines in percent of the
 * card's range, replaced whole through atomic_file_write) and given back
 * when the card opens.
 */
void audio_keep_volumes(struct audio *audio, int dirfd);
/*
 * `volume up|down|N` (N: 0-100 %) on the current route (the ringer while
 * the phone rings): 0 or -EINVAL.
 */
int audio_volume(struct audio *audio, const char *setting, char *why,
		 size_t why_len);
/* {"route":..., "volume_percent":N, "volumes":{route: %}, "card":bool} */
struct json_object *audio_status(const struct audio *audio);

#endif /* UCPHONED_AUDIO_H */
