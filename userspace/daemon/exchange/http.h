/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * One HTTP(S) exchange on the daemon's loop, for the Exchange client: the
 * host's name through the daemon's own resolver (DNS from the lease, never
 * the host's), then libcurl's multi socket interface driven by sd-event
 * (net/curl_loop.c); nothing blocks the loop.
 *
 * HTTPS is verified against the trust store given (public bundle + roots
 * learned from AD) at the phone's NTP time; a failed verification is
 * reported as such (cert_error), so the status can say "Cannot validate
 * server certificate". Credentials are sent only over HTTPS, by HTTP Basic
 * or NTLM, whichever the server offers (libcurl picks NTLM when both are).
 * Redirects are never followed here: the caller sees the Location.
 */
#ifndef UCPHONED_EXCHANGE_HTTP_H
#define UCPHONED_EXCHANGE_HTTP_H

#include <stdbool.h>
#include <stddef.h>

#include <openssl/x509.h>

#include "core/daemon.h"

#define EX_URL_MAX 512

struct ex_http_request {
	const char *url;
	const char *body;		/* NULL: GET; else POST of body_len bytes */
	size_t body_len;
	const char *content_type;	/* POST only */
	const char *user;		/* NULL: no credentials */
	const char *password;		/* copied; the caller zeroes its own */
	X509_STORE *store;		/* https: verify with this (a reference is taken) */
	size_t max_body;		/* a longer answer fails the exchange */
	uint64_t timeout_usec;
};

struct ex_http_result {
	int status;		/* 0: an HTTP answer came (see code); <0: none did */
	long code;		/* HTTP status */
	bool cert_error;	/* the server's certificate did not verify */
	bool dns_error;		/* the name did not resolve */
	long auth_offered;	/* CURLAUTH_* bits the server offered on a 401 */
	const char *body;	/* valid in the callback only; NUL-terminated */
	size_t body_len;
	char location[EX_URL_MAX];	/* a redirect's target, "" if none */
	char error[256];
	uint64_t usec;		/* from start to answer, DNS included */
};

struct ex_http;
typedef void (*ex_http_cb)(void *ctx, const struct ex_http_result *r);

/*
 * Starts the exchange; cb runs once, from the loop, never from inside
 * ex_http_start. cb may free the exchange. -EINVAL for a URL that is not
 * http(s) or credentials on http, -ENOMEM.
 */
int ex_http_start(struct ucphoned *d, const struct ex_http_request *req,
		  ex_http_cb cb, void *ctx, struct ex_http **out);
void ex_http_free(struct ex_http *h);

#endif /* UCPHONED_EXCHANGE_HTTP_H */
