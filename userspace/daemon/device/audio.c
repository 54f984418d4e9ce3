// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <stdlib.h>
#include <string.h>

#include <alsa/asoundlib.h>
#include <alsa/use-case.h>

#include "device/audio.h"
#include "device/audio_mode.h"
#include "device/volume_file.h"

#define SUBSYS "audio"
#define VOLUME_CONTROL "DAC Playback Volume"
#define ROUTE_CONTROL "Audio Route"
#define UCM_VERB "Voice Call"
/* 0.5 dB per step on the ES8311: a key press is 3 dB. */
#define VOLUME_STEP 6
/* A card that just bound registers its ALSA device moments later. */
#define OPEN_RETRY_USEC 200000
#define OPEN_RETRIES 25

struct audio {
	const struct log *log;
	sd_event *event;
	sd_event_source *retry;
	sd_event_source *ctl_io;	/* the card's control device */
	unsigned int retries_left;
	snd_ctl_t *ctl;			/* NULL while there is no card */
	snd_use_case_mgr_t *ucm;	/* NULL when the card has no UCM */
	struct audio_mode mode;
	bool range_known;		/* the card's volume range was read */
	int dirfd;			/* the state directory, or -1 */
	int kept[AUDIO_VOLUME_SLOTS];	/* saved volumes in 0.1 %, -1: none */
};

static void apply(struct audio *a);

/* The saved volumes (in 0.1 %) become the mode's. */
static void give_back_volumes(struct audio *a)
{
	for (unsigned int r = 0; r < AUDIO_VOLUME_SLOTS; r++)
		if (a->kept[r] >= 0)
			audio_mode_set_permille(&a->mode, r, a->kept[r]);
}

static void save_volumes(struct audio *a)
{
	bool news = false;
	int ret;

	if (a->dirfd < 0 || !a->range_known)
		return;
	for (unsigned int r = 0; r < AUDIO_VOLUME_SLOTS; r++) {
		int pm = audio_mode_permille(&a->mode, r);

		news |= pm != a->kept[r];
		a->kept[r] = pm;
	}
	if (!news)
		return;
	ret = volume_file_save(a->dirfd, a->kept);
	if (ret < 0)
		log_error(a->log, SUBSYS, "cannot save the volumes", LOG_ERRNO(ret));
}

void audio_keep_volumes(struct audio *a, int dirfd)
{
	int ret;

	a->dirfd = dirfd;
	ret = volume_file_load(dirfd, a->kept);
	if (ret < 0)
		log_warning(a->log, SUBSYS, "cannot read the saved volumes", LOG_ERRNO(ret));
	give_back_volumes(a);
	apply(a);
}

/* alsa-lib's own messages would duplicate ours on stderr. */
static void alsa_quiet(const char *file, int line, const char *function,
		       int err, const char *fmt, ...)
{
	(void)file;
	(void)line;
	(void)function;
	(void)err;
	(void)fmt;
}

static int ctl_write(struct audio *a, const char *name, long value,
		     bool enumerated)
{
	snd_ctl_elem_value_t *v;

	snd_ctl_elem_value_alloca(&v);
	snd_ctl_elem_value_set_interface(v, SND_CTL_ELEM_IFACE_MIXER);
	snd_ctl_elem_value_set_name(v, name);
	if (enumerated)
		snd_ctl_elem_value_set_enumerated(v, 0, (unsigned int)value);
	else
		snd_ctl_elem_value_set_integer(v, 0, value);
	return snd_ctl_elem_write(a->ctl, v);
}

