// SPDX-License-Identifier: GPL-2.0-only
/*
 * libcurl's multi socket interface driven by sd-event: curl tells us which
 * sockets to watch (socket callback) and when to call it back (timer
 * callback); we call curl_multi_socket_action() from the loop. Plain HTTP
 * only, as the seed asks: the phone does not know the root yet, so HTTPS
 * could not be verified either; what comes back is only believed as far as
 * ca_bundle.c's checks go (self-signed CA roots).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "config.h"
#include "lib/dhcp/dhcp_msg.h"
#include "lib/pki/ca_bundle.h"
#include "trust/ca_certsrv.h"

#define SOCKETS_MAX 4

struct watched {
	curl_socket_t fd;
	sd_event_source *io;
};

struct ca_certsrv {
	sd_event *event;
	CURLM *multi;
	CURL *easy;
	struct curl_slist *resolve;
	sd_event_source *timer;
	struct watched sockets[SOCKETS_MAX];
	ca_certsrv_done_cb cb;
	void *ctx;
	char *body;
	size_t body_len;
	bool too_big;
	char curl_error[CURL_ERROR_SIZE];
	struct ca_certsrv_result result;
};

static size_t on_body(char *data, size_t size, size_t nmemb, void *ud)
{
	struct ca_certsrv *c = ud;
	size_t n = size * nmemb;
	char *grown;

	if (c->body_len + n > CA_INPUT_MAX) {
		c->too_big = true;
		return 0;	/* aborts the transfer */
	}
	grown = realloc(c->body, c->body_len + n + 1);
	if (!grown)
		return 0;
	c->body = grown;
	memcpy(c->body + c->body_len, data, n);
	c->body_len += n;
	return n;
}

/* Ends the fetch: the callback is the last thing that touches c. */
static void finish(struct ca_certsrv *c, int status)
{
	c->result.status = status;
	c->timer = sd_event_source_disable_unref(c->timer);
	c->cb(c->ctx, &c->result);
}

static void check_done(struct ca_certsrv *c)
{
	CURLMsg *msg;
	int left, ret;

	while ((msg = curl_multi_info_read(c->multi, &left))) {
		if (msg->msg != CURLMSG_DONE)
			continue;
		curl_easy_getinfo(c->easy, CURLINFO_RESPONSE_CODE,
				  &c->result.http_code);
		if (msg->data.result != CURLE_OK) {
			snprintf(c->result.error, sizeof(c->result.error),
				 "certsrv GET failed: %.200s",
				 c->too_big ? "answer over 256 KiB" :
				 c->curl_error[0] ? c->curl_error :
				 curl_easy_strerror(msg->data.result));
			finish(c, msg->data.result == CURLE_OPERATION_TIMEDOUT ?
				  -ETIMEDOUT : -EIO);
			return;
		}
		if (c->result.http_code != 200) {
			snprintf(c->result.error, sizeof(c->result.error),
				 "certsrv answered HTTP %ld", c->result.http_code);
			finish(c, -ENOENT);
			return;
		}
		ret = ca_parse_certsrv(c->body, c->body_len, c->result.roots);
		if (ret < 0)
			snprintf(c->result.error, sizeof(c->result.error),
				 "certsrv answer (%zu bytes) is no PKCS#7 or certificate",
				 c->body_len);
		else if (!ret)
			snprintf(c->result.error, sizeof(c->result.error),
				 "certsrv answer holds no self-signed root CA");
		finish(c, ret < 0 ? ret : ret ? 0 : -ENOENT);
		return;
	}
}

static int on_io(sd_event_source *src, int fd, uint32_t revents, void *ud)
{
	struct ca_certsrv *c = ud;
	int running, flags = 0;

	(void)src;
	if (revents & EPOLLIN)
		flags |= CURL_CSELECT_IN;
	if (revents & EPOLLOUT)
		flags |= CURL_CSELECT_OUT;
	if (revents & (EPOLLERR | EPOLLHUP))
		flags |= CURL_CSELECT_ERR;
	curl_multi_socket_action(c->multi, fd, flags, &running);
	check_done(c);
	return 0;
}

static int on_timer(sd_event_source *src, uint64_t usec, void *ud)
{
	struct ca_certsrv *c = ud;
	int running;

	(void)src;
	(void)usec;
	curl_multi_socket_action(c->multi, CURL_SOCKET_TIMEOUT, 0, &running);
	check_done(c);
	return 0;
}

static int on_socket(CURL *easy, curl_socket_t fd, int what, void *ud,
		     void *socketp)
{
	struct ca_certsrv *c = ud;
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
		w = &c->sockets[i];
		if (w->fd != CURL_SOCKET_BAD)
			continue;
		if (sd_event_add_io(c->event, &w->io, fd, events, on_io, c) < 0)
			return -1;
		w->fd = fd;
		curl_multi_assign(c->multi, fd, w);
		return 0;
	}
	return -1;
}

