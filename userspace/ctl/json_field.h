/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Reading fields of the daemon's JSON for printing: a missing or mistyped
 * field prints as "?", and strings are cut to printable ASCII so that no
 * escape sequence from the daemon reaches the user's terminal.
 */
#ifndef UCPHONECTL_JSON_FIELD_H
#define UCPHONECTL_JSON_FIELD_H

#include <json-c/json.h>

/* Longest string printed from the daemon's JSON. */
#define CTL_FIELD_MAX 256

/* Copies s into out, printable ASCII only. */
const char *ctl_json_clean(const char *s, char out[CTL_FIELD_MAX]);
/* obj[key] when obj is an object and the member has @type, else NULL. */
struct json_object *ctl_json_member(struct json_object *obj, const char *key,
				    enum json_type type);
const char *ctl_json_str(struct json_object *obj, const char *key,
			 char out[CTL_FIELD_MAX]);
const char *ctl_json_uint(struct json_object *obj, const char *key,
			  char out[CTL_FIELD_MAX]);
const char *ctl_json_int(struct json_object *obj, const char *key,
			 char out[CTL_FIELD_MAX]);

#endif
