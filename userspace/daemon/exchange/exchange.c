// SPDX-License-Identifier: GPL-2.0-only
/* The Exchange client's states and its cached data (see exchange.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "exchange/autodiscover.h"
#include "exchange/cache_file.h"
#include "exchange/ews.h"
#include "exchange/exchange.h"
#include "exchange/http.h"

#define SUBSYS "exchange"
#define USEC 1000000ull
/* After a failure that is not the credentials, try again this soon. */
#define RETRY_USEC (60 * USEC)

enum ex_state {
	EX_IDLE,		/* no address: not signed in or not provisioned */
	EX_DISCOVERING,
	EX_SYNCING,
	EX_READY,
	EX_FAILED,
};

static const char *const state_names[] = {
	[EX_IDLE] = "idle",
	[EX_DISCOVERING] = "discovering",
	[EX_SYNCING] = "synchronising",
	[EX_READY] = "ready",
	[EX_FAILED] = "failed",
};

struct exchange {
	struct ucphoned *d;
	struct log *log;
	enum ex_state state;
	char address[256];
	struct autodiscover *ad;
	struct ews_sync *sync;
	char ews_url[EX_URL_MAX];
	bool on_external;		/* the EXPR URL after the EXCH one failed */
	struct json_object *data;	/* {"address","synced_at","contacts",...} */
	bool from_cache;
	char error[320];
	bool credentials_refused;
	sd_event_source *timer;
	unsigned int syncs, failures;
	uint64_t sync_started, last_sync_usec;
	/* What the user asked and waits on: a directory search, a recording. */
	struct pending_lookup {
		struct exchange *x;
		struct ews_lookup *lookup;
		ews_lookup_cb cb;
		void *ctx;
		uint64_t tag;
	} directory, recording;
};

static uint64_t now_usec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * USEC + (uint64_t)ts.tv_nsec / 1000u;
}

static void start_discovery(struct exchange *x);
static void start_sync(struct exchange *x);

static int on_timer(sd_event_source *src, uint64_t usec, void *ud)
{
	struct exchange *x = ud;

	(void)src;
	(void)usec;
	x->timer = sd_event_source_disable_unref(x->timer);
	if (x->ews_url[0])
		start_sync(x);
	else
		start_discovery(x);
	return 0;
}

static void schedule(struct exchange *x, uint64_t after)
{
	x->timer = sd_event_source_disable_unref(x->timer);
	if (!after || !x->address[0])
		return;
	if (sd_event_add_time_relative(x->d->event, &x->timer, CLOCK_MONOTONIC,
				       after, USEC, on_timer, x) < 0)
		log_error(x->log, SUBSYS, "cannot arm the synchronisation timer");
}

static uint64_t interval(const struct exchange *x)
{
	return (uint64_t)x->d->options.exchange_sync_s * USEC;
}

static void failed(struct exchange *x, const char *why, bool refused)
{
	snprintf(x->error, sizeof(x->error), "%s", why);
	x->credentials_refused = refused;
	x->state = EX_FAILED;
	x->failures++;
	/* A refused password is asked again only by the user, never by a timer. */
	schedule(x, refused ? 0 : interval(x) < RETRY_USEC ? interval(x) : RETRY_USEC);
}

static void forget_data(struct exchange *x)
{
	json_object_put(x->data);
	x->data = NULL;
	x->from_cache = false;
}

