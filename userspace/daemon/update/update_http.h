/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * One HTTPS exchange of the Device Update client on the daemon's loop:
 * the ucdevice.upx POST (answer kept in memory) or a file download
 * written straight into an open file, resumed from a given offset with
 * an HTTP Range request. The host's name goes through the daemon's own
 * resolver; libcurl runs on sd-event (net/curl_loop.c); the server's
 * certificate is verified against the trust store given, at the phone's
 * NTP time, against the URL's host. No credentials are ever sent, no
 * redirect followed, no proxy used, and only https is spoken.
 */
#ifndef UCPHONED_UPDATE_HTTP_H
#define UCPHONED_UPDATE_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/x509.h>

#include "core/daemon.h"

struct update_http_request {
	const char *url;		/* https://... */
	const char *body;		/* NULL: GET; else POST (text/xml) */
	size_t body_len;
	X509_STORE *store;		/* a reference is taken */
	int fd;				/* -1: answer to memory; else the file */
	uint64_t resume_from;		/* file mode: Range: bytes=N- when > 0 */
	uint64_t max_bytes;		/* memory: answer; file: whole file */
};

struct update_http_result {
	int status;		/* 0: an HTTP answer came (see code); <0: none did */
	long code;		/* HTTP status */
	bool cert_error;	/* the server's certificate did not verify */
	bool too_big;		/* over max_bytes (announced or received) */
	bool restarted;		/* a Range was asked and the whole file came */
	const char *body;	/* memory mode, valid in the callback only */
	size_t body_len;
	uint64_t file_size;	/* file mode: bytes now in the file */
	char error[256];
};

struct update_http;
typedef void (*update_http_cb)(void *ctx, const struct update_http_result *r);
/* File mode: bytes in the file so far and the whole size (0: unknown). */
typedef void (*update_http_progress_cb)(void *ctx, uint64_t have,
					uint64_t total);

/*
 * Starts the exchange; cb runs once, from the loop, never from inside
 * update_http_start, and may free the exchange. -EINVAL for a URL that is
 * not https or no store, -ENOMEM.
 */
int update_http_start(struct ucphoned *d, const struct update_http_request *req,
		      update_http_cb cb, update_http_progress_cb progress,
		      void *ctx, struct update_http **out);
void update_http_free(struct update_http *h);

#endif /* UCPHONED_UPDATE_HTTP_H */
