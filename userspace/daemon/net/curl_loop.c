// SPDX-License-Identifier: GPL-2.0-only
/*
 * libcurl's multi socket interface on sd-event (see curl_loop.h): the
 * socket callback adds, changes or drops one io source per socket curl
 * uses; the timer callback (re)arms one timer source; both call
 * curl_multi_socket_action() and then look for the finished transfer.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>

#include "net/curl_loop.h"

#define SOCKETS_MAX 4

struct watched {
	curl_socket_t fd;
	sd_event_source *io;
};

struct curl_loop {
	sd_event *event;
	CURLM *multi;
	CURL *easy;
	bool added;
	sd_event_source *timer;
	struct watched sockets[SOCKETS_MAX];
	curl_loop_done_cb done;
	void *ctx;
};

/* done() is the last thing that touches l: it may free it. */
static void check_done(struct curl_loop *l)
{
	CURLMsg *msg;
	int left;

	while ((msg = curl_multi_info_read(l->multi, &left))) {
		if (msg->msg != CURLMSG_DONE)
			continue;
		l->timer = sd_event_source_disable_unref(l->timer);
		l->done(l->ctx, msg->data.result);
		return;
	}
}

static int on_io(sd_event_source *src, int fd, uint32_t revents, void *ud)
{
	struct curl_loop *l = ud;
	int running, flags = 0;

	(void)src;
	if (revents & EPOLLIN)
		flags |= CURL_CSELECT_IN;
	if (revents & EPOLLOUT)
		flags |= CURL_CSELECT_OUT;
	if (revents & (EPOLLERR | EPOLLHUP))
		flags |= CURL_CSELECT_ERR;
	curl_multi_socket_action(l->multi, fd, flags, &running);
	check_done(l);
	return 0;
}

static int on_timer(sd_event_source *src, uint64_t usec, void *ud)
{
	struct curl_loop *l = ud;
	int running;

	(void)src;
	(void)usec;
	curl_multi_socket_action(l->multi, CURL_SOCKET_TIMEOUT, 0, &running);
	check_done(l);
	return 0;
}

static int on_socket(CURL *easy, curl_socket_t fd, int what, void *ud,
		     void *socketp)
{
	struct curl_loop *l = ud;
	struct watched *w = socketp;
	uint32_t events = 0;
	int i;

	(void)easy;
	if (what == CURL_POLL_REMOVE) {
		if (w) {
			w->io = sd_event_source_disable_unref(w->io);
			w->fd = CURL_SOCKET_BAD;
		}
		return 0;
	}
	if (what & CURL_POLL_IN)
		events |= EPOLLIN;
	if (what & CURL_POLL_OUT)
		events |= EPOLLOUT;
	if (w)
		return sd_event_source_set_io_events(w->io, events) < 0 ? -1 : 0;
	for (i = 0; i < SOCKETS_MAX; i++) {
		w = &l->sockets[i];
		if (w->fd != CURL_SOCKET_BAD)
			continue;
		if (sd_event_add_io(l->event, &w->io, fd, events, on_io, l) < 0)
			return -1;
		w->fd = fd;
		curl_multi_assign(l->multi, fd, w);
		return 0;
	}
	return -1;
}

static int on_curl_timer(CURLM *multi, long timeout_ms, void *ud)
{
	struct curl_loop *l = ud;

	(void)multi;
	if (timeout_ms < 0) {
		l->timer = sd_event_source_disable_unref(l->timer);
		return 0;
	}
	if (l->timer) {
		uint64_t now;

		sd_event_now(l->event, CLOCK_MONOTONIC, &now);
		if (sd_event_source_set_time(l->timer, now + (uint64_t)timeout_ms * 1000) < 0 ||
		    sd_event_source_set_enabled(l->timer, SD_EVENT_ONESHOT) < 0)
			return -1;
		return 0;
	}
	return sd_event_add_time_relative(l->event, &l->timer, CLOCK_MONOTONIC,
					  (uint64_t)timeout_ms * 1000, 1000,
					  on_timer, l) < 0 ? -1 : 0;
}

int curl_loop_new(sd_event *event, CURL *easy, curl_loop_done_cb done,
		  void *ctx, struct curl_loop **out)
{
	struct curl_loop *l = calloc(1, sizeof(*l));
	int i;

	if (!l)
		return -ENOMEM;
	for (i = 0; i < SOCKETS_MAX; i++)
		l->sockets[i].fd = CURL_SOCKET_BAD;
	l->event = event;
	l->easy = easy;
	l->done = done;
	l->ctx = ctx;
	l->multi = curl_multi_init();
	if (!l->multi) {
		free(l);
		return -ENOMEM;
	}
	curl_multi_setopt(l->multi, CURLMOPT_SOCKETFUNCTION, on_socket);
	curl_multi_setopt(l->multi, CURLMOPT_SOCKETDATA, l);
	curl_multi_setopt(l->multi, CURLMOPT_TIMERFUNCTION, on_curl_timer);
	curl_multi_setopt(l->multi, CURLMOPT_TIMERDATA, l);
	*out = l;
	return 0;
}

int curl_loop_start(struct curl_loop *l)
{
	if (curl_multi_add_handle(l->multi, l->easy))
		return -ENOMEM;
	l->added = true;
	return 0;
}

void curl_loop_free(struct curl_loop *l)
{
	int i;

	if (!l)
		return;
	if (l->added)
		curl_multi_remove_handle(l->multi, l->easy);
	curl_multi_cleanup(l->multi);
	for (i = 0; i < SOCKETS_MAX; i++)
		sd_event_source_disable_unref(l->sockets[i].io);
	sd_event_source_disable_unref(l->timer);
	free(l);
}
