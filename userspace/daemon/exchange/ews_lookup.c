// SPDX-License-Identifier: GPL-2.0-only
/* Directory search and voice-message recordings over EWS (see ews_lookup.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "exchange/ews_lookup.h"
#include "exchange/ews_post.h"
#include "exchange/http.h"
#include "lib/util/atomic_file.h"
#include "lib/xml/ews_lookup_xml.h"

#define SUBSYS "exchange"
#define REQUEST_MAX 2048

enum lookup_step { STEP_RESOLVE, STEP_ATTACHMENTS, STEP_CONTENT };

struct ews_lookup {
	struct ucphoned *d;
	ews_lookup_cb cb;
	void *ctx;
	uint64_t tag;
	enum lookup_step step;
	char url[EX_URL_MAX];
	char query[EWS_NAME_MAX + 1];
	struct ex_http *http;
	struct ews_attachment attachment;
	struct ews_contact found[EWS_RESOLUTIONS_MAX];
};

static const char *const recording_exts[] = { "wav", "wma", "mp3" };

static void add(struct json_object *o, const char *key, const char *v)
{
	if (v[0])
		json_object_object_add(o, key, json_object_new_string(v));
}

static void finish(struct ews_lookup *l, int status, struct json_object *result,
		   const char *error)
{
	l->cb(l->ctx, l->tag, status, result, error);
}

static struct json_object *matches(const struct ews_lookup *l, unsigned int n)
{
	struct json_object *o = json_object_new_object();
	struct json_object *list = json_object_new_array();

	if (!o || !list) {
		json_object_put(o);
		json_object_put(list);
		return NULL;
	}
	for (unsigned int i = 0; i < n; i++) {
		const struct ews_contact *c = &l->found[i];
		struct json_object *e = json_object_new_object();

		add(e, "name", c->name);
		add(e, "company", c->company);
		add(e, "email", c->email);
		add(e, "sip", c->sip);
		add(e, "work", c->work);
		add(e, "mobile", c->mobile);
		add(e, "home", c->home);
		json_object_array_add(list, e);
	}
	json_object_object_add(o, "query", json_object_new_string(l->query));
	json_object_object_add(o, "matches", list);
	return o;
}

/* The recording's file extension from its name: one the phone knows. */
static const char *recording_ext(const struct ews_attachment *a)
{
	const char *dot = strrchr(a->name, '.');

	for (size_t i = 0; dot && i < sizeof(recording_exts) / sizeof(recording_exts[0]); i++)
		if (!strcasecmp(dot + 1, recording_exts[i]))
			return recording_exts[i];
	return "wav";
}

static void store_recording(struct ews_lookup *l, const unsigned char *data,
			    size_t len)
{
	char name[64], path[PATH_MAX];
	struct json_object *o;
	int ret;

	snprintf(name, sizeof(name), EWS_RECORDING_FILE ".%s",
		 recording_ext(&l->attachment));
	ews_lookup_remove_recording(l->d->state_dir_fd);
	ret = atomic_file_write(l->d->state_dir_fd, name, data, len, NULL);
	if (ret < 0) {
		log_warning(&l->d->log, SUBSYS, "cannot store the voice message",
			    LOG_ERRNO(ret));
		finish(l, ret, NULL, "cannot store the voice message");
		return;
	}
	snprintf(path, sizeof(path), "%s/%s", l->d->options.state_dir, name);
	o = json_object_new_object();
	if (!o) {
		finish(l, -ENOMEM, NULL, "out of memory");
		return;
	}
	json_object_object_add(o, "file", json_object_new_string(path));
	json_object_object_add(o, "bytes", json_object_new_uint64(len));
	add(o, "name", l->attachment.name);
	add(o, "content_type", l->attachment.content_type);
	log_info(&l->d->log, SUBSYS, "voice message fetched",
		 LOG_UINT("bytes", len));
	finish(l, 0, o, NULL);
}

static int send_step(struct ews_lookup *l, const char *id);

