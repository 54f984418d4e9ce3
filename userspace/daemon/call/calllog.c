// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "call/call.h"
#include "call/calllog.h"
#include "lib/util/atomic_file.h"

struct calllog {
	int dirfd;
	struct calllog_entry *e;	/* CALLLOG_MAX, oldest first */
	size_t n;
	unsigned int missed;
};

static const char *const kind_names[] = {
	[CALLLOG_PLACED] = "placed",
	[CALLLOG_RECEIVED] = "received",
	[CALLLOG_MISSED] = "missed",
};

const char *calllog_kind_name(enum calllog_kind kind)
{
	return (unsigned int)kind < 3 ? kind_names[kind] : "?";
}

void calllog_entry_from_call(struct calllog_entry *e,
			     const struct call_record *r, int64_t wall_end_s)
{
	uint64_t len = r->ended_usec - r->started_usec;

	memset(e, 0, sizeof(*e));
	e->start = wall_end_s - (int64_t)(len / 1000000);
	if (r->connected_usec && r->ended_usec > r->connected_usec)
		e->duration_s = (uint32_t)((r->ended_usec - r->connected_usec +
					    500000) / 1000000);
	snprintf(e->name, sizeof(e->name), "%s", r->display ? r->display : "");
	snprintf(e->uri, sizeof(e->uri), "%s", r->uri ? r->uri : "");
	/* a name-addr ("Bob" <sip:bob@corp.test>): the URI alone */
	{
		char *lt = strchr(e->uri, '<'), *gt = lt ? strchr(lt, '>') : NULL;

		if (gt) {
			size_t n = (size_t)(gt - lt - 1);

			memmove(e->uri, lt + 1, n);
			e->uri[n] = '\0';
		}
	}
	if (r->outgoing) {
		e->kind = CALLLOG_PLACED;
		if (r->connected_usec)
			snprintf(e->outcome, sizeof(e->outcome), "answered");
		else if (r->status == 486 || r->status == 600)
			snprintf(e->outcome, sizeof(e->outcome), "busy");
		else if (r->status >= 300)
			snprintf(e->outcome, sizeof(e->outcome), "failed (%u %.60s)",
				 r->status, r->reason ? r->reason : "");
		else
			snprintf(e->outcome, sizeof(e->outcome), "cancelled");
		return;
	}
	e->kind = r->connected_usec || r->status == 603 ? CALLLOG_RECEIVED :
		  CALLLOG_MISSED;
	if (r->connected_usec)
		snprintf(e->outcome, sizeof(e->outcome), "answered");
	else if (r->status == 603)
		snprintf(e->outcome, sizeof(e->outcome), "declined");
	else if (r->forwarded_to)
		snprintf(e->outcome, sizeof(e->outcome), "forwarded to %.80s",
			 r->forwarded_to);
	else if (r->status == 486)
		snprintf(e->outcome, sizeof(e->outcome), "busy");
	else
		snprintf(e->outcome, sizeof(e->outcome), "not answered");
}

struct json_object *calllog_entry_json(const struct calllog_entry *e)
{
	struct json_object *o = json_object_new_object();

	if (!o)
		return NULL;
	json_object_object_add(o, "start", json_object_new_int64(e->start));
	json_object_object_add(o, "duration_s", json_object_new_int64(e->duration_s));
	json_object_object_add(o, "kind", json_object_new_string(calllog_kind_name(e->kind)));
	json_object_object_add(o, "name", json_object_new_string(e->name));
	json_object_object_add(o, "uri", json_object_new_string(e->uri));
	json_object_object_add(o, "outcome", json_object_new_string(e->outcome));
	return o;
}

static int str_field(struct json_object *o, const char *key, char *out,
		     size_t cap)
{
	struct json_object *v;
	size_t len;

	if (!json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, json_type_string))
		return -EINVAL;
	len = (size_t)json_object_get_string_len(v);
	if (len >= cap || strlen(json_object_get_string(v)) != len)
		return -EINVAL;
	memcpy(out, json_object_get_string(v), len + 1);
	return 0;
}

static int entry_parse(struct json_object *o, struct calllog_entry *e)
{
	struct json_object *start, *dur;
	char kind[16];
	int ret;

	memset(e, 0, sizeof(*e));
	if (!json_object_is_type(o, json_type_object) ||
	    !json_object_object_get_ex(o, "start", &start) ||
	    !json_object_is_type(start, json_type_int) ||
	    !json_object_object_get_ex(o, "duration_s", &dur) ||
	    !json_object_is_type(dur, json_type_int) ||
	    json_object_get_int64(dur) < 0 ||
	    json_object_get_int64(dur) > UINT32_MAX)
		return -EINVAL;
	e->start = json_object_get_int64(start);
	e->duration_s = (uint32_t)json_object_get_int64(dur);
	ret = str_field(o, "kind", kind, sizeof(kind));
	if (!ret)
		ret = str_field(o, "name", e->name, sizeof(e->name));
	if (!ret)
		ret = str_field(o, "uri", e->uri, sizeof(e->uri));
	if (!ret)
		ret = str_field(o, "outcome", e->outcome, sizeof(e->outcome));
	if (ret)
		return ret;
	for (int k = CALLLOG_PLACED; k <= CALLLOG_MISSED; k++)
		if (!strcmp(kind, kind_names[k])) {
			e->kind = (enum calllog_kind)k;
			return 0;
		}
	return -EINVAL;
}

