// SPDX-License-Identifier: GPL-2.0-only
/*
 * Test fixture: an ALSA PCM plugin ("type paced") that stands in for a
 * sound card's clock on a host without one. It plays into nothing and
 * captures silence, but at the real-time pace of the configured rate: the
 * hardware pointer follows CLOCK_MONOTONIC and poll() wakes once per
 * period (a timerfd), as a card's period interrupt would. alsa-lib's own
 * `null` PCM completes every transfer at once, so it cannot drive a media
 * loop; the `file` plugin stacked on top of this one supplies the audio
 * (infile for capture, file for what was played), see asound.conf.
 *
 * The phone's media engine opens these PCMs with the same alsa-lib calls
 * it uses on the ES8311 card; nothing in the daemon knows about this file.
 *
 * A test echo path (a loudspeaker heard by the microphone), mono S16 only,
 * between PCMs of one process:
 *   echo_tap true          (playback) what is played goes into the echo ring
 *   echo_delay_ms N        (capture) captures what the tap played N ms
 *   echo_gain_db G         before, scaled by G dB (default -10)
 * The ring is indexed by the instant a frame is played or captured (frames
 * since the first use in this process, from each stream's start time), so
 * an xrun that restarts one stream does not shift the echo.
 * A microphone that plays a file (for benchmarks: no file plugin on top,
 * so no syscall per period beyond the clock's):
 *   infile PATH            (capture) raw S16_LE mono at the stream's rate,
 *                          read in 64 KiB blocks, from the start again at its
 *                          end; without it capture is silence
 * A card that stalls:
 *   fail_ms N              N ms after the first start the card stalls: every
 *                          transfer fails with -EIO, as on a card whose period
 *                          clock stalled (alsa-lib's wait times out), until the
 *                          stream is prepared again; 0 (default): never
 *   fail_again_ms M        then it stalls again M ms after each prepare (0: at
 *   fail_times K           once), K stalls in all (default 1; 0: no end)
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/timerfd.h>
#include <alsa/asoundlib.h>
#include <alsa/pcm_external.h>

struct paced {
	snd_pcm_ioplug_t io;
	struct timespec t0;
	uint64_t done;		/* frames played or captured since start */
	bool running;
	bool echo_tap;
	long echo_delay;	/* frames; < 0: no echo path */
	double echo_gain;
	long fail_ms;		/* the next failure, ms after the first start; 0: never */
	long fail_again_ms;
	long fails_left;	/* < 0: no end */
	struct timespec first_start;
	bool started_once, stalled;
	int in_fd;		/* infile, or -1 */
	size_t in_len, in_pos;	/* bytes in in_buf, next byte to give */
	uint8_t in_buf[65536];
};

#define ECHO_RING 65536		/* frames: > 8 s at 8 kHz */
static int16_t echo_ring[ECHO_RING];
static struct timespec echo_epoch;

/* Frames from the echo epoch to the stream's start (now, if not started). */
static uint64_t echo_base(const struct paced *p)
{
	struct timespec now, t;

	clock_gettime(CLOCK_MONOTONIC, &now);
	if (!echo_epoch.tv_sec && !echo_epoch.tv_nsec)
		echo_epoch = now;
	t = p->running ? p->t0 : now;
	return ((uint64_t)(t.tv_sec - echo_epoch.tv_sec) * 1000000000ULL +
		(uint64_t)t.tv_nsec - (uint64_t)echo_epoch.tv_nsec) * p->io.rate / 1000000000ULL;
}

static uint64_t elapsed_frames(const struct paced *p)
{
	struct timespec now;
	uint64_t ns;

	clock_gettime(CLOCK_MONOTONIC, &now);
	ns = (uint64_t)(now.tv_sec - p->t0.tv_sec) * 1000000000ULL +
	     (uint64_t)now.tv_nsec - (uint64_t)p->t0.tv_nsec;
	return ns * p->io.rate / 1000000000ULL;
}

