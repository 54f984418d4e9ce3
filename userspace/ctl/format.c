// SPDX-License-Identifier: GPL-2.0-only
#include <inttypes.h>
#include <stdbool.h>
#include <string.h>

#include "format.h"

/* Longest string printed from the daemon's JSON. */
#define FIELD_MAX 128

/* Copies s into out, printable ASCII only, so no escape reaches a tty. */
static const char *clean(const char *s, char out[FIELD_MAX])
{
	size_t n = 0;

	for (; *s && n < FIELD_MAX - 1; s++)
		out[n++] = (*s >= 0x20 && *s <= 0x7e) ? *s : '?';
	out[n] = '\0';
	return out;
}

static struct json_object *member(struct json_object *obj, const char *key,
				  enum json_type type)
{
	struct json_object *v;

	if (!json_object_is_type(obj, json_type_object) ||
	    !json_object_object_get_ex(obj, key, &v) ||
	    !json_object_is_type(v, type))
		return NULL;
	return v;
}

static const char *get_str(struct json_object *obj, const char *key,
			   char out[FIELD_MAX])
{
	struct json_object *v = member(obj, key, json_type_string);

	return v ? clean(json_object_get_string(v), out) : "?";
}

/* Numbers print as the daemon wrote them, or "?". */
static const char *get_num(struct json_object *obj, const char *key,
			   char out[FIELD_MAX])
{
	struct json_object *v = member(obj, key, json_type_int);

	if (!v)
		return "?";
	snprintf(out, FIELD_MAX, "%" PRIu64, json_object_get_uint64(v));
	return out;
}

static void print_drivers(FILE *out, struct json_object *drivers)
{
	size_t n = drivers ? json_object_array_length(drivers) : 0;
	int name_w = 0, dev_w = 0;
	char a[FIELD_MAX], b[FIELD_MAX], c[FIELD_MAX];

	if (n == 0) {
		fprintf(out, "drivers: none\n");
		return;
	}
	for (size_t i = 0; i < n; i++) {
		struct json_object *d = json_object_array_get_idx(drivers, i);
		int lw = (int)strlen(get_str(d, "name", a));
		int dw = (int)strlen(get_str(d, "device", b));

		name_w = lw > name_w ? lw : name_w;
		dev_w = dw > dev_w ? dw : dev_w;
	}
	for (size_t i = 0; i < n; i++) {
		struct json_object *d = json_object_array_get_idx(drivers, i);

		fprintf(out, "%s%-*s   %-*s   %s\n", i ? "         " : "drivers: ",
			name_w, get_str(d, "name", a), dev_w,
			get_str(d, "device", b), get_str(d, "kind", c));
	}
}

void ctl_print_info(FILE *out, struct json_object *result)
{
	struct json_object *daemon = member(result, "daemon", json_type_object);
	struct json_object *kernel = member(result, "kernel", json_type_object);
	struct json_object *counters, *avail;
	char a[FIELD_MAX], b[FIELD_MAX], c[FIELD_MAX];

	fprintf(out, "ucphoned %s (UAPI %s)\n", get_str(daemon, "version", a),
		get_num(daemon, "uapi", b));

	avail = member(kernel, "available", json_type_boolean);
	if (!avail || !json_object_get_boolean(avail)) {
		fprintf(out, "kernel:  unavailable (%s)\n",
			get_str(kernel, "reason", a));
	} else if (member(kernel, "error", json_type_string)) {
		fprintf(out, "kernel:  ucphone family %s present, but GET_INFO "
			"failed: %s\n", get_num(kernel, "family_id", a),
			get_str(kernel, "error", b));
	} else {
		fprintf(out, "kernel:  ucphone UAPI %s on Linux %s\n",
			get_num(kernel, "uapi", a), get_str(kernel, "release", b));
		print_drivers(out, member(kernel, "drivers", json_type_array));
	}

	counters = member(member(result, "counters", json_type_object),
			  "kernel", json_type_object);
	fprintf(out, "events:  %s received, %s lost, %s malformed\n",
		get_num(counters, "events_received", a),
		get_num(counters, "events_lost", b),
		get_num(counters, "malformed", c));
}

static bool shown_in_prefix(const char *key)
{
	static const char *const keys[] = {
		"event", "seq", "timestamp_ns", "driver", "device",
	};

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (strcmp(key, keys[i]) == 0)
			return true;
	return false;
}

void ctl_print_event(FILE *out, struct json_object *event)
{
	struct json_object *ts = member(event, "timestamp_ns", json_type_int);
	struct json_object *seq = member(event, "seq", json_type_int);
	char a[FIELD_MAX], b[FIELD_MAX];

	if (ts) {
		uint64_t ns = json_object_get_uint64(ts);

		fprintf(out, "%6" PRIu64 ".%06" PRIu64 " ", ns / 1000000000u,
			ns % 1000000000u / 1000u);
	}
	if (seq)
		fprintf(out, "#%" PRIu64 " ", json_object_get_uint64(seq));
	fprintf(out, "%s", get_str(event, "event", a));
	if (member(event, "device", json_type_string))
		fprintf(out, " %s", get_str(event, "device", b));

	if (!json_object_is_type(event, json_type_object)) {
		fputc('\n', out);
		return;
	}
	json_object_object_foreach(event, key, value) {
		if (shown_in_prefix(key))
			continue;
		switch (json_object_get_type(value)) {
		case json_type_string:
		case json_type_int:
		case json_type_boolean:
		case json_type_double:
			fprintf(out, " %s=%s", clean(key, a),
				clean(json_object_get_string(value), b));
			break;
		default:
			fprintf(out, " %s=...", clean(key, a));
			break;
		}
	}
	fputc('\n', out);
}