static int parse_file(struct calllog *log, const char *text, size_t len)
{
	struct json_tokener *tok = json_tokener_new_ex(8);
	struct json_object *root, *calls, *missed;
	size_t n, first;
	int ret = 0;

	if (!tok)
		return -ENOMEM;
	root = json_tokener_parse_ex(tok, text, (int)len);
	if (!root || json_tokener_get_parse_end(tok) != len ||
	    !json_object_is_type(root, json_type_object) ||
	    !json_object_object_get_ex(root, "calls", &calls) ||
	    !json_object_is_type(calls, json_type_array) ||
	    !json_object_object_get_ex(root, "missed", &missed) ||
	    !json_object_is_type(missed, json_type_int) ||
	    json_object_get_int64(missed) < 0)
		ret = -EINVAL;
	n = ret ? 0 : json_object_array_length(calls);
	first = n > CALLLOG_MAX ? n - CALLLOG_MAX : 0;
	for (size_t i = first; !ret && i < n; i++)
		ret = entry_parse(json_object_array_get_idx(calls, i),
				  &log->e[i - first]);
	if (!ret) {
		log->n = n - first;
		log->missed = json_object_get_int64(missed) > CALLLOG_MAX ?
			      CALLLOG_MAX : (unsigned int)json_object_get_int64(missed);
	}
	json_object_put(root);
	json_tokener_free(tok);
	return ret;
}

static int load(struct calllog *log)
{
	char *buf;
	ssize_t n;
	size_t len = 0;
	int fd, ret = 0;

	fd = openat(log->dirfd, CALLLOG_FILE, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return errno == ENOENT ? 0 : -errno;
	buf = malloc(CALLLOG_FILE_MAX + 1);
	if (!buf) {
		close(fd);
		return -ENOMEM;
	}
	while (len <= CALLLOG_FILE_MAX) {
		n = read(fd, buf + len, CALLLOG_FILE_MAX + 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			ret = n < 0 ? -errno : 0;
			break;
		}
		len += (size_t)n;
	}
	close(fd);
	if (!ret && len > CALLLOG_FILE_MAX)
		ret = -EFBIG;
	if (!ret)
		ret = parse_file(log, buf, len);
	free(buf);
	if (ret == -EINVAL || ret == -EFBIG) {
		log->n = 0;
		log->missed = 0;
		renameat(log->dirfd, CALLLOG_FILE, log->dirfd, CALLLOG_FILE ".bad");
	}
	return ret;
}

static int save(const struct calllog *log)
{
	struct json_object *root = json_object_new_object();
	struct json_object *calls = json_object_new_array_ext((int)log->n);
	const char *text;
	size_t len;
	int ret;

	if (!root || !calls) {
		json_object_put(root);
		json_object_put(calls);
		return -ENOMEM;
	}
	json_object_object_add(root, "version", json_object_new_int(1));
	json_object_object_add(root, "missed", json_object_new_int64(log->missed));
	for (size_t i = 0; i < log->n; i++)
		json_object_array_add(calls, calllog_entry_json(&log->e[i]));
	json_object_object_add(root, "calls", calls);
	text = json_object_to_json_string_length(root, JSON_C_TO_STRING_PLAIN, &len);
	ret = text ? atomic_file_write(log->dirfd, CALLLOG_FILE, text, len, NULL) :
		     -ENOMEM;
	json_object_put(root);
	return ret;
}

int calllog_new(int dirfd, struct calllog **out)
{
	struct calllog *log = calloc(1, sizeof(*log));
	int ret;

	if (!log)
		return -ENOMEM;
	log->dirfd = dirfd;
	log->e = calloc(CALLLOG_MAX, sizeof(*log->e));
	if (!log->e) {
		free(log);
		return -ENOMEM;
	}
	ret = load(log);
	*out = log;
	return ret;
}

void calllog_free(struct calllog *log)
{
	if (!log)
		return;
	free(log->e);
	free(log);
}

int calllog_add(struct calllog *log, const struct calllog_entry *e)
{
	if (log->n == CALLLOG_MAX) {
		memmove(log->e, log->e + 1, (CALLLOG_MAX - 1) * sizeof(*log->e));
		log->n--;
	}
	log->e[log->n++] = *e;
	if (e->kind == CALLLOG_MISSED && log->missed < CALLLOG_MAX)
		log->missed++;
	return save(log);
}

size_t calllog_count(const struct calllog *log)
{
	return log->n;
}

const struct calllog_entry *calllog_get(const struct calllog *log, size_t i)
{
	return i < log->n ? &log->e[i] : NULL;
}

const struct calllog_entry *calllog_last_placed(const struct calllog *log)
{
	for (size_t i = log->n; i > 0; i--)
		if (log->e[i - 1].kind == CALLLOG_PLACED)
			return &log->e[i - 1];
	return NULL;
}

unsigned int calllog_missed(const struct calllog *log)
{
	return log->missed;
}

int calllog_seen(struct calllog *log)
{
	if (!log->missed)
		return 0;
	log->missed = 0;
	return save(log);
}

struct json_object *calllog_json(const struct calllog *log)
{
	struct json_object *o = json_object_new_object();
	struct json_object *calls = json_object_new_array_ext((int)log->n);

	if (!o || !calls) {
		json_object_put(o);
		json_object_put(calls);
		return NULL;
	}
	for (size_t i = log->n; i > 0; i--)
		json_object_array_add(calls, calllog_entry_json(&log->e[i - 1]));
	json_object_object_add(o, "missed", json_object_new_int64(log->missed));
	json_object_object_add(o, "calls", calls);
	return o;
}
