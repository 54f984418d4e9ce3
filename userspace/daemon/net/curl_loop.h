/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * One libcurl easy transfer driven by the daemon's sd-event loop through
 * libcurl's multi socket interface: curl says which sockets to watch and
 * when to call it back, the loop calls curl_multi_socket_action(). The
 * caller owns and configures the easy handle; done() is called once with
 * the transfer's result and may free the curl_loop from inside.
 */
#ifndef UCPHONED_CURL_LOOP_H
#define UCPHONED_CURL_LOOP_H

#include <curl/curl.h>
#include <systemd/sd-event.h>

struct curl_loop;

typedef void (*curl_loop_done_cb)(void *ctx, CURLcode result);

/* Creates the multi handle bound to event; nothing runs until start. */
int curl_loop_new(sd_event *event, CURL *easy, curl_loop_done_cb done,
		  void *ctx, struct curl_loop **out);
/* Adds the easy handle: the transfer begins. */
int curl_loop_start(struct curl_loop *l);
/* Stops watching; the easy handle stays the caller's. */
void curl_loop_free(struct curl_loop *l);

#endif /* UCPHONED_CURL_LOOP_H */