static int paced_start(snd_pcm_ioplug_t *io)
{
	struct paced *p = io->private_data;
	uint64_t period_ns = (uint64_t)io->period_size * 1000000000ULL / io->rate;
	struct itimerspec its = {
		.it_interval = { (time_t)(period_ns / 1000000000ULL),
				 (long)(period_ns % 1000000000ULL) },
	};

	clock_gettime(CLOCK_MONOTONIC, &p->t0);
	if (!p->started_once) {
		p->first_start = p->t0;
		p->started_once = true;
	}
	its.it_value = its.it_interval;
	p->done = 0;
	p->running = true;
	return timerfd_settime(io->poll_fd, 0, &its, NULL) < 0 ? -errno : 0;
}

static int paced_stop(snd_pcm_ioplug_t *io)
{
	struct paced *p = io->private_data;
	struct itimerspec its = { 0 };

	p->running = false;
	return timerfd_settime(io->poll_fd, 0, &its, NULL) < 0 ? -errno : 0;
}

static snd_pcm_sframes_t paced_pointer(snd_pcm_ioplug_t *io)
{
	struct paced *p = io->private_data;
	uint64_t target, delta, room;

	if (!p->running)
		return (snd_pcm_sframes_t)(p->done % io->buffer_size);
	target = elapsed_frames(p);
	delta = target > p->done ? target - p->done : 0;
	/* playback: frames queued; capture: room left to fill */
	room = snd_pcm_ioplug_hw_avail(io, io->hw_ptr, io->appl_ptr);
	/* The card ran past what was written (playback) or read (capture). */
	if (delta > room)
		return -EPIPE;
	p->done += delta;
	return (snd_pcm_sframes_t)(p->done % io->buffer_size);
}

static int16_t *area_frames(const snd_pcm_channel_area_t *areas, snd_pcm_uframes_t offset)
{
	return (int16_t *)((char *)areas[0].addr + (areas[0].first + areas[0].step * offset) / 8);
}

/* @n bytes of the infile, from its start again at its end. */
static int infile_read(struct paced *p, uint8_t *out, size_t n)
{
	while (n) {
		size_t k;

		if (p->in_pos == p->in_len) {
			ssize_t got = read(p->in_fd, p->in_buf, sizeof(p->in_buf));

			if (got == 0 && lseek(p->in_fd, 0, SEEK_SET) == 0)
				got = read(p->in_fd, p->in_buf, sizeof(p->in_buf));
			if (got <= 0)
				return -EIO;
			p->in_len = (size_t)got;
			p->in_pos = 0;
		}
		k = p->in_len - p->in_pos < n ? p->in_len - p->in_pos : n;
		memcpy(out, p->in_buf + p->in_pos, k);
		p->in_pos += k;
		out += k;
		n -= k;
	}
	return 0;
}

static snd_pcm_sframes_t paced_transfer(snd_pcm_ioplug_t *io,
					const snd_pcm_channel_area_t *areas,
					snd_pcm_uframes_t offset, snd_pcm_uframes_t size)
{
	struct paced *p = io->private_data;
	bool mono = io->channels == 1 && io->format == SND_PCM_FORMAT_S16_LE;

	if (p->stalled)
		return -EIO;
	if (p->fail_ms && p->fails_left && p->started_once) {
		struct timespec now;
		long ms;

		clock_gettime(CLOCK_MONOTONIC, &now);
		ms = (now.tv_sec - p->first_start.tv_sec) * 1000 +
		     (now.tv_nsec - p->first_start.tv_nsec) / 1000000;
		if (ms >= p->fail_ms) {
			if (p->fails_left > 0)
				p->fails_left--;
			p->stalled = true;
			return -EIO;
		}
	}
	if (io->stream == SND_PCM_STREAM_PLAYBACK) {
		const int16_t *x = area_frames(areas, offset);

		if (p->echo_tap && mono) {
			uint64_t at = echo_base(p) + io->appl_ptr;

			for (snd_pcm_uframes_t i = 0; i < size; i++)
				echo_ring[(at + i) % ECHO_RING] = x[i];
		}
		return (snd_pcm_sframes_t)size;
	}
	if (p->in_fd >= 0 && mono && p->echo_delay < 0) {
		uint8_t *x = (uint8_t *)area_frames(areas, offset);

		if (infile_read(p, x, size * 2) < 0)
			return -EIO;
		return (snd_pcm_sframes_t)size;
	}
	if (p->echo_delay < 0 || !mono) {
		snd_pcm_areas_silence(areas, offset, io->channels, size, io->format);
		return (snd_pcm_sframes_t)size;
	}
	{
		int16_t *x = area_frames(areas, offset);
		long at = (long)(echo_base(p) + io->appl_ptr);

		for (snd_pcm_uframes_t i = 0; i < size; i++) {
			long k = at + (long)i - p->echo_delay;

			x[i] = k < 0 ? 0 : (int16_t)(echo_ring[k % ECHO_RING] * p->echo_gain);
		}
	}
	return (snd_pcm_sframes_t)size;
}

