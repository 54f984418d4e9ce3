// SPDX-License-Identifier: GPL-2.0-only
/*
 * One Device Update HTTPS exchange (update_http.h): a deferred start, the
 * A lookup through the daemon's resolver, one transfer on the loop.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <curl/curl.h>
#include <openssl/ssl.h>

#include "config.h"
#include "net/curl_loop.h"
#include "net/dns.h"
#include "net/sntp.h"
#include "update/update_http.h"

struct update_http {
	struct ucphoned *d;
	struct curl_loop *loop;
	CURL *easy;
	CURLU *url;
	struct curl_slist *resolve, *headers;
	sd_event_source *defer;
	X509_STORE *store;
	char host[256];
	long port;
	update_http_cb cb;
	update_http_progress_cb progress;
	void *ctx;
	/* memory mode */
	char *body;
	size_t body_len;
	/* file mode */
	int fd;
	uint64_t offset, written, total, max;
	bool headers_seen, write_error;
	char curl_error[CURL_ERROR_SIZE];
	struct update_http_result result;
};

static void finish(struct update_http *h, int status)
{
	h->result.status = status;
	h->result.body = h->body ? h->body : "";
	h->result.body_len = h->body_len;
	h->result.file_size = h->offset + h->written;
	h->cb(h->ctx, &h->result);
}

static size_t to_memory(struct update_http *h, const char *data, size_t n)
{
	char *grown;

	if (h->body_len + n > h->max) {
		h->result.too_big = true;
		return 0;
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

/* The first bytes of a file answer: is it the file, from where, how big. */
static int first_bytes(struct update_http *h)
{
	curl_off_t cl = -1;
	long code = 0;

	h->headers_seen = true;
	curl_easy_getinfo(h->easy, CURLINFO_RESPONSE_CODE, &code);
	if (code != 200 && code != 206)
		return 0;	/* an error page: read, not kept */
	if (code == 200 && h->offset) {
		/* The server ignored the Range: the whole file comes again. */
		if (ftruncate(h->fd, 0) < 0)
			return -errno;
		h->offset = 0;
		h->result.restarted = true;
	}
	curl_easy_getinfo(h->easy, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &cl);
	h->total = cl >= 0 ? h->offset + (uint64_t)cl : 0;
	if (h->total > h->max) {
		h->result.too_big = true;
		return -EFBIG;
	}
	return 0;
}

static size_t to_file(struct update_http *h, const char *data, size_t n)
{
	long code = 0;
	ssize_t w;
	size_t done = 0;

	if (!h->headers_seen && first_bytes(h) < 0)
		return 0;
	curl_easy_getinfo(h->easy, CURLINFO_RESPONSE_CODE, &code);
	if (code != 200 && code != 206)
		return n;
	if (h->offset + h->written + n > h->max) {
		h->result.too_big = true;
		return 0;
	}
	while (done < n) {
		w = pwrite(h->fd, data + done, n - done,
			   (off_t)(h->offset + h->written + done));
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			h->write_error = true;
			return 0;
		}
		done += (size_t)w;
	}
	h->written += n;
	if (h->progress)
		h->progress(h->ctx, h->offset + h->written, h->total);
	return n;
}

static size_t on_body(char *data, size_t size, size_t nmemb, void *ud)
{
	struct update_http *h = ud;
	size_t n = size * nmemb;

	return h->fd < 0 ? to_memory(h, data, n) : to_file(h, data, n);
}

static void on_done(void *ctx, CURLcode result)
{
	struct update_http *h = ctx;

	curl_easy_getinfo(h->easy, CURLINFO_RESPONSE_CODE, &h->result.code);
	if (result != CURLE_OK) {
		h->result.cert_error = result == CURLE_PEER_FAILED_VERIFICATION;
		snprintf(h->result.error, sizeof(h->result.error), "%.200s",
			 h->result.too_big ? "larger than allowed" :
			 h->write_error ? "cannot write the file" :
			 h->curl_error[0] ? h->curl_error :
			 curl_easy_strerror(result));
		finish(h, result == CURLE_OPERATION_TIMEDOUT ? -ETIMEDOUT : -EIO);
		return;
	}
	finish(h, 0);
}

static CURLcode on_ssl_ctx(CURL *easy, void *ssl_ctx, void *ud)
{
	struct update_http *h = ud;
	SSL_CTX *ctx = ssl_ctx;

	(void)easy;
	if (!X509_STORE_up_ref(h->store))
		return CURLE_OUT_OF_MEMORY;
	SSL_CTX_set_cert_store(ctx, h->store);
	if (h->d->sntp)
		sntp_set_verify_time(h->d->sntp, SSL_CTX_get0_param(ctx));
	return CURLE_OK;
}

static void run(struct update_http *h, uint32_t addr)
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
	struct update_http *h = ctx;

	if (status < 0 || !n) {
		snprintf(h->result.error, sizeof(h->result.error),
			 "cannot resolve %.200s", h->host);
		finish(h, status < 0 ? status : -ENOENT);
		return;
	}
	run(h, addrs[0]);
}