static void on_answer(void *ctx, const struct ex_http_result *r)
{
	struct ews_lookup *l = ctx;
	struct ex_http *h = l->http;
	char error[EWS_ERROR_MAX + 128], why[EWS_ERROR_MAX];
	struct ews_attachment list[EWS_ATTACHMENTS_MAX];
	unsigned char *data;
	unsigned int n = 0, i;
	size_t len = 0;
	bool refused;
	int ret;

	l->http = NULL;
	ret = ews_answer_check(r, error, sizeof(error), &refused);
	if (ret < 0) {
		finish(l, ret, NULL, error);
		goto out;
	}
	switch (l->step) {
	case STEP_RESOLVE:
		ret = ews_parse_resolutions(r->body, r->body_len, l->found,
					    EWS_RESOLUTIONS_MAX, &n, why);
		if (ret < 0)
			break;
		{
			struct json_object *o = matches(l, n);

			if (o)
				finish(l, 0, o, NULL);
			else
				finish(l, -ENOMEM, NULL, "out of memory");
		}
		goto out;
	case STEP_ATTACHMENTS:
		ret = ews_parse_item_attachments(r->body, r->body_len, list,
						 EWS_ATTACHMENTS_MAX, &n, why);
		if (ret < 0)
			break;
		for (i = 0; i < n && !ews_attachment_is_audio(&list[i]); i++)
			;
		if (i == n) {
			finish(l, -ENOENT, NULL, "the message has no recording");
			goto out;
		}
		l->attachment = list[i];
		l->step = STEP_CONTENT;
		ret = send_step(l, l->attachment.id);
		if (ret < 0)
			finish(l, ret, NULL, "cannot ask for the recording");
		goto out;
	case STEP_CONTENT:
		data = malloc(EWS_ATTACHMENT_MAX);
		if (!data) {
			finish(l, -ENOMEM, NULL, "out of memory");
			goto out;
		}
		ret = ews_parse_attachment(r->body, r->body_len, &l->attachment,
					   data, EWS_ATTACHMENT_MAX, &len, why);
		if (!ret)
			store_recording(l, data, len);
		free(data);
		if (!ret)
			goto out;
		break;
	}
	snprintf(error, sizeof(error), "EWS %s: %s",
		 l->step == STEP_RESOLVE ? "directory search" : "voice message",
		 ret == -EPROTO || ret == -EFBIG || ret == -EBADMSG ? why :
		 "answer refused (not the answer asked for)");
	finish(l, ret, NULL, error);
out:
	ex_http_free(h);
}

static int send_step(struct ews_lookup *l, const char *id)
{
	char body[REQUEST_MAX];
	int n;

	switch (l->step) {
	case STEP_RESOLVE:
		n = ews_request_resolve_names(l->query, body, sizeof(body));
		break;
	case STEP_ATTACHMENTS:
		n = ews_request_item_attachments(id, body, sizeof(body));
		break;
	default:
		n = ews_request_attachment(id, body, sizeof(body));
		break;
	}
	if (n < 0)
		return n;
	return ews_post(l->d, l->url, body, (size_t)n, on_answer, l, &l->http);
}

static int start(struct ucphoned *d, const char *url, enum lookup_step step,
		 const char *arg, ews_lookup_cb cb, void *ctx, uint64_t tag,
		 struct ews_lookup **out)
{
	struct ews_lookup *l = calloc(1, sizeof(*l));
	int ret;

	if (!l)
		return -ENOMEM;
	l->d = d;
	l->cb = cb;
	l->ctx = ctx;
	l->tag = tag;
	l->step = step;
	snprintf(l->url, sizeof(l->url), "%s", url);
	if (step == STEP_RESOLVE)
		snprintf(l->query, sizeof(l->query), "%s", arg);
	ret = send_step(l, arg);
	if (ret < 0) {
		free(l);
		return ret;
	}
	*out = l;
	return 0;
}

int ews_lookup_directory(struct ucphoned *d, const char *url, const char *name,
			 ews_lookup_cb cb, void *ctx, uint64_t tag,
			 struct ews_lookup **out)
{
	if (strlen(name) > EWS_NAME_MAX)
		return -EINVAL;
	return start(d, url, STEP_RESOLVE, name, cb, ctx, tag, out);
}

int ews_lookup_recording(struct ucphoned *d, const char *url,
			 const char *item_id, ews_lookup_cb cb, void *ctx,
			 uint64_t tag, struct ews_lookup **out)
{
	return start(d, url, STEP_ATTACHMENTS, item_id, cb, ctx, tag, out);
}

void ews_lookup_free(struct ews_lookup *l)
{
	if (!l)
		return;
	ex_http_free(l->http);
	free(l);
}

void ews_lookup_remove_recording(int state_dir_fd)
{
	char name[64];

	for (size_t i = 0; i < sizeof(recording_exts) / sizeof(recording_exts[0]); i++) {
		snprintf(name, sizeof(name), EWS_RECORDING_FILE ".%s", recording_exts[i]);
		unlinkat(state_dir_fd, name, 0);
	}
}