/* Waits out what is queued, as a card would play it. */
static int paced_drain(snd_pcm_ioplug_t *io)
{
	struct paced *p = io->private_data;
	uint64_t queued = snd_pcm_ioplug_hw_avail(io, io->hw_ptr, io->appl_ptr);
	uint64_t ns;
	struct timespec ts;

	if (!p->running)
		return 0;
	ns = queued * 1000000000ULL / io->rate;
	ts.tv_sec = (time_t)(ns / 1000000000ULL);
	ts.tv_nsec = (long)(ns % 1000000000ULL);
	nanosleep(&ts, NULL);
	return 0;
}

static int paced_prepare(snd_pcm_ioplug_t *io)
{
	struct paced *p = io->private_data;
	struct itimerspec its = { 0 };

	/* after an xrun alsa-lib prepares without stopping: stop the clock */
	if (p->stalled) {
		struct timespec now;

		clock_gettime(CLOCK_MONOTONIC, &now);
		p->stalled = false;
		p->fail_ms = (now.tv_sec - p->first_start.tv_sec) * 1000 +
			     (now.tv_nsec - p->first_start.tv_nsec) / 1000000 + p->fail_again_ms;
	}
	p->done = 0;
	p->running = false;
	return timerfd_settime(io->poll_fd, 0, &its, NULL) < 0 ? -errno : 0;
}

static int paced_poll_revents(snd_pcm_ioplug_t *io, struct pollfd *pfd,
			      unsigned int nfds, unsigned short *revents)
{
	uint64_t ticks;

	(void)nfds;
	*revents = 0;
	if (read(pfd[0].fd, &ticks, sizeof(ticks)) < 0) {
		if (errno != EAGAIN)
			return -errno;
		return 0;
	}
	*revents = io->stream == SND_PCM_STREAM_PLAYBACK ? POLLOUT : POLLIN;
	return 0;
}

static int paced_close(snd_pcm_ioplug_t *io)
{
	struct paced *p = io->private_data;

	close(io->poll_fd);
	if (p->in_fd >= 0)
		close(p->in_fd);
	free(p);
	return 0;
}

static const snd_pcm_ioplug_callback_t paced_callback = {
	.start = paced_start,
	.stop = paced_stop,
	.pointer = paced_pointer,
	.transfer = paced_transfer,
	.prepare = paced_prepare,
	.drain = paced_drain,
	.poll_revents = paced_poll_revents,
	.close = paced_close,
};

static int constrain(snd_pcm_ioplug_t *io)
{
	static const unsigned int access[] = { SND_PCM_ACCESS_RW_INTERLEAVED,
					       SND_PCM_ACCESS_MMAP_INTERLEAVED };
	static const unsigned int formats[] = { SND_PCM_FORMAT_S16_LE };
	int rc;

	rc = snd_pcm_ioplug_set_param_list(io, SND_PCM_IOPLUG_HW_ACCESS, 2, access);
	if (rc >= 0)
		rc = snd_pcm_ioplug_set_param_list(io, SND_PCM_IOPLUG_HW_FORMAT, 1, formats);
	if (rc >= 0)
		rc = snd_pcm_ioplug_set_param_minmax(io, SND_PCM_IOPLUG_HW_CHANNELS, 1, 2);
	if (rc >= 0)
		rc = snd_pcm_ioplug_set_param_minmax(io, SND_PCM_IOPLUG_HW_RATE, 8000, 48000);
	if (rc >= 0)
		rc = snd_pcm_ioplug_set_param_minmax(io, SND_PCM_IOPLUG_HW_PERIOD_BYTES,
						     64, 64 * 1024);
	if (rc >= 0)
		rc = snd_pcm_ioplug_set_param_minmax(io, SND_PCM_IOPLUG_HW_PERIODS, 2, 64);
	return rc;
}

