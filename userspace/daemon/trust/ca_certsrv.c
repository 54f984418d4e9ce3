// SPDX-License-Identifier: GPL-2.0-only
/*
 * The certsrv GET as one libcurl transfer on the loop (net/curl_loop.c).
 * Plain HTTP
 * only, with NTLM (see ca_certsrv.h), as the seed asks: the phone does not know the root yet, so HTTPS
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
#include "net/curl_loop.h"
#include "trust/ca_certsrv.h"

struct ca_certsrv {
	struct curl_loop *loop;
	CURL *easy;
	struct curl_slist *resolve;
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
	c->cb(c->ctx, &c->result);
}

static void on_done(void *ctx, CURLcode result)
{
	struct ca_certsrv *c = ctx;
	long offered = 0;
	int ret;

	curl_easy_getinfo(c->easy, CURLINFO_RESPONSE_CODE, &c->result.http_code);
	/* NTLM was done only if the server challenged for it. */
	curl_easy_getinfo(c->easy, CURLINFO_HTTPAUTH_AVAIL, &offered);
	c->result.ntlm = (offered & CURLAUTH_NTLM) && c->result.http_code == 200;
	if (result != CURLE_OK) {
		snprintf(c->result.error, sizeof(c->result.error),
			 "certsrv GET failed: %.200s",
			 c->too_big ? "answer over 256 KiB" :
			 c->curl_error[0] ? c->curl_error :
			 curl_easy_strerror(result));
		finish(c, result == CURLE_OPERATION_TIMEDOUT ? -ETIMEDOUT : -EIO);
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
}

int ca_certsrv_start(sd_event *event, const struct ca_certsrv_request *req,
		     ca_certsrv_done_cb cb, void *ctx, struct ca_certsrv **out)
{
	const char *host = req->host;
	char url[DHCP_NAME_MAX + 80], resolve[DHCP_NAME_MAX + 32];
	char ip[INET_ADDRSTRLEN];
	struct ca_certsrv *c;

	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->cb = cb;
	c->ctx = ctx;
	c->result.roots = sk_X509_new_null();
	c->easy = curl_easy_init();
	snprintf(url, sizeof(url),
		 "http://%s/certsrv/certnew.p7b?ReqID=CACert&Renewal=-1&Enc=b64",
		 host);
	snprintf(resolve, sizeof(resolve), "%s:80:%s", host,
		 inet_ntop(AF_INET, &req->addr, ip, sizeof(ip)));
	c->resolve = curl_slist_append(NULL, resolve);
	if (!c->result.roots || !c->easy || !c->resolve ||
	    curl_loop_new(event, c->easy, on_done, c, &c->loop) < 0)
		goto fail;
	if (curl_easy_setopt(c->easy, CURLOPT_URL, url) ||
	    curl_easy_setopt(c->easy, CURLOPT_RESOLVE, c->resolve) ||
	    curl_easy_setopt(c->easy, CURLOPT_PROTOCOLS_STR, "http") ||
	    curl_easy_setopt(c->easy, CURLOPT_NOPROXY, "*") ||
	    curl_easy_setopt(c->easy, CURLOPT_NOSIGNAL, 1L) ||
	    curl_easy_setopt(c->easy, CURLOPT_FOLLOWLOCATION, 0L) ||
	    curl_easy_setopt(c->easy, CURLOPT_TIMEOUT_MS,
			     (long)(req->timeout_usec / 1000)) ||
	    curl_easy_setopt(c->easy, CURLOPT_HTTPAUTH, CURLAUTH_NTLM) ||
	    curl_easy_setopt(c->easy, CURLOPT_USERNAME, req->user) ||
	    curl_easy_setopt(c->easy, CURLOPT_PASSWORD, req->password) ||
	    curl_easy_setopt(c->easy, CURLOPT_USERAGENT,
			     "ucphone/" UCPHONE_VERSION) ||
	    curl_easy_setopt(c->easy, CURLOPT_ERRORBUFFER, c->curl_error) ||
	    curl_easy_setopt(c->easy, CURLOPT_WRITEFUNCTION, on_body) ||
	    curl_easy_setopt(c->easy, CURLOPT_WRITEDATA, c) ||
	    curl_loop_start(c->loop) < 0)
		goto fail;
	*out = c;
	return 0;
fail:
	ca_certsrv_free(c);
	return -ENOMEM;
}

void ca_certsrv_free(struct ca_certsrv *c)
{
	if (!c)
		return;
	curl_loop_free(c->loop);
	curl_easy_cleanup(c->easy);
	curl_slist_free_all(c->resolve);
	sk_X509_pop_free(c->result.roots, X509_free);
	free(c->body);
	free(c);
}
