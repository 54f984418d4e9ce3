// SPDX-License-Identifier: GPL-2.0-only
#include <string.h>
#include <strings.h>

#include "ctl/redact.h"

/* What of an identity may leave the phone. */
static const char *const identity_keep[] = {
	"signed_in", "address", "user", "source", "error",
};

/* Anywhere in the name. */
static const char *const secret_words[] = {
	"password", "passwd", "secret", "private", "token", "credential",
	"nonce", "cookie",
};

/* "key" only as a whole word of the name: srtp_key, key, keys, not keypad. */
static bool has_key_word(const char *name)
{
	const char *p = name;

	while ((p = strcasestr(p, "key"))) {
		bool start = p == name || p[-1] == '_' || p[-1] == '-';
		const char *end = p + 3;

		if (*end == 's' || *end == 'S')
			end++;
		if (start && (!*end || *end == '_' || *end == '-'))
			return true;
		p += 3;
	}
	return false;
}

bool ctl_secret_name(const char *key)
{
	for (size_t i = 0; i < sizeof(secret_words) / sizeof(secret_words[0]); i++)
		if (strcasestr(key, secret_words[i]))
			return true;
	return has_key_word(key);
}

static bool identity_keeps(const char *key)
{
	for (size_t i = 0; i < sizeof(identity_keep) / sizeof(identity_keep[0]); i++)
		if (!strcmp(key, identity_keep[i]))
			return true;
	return false;
}

/* An identity object: only the members that may leave stay. */
static unsigned int redact_identity(struct json_object *id)
{
	unsigned int n = 0;
	bool again = true;

	if (!json_object_is_type(id, json_type_object))
		return 0;
	/* Deleting while iterating is not allowed: one member per pass. */
	while (again) {
		again = false;
		json_object_object_foreach(id, key, val) {
			(void)val;
			if (!identity_keeps(key)) {
				json_object_object_del(id, key);
				n++;
				again = true;
				break;
			}
		}
	}
	return n;
}

static bool keeps_value(struct json_object *v)
{
	return !v || json_object_is_type(v, json_type_boolean) ||
	       json_object_is_type(v, json_type_int) ||
	       json_object_is_type(v, json_type_double);
}

unsigned int ctl_redact(struct json_object *obj)
{
	unsigned int n = 0;

	if (json_object_is_type(obj, json_type_array)) {
		for (size_t i = 0; i < json_object_array_length(obj); i++)
			n += ctl_redact(json_object_array_get_idx(obj, i));
		return n;
	}
	if (!json_object_is_type(obj, json_type_object))
		return 0;
	json_object_object_foreach(obj, key, val) {
		if (!strcmp(key, "identity"))
			n += redact_identity(val);
		if (ctl_secret_name(key) && !keeps_value(val)) {
			/* Replacing a member's value keeps the iteration valid. */
			json_object_object_add(obj, key,
					       json_object_new_string(REDACTED));
			n++;
			continue;
		}
		n += ctl_redact(val);
	}
	return n;
}