/* The volume control's range and value become the mode's volumes. */
static void read_volume_range(struct audio *a)
{
	snd_ctl_elem_info_t *info;
	snd_ctl_elem_value_t *v;
	long min = 0, max = 0, now = 0;

	snd_ctl_elem_info_alloca(&info);
	snd_ctl_elem_value_alloca(&v);
	snd_ctl_elem_info_set_interface(info, SND_CTL_ELEM_IFACE_MIXER);
	snd_ctl_elem_info_set_name(info, VOLUME_CONTROL);
	snd_ctl_elem_value_set_interface(v, SND_CTL_ELEM_IFACE_MIXER);
	snd_ctl_elem_value_set_name(v, VOLUME_CONTROL);
	if (snd_ctl_elem_info(a->ctl, info) < 0 ||
	    snd_ctl_elem_read(a->ctl, v) < 0) {
		log_warning(a->log, SUBSYS, "no volume control on the card",
			    LOG_STR("control", VOLUME_CONTROL));
		return;
	}
	min = snd_ctl_elem_info_get_min(info);
	max = snd_ctl_elem_info_get_max(info);
	now = snd_ctl_elem_value_get_integer(v, 0);
	/* Once: a card that comes back gets the volumes the user chose. */
	if (!a->range_known) {
		enum audio_route route = a->mode.route;
		bool off_hook = a->mode.off_hook, ringing = a->mode.ringing;

		audio_mode_init(&a->mode, min, max, now, VOLUME_STEP);
		a->mode.route = route;
		a->mode.off_hook = off_hook;
		a->mode.ringing = ringing;
		a->range_known = true;
		give_back_volumes(a);
	}
}

static void audio_close(struct audio *a)
{
	a->ctl_io = sd_event_source_disable_unref(a->ctl_io);
	if (a->ucm)
		snd_use_case_mgr_close(a->ucm);
	a->ucm = NULL;
	if (a->ctl)
		snd_ctl_close(a->ctl);
	a->ctl = NULL;
}

static int set_ucm_route(struct audio *a, enum audio_route route)
{
	const char *want = audio_route_name(route);
	char status[64];
	long enabled;
	int r, ret;

	/* The devices conflict: take the others down first. */
	for (r = 0; r < AUDIO_ROUTE_COUNT; r++) {
		const char *dev = audio_route_name((enum audio_route)r);

		snprintf(status, sizeof(status), "_devstatus/%s", dev);
		if (snd_use_case_geti(a->ucm, status, &enabled) < 0 || !enabled)
			continue;
		if (r == (int)route)
			return 0;
		ret = snd_use_case_set(a->ucm, "_disdev", dev);
		if (ret < 0)
			return ret;
	}
	return snd_use_case_set(a->ucm, "_enadev", want);
}

static void apply(struct audio *a)
{
	enum audio_route route = a->mode.route;
	int ret;

	if (!a->ctl)
		return;
	if (a->ucm)
		ret = set_ucm_route(a, route);
	else
		ret = ctl_write(a, ROUTE_CONTROL, route, true);
	if (ret < 0)
		log_error(a->log, SUBSYS, "cannot switch the audio route",
			  LOG_STR("route", audio_route_name(route)),
			  LOG_BOOL("ucm", a->ucm), LOG_ERRNO(ret));
	ret = ctl_write(a, VOLUME_CONTROL, audio_mode_volume(&a->mode), false);
	if (ret < 0)
		log_error(a->log, SUBSYS, "cannot set the volume",
			  LOG_ERRNO(ret));
	else
		log_info(a->log, SUBSYS, "audio mode",
			 LOG_STR("route", audio_route_name(route)),
			 LOG_INT("volume", audio_mode_volume(&a->mode)),
			 LOG_BOOL("ringing", a->mode.ringing),
			 LOG_BOOL("ucm", a->ucm));
}

/*
 * The kernel frees a card only once every file on it is closed: when the
 * card goes away (unbind, module unload) its control device reports an
 * error, and we let go at once.
 */
static int on_ctl_io(sd_event_source *source, int fd, uint32_t revents,
		     void *userdata)
{
	struct audio *a = userdata;
	snd_ctl_event_t *event;
	int ret;

	(void)source;
	(void)fd;
	snd_ctl_event_alloca(&event);
	do
		ret = snd_ctl_read(a->ctl, event);
	while (ret > 0);
	if ((ret < 0 && ret != -EAGAIN) || (revents & (EPOLLERR | EPOLLHUP))) {
		log_info(a->log, SUBSYS, "sound card went away",
			 LOG_STR("card", AUDIO_CARD), LOG_ERRNO(ret));
		audio_close(a);
	}
	return 0;
}

static int watch_ctl(struct audio *a)
{
	struct pollfd pfd;
	int ret;

	ret = snd_ctl_subscribe_events(a->ctl, 1);
	if (ret >= 0 && snd_ctl_poll_descriptors(a->ctl, &pfd, 1) != 1)
		ret = -EINVAL;
	if (ret >= 0)
		ret = sd_event_add_io(a->event, &a->ctl_io, pfd.fd, EPOLLIN,
				      on_ctl_io, a);
	return ret;
}