/* alsa-lib looks the opener up by name; declared for -Wmissing-prototypes */
SND_PCM_PLUGIN_DEFINE_FUNC(paced);

SND_PCM_PLUGIN_DEFINE_FUNC(paced)
{
	snd_config_iterator_t i, next;
	struct paced *p;
	long delay_ms = -1, gain_db = -10, fail_ms = 0, fail_again_ms = 0, fail_times = 1;
	const char *infile = NULL;
	int tap = 0, rc;

	(void)root;
	snd_config_for_each(i, next, conf) {
		snd_config_t *n = snd_config_iterator_entry(i);
		const char *id;

		if (snd_config_get_id(n, &id) < 0)
			continue;
		if (!strcmp(id, "comment") || !strcmp(id, "type") || !strcmp(id, "hint"))
			continue;
		if (!strcmp(id, "echo_tap")) {
			tap = snd_config_get_bool(n);
			if (tap < 0)
				return tap;
			continue;
		}
		if (!strcmp(id, "echo_delay_ms") && snd_config_get_integer(n, &delay_ms) == 0 &&
		    delay_ms >= 0 && delay_ms < 4000)
			continue;
		if (!strcmp(id, "echo_gain_db") && snd_config_get_integer(n, &gain_db) == 0 &&
		    gain_db <= 0)
			continue;
		if (!strcmp(id, "fail_ms")) {
			if (snd_config_get_integer(n, &fail_ms) < 0 || fail_ms < 0) {
				SNDERR("paced: fail_ms wants a number of ms");
				return -EINVAL;
			}
			continue;
		}
		if (!strcmp(id, "fail_again_ms") || !strcmp(id, "fail_times")) {
			long *v = id[5] == 'a' ? &fail_again_ms : &fail_times;

			if (snd_config_get_integer(n, v) < 0 || *v < 0) {
				SNDERR("paced: %s wants a number", id);
				return -EINVAL;
			}
			continue;
		}
		if (!strcmp(id, "infile") && stream == SND_PCM_STREAM_CAPTURE &&
		    snd_config_get_string(n, &infile) == 0)
			continue;
		SNDERR("paced: unknown or bad field %s", id);
		return -EINVAL;
	}
	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	p->echo_tap = tap;
	p->echo_delay = delay_ms < 0 ? -1 : delay_ms * 8;	/* the echo path runs at 8 kHz */
	p->echo_gain = pow(10.0, (double)gain_db / 20.0);
	p->fail_ms = fail_ms;
	p->fail_again_ms = fail_again_ms;
	p->fails_left = fail_times ? fail_times : -1;
	p->in_fd = -1;
	if (infile) {
		p->in_fd = open(infile, O_RDONLY | O_CLOEXEC);
		if (p->in_fd < 0) {
			rc = -errno;
			SNDERR("paced: cannot open %s", infile);
			free(p);
			return rc;
		}
	}
	p->io.version = SND_PCM_IOPLUG_VERSION;
	p->io.name = "ucphone test: real-time paced silent PCM";
	p->io.callback = &paced_callback;
	p->io.private_data = p;
	p->io.flags = SND_PCM_IOPLUG_FLAG_MONOTONIC;
	p->io.poll_fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	/* a timerfd is readable when it fired; poll_revents says POLLOUT */
	p->io.poll_events = POLLIN;
	if (p->io.poll_fd < 0) {
		rc = -errno;
		if (p->in_fd >= 0)
			close(p->in_fd);
		free(p);
		return rc;
	}
	rc = snd_pcm_ioplug_create(&p->io, name, stream, mode);
	if (rc < 0) {
		close(p->io.poll_fd);
		if (p->in_fd >= 0)
			close(p->in_fd);
		free(p);
		return rc;
	}
	rc = constrain(&p->io);
	if (rc < 0) {
		snd_pcm_ioplug_delete(&p->io);
		return rc;
	}
	*pcmp = p->io.pcm;
	return 0;
}

SND_PCM_PLUGIN_SYMBOL(paced);
