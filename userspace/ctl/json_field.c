// SPDX-License-Identifier: GPL-2.0-only
#include <inttypes.h>
#include <stdio.h>

#include "ctl/json_field.h"

const char *ctl_json_clean(const char *s, char out[CTL_FIELD_MAX])
{
	size_t n = 0;

	for (; *s && n < CTL_FIELD_MAX - 1; s++)
		out[n++] = (*s >= 0x20 && *s <= 0x7e) ? *s : '?';
	out[n] = '\0';
	return out;
}

struct json_object *ctl_json_member(struct json_object *obj, const char *key,
				    enum json_type type)
{
	struct json_object *v;

	if (!json_object_is_type(obj, json_type_object) ||
	    !json_object_object_get_ex(obj, key, &v) ||
	    !json_object_is_type(v, type))
		return NULL;
	return v;
}

const char *ctl_json_str(struct json_object *obj, const char *key,
			 char out[CTL_FIELD_MAX])
{
	struct json_object *v = ctl_json_member(obj, key, json_type_string);

	return v ? ctl_json_clean(json_object_get_string(v), out) : "?";
}

const char *ctl_json_uint(struct json_object *obj, const char *key,
			  char out[CTL_FIELD_MAX])
{
	struct json_object *v = ctl_json_member(obj, key, json_type_int);

	if (!v)
		return "?";
	snprintf(out, CTL_FIELD_MAX, "%" PRIu64, json_object_get_uint64(v));
	return out;
}

const char *ctl_json_int(struct json_object *obj, const char *key,
			 char out[CTL_FIELD_MAX])
{
	struct json_object *v = ctl_json_member(obj, key, json_type_int);

	if (!v)
		return "?";
	snprintf(out, CTL_FIELD_MAX, "%" PRId64, json_object_get_int64(v));
	return out;
}