static int audio_open(struct audio *a)
{
	int ret;

	audio_close(a);
	ret = snd_ctl_open(&a->ctl, "hw:" AUDIO_CARD, SND_CTL_NONBLOCK);
	if (ret < 0) {
		a->ctl = NULL;
		return ret;
	}
	ret = watch_ctl(a);
	if (ret < 0) {
		log_error(a->log, SUBSYS, "cannot watch the sound card",
			  LOG_ERRNO(ret));
		audio_close(a);
		return ret;
	}
	read_volume_range(a);

	ret = snd_use_case_mgr_open(&a->ucm, AUDIO_CARD);
	if (ret >= 0)
		ret = snd_use_case_set(a->ucm, "_verb", UCM_VERB);
	if (ret < 0) {
		if (a->ucm)
			snd_use_case_mgr_close(a->ucm);
		a->ucm = NULL;
		log_info(a->log, SUBSYS, "no UCM for the card; using its controls",
			 LOG_ERRNO(ret));
	}
	apply(a);
	return 0;
}

static int on_open_retry(sd_event_source *source, uint64_t usec,
			 void *userdata)
{
	struct audio *a = userdata;

	(void)usec;
	if (audio_open(a) >= 0 || --a->retries_left == 0) {
		if (!a->ctl)
			log_warning(a->log, SUBSYS,
				    "sound card bound but never appeared in ALSA",
				    LOG_STR("card", AUDIO_CARD));
		return sd_event_source_set_enabled(source, SD_EVENT_OFF);
	}
	return sd_event_source_set_time_relative(source, OPEN_RETRY_USEC);
}

/* Open now, or keep trying for a few seconds. */
static void audio_open_soon(struct audio *a)
{
	int ret;

	if (audio_open(a) >= 0)
		return;
	a->retries_left = OPEN_RETRIES;
	if (a->retry) {
		ret = sd_event_source_set_time_relative(a->retry,
							OPEN_RETRY_USEC);
		if (ret >= 0)
			ret = sd_event_source_set_enabled(a->retry,
							  SD_EVENT_ONESHOT);
	} else {
		ret = sd_event_add_time_relative(a->event, &a->retry,
						 CLOCK_MONOTONIC,
						 OPEN_RETRY_USEC, 0,
						 on_open_retry, a);
	}
	if (ret < 0)
		log_error(a->log, SUBSYS, "cannot schedule opening the card",
			  LOG_ERRNO(ret));
}

int audio_new(sd_event *event, const struct log *log, struct audio **out)
{
	struct audio *a = calloc(1, sizeof(*a));
	int ret;

	if (!a)
		return -ENOMEM;
	a->log = log;
	a->event = event;
	a->dirfd = -1;
	for (int r = 0; r < AUDIO_VOLUME_SLOTS; r++)
		a->kept[r] = -1;
	/* The ES8311's range until a card says otherwise; 0 dB. */
	audio_mode_init(&a->mode, 0, 255, 191, VOLUME_STEP);
	snd_lib_error_set_handler(alsa_quiet);
	ret = audio_open(a);
	if (ret < 0)
		log_info(log, SUBSYS, "no sound card; audio waits for one",
			 LOG_STR("card", AUDIO_CARD), LOG_ERRNO(ret));
	*out = a;
	return 0;
}

void audio_free(struct audio *a)
{
	if (!a)
		return;
	a->retry = sd_event_source_disable_unref(a->retry);
	audio_close(a);
	free(a);
	snd_config_update_free_global();
}

static bool key_input(const struct ucphone_event *ev, enum audio_input *in)
{
	if (!ev->key.pressed)
		return false;
	switch (ev->key.code) {
	case KEY_VOLUMEUP:
		*in = AUDIO_IN_VOLUME_UP;
		return true;
	case KEY_VOLUMEDOWN:
		*in = AUDIO_IN_VOLUME_DOWN;
		return true;
	case AUDIO_KEY_SPEAKER:
		*in = AUDIO_IN_SPEAKER_KEY;
		return true;
	case AUDIO_KEY_HEADSET:
		*in = AUDIO_IN_HEADSET_KEY;
		return true;
	default:
		return false;
	}
}

