// SPDX-License-Identifier: GPL-2.0-only
/* Exchange Autodiscover in the seed's order (see autodiscover.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "exchange/autodiscover.h"
#include "exchange/http.h"
#include "trust/identity.h"
#include "trust/trust.h"

#define SUBSYS "exchange"
#define USEC 1000000ull
#define AD_PATH "/autodiscover/autodiscover.xml"
#define AD_TIMEOUT_USEC (15 * USEC)
#define STEPS_MAX 24

/* Where the next exchange goes. */
enum ad_step {
	STEP_DOMAIN,		/* POST https://<domain>/... */
	STEP_AUTODISCOVER,	/* POST https://autodiscover.<domain>/... */
	STEP_HTTP_REDIRECT,	/* GET http://autodiscover.<domain>/... */
	STEP_REDIRECTED,	/* POST to a URL a redirect gave */
	STEP_NONE,
};

/* One exchange, as the status shows it. */
struct ad_try {
	char url[EX_URL_MAX];
	const char *method;
	char outcome[200];
	uint64_t usec;
};

struct autodiscover {
	struct ucphoned *d;
	struct log *log;
	autodiscover_done_cb cb;
	void *ctx;
	enum ad_state state;
	enum ad_step step;
	struct ex_http *http;
	char email[256];
	char domain[256];
	char url[EX_URL_MAX];
	unsigned int redirects;
	/* Addresses and URLs redirected to so far: a repeat is a loop. */
	char seen[AD_REDIRECTS_MAX + 1][EX_URL_MAX];
	unsigned int n_seen;
	struct ad_try tries[STEPS_MAX];
	unsigned int n_tries;
	char cert_error_url[EX_URL_MAX];
	char error[300];
	bool credentials_refused;
	uint64_t started, took;
	struct ad_result result;
};

static void next_step(struct autodiscover *a);

static void end(struct autodiscover *a, enum ad_state state)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	a->state = state;
	a->took = (uint64_t)ts.tv_sec * USEC + (uint64_t)ts.tv_nsec / 1000u -
		  a->started;
	if (state == AD_FOUND)
		log_info(a->log, SUBSYS, "Exchange found",
			 LOG_STR("ews_url", a->result.ews_internal[0] ?
				 a->result.ews_internal : a->result.ews_external),
			 LOG_UINT("steps", a->n_tries),
			 LOG_UINT("ms", a->took / 1000));
	else
		log_warning(a->log, SUBSYS, "Exchange Autodiscover failed",
			    LOG_STR("error", a->error),
			    LOG_UINT("steps", a->n_tries));
	a->cb(a->ctx);
}

static void fail(struct autodiscover *a, const char *why)
{
	snprintf(a->error, sizeof(a->error), "%s", why);
	end(a, AD_FAILED);
}

static struct ad_try *record(struct autodiscover *a, const char *method)
{
	struct ad_try *t;

	if (a->n_tries >= STEPS_MAX)
		return NULL;
	t = &a->tries[a->n_tries++];
	memset(t, 0, sizeof(*t));
	snprintf(t->url, sizeof(t->url), "%s", a->url);
	t->method = method;
	snprintf(t->outcome, sizeof(t->outcome), "pending");
	return t;
}

static void on_answer(void *ctx, const struct ex_http_result *r);

