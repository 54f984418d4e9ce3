// SPDX-License-Identifier: GPL-2.0-only
/*
 * One HTTP(S) exchange on the loop (see http.h): a deferred start, the A
 * lookup through the daemon's resolver, then one transfer on the loop
 * (net/curl_loop.c).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>
#include <openssl/ssl.h>

#include "config.h"
#include "exchange/http.h"
#include "net/curl_loop.h"
#include "net/dns.h"
#include "net/sntp.h"

#define USEC 1000000ull

struct ex_http {
	struct ucphoned *d;
	struct curl_loop *loop;
	CURL *easy;
	CURLU *url;
	struct curl_slist *resolve, *headers;
	sd_event_source *defer;
	X509_STORE *store;
	char host[256];
	long port;
	bool https;
	ex_http_cb cb;
	void *ctx;
	char *body;
	size_t body_len, max_body;
	bool too_big;
	uint64_t started;
	char curl_error[CURL_ERROR_SIZE];
	struct ex_http_result result;
};

static uint64_t now_usec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * USEC + (uint64_t)ts.tv_nsec / 1000u;
}

/* Ends the exchange: the callback is the last thing that touches h. */
static void finish(struct ex_http *h, int status)
{
	h->result.status = status;
	h->result.body = h->body ? h->body : "";
	h->result.body_len = h->body_len;
	h->result.usec = now_usec() - h->started;
	h->cb(h->ctx, &h->result);
}

static size_t on_body(char *data, size_t size, size_t nmemb, void *ud)
{
	struct ex_http *h = ud;
	size_t n = size * nmemb;
	char *grown;

	if (h->body_len + n > h->max_body) {
		h->too_big = true;
		return 0;	/* aborts the transfer */
	}
	grown = realloc(h->body, h->body_len + n + 1);
	if (!grown)
		return 0;
	h->body = grown;
	memcpy(h->body + h->body_len, data, n);
	h->body_len += n;
	h->body[h->body_len] = '\0';
	return n;
}

static void on_done(void *ctx, CURLcode result)
{
	struct ex_http *h = ctx;
	char *loc = NULL;

	curl_easy_getinfo(h->easy, CURLINFO_RESPONSE_CODE, &h->result.code);
	curl_easy_getinfo(h->easy, CURLINFO_HTTPAUTH_AVAIL, &h->result.auth_offered);
	if (curl_easy_getinfo(h->easy, CURLINFO_REDIRECT_URL, &loc) == CURLE_OK && loc)
		snprintf(h->result.location, sizeof(h->result.location), "%s", loc);
	if (result != CURLE_OK) {
		h->result.cert_error = result == CURLE_PEER_FAILED_VERIFICATION;
		snprintf(h->result.error, sizeof(h->result.error), "%.200s",
			 h->too_big ? "answer too large" :
			 h->curl_error[0] ? h->curl_error :
			 curl_easy_strerror(result));
		finish(h, result == CURLE_OPERATION_TIMEDOUT ? -ETIMEDOUT : -EIO);
		return;
	}
	finish(h, 0);
}

/* The trust store and the phone's NTP time, instead of the system's CA files. */
static CURLcode on_ssl_ctx(CURL *easy, void *ssl_ctx, void *ud)
{
	struct ex_http *h = ud;
	SSL_CTX *ctx = ssl_ctx;

	(void)easy;
	if (!X509_STORE_up_ref(h->store))
		return CURLE_OUT_OF_MEMORY;
	SSL_CTX_set_cert_store(ctx, h->store);
	if (h->d->sntp)
		sntp_set_verify_time(h->d->sntp, SSL_CTX_get0_param(ctx));
	return CURLE_OK;
}