static void on_sync_done(void *ctx, int status, struct json_object *data,
			 const char *error, bool refused)
{
	struct exchange *x = ctx;
	const struct ad_result *r = autodiscover_result(x->ad);
	char when[32];
	time_t t = time(NULL);
	struct tm tm;
	int ret;

	ews_sync_free(x->sync);
	x->sync = NULL;
	x->last_sync_usec = now_usec() - x->sync_started;
	if (status < 0) {
		/* The internal URL unreachable: the external one, once. */
		if (!refused && !x->on_external && r && r->ews_external[0] &&
		    strcmp(r->ews_external, x->ews_url) && status != -EPROTO) {
			log_info(x->log, SUBSYS, "internal EWS URL failed; trying the external one",
				 LOG_STR("error", error));
			x->on_external = true;
			snprintf(x->ews_url, sizeof(x->ews_url), "%s", r->ews_external);
			start_sync(x);
			return;
		}
		log_warning(x->log, SUBSYS, "EWS synchronisation failed",
			    LOG_STR("error", error));
		failed(x, error, refused);
		return;
	}
	gmtime_r(&t, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	json_object_object_add(data, "address", json_object_new_string(x->address));
	json_object_object_add(data, "synced_at", json_object_new_string(when));
	forget_data(x);
	x->data = data;
	x->syncs++;
	x->state = EX_READY;
	x->error[0] = '\0';
	x->credentials_refused = false;
	ret = exchange_cache_write(x->d->state_dir_fd, data);
	if (ret < 0)
		log_warning(x->log, SUBSYS, "cannot store the Exchange data",
			    LOG_ERRNO(ret));
	schedule(x, interval(x));
}

static void start_sync(struct exchange *x)
{
	int ret;

	ews_sync_free(x->sync);
	x->sync = NULL;
	x->state = EX_SYNCING;
	x->sync_started = now_usec();
	ret = ews_sync_start(x->d, x->ews_url, on_sync_done, x, &x->sync);
	if (ret < 0)
		failed(x, "cannot start the EWS synchronisation", false);
}

static void on_ad_done(void *ctx)
{
	struct exchange *x = ctx;
	const struct ad_result *r = autodiscover_result(x->ad);
	struct json_object *st, *err;

	if (!r) {
		st = autodiscover_status(x->ad);
		failed(x, st && json_object_object_get_ex(st, "error", &err) ?
			  json_object_get_string(err) : "Autodiscover failed",
		       autodiscover_credentials_refused(x->ad));
		json_object_put(st);
		return;
	}
	x->on_external = !r->ews_internal[0];
	snprintf(x->ews_url, sizeof(x->ews_url), "%s",
		 r->ews_internal[0] ? r->ews_internal : r->ews_external);
	start_sync(x);
}

static void start_discovery(struct exchange *x)
{
	x->ews_url[0] = '\0';
	x->state = EX_DISCOVERING;
	autodiscover_start(x->ad, x->address);
}

/* Ends p's wait (if any) with status, without a result. */
static void lookup_cancel(struct pending_lookup *p, const char *why)
{
	ews_lookup_cb cb = p->cb;

	ews_lookup_free(p->lookup);
	p->lookup = NULL;
	p->cb = NULL;
	if (cb)
		cb(p->ctx, p->tag, -ECANCELED, NULL, why);
}

static void stop(struct exchange *x)
{
	lookup_cancel(&x->directory, "Exchange account gone");
	lookup_cancel(&x->recording, "Exchange account gone");
	autodiscover_stop(x->ad);
	ews_sync_free(x->sync);
	x->sync = NULL;
	x->timer = sd_event_source_disable_unref(x->timer);
	x->ews_url[0] = '\0';
	x->error[0] = '\0';
	x->credentials_refused = false;
	x->state = EX_IDLE;
}

void exchange_set_address(struct exchange *x, const char *address)
{
	struct json_object *a;
	const char *cached = NULL;

	if (!x)
		return;
	if (address && !address[0])
		address = NULL;
	if (address && !strcmp(address, x->address) && x->state != EX_IDLE)
		return;		/* the same account provisioned again */
	stop(x);
	if (!address) {
		if (x->address[0])
			log_info(x->log, SUBSYS, "signed out: Exchange data forgotten");
		x->address[0] = '\0';
		forget_data(x);
		exchange_cache_remove(x->d->state_dir_fd);
		ews_lookup_remove_recording(x->d->state_dir_fd);
		return;
	}
	if (x->data && json_object_object_get_ex(x->data, "address", &a))
		cached = json_object_get_string(a);
	if (!cached || strcmp(cached, address)) {
		forget_data(x);	/* another user's */
		exchange_cache_remove(x->d->state_dir_fd);
	}
	snprintf(x->address, sizeof(x->address), "%s", address);
	log_info(x->log, SUBSYS, "primary SMTP address known: finding Exchange",
		 LOG_STR("address", address));
	start_discovery(x);
}

int exchange_sync_now(struct exchange *x, const char **why)
{
	if (!x->address[0]) {
		*why = "no Exchange account yet (sign in; provisioning gives the e-mail address)";
		return -ENOENT;
	}
	if (x->state == EX_DISCOVERING || x->state == EX_SYNCING)
		return 0;	/* one is under way */
	x->timer = sd_event_source_disable_unref(x->timer);
	if (x->ews_url[0] && !x->credentials_refused)
		start_sync(x);
	else
		start_discovery(x);
	return 0;
}

int exchange_new(struct ucphoned *d, struct exchange **out)
{
	struct exchange *x = calloc(1, sizeof(*x));
	int ret;

	if (!x)
		return -ENOMEM;
	x->d = d;
	x->log = &d->log;
	ret = autodiscover_new(d, on_ad_done, x, &x->ad);
	if (ret < 0) {
		free(x);
		return ret;
	}
	/* Last run's data shows until the first synchronisation replaces it. */
	x->data = exchange_cache_read(d->state_dir_fd);
	x->from_cache = x->data != NULL;
	*out = x;
	return 0;
}

void exchange_free(struct exchange *x)
{
	if (!x)
		return;
	/* Shutting down: nobody is left to tell. */
	x->directory.cb = NULL;
	x->recording.cb = NULL;
	stop(x);
	autodiscover_free(x->ad);
	forget_data(x);
	free(x);
}

static struct json_object *list(const struct exchange *x, const char *name)
{
	struct json_object *l;

	if (x->data && json_object_object_get_ex(x->data, name, &l) &&
	    json_object_is_type(l, json_type_array))
		return l;
	return NULL;
}

static bool field_has(struct json_object *c, const char *key, const char *search)
{
	struct json_object *v;

	return json_object_object_get_ex(c, key, &v) &&
	       strcasestr(json_object_get_string(v), search);
}

struct json_object *exchange_contacts(const struct exchange *x,
				      const char *search, unsigned int offset)
{
	struct json_object *all = list(x, "contacts"), *o, *out;
	size_t n = all ? json_object_array_length(all) : 0;
	unsigned int matched = 0, shown = 0;

	o = json_object_new_object();
	out = json_object_new_array();
	if (!o || !out) {
		json_object_put(o);
		json_object_put(out);
		return NULL;
	}
	for (size_t i = 0; i < n; i++) {
		struct json_object *c = json_object_array_get_idx(all, i), *copy = NULL;

		if (search && search[0] && !field_has(c, "name", search) &&
		    !field_has(c, "company", search) && !field_has(c, "email", search) &&
		    !field_has(c, "sip", search))
			continue;
		if (matched++ < offset)
			continue;
		if (shown == EXCHANGE_CONTACTS_PER_REPLY) {
			json_object_object_add(o, "next_offset",
					       json_object_new_int((int)(matched - 1)));
			break;
		}
		if (json_object_deep_copy(c, &copy, NULL) == 0) {
			json_object_object_add(copy, "index", json_object_new_int((int)i));
			json_object_array_add(out, copy);
			shown++;
		}
	}
	json_object_object_add(o, "total", json_object_new_int((int)n));
	json_object_object_add(o, "contacts", out);
	return o;
}

static void add_newest(struct json_object *o, const char *name, struct json_object *l)
{
	struct json_object *out = json_object_new_array();
	size_t n = l ? json_object_array_length(l) : 0;
	char key[40];

	for (size_t i = 0; i < n && i < EXCHANGE_MESSAGES_PER_REPLY; i++)
		json_object_array_add(out, json_object_get(json_object_array_get_idx(l, i)));
	json_object_object_add(o, name, out);
	snprintf(key, sizeof(key), "%s_total", name);
	json_object_object_add(o, key, json_object_new_int((int)n));
}

struct json_object *exchange_voicemail(const struct exchange *x)
{
	struct json_object *o = json_object_new_object();

	if (!o)
		return NULL;
	add_newest(o, "voicemail", list(x, "voicemail"));
	add_newest(o, "missed_calls", list(x, "missed_calls"));
	add_newest(o, "calls", list(x, "calls"));
	return o;
}

static unsigned int unread(const struct exchange *x)
{
	struct json_object *l = list(x, "voicemail"), *r;
	size_t n = l ? json_object_array_length(l) : 0;
	unsigned int count = 0;

	for (size_t i = 0; i < n; i++)
		if (json_object_object_get_ex(json_object_array_get_idx(l, i), "read", &r) &&
		    !json_object_get_boolean(r))
			count++;
	return count;
}

struct json_object *exchange_status(const struct exchange *x)
{
	struct json_object *o = json_object_new_object(), *l, *v;

	if (!o)
		return NULL;
	json_object_object_add(o, "state", json_object_new_string(state_names[x->state]));
	if (x->address[0])
		json_object_object_add(o, "address", json_object_new_string(x->address));
	json_object_object_add(o, "autodiscover", autodiscover_status(x->ad));
	if (x->ews_url[0])
		json_object_object_add(o, "ews_url_in_use", json_object_new_string(x->ews_url));
	if (x->state == EX_FAILED)
		json_object_object_add(o, "error", json_object_new_string(x->error));
	if (x->credentials_refused)
		json_object_object_add(o, "credentials_refused", json_object_new_boolean(1));
	json_object_object_add(o, "syncs", json_object_new_int((int)x->syncs));
	json_object_object_add(o, "failures", json_object_new_int((int)x->failures));
	if (x->sync)
		json_object_object_add(o, "requests", json_object_new_int(
			(int)ews_sync_requests(x->sync)));
	if (x->last_sync_usec)
		json_object_object_add(o, "last_sync_ms",
				       json_object_new_uint64(x->last_sync_usec / 1000));
	if (x->data) {
		if (json_object_object_get_ex(x->data, "synced_at", &v))
			json_object_object_add(o, "synced_at", json_object_get(v));
		l = list(x, "contacts");
		json_object_object_add(o, "contacts", json_object_new_int(
			l ? (int)json_object_array_length(l) : 0));
		l = list(x, "voicemail");
		json_object_object_add(o, "voicemail", json_object_new_int(
			l ? (int)json_object_array_length(l) : 0));
		json_object_object_add(o, "unread_voicemail", json_object_new_int((int)unread(x)));
		l = list(x, "missed_calls");
		json_object_object_add(o, "missed_calls", json_object_new_int(
			l ? (int)json_object_array_length(l) : 0));
		l = list(x, "calls");
		json_object_object_add(o, "calls", json_object_new_int(
			l ? (int)json_object_array_length(l) : 0));
		if (json_object_object_get_ex(x->data, "calls_error", &v))
			json_object_object_add(o, "calls_error", json_object_get(v));
		if (x->from_cache)
			json_object_object_add(o, "from_cache", json_object_new_boolean(1));
	}
	json_object_object_add(o, "sync_interval_s",
			       json_object_new_int((int)x->d->options.exchange_sync_s));
	return o;
}

static void on_lookup_done(void *ctx, uint64_t tag, int status,
			   struct json_object *result, const char *error)
{
	struct pending_lookup *p = ctx;
	ews_lookup_cb cb = p->cb;

	(void)tag;
	ews_lookup_free(p->lookup);
	p->lookup = NULL;
	p->cb = NULL;
	if (status < 0)
		log_info(p->x->log, SUBSYS, "Exchange lookup failed",
			 LOG_STR("error", error));
	if (cb)
		cb(p->ctx, p->tag, status, result, error);
	else
		json_object_put(result);
}

static int lookup_start(struct exchange *x, struct pending_lookup *p,
			bool directory, const char *arg, ews_lookup_cb cb,
			void *ctx, uint64_t tag, const char **why)
{
	int ret;

	if (!x->ews_url[0]) {
		*why = x->address[0] ? "Exchange not found yet (see status)" :
		       "no Exchange account yet (sign in; provisioning gives the e-mail address)";
		return -ENOENT;
	}
	lookup_cancel(p, "a newer request replaced this one");
	p->x = x;
	ret = directory ?
	      ews_lookup_directory(x->d, x->ews_url, arg, on_lookup_done, p, 0,
				   &p->lookup) :
	      ews_lookup_recording(x->d, x->ews_url, arg, on_lookup_done, p, 0,
				   &p->lookup);
	if (ret < 0) {
		*why = ret == -EACCES ? "signed out" :
		       ret == -EINVAL ? "EWS cannot take that (a name has at most 64 "
					"characters, no control characters)" :
		       "cannot start the EWS request";
		return ret;
	}
	p->cb = cb;
	p->ctx = ctx;
	p->tag = tag;
	return 0;
}

int exchange_directory(struct exchange *x, const char *name, ews_lookup_cb cb,
		       void *ctx, uint64_t tag, const char **why)
{
	return lookup_start(x, &x->directory, true, name, cb, ctx, tag, why);
}

int exchange_fetch_recording(struct exchange *x, const char *message,
			     ews_lookup_cb cb, void *ctx, uint64_t tag,
			     const char **why)
{
	struct json_object *l = list(x, "voicemail"), *m, *id;
	char *end;
	unsigned long n = strtoul(message, &end, 10);

	if (!message[0] || *end || n < 1 || !l || n > json_object_array_length(l)) {
		*why = "no such voice message (1 is the newest; see voicemail)";
		return -ENOENT;
	}
	m = json_object_array_get_idx(l, n - 1);
	if (!json_object_object_get_ex(m, "id", &id) ||
	    !json_object_is_type(id, json_type_string)) {
		*why = "that message has no id to fetch it by (synchronise again)";
		return -ENOENT;
	}
	return lookup_start(x, &x->recording, false, json_object_get_string(id),
			    cb, ctx, tag, why);
}