static int on_defer(sd_event_source *src, void *ud)
{
	struct update_http *h = ud;
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
		snprintf(h->result.error, sizeof(h->result.error),
			 "cannot resolve %.200s", h->host);
		finish(h, ret);
	}
	return 0;
}

static int take_url(struct update_http *h, const char *url)
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
	if (strcmp(scheme, "https") || strlen(host) >= sizeof(h->host) ||
	    host[0] == '[')
		goto out;
	snprintf(h->host, sizeof(h->host), "%s", host);
	h->port = strtol(port, NULL, 10);
	ret = h->port > 0 && h->port < 65536 ? 0 : -EINVAL;
out:
	curl_free(scheme);
	curl_free(host);
	curl_free(port);
	return ret;
}

static int setup(struct update_http *h, const struct update_http_request *req)
{
	char range[64];

	if (curl_easy_setopt(h->easy, CURLOPT_CURLU, h->url) ||
	    curl_easy_setopt(h->easy, CURLOPT_PROTOCOLS_STR, "https") ||
	    curl_easy_setopt(h->easy, CURLOPT_NOPROXY, "*") ||
	    curl_easy_setopt(h->easy, CURLOPT_NOSIGNAL, 1L) ||
	    curl_easy_setopt(h->easy, CURLOPT_FOLLOWLOCATION, 0L) ||
	    curl_easy_setopt(h->easy, CURLOPT_CONNECTTIMEOUT_MS, 10000L) ||
	    curl_easy_setopt(h->easy, CURLOPT_USERAGENT, "ucphone/" UCPHONE_VERSION) ||
	    curl_easy_setopt(h->easy, CURLOPT_ERRORBUFFER, h->curl_error) ||
	    curl_easy_setopt(h->easy, CURLOPT_WRITEFUNCTION, on_body) ||
	    curl_easy_setopt(h->easy, CURLOPT_WRITEDATA, h) ||
	    curl_easy_setopt(h->easy, CURLOPT_CAINFO, NULL) ||
	    curl_easy_setopt(h->easy, CURLOPT_CAPATH, NULL) ||
	    curl_easy_setopt(h->easy, CURLOPT_SSL_VERIFYPEER, 1L) ||
	    curl_easy_setopt(h->easy, CURLOPT_SSL_VERIFYHOST, 2L) ||
	    curl_easy_setopt(h->easy, CURLOPT_SSL_CTX_FUNCTION, on_ssl_ctx) ||
	    curl_easy_setopt(h->easy, CURLOPT_SSL_CTX_DATA, h))
		return -ENOMEM;
	if (req->fd < 0) {
		if (curl_easy_setopt(h->easy, CURLOPT_TIMEOUT_MS, 30000L))
			return -ENOMEM;
	} else {
		/* A download may take long; one that stalls 30 s is cut. */
		if (curl_easy_setopt(h->easy, CURLOPT_LOW_SPEED_LIMIT, 1L) ||
		    curl_easy_setopt(h->easy, CURLOPT_LOW_SPEED_TIME, 30L))
			return -ENOMEM;
		if (req->resume_from) {
			snprintf(range, sizeof(range), "%" PRIu64 "-",
				 req->resume_from);
			if (curl_easy_setopt(h->easy, CURLOPT_RANGE, range))
				return -ENOMEM;
		}
	}
	if (req->body) {
		h->headers = curl_slist_append(NULL, "Content-Type: text/xml; charset=utf-8");
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

int update_http_start(struct ucphoned *d, const struct update_http_request *req,
		      update_http_cb cb, update_http_progress_cb progress,
		      void *ctx, struct update_http **out)
{
	struct update_http *h;
	int ret;

	if (!req->store)
		return -EINVAL;
	h = calloc(1, sizeof(*h));
	if (!h)
		return -ENOMEM;
	h->d = d;
	h->cb = cb;
	h->progress = progress;
	h->ctx = ctx;
	h->fd = req->fd;
	h->offset = req->fd >= 0 ? req->resume_from : 0;
	h->max = req->max_bytes;
	ret = take_url(h, req->url);
	if (ret < 0)
		goto fail;
	h->store = req->store;
	X509_STORE_up_ref(h->store);
	h->easy = curl_easy_init();
	ret = -ENOMEM;
	if (!h->easy || setup(h, req) < 0 ||
	    curl_loop_new(d->event, h->easy, on_done, h, &h->loop) < 0 ||
	    sd_event_add_defer(d->event, &h->defer, on_defer, h) < 0)
		goto fail;
	*out = h;
	return 0;
fail:
	update_http_free(h);
	return ret;
}

void update_http_free(struct update_http *h)
{
	if (!h)
		return;
	if (h->d->resolver)
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
