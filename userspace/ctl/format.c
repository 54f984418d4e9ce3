// SPDX-License-Identifier: GPL-2.0-only
#include <inttypes.h>
#include <stdbool.h>
#include <string.h>

#include "ctl/format.h"
#include "ctl/json_field.h"

static void print_drivers(FILE *out, struct json_object *drivers)
{
	size_t n = drivers ? json_object_array_length(drivers) : 0;
	int name_w = 0, dev_w = 0;
	char a[CTL_FIELD_MAX], b[CTL_FIELD_MAX], c[CTL_FIELD_MAX];

	if (n == 0) {
		fprintf(out, "drivers: none\n");
		return;
	}
	for (size_t i = 0; i < n; i++) {
		struct json_object *d = json_object_array_get_idx(drivers, i);
		int lw = (int)strlen(ctl_json_str(d, "name", a));
		int dw = (int)strlen(ctl_json_str(d, "device", b));

		name_w = lw > name_w ? lw : name_w;
		dev_w = dw > dev_w ? dw : dev_w;
	}
	for (size_t i = 0; i < n; i++) {
		struct json_object *d = json_object_array_get_idx(drivers, i);

		fprintf(out, "%s%-*s   %-*s   %s\n", i ? "         " : "drivers: ",
			name_w, ctl_json_str(d, "name", a), dev_w,
			ctl_json_str(d, "device", b), ctl_json_str(d, "kind", c));
	}
}

void ctl_print_info(FILE *out, struct json_object *result)
{
	struct json_object *daemon = ctl_json_member(result, "daemon", json_type_object);
	struct json_object *kernel = ctl_json_member(result, "kernel", json_type_object);
	struct json_object *counters, *avail;
	char a[CTL_FIELD_MAX], b[CTL_FIELD_MAX], c[CTL_FIELD_MAX];

	fprintf(out, "ucphoned %s (UAPI %s)\n", ctl_json_str(daemon, "version", a),
		ctl_json_uint(daemon, "uapi", b));

	avail = ctl_json_member(kernel, "available", json_type_boolean);
	if (!avail || !json_object_get_boolean(avail)) {
		fprintf(out, "kernel:  unavailable (%s)\n",
			ctl_json_str(kernel, "reason", a));
	} else if (ctl_json_member(kernel, "error", json_type_string)) {
		fprintf(out, "kernel:  ucphone family %s present, but GET_INFO "
			"failed: %s\n", ctl_json_uint(kernel, "family_id", a),
			ctl_json_str(kernel, "error", b));
	} else {
		fprintf(out, "kernel:  ucphone UAPI %s on Linux %s\n",
			ctl_json_uint(kernel, "uapi", a), ctl_json_str(kernel, "release", b));
		print_drivers(out, ctl_json_member(kernel, "drivers", json_type_array));
	}

	counters = ctl_json_member(ctl_json_member(result, "counters", json_type_object),
			  "kernel", json_type_object);
	fprintf(out, "events:  %s received, %s lost, %s malformed\n",
		ctl_json_uint(counters, "events_received", a),
		ctl_json_uint(counters, "events_lost", b),
		ctl_json_uint(counters, "malformed", c));
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
	struct json_object *ts = ctl_json_member(event, "timestamp_ns", json_type_int);
	struct json_object *seq = ctl_json_member(event, "seq", json_type_int);
	char a[CTL_FIELD_MAX], b[CTL_FIELD_MAX];

	if (ts) {
		uint64_t ns = json_object_get_uint64(ts);

		fprintf(out, "%6" PRIu64 ".%06" PRIu64 " ", ns / 1000000000u,
			ns % 1000000000u / 1000u);
	}
	if (seq)
		fprintf(out, "#%" PRIu64 " ", json_object_get_uint64(seq));
	fprintf(out, "%s", ctl_json_str(event, "event", a));
	if (ctl_json_member(event, "device", json_type_string))
		fprintf(out, " %s", ctl_json_str(event, "device", b));

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
			fprintf(out, " %s=%s", ctl_json_clean(key, a),
				ctl_json_clean(json_object_get_string(value), b));
			break;
		default:
			fprintf(out, " %s=...", ctl_json_clean(key, a));
			break;
		}
	}
	fputc('\n', out);
}
