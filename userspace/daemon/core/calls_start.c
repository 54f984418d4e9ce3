// SPDX-License-Identifier: GPL-2.0-only
/*
 * On a board the sound card's driver may bind after ucphoned starts (the
 * modules load in parallel, the codec probes late): the media engine
 * cannot open the card then. Without this the phone would sign in and
 * answer every call 501 until restarted. Calls start when the card's
 * driver binds, and are tried again meanwhile, more slowly each time
 * (a host with no sound path at all tries every 30 s).
 */
#include <errno.h>
#include <stdlib.h>

#include "core/calls_start.h"

#define SUBSYS "calls"
#define RETRY_FIRST_USEC 1000000ULL
#define RETRY_MAX_USEC 30000000ULL
/* the card's PCM devices appear just after its driver binds */
#define RETRY_BOUND_USEC 200000ULL

struct calls_starter {
	struct calls_listener listener;
	sd_event_source *retry;
	uint64_t next_usec;
	unsigned int tries;
};

static int on_retry(sd_event_source *s, uint64_t usec, void *userdata);

static void schedule(struct ucphoned *d, uint64_t after_usec)
{
	struct calls_starter *st = d->calls_starter;
	int ret;

	if (st->retry) {
		ret = sd_event_source_set_time_relative(st->retry, after_usec);
		if (ret >= 0)
			ret = sd_event_source_set_enabled(st->retry,
							  SD_EVENT_ONESHOT);
	} else {
		ret = sd_event_add_time_relative(d->event, &st->retry,
						 CLOCK_MONOTONIC, after_usec,
						 0, on_retry, d);
	}
	if (ret < 0)
		log_error(&d->log, SUBSYS, "cannot schedule starting calls",
			  LOG_ERRNO(ret));
}

static void try_start(struct ucphoned *d)
{
	struct calls_starter *st = d->calls_starter;

	if (d->calls)
		return;
	st->tries++;
	if (calls_new(d, &st->listener, &d->calls) >= 0) {
		if (st->tries > 1)
			log_info(&d->log, SUBSYS,
				 "sound path ready: calls available",
				 LOG_UINT("tries", st->tries));
		if (st->retry)
			sd_event_source_set_enabled(st->retry, SD_EVENT_OFF);
		return;
	}
	d->calls = NULL;
	schedule(d, st->next_usec);
	st->next_usec *= 2;
	if (st->next_usec > RETRY_MAX_USEC)
		st->next_usec = RETRY_MAX_USEC;
}

static int on_retry(sd_event_source *s, uint64_t usec, void *userdata)
{
	(void)s;
	(void)usec;
	try_start(userdata);
	return 0;
}

void calls_start(struct ucphoned *d, const struct calls_listener *listener)
{
	struct calls_starter *st = calloc(1, sizeof(*st));

	if (!st) {
		log_error(&d->log, SUBSYS, "out of memory: calls unavailable");
		return;
	}
	st->listener = *listener;
	st->next_usec = RETRY_FIRST_USEC;
	d->calls_starter = st;
	try_start(d);
}

void calls_start_on_event(struct ucphoned *d, const struct ucphone_event *ev)
{
	struct calls_starter *st = d->calls_starter;

	if (!st || d->calls || ev->type != UCPHONE_EVENT_DRIVER_BOUND ||
	    ev->binding.kind != UCPHONE_DRIVER_KIND_SOUND_CARD)
		return;
	st->next_usec = RETRY_FIRST_USEC;
	schedule(d, RETRY_BOUND_USEC);
}

void calls_start_free(struct ucphoned *d)
{
	struct calls_starter *st = d->calls_starter;

	if (!st)
		return;
	sd_event_source_disable_unref(st->retry);
	free(st);
	d->calls_starter = NULL;
}
