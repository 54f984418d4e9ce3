// SPDX-License-Identifier: GPL-2.0-only
/* The kernel watchdog petted from the main loop (watchdog.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/watchdog.h>

#include "device/watchdog.h"

#define SUBSYS "watchdog"
#define USEC 1000000ULL

struct watchdog {
	struct log *log;
	int fd;
	uint64_t interval_usec;
	sd_event_source *timer;
	bool warned;
};

/*
 * WDIOC_KEEPALIVE on a watchdog; a plain write of one byte (never 'V')
 * where the ioctl is not known (a file standing in for one).
 */
static int pet(struct watchdog *w)
{
	if (ioctl(w->fd, WDIOC_KEEPALIVE, 0) == 0)
		return 0;
	if (errno != ENOTTY && errno != EINVAL)
		return -errno;
	return write(w->fd, "p", 1) == 1 ? 0 : -errno;
}

static int on_timer(sd_event_source *s, uint64_t usec, void *ud)
{
	struct watchdog *w = ud;
	int ret = pet(w);

	if (ret < 0 && !w->warned) {
		log_warning(w->log, SUBSYS, "cannot pet the watchdog",
			    LOG_ERRNO(ret));
		w->warned = true;
	}
	ret = sd_event_source_set_time(s, usec + w->interval_usec);
	return ret < 0 ? ret : sd_event_source_set_enabled(s, SD_EVENT_ONESHOT);
}

static uint64_t interval_from_device(int fd)
{
	int timeout = 0;

	if (ioctl(fd, WDIOC_GETTIMEOUT, &timeout) < 0 || timeout <= 0)
		return 10 * USEC;
	if (timeout < 4)
		return USEC;
	if (timeout > 40)
		return 10 * USEC;
	return (uint64_t)timeout * USEC / 4;
}

int watchdog_new(sd_event *event, struct log *log, const char *path,
		 uint64_t interval_usec, struct watchdog **out)
{
	struct watchdog *w = calloc(1, sizeof(*w));
	uint64_t now = 0;
	int ret;

	if (!w)
		return -ENOMEM;
	w->log = log;
	w->fd = open(path, O_WRONLY | O_CLOEXEC | O_NOCTTY);
	if (w->fd < 0) {
		ret = -errno;
		log_error(log, SUBSYS, "cannot open the watchdog",
			  LOG_STR("device", path), LOG_ERRNO(ret));
		free(w);
		return ret;
	}
	w->interval_usec = interval_usec ? interval_usec :
			   interval_from_device(w->fd);
	ret = pet(w);
	if (ret >= 0)
		ret = sd_event_now(event, CLOCK_MONOTONIC, &now);
	if (ret >= 0)
		ret = sd_event_add_time(event, &w->timer, CLOCK_MONOTONIC,
					now + w->interval_usec, 0, on_timer, w);
	if (ret < 0) {
		log_error(log, SUBSYS, "cannot pet the watchdog",
			  LOG_STR("device", path), LOG_ERRNO(ret));
		watchdog_free(w);
		return ret;
	}
	log_info(log, SUBSYS, "petting the watchdog", LOG_STR("device", path),
		 LOG_UINT("every_ms", w->interval_usec / 1000));
	*out = w;
	return 0;
}

void watchdog_free(struct watchdog *w)
{
	if (!w)
		return;
	sd_event_source_disable_unref(w->timer);
	/* no magic 'V': the watchdog stays armed for the next daemon */
	if (w->fd >= 0)
		close(w->fd);
	free(w);
}