static void run(struct ex_http *h, uint32_t addr)
{
	char resolve[320], ip[INET_ADDRSTRLEN];

	snprintf(resolve, sizeof(resolve), "%s:%ld:%s", h->host, h->port,
		 inet_ntop(AF_INET, &addr, ip, sizeof(ip)));
	h->resolve = curl_slist_append(NULL, resolve);
	if (!h->resolve ||
	    curl_easy_setopt(h->easy, CURLOPT_RESOLVE, h->resolve) ||
	    curl_loop_start(h->loop) < 0) {
		snprintf(h->result.error, sizeof(h->result.error), "out of memory");
		finish(h, -ENOMEM);
	}
}

static void on_a(void *ctx, int status, const uint32_t *addrs, unsigned int n)
{
	struct ex_http *h = ctx;

	if (status < 0 || !n) {
		h->result.dns_error = true;
		snprintf(h->result.error, sizeof(h->result.error),
			 "cannot resolve %.200s", h->host);
		finish(h, status < 0 ? status : -ENOENT);
		return;
	}
	run(h, addrs[0]);
}

static int on_defer(sd_event_source *src, void *ud)
{
	struct ex_http *h = ud;
	struct in_addr a;
	int ret;

	(void)src;
	h->defer = sd_event_source_disable_unref(h->defer);
	if (inet_pton(AF_INET, h->host, &a) == 1) {
		run(h, a.s_addr);
		return 0;
	}
	if (!h->d->resolver) {
		snprintf(h->result.error, sizeof(h->result.error),
			 "no DNS (the daemon manages no network)");
		finish(h, -ENETUNREACH);
		return 0;
	}
	ret = resolver_lookup_a(h->d->resolver, h->host, on_a, h);
	if (ret < 0) {
		h->result.dns_error = true;
		snprintf(h->result.error, sizeof(h->result.error),
			 "cannot resolve %.200s", h->host);
		finish(h, ret);
	}
	return 0;
}

/* Scheme, host and port of the URL; https decides what may be sent. */
static int take_url(struct ex_http *h, const char *url)
{
	char *scheme = NULL, *host = NULL, *port = NULL;
	int ret = -EINVAL;

	h->url = curl_url();
	if (!h->url)
		return -ENOMEM;
	if (curl_url_set(h->url, CURLUPART_URL, url, 0) ||
	    curl_url_get(h->url, CURLUPART_SCHEME, &scheme, 0) ||
	    curl_url_get(h->url, CURLUPART_HOST, &host, 0) ||
	    curl_url_get(h->url, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT))
		goto out;
	if (strcmp(scheme, "https") && strcmp(scheme, "http"))
		goto out;
	if (strlen(host) >= sizeof(h->host) || host[0] == '[')
		goto out;	/* IPv6 literals: the phone is IPv4 only */
	h->https = !strcmp(scheme, "https");
	snprintf(h->host, sizeof(h->host), "%s", host);
	h->port = strtol(port, NULL, 10);
	ret = h->port > 0 && h->port < 65536 ? 0 : -EINVAL;
out:
	curl_free(scheme);
	curl_free(host);
	curl_free(port);
	return ret;
}