/* One exchange with a->url: POST with credentials, or the plain-http GET. */
static void send_step(struct autodiscover *a)
{
	const struct signin_identity *id = identity_get(a->d->identity);
	bool get = a->step == STEP_HTTP_REDIRECT;
	char body[1024];
	struct ex_http_request req = {
		.url = a->url,
		.max_body = AD_XML_MAX,
		.timeout_usec = AD_TIMEOUT_USEC,
	};
	int n, ret;

	if (!id) {
		fail(a, "signed out");
		return;
	}
	if (!record(a, get ? "GET" : "POST")) {
		fail(a, "too many Autodiscover steps");
		return;
	}
	log_info(a->log, SUBSYS, "Autodiscover", LOG_STR("method", get ? "GET" : "POST"),
		 LOG_STR("url", a->url));
	if (!get) {
		n = ad_xml_request(a->email, body, sizeof(body));
		if (n < 0) {
			fail(a, "the e-mail address cannot go into a request");
			return;
		}
		req.body = body;
		req.body_len = (size_t)n;
		req.content_type = "text/xml";
		req.user = id->user;
		req.password = id->password;
	}
	req.store = trust_store(a->d->trust);
	ret = ex_http_start(a->d, &req, on_answer, a, &a->http);
	X509_STORE_free(req.store);
	if (ret < 0) {
		struct ad_try *t = &a->tries[a->n_tries - 1];

		snprintf(t->outcome, sizeof(t->outcome), "not a usable URL");
		if (a->step == STEP_REDIRECTED)
			fail(a, "redirected to an unusable URL");
		else
			next_step(a);
	}
}

/* The next of the seed's three URLs, or the end. */
static void next_step(struct autodiscover *a)
{
	switch (a->step) {
	case STEP_DOMAIN:
		a->step = STEP_AUTODISCOVER;
		snprintf(a->url, sizeof(a->url), "https://autodiscover.%s" AD_PATH,
			 a->domain);
		break;
	case STEP_AUTODISCOVER:
		a->step = STEP_HTTP_REDIRECT;
		snprintf(a->url, sizeof(a->url), "http://autodiscover.%s" AD_PATH,
			 a->domain);
		break;
	default:
		a->step = STEP_NONE;
		if (a->cert_error_url[0]) {
			snprintf(a->error, sizeof(a->error), "%s (%.250s)",
				 AD_CERT_ERROR_TEXT, a->cert_error_url);
			end(a, AD_FAILED);
		} else {
			fail(a, "no Autodiscover service answered");
		}
		return;
	}
	send_step(a);
}

/* A redirect target already tried is a loop; more than the limit is too many. */
static int count_redirect(struct autodiscover *a, const char *target)
{
	for (unsigned int i = 0; i < a->n_seen; i++) {
		if (!strcasecmp(a->seen[i], target)) {
			snprintf(a->error, sizeof(a->error),
				 "Autodiscover redirect loop (back to %.200s)", target);
			end(a, AD_FAILED);
			return -ELOOP;
		}
	}
	if (++a->redirects > AD_REDIRECTS_MAX) {
		snprintf(a->error, sizeof(a->error),
			 "more than %d Autodiscover redirects", AD_REDIRECTS_MAX);
		end(a, AD_FAILED);
		return -ELOOP;
	}
	snprintf(a->seen[a->n_seen++], EX_URL_MAX, "%s", target);
	return 0;
}

static void redirect_url(struct autodiscover *a, const char *url)
{
	if (strncasecmp(url, "https://", 8)) {
		snprintf(a->error, sizeof(a->error),
			 "redirect to a URL that is not https refused (%.200s)", url);
		end(a, AD_FAILED);
		return;
	}
	if (count_redirect(a, url) < 0)
		return;
	a->step = STEP_REDIRECTED;
	snprintf(a->url, sizeof(a->url), "%s", url);
	send_step(a);
}

static void begin_address(struct autodiscover *a, const char *email)
{
	const char *at = strrchr(email, '@');

	snprintf(a->email, sizeof(a->email), "%s", email);
	if (!at || !at[1] || strlen(at + 1) >= sizeof(a->domain) - 32 ||
	    strpbrk(at + 1, "/:?#[]@ \\")) {
		fail(a, "the primary SMTP address has no usable domain");
		return;
	}
	snprintf(a->domain, sizeof(a->domain), "%s", at + 1);
	a->step = STEP_DOMAIN;
	snprintf(a->url, sizeof(a->url), "https://%s" AD_PATH, a->domain);
	send_step(a);
}