static int on_curl_timer(CURLM *multi, long timeout_ms, void *ud)
{
	struct ca_certsrv *c = ud;

	(void)multi;
	if (timeout_ms < 0) {
		c->timer = sd_event_source_disable_unref(c->timer);
		return 0;
	}
	if (c->timer) {
		uint64_t now;

		sd_event_now(c->event, CLOCK_MONOTONIC, &now);
		if (sd_event_source_set_time(c->timer, now + (uint64_t)timeout_ms * 1000) < 0 ||
		    sd_event_source_set_enabled(c->timer, SD_EVENT_ONESHOT) < 0)
			return -1;
		return 0;
	}
	return sd_event_add_time_relative(c->event, &c->timer, CLOCK_MONOTONIC,
					  (uint64_t)timeout_ms * 1000, 1000,
					  on_timer, c) < 0 ? -1 : 0;
}

int ca_certsrv_start(sd_event *event, const char *host, uint32_t addr,
		     uint64_t timeout_usec, ca_certsrv_done_cb cb, void *ctx,
		     struct ca_certsrv **out)
{
	char url[DHCP_NAME_MAX + 80], resolve[DHCP_NAME_MAX + 32];
	char ip[INET_ADDRSTRLEN];
	struct ca_certsrv *c;
	int i;

	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	for (i = 0; i < SOCKETS_MAX; i++)
		c->sockets[i].fd = CURL_SOCKET_BAD;
	c->event = event;
	c->cb = cb;
	c->ctx = ctx;
	c->result.roots = sk_X509_new_null();
	c->multi = curl_multi_init();
	c->easy = curl_easy_init();
	snprintf(url, sizeof(url),
		 "http://%s/certsrv/certnew.p7b?ReqID=CACert&Renewal=-1&Enc=b64",
		 host);
	snprintf(resolve, sizeof(resolve), "%s:80:%s", host,
		 inet_ntop(AF_INET, &addr, ip, sizeof(ip)));
	c->resolve = curl_slist_append(NULL, resolve);
	if (!c->result.roots || !c->multi || !c->easy || !c->resolve)
		goto fail;
	curl_multi_setopt(c->multi, CURLMOPT_SOCKETFUNCTION, on_socket);
	curl_multi_setopt(c->multi, CURLMOPT_SOCKETDATA, c);
	curl_multi_setopt(c->multi, CURLMOPT_TIMERFUNCTION, on_curl_timer);
	curl_multi_setopt(c->multi, CURLMOPT_TIMERDATA, c);
	if (curl_easy_setopt(c->easy, CURLOPT_URL, url) ||
	    curl_easy_setopt(c->easy, CURLOPT_RESOLVE, c->resolve) ||
	    curl_easy_setopt(c->easy, CURLOPT_PROTOCOLS_STR, "http") ||
	    curl_easy_setopt(c->easy, CURLOPT_NOPROXY, "*") ||
	    curl_easy_setopt(c->easy, CURLOPT_NOSIGNAL, 1L) ||
	    curl_easy_setopt(c->easy, CURLOPT_FOLLOWLOCATION, 0L) ||
	    curl_easy_setopt(c->easy, CURLOPT_TIMEOUT_MS,
			     (long)(timeout_usec / 1000)) ||
	    curl_easy_setopt(c->easy, CURLOPT_USERAGENT,
			     "ucphone/" UCPHONE_VERSION) ||
	    curl_easy_setopt(c->easy, CURLOPT_ERRORBUFFER, c->curl_error) ||
	    curl_easy_setopt(c->easy, CURLOPT_WRITEFUNCTION, on_body) ||
	    curl_easy_setopt(c->easy, CURLOPT_WRITEDATA, c) ||
	    curl_multi_add_handle(c->multi, c->easy))
		goto fail;
	*out = c;
	return 0;
fail:
	ca_certsrv_free(c);
	return -ENOMEM;
}

void ca_certsrv_free(struct ca_certsrv *c)
{
	int i;

	if (!c)
		return;
	if (c->multi && c->easy)
		curl_multi_remove_handle(c->multi, c->easy);
	curl_easy_cleanup(c->easy);
	curl_multi_cleanup(c->multi);
	curl_slist_free_all(c->resolve);
	for (i = 0; i < SOCKETS_MAX; i++)
		sd_event_source_disable_unref(c->sockets[i].io);
	sd_event_source_disable_unref(c->timer);
	sk_X509_pop_free(c->result.roots, X509_free);
	free(c->body);
	free(c);
}