static int setup(struct ex_http *h, const struct ex_http_request *req)
{
	char ct[128];

	if (curl_easy_setopt(h->easy, CURLOPT_CURLU, h->url) ||
	    curl_easy_setopt(h->easy, CURLOPT_PROTOCOLS_STR, h->https ? "https" : "http") ||
	    curl_easy_setopt(h->easy, CURLOPT_NOPROXY, "*") ||
	    curl_easy_setopt(h->easy, CURLOPT_NOSIGNAL, 1L) ||
	    curl_easy_setopt(h->easy, CURLOPT_FOLLOWLOCATION, 0L) ||
	    curl_easy_setopt(h->easy, CURLOPT_TIMEOUT_MS, (long)(req->timeout_usec / 1000)) ||
	    curl_easy_setopt(h->easy, CURLOPT_CONNECTTIMEOUT_MS, 5000L) ||
	    curl_easy_setopt(h->easy, CURLOPT_USERAGENT, "ucphone/" UCPHONE_VERSION) ||
	    curl_easy_setopt(h->easy, CURLOPT_ERRORBUFFER, h->curl_error) ||
	    curl_easy_setopt(h->easy, CURLOPT_WRITEFUNCTION, on_body) ||
	    curl_easy_setopt(h->easy, CURLOPT_WRITEDATA, h))
		return -ENOMEM;
	if (h->https &&
	    (curl_easy_setopt(h->easy, CURLOPT_CAINFO, NULL) ||
	     curl_easy_setopt(h->easy, CURLOPT_CAPATH, NULL) ||
	     curl_easy_setopt(h->easy, CURLOPT_SSL_VERIFYPEER, 1L) ||
	     curl_easy_setopt(h->easy, CURLOPT_SSL_VERIFYHOST, 2L) ||
	     curl_easy_setopt(h->easy, CURLOPT_SSL_CTX_FUNCTION, on_ssl_ctx) ||
	     curl_easy_setopt(h->easy, CURLOPT_SSL_CTX_DATA, h)))
		return -ENOMEM;
	if (req->user &&
	    (curl_easy_setopt(h->easy, CURLOPT_HTTPAUTH, CURLAUTH_BASIC | CURLAUTH_NTLM) ||
	     curl_easy_setopt(h->easy, CURLOPT_USERNAME, req->user) ||
	     curl_easy_setopt(h->easy, CURLOPT_PASSWORD, req->password)))
		return -ENOMEM;
	if (req->body) {
		snprintf(ct, sizeof(ct), "Content-Type: %s",
			 req->content_type ? req->content_type : "text/xml");
		h->headers = curl_slist_append(NULL, ct);
		/* No "Expect: 100-continue" round trip. */
		if (h->headers)
			h->headers = curl_slist_append(h->headers, "Expect:");
		if (!h->headers ||
		    curl_easy_setopt(h->easy, CURLOPT_HTTPHEADER, h->headers) ||
		    curl_easy_setopt(h->easy, CURLOPT_POSTFIELDSIZE, (long)req->body_len) ||
		    curl_easy_setopt(h->easy, CURLOPT_COPYPOSTFIELDS, req->body))
			return -ENOMEM;
	}
	return 0;
}

int ex_http_start(struct ucphoned *d, const struct ex_http_request *req,
		  ex_http_cb cb, void *ctx, struct ex_http **out)
{
	struct ex_http *h;
	int ret;

	h = calloc(1, sizeof(*h));
	if (!h)
		return -ENOMEM;
	h->d = d;
	h->cb = cb;
	h->ctx = ctx;
	h->max_body = req->max_body;
	h->started = now_usec();
	ret = take_url(h, req->url);
	if (!ret && ((req->user && !h->https) || (h->https && !req->store)))
		ret = -EINVAL;	/* credentials never go in clear */
	if (ret < 0)
		goto fail;
	if (h->https) {
		h->store = req->store;
		X509_STORE_up_ref(h->store);
	}
	h->easy = curl_easy_init();
	ret = -ENOMEM;
	if (!h->easy || setup(h, req) < 0 ||
	    curl_loop_new(d->event, h->easy, on_done, h, &h->loop) < 0 ||
	    sd_event_add_defer(d->event, &h->defer, on_defer, h) < 0)
		goto fail;
	*out = h;
	return 0;
fail:
	ex_http_free(h);
	return ret;
}

void ex_http_free(struct ex_http *h)
{
	if (!h)
		return;
	resolver_forget(h->d->resolver, h);
	curl_loop_free(h->loop);
	curl_easy_cleanup(h->easy);
	curl_url_cleanup(h->url);
	curl_slist_free_all(h->resolve);
	curl_slist_free_all(h->headers);
	sd_event_source_disable_unref(h->defer);
	X509_STORE_free(h->store);
	free(h->body);
	free(h);
}