static void on_redirect_get(struct autodiscover *a, struct ad_try *t,
			    const struct ex_http_result *r)
{
	bool redirect = r->code == 301 || r->code == 302 || r->code == 303 ||
			r->code == 307 || r->code == 308;

	if (r->status == 0 && redirect && !strncasecmp(r->location, "https://", 8)) {
		snprintf(t->outcome, sizeof(t->outcome), "HTTP %ld redirect to %.160s",
			 r->code, r->location);
		redirect_url(a, r->location);
		return;
	}
	if (r->status < 0)
		snprintf(t->outcome, sizeof(t->outcome), "%.190s", r->error);
	else if (redirect)
		snprintf(t->outcome, sizeof(t->outcome),
			 "HTTP %ld redirect to a URL that is not https: refused", r->code);
	else
		snprintf(t->outcome, sizeof(t->outcome),
			 "HTTP %ld without a redirect to https: refused", r->code);
	next_step(a);
}

/* What to do after a step that gave nothing: next URL, or end after a redirect. */
static void step_failed(struct autodiscover *a, const char *why)
{
	if (a->step == STEP_REDIRECTED) {
		snprintf(a->error, sizeof(a->error), "%.100s: %.180s", a->url, why);
		end(a, AD_FAILED);
	} else {
		next_step(a);
	}
}

static void on_answer(void *ctx, const struct ex_http_result *r)
{
	struct autodiscover *a = ctx;
	struct ex_http *h = a->http;
	struct ad_try *t = &a->tries[a->n_tries - 1];
	struct ad_result res;
	int ret;

	t->usec = r->usec;
	a->http = NULL;
	if (a->step == STEP_HTTP_REDIRECT) {
		on_redirect_get(a, t, r);
		goto out;
	}
	if (r->status < 0) {
		if (r->cert_error) {
			snprintf(t->outcome, sizeof(t->outcome), "%s: %.150s",
				 AD_CERT_ERROR_TEXT, r->error);
			if (!a->cert_error_url[0])
				snprintf(a->cert_error_url, sizeof(a->cert_error_url),
					 "%s", a->url);
			log_warning(a->log, SUBSYS, AD_CERT_ERROR_TEXT,
				    LOG_STR("url", a->url), LOG_STR("error", r->error));
		} else {
			snprintf(t->outcome, sizeof(t->outcome), "%.190s", r->error);
		}
		step_failed(a, t->outcome);
		goto out;
	}
	if (r->code == 401) {
		snprintf(t->outcome, sizeof(t->outcome), "HTTP 401: credentials refused");
		a->credentials_refused = true;
		snprintf(a->error, sizeof(a->error),
			 "Exchange refused the user name or password (%.200s)", a->url);
		end(a, AD_FAILED);
		goto out;
	}
	if (r->code != 200) {
		snprintf(t->outcome, sizeof(t->outcome), "HTTP %ld", r->code);
		step_failed(a, t->outcome);
		goto out;
	}
	ret = ad_xml_parse(r->body, r->body_len, &res);
	if (ret < 0) {
		snprintf(t->outcome, sizeof(t->outcome),
			 "answer refused (%zu bytes, not an Autodiscover answer)",
			 r->body_len);
		step_failed(a, t->outcome);
		goto out;
	}
	switch (res.action) {
	case AD_ACTION_SETTINGS:
		snprintf(t->outcome, sizeof(t->outcome), "settings");
		a->result = res;
		end(a, AD_FOUND);
		break;
	case AD_ACTION_REDIRECT_ADDR:
		snprintf(t->outcome, sizeof(t->outcome), "redirectAddr %.150s",
			 res.redirect);
		if (count_redirect(a, res.redirect) == 0) {
			log_info(a->log, SUBSYS, "Autodiscover redirected to another address",
				 LOG_STR("address", res.redirect));
			a->cert_error_url[0] = '\0';
			begin_address(a, res.redirect);
		}
		break;
	case AD_ACTION_REDIRECT_URL:
		snprintf(t->outcome, sizeof(t->outcome), "redirectUrl %.150s",
			 res.redirect);
		redirect_url(a, res.redirect);
		break;
	case AD_ACTION_ERROR:
		snprintf(t->outcome, sizeof(t->outcome), "Autodiscover error %s: %.120s",
			 res.error_code, res.error_message);
		step_failed(a, t->outcome);
		break;
	}
out:
	ex_http_free(h);
}