static enum audio_route route_from_uapi(uint32_t route)
{
	switch (route) {
	case UCPHONE_AUDIO_ROUTE_HEADSET:
		return AUDIO_ROUTE_HEADSET;
	case UCPHONE_AUDIO_ROUTE_SPEAKER:
		return AUDIO_ROUTE_SPEAKERPHONE;
	case UCPHONE_AUDIO_ROUTE_HANDSET:
		return AUDIO_ROUTE_HANDSET;
	default:
		return AUDIO_ROUTE_COUNT;
	}
}

void audio_on_event(struct audio *a, const struct ucphone_event *ev)
{
	enum audio_input in;

	if (!a)
		return;
	switch (ev->type) {
	case UCPHONE_EVENT_DRIVER_BOUND:
		if (ev->binding.kind == UCPHONE_DRIVER_KIND_SOUND_CARD)
			audio_open_soon(a);
		return;
	case UCPHONE_EVENT_DRIVER_UNBOUND:
		if (ev->binding.kind == UCPHONE_DRIVER_KIND_SOUND_CARD) {
			if (a->retry)
				sd_event_source_set_enabled(a->retry,
							    SD_EVENT_OFF);
			audio_close(a);
		}
		return;
	case UCPHONE_EVENT_HOOK:
		in = ev->hook.state == UCPHONE_HOOK_OFF ? AUDIO_IN_OFF_HOOK :
							  AUDIO_IN_ON_HOOK;
		break;
	case UCPHONE_EVENT_KEY:
		if (!key_input(ev, &in))
			return;
		break;
	case UCPHONE_EVENT_AUDIO_ROUTE:
		/*
		 * A route set elsewhere (alsaucm, amixer) is the user's; one
		 * from a card not opened yet is its power-on default.
		 */
		if (a->ctl)
			audio_mode_adopt_route(&a->mode,
					       route_from_uapi(ev->audio.route));
		return;
	default:
		return;
	}
	if (audio_mode_input(&a->mode, in)) {
		apply(a);
		save_volumes(a);
	}
}

int audio_volume(struct audio *a, const char *setting, char *why,
		 size_t why_len)
{
	char *end;
	long pct;
	bool changed;

	if (!strcmp(setting, "up") || !strcmp(setting, "down")) {
		changed = audio_mode_input(&a->mode, setting[0] == 'u' ?
					   AUDIO_IN_VOLUME_UP : AUDIO_IN_VOLUME_DOWN);
	} else {
		pct = strtol(setting, &end, 10);
		if (*end || end == setting || pct < 0 || pct > 100) {
			snprintf(why, why_len, "volume up, down or 0-100 (%%)");
			return -EINVAL;
		}
		changed = audio_mode_set_percent(&a->mode, audio_mode_slot(&a->mode),
						 (int)pct);
	}
	if (changed) {
		apply(a);
		save_volumes(a);
	}
	return 0;
}

struct json_object *audio_status(const struct audio *a)
{
	struct json_object *o = json_object_new_object();
	struct json_object *v = json_object_new_object();

	if (!o || !v) {
		json_object_put(o);
		json_object_put(v);
		return NULL;
	}
	for (unsigned int r = 0; r < AUDIO_VOLUME_SLOTS; r++)
		json_object_object_add(v, audio_volume_name(r),
				       json_object_new_int(audio_mode_percent(&a->mode, r)));
	json_object_object_add(o, "route",
			       json_object_new_string(audio_route_name(a->mode.route)));
	json_object_object_add(o, "volume_percent",
			       json_object_new_int(audio_mode_percent(&a->mode,
								      audio_mode_slot(&a->mode))));
	json_object_object_add(o, "ringing", json_object_new_boolean(a->mode.ringing));
	json_object_object_add(o, "volume", json_object_new_int64(audio_mode_volume(&a->mode)));
	json_object_object_add(o, "volumes", v);
	json_object_object_add(o, "card", json_object_new_boolean(a->ctl != NULL));
	return o;
}

void audio_set_ringing(struct audio *a, bool ringing)
{
	if (a && audio_mode_set_ringing(&a->mode, ringing))
		apply(a);
}

bool audio_is_speakerphone(const struct audio *a)
{
	return a && a->mode.route == AUDIO_ROUTE_SPEAKERPHONE;
}
