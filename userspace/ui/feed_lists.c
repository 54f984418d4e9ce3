// SPDX-License-Identifier: GPL-2.0-only
/* The daemon's lists read for the screen (feed_lists.h). */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "ui/feed_lists.h"

static const char *str(struct json_object *obj, const char *key)
{
	struct json_object *v;

	if (!obj || !json_object_is_type(obj, json_type_object) ||
	    !json_object_object_get_ex(obj, key, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v)[0] ? json_object_get_string(v) : NULL;
}

static int64_t num(struct json_object *obj, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(obj, key, &v) || !json_object_is_type(v, json_type_int))
		return -1;
	return json_object_get_int64(v);
}

static bool flag(struct json_object *obj, const char *key)
{
	struct json_object *v;

	return json_object_object_get_ex(obj, key, &v) &&
	       json_object_is_type(v, json_type_boolean) && json_object_get_boolean(v);
}

/* Printable text only: the screen never shows control characters. */
static void copy(char *dst, size_t size, const char *src)
{
	size_t n = 0;

	for (; src && *src && n + 1 < size; src++)
		dst[n++] = (unsigned char)*src < 0x20 || *src == 0x7f ? '?' : *src;
	dst[n] = '\0';
}

/* A SIP URI as a person reads it: "sip:bob@corp.test" -> "bob@corp.test". */
static const char *shown_uri(const char *uri)
{
	if (uri && !strncmp(uri, "sip:", 4))
		return uri + 4;
	if (uri && !strncmp(uri, "sips:", 5))
		return uri + 5;
	return uri;
}

static bool contact(struct json_object *c, struct ui_entry *e)
{
	const char *name = str(c, "name"), *sip = str(c, "sip");
	const char *phone = str(c, "work");

	if (!phone)
		phone = str(c, "mobile");
	if (!phone)
		phone = str(c, "home");
	if (!name)
		name = str(c, "email");
	if (!name)
		name = shown_uri(sip);
	if (!name)
		name = phone;
	if (!name)
		return false;
	copy(e->name, sizeof(e->name), name);
	copy(e->detail, sizeof(e->detail), phone ? phone : shown_uri(sip));
	/* a SIP address reaches the person wherever signed in */
	copy(e->target, sizeof(e->target), sip ? sip : phone);
	return true;
}

static void when(int64_t start, char *out, size_t size)
{
	time_t t = (time_t)start;
	struct tm tm;

	if (start <= 0 || !localtime_r(&t, &tm))
		out[0] = '\0';
	else
		snprintf(out, size, "%02d/%02d %02d:%02d", tm.tm_mday, tm.tm_mon + 1,
			 tm.tm_hour, tm.tm_min);
}

static bool logged_call(struct json_object *c, struct ui_entry *e)
{
	const char *name = str(c, "name"), *uri = str(c, "uri"), *kind = str(c, "kind");
	char at[32];

	if (!uri || !kind)
		return false;
	copy(e->name, sizeof(e->name), name ? name : shown_uri(uri));
	when(num(c, "start"), at, sizeof(at));
	snprintf(e->detail, sizeof(e->detail), "%s%s%s",
		 !strcmp(kind, "missed") ? "missed" : !strcmp(kind, "placed") ? "out" : "in",
		 at[0] ? " " : "", at);
	copy(e->target, sizeof(e->target), uri);
	e->marked = !strcmp(kind, "missed");
	return true;
}

static bool message(struct json_object *m, struct ui_entry *e)
{
	const char *from = str(m, "from"), *address = str(m, "from_address");
	int64_t secs = num(m, "duration_s");

	if (!from)
		from = address;
	if (!from)
		return false;
	copy(e->name, sizeof(e->name), from);
	e->marked = !flag(m, "read");
	if (secs >= 0)
		snprintf(e->detail, sizeof(e->detail), "%s%d:%02d", e->marked ? "new " : "",
			 (int)(secs / 60 % 1000), (int)(secs % 60));
	else
		snprintf(e->detail, sizeof(e->detail), "%s", e->marked ? "new" : "");
	/* OK calls the caller back */
	copy(e->target, sizeof(e->target), address);
	return true;
}

bool ui_feed_list(enum ui_list_kind kind, struct json_object *result,
		  struct ui_list *list)
{
	static const char *const arrays[] = {
		[UI_LIST_CONTACTS] = "contacts", [UI_LIST_CALLLOG] = "calls",
		[UI_LIST_VOICEMAIL] = "voicemail",
	};
	struct json_object *items;
	size_t n;
	int64_t total;

	if (kind <= UI_LIST_NONE || kind >= __UI_LIST_COUNT ||
	    !result || !json_object_is_type(result, json_type_object) ||
	    !json_object_object_get_ex(result, arrays[kind], &items) ||
	    !json_object_is_type(items, json_type_array))
		return false;
	memset(list, 0, sizeof(*list));
	n = json_object_array_length(items);
	for (size_t i = 0; i < n && list->n < UI_LIST_MAX; i++) {
		struct json_object *o = json_object_array_get_idx(items, i);
		struct ui_entry *e = &list->e[list->n];
		bool ok;

		if (!json_object_is_type(o, json_type_object))
			continue;
		ok = kind == UI_LIST_CONTACTS ? contact(o, e) :
		     kind == UI_LIST_CALLLOG ? logged_call(o, e) : message(o, e);
		if (ok)
			list->n++;
		else
			memset(e, 0, sizeof(*e));
	}
	total = kind == UI_LIST_CALLLOG ? -1 :
		num(result, kind == UI_LIST_CONTACTS ? "total" : "voicemail_total");
	list->total = total > (int64_t)list->n && total < 1000000 ? (unsigned int)total :
		      list->n;
	list->loaded = true;
	return true;
}

void ui_feed_calllog_event(struct json_object *event, struct ui_list *list)
{
	struct json_object *c;
	struct ui_entry e;

	memset(&e, 0, sizeof(e));
	if (!json_object_object_get_ex(event, "call", &c) ||
	    !json_object_is_type(c, json_type_object) || !logged_call(c, &e))
		return;
	if (list->n == UI_LIST_MAX)
		list->n--;
	memmove(&list->e[1], &list->e[0], list->n * sizeof(list->e[0]));
	list->e[0] = e;
	list->n++;
	if (list->total < list->n)
		list->total = list->n;
}