int autodiscover_new(struct ucphoned *d, autodiscover_done_cb cb, void *ctx,
		     struct autodiscover **out)
{
	struct autodiscover *a = calloc(1, sizeof(*a));

	if (!a)
		return -ENOMEM;
	a->d = d;
	a->log = &d->log;
	a->cb = cb;
	a->ctx = ctx;
	*out = a;
	return 0;
}

void autodiscover_stop(struct autodiscover *a)
{
	ex_http_free(a->http);
	a->http = NULL;
	a->state = AD_IDLE;
}

void autodiscover_free(struct autodiscover *a)
{
	if (!a)
		return;
	ex_http_free(a->http);
	free(a);
}

int autodiscover_start(struct autodiscover *a, const char *email)
{
	struct timespec ts;

	autodiscover_stop(a);
	a->state = AD_RUNNING;
	a->redirects = 0;
	a->n_seen = 0;
	a->n_tries = 0;
	a->took = 0;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	a->started = (uint64_t)ts.tv_sec * USEC + (uint64_t)ts.tv_nsec / 1000u;
	a->error[0] = '\0';
	a->cert_error_url[0] = '\0';
	a->credentials_refused = false;
	memset(&a->result, 0, sizeof(a->result));
	/* The first address counts as seen: a redirect back to it is a loop. */
	snprintf(a->seen[a->n_seen++], EX_URL_MAX, "%s", email);
	begin_address(a, email);
	return 0;
}

enum ad_state autodiscover_state(const struct autodiscover *a)
{
	return a->state;
}

const struct ad_result *autodiscover_result(const struct autodiscover *a)
{
	return a->state == AD_FOUND ? &a->result : NULL;
}

bool autodiscover_credentials_refused(const struct autodiscover *a)
{
	return a->state == AD_FAILED && a->credentials_refused;
}

static void add_str(struct json_object *o, const char *key, const char *v)
{
	if (v && v[0])
		json_object_object_add(o, key, json_object_new_string(v));
}

struct json_object *autodiscover_status(const struct autodiscover *a)
{
	static const char *const names[] = { "idle", "discovering", "found", "failed" };
	struct json_object *o = json_object_new_object(), *steps;

	if (!o)
		return NULL;
	json_object_object_add(o, "state", json_object_new_string(names[a->state]));
	add_str(o, "address", a->email);
	steps = json_object_new_array();
	for (unsigned int i = 0; i < a->n_tries; i++) {
		struct json_object *s = json_object_new_object();

		json_object_object_add(s, "method", json_object_new_string(a->tries[i].method));
		json_object_object_add(s, "url", json_object_new_string(a->tries[i].url));
		json_object_object_add(s, "result", json_object_new_string(a->tries[i].outcome));
		json_object_object_add(s, "ms", json_object_new_uint64(a->tries[i].usec / 1000));
		json_object_array_add(steps, s);
	}
	json_object_object_add(o, "steps", steps);
	json_object_object_add(o, "redirects", json_object_new_int((int)a->redirects));
	if (a->state == AD_FOUND || a->state == AD_FAILED)
		json_object_object_add(o, "ms", json_object_new_uint64(a->took / 1000));
	if (a->state == AD_FAILED)
		add_str(o, "error", a->error);
	if (a->cert_error_url[0])
		json_object_object_add(o, "certificate_error", json_object_new_string(a->cert_error_url));
	if (a->state == AD_FOUND) {
		add_str(o, "display_name", a->result.display_name);
		add_str(o, "ews_url", a->result.ews_internal);
		add_str(o, "ews_url_external", a->result.ews_external);
		add_str(o, "um_url", a->result.um_url);
		add_str(o, "oab_url", a->result.oab_url);
	}
	return o;
}
