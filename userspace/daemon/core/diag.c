// SPDX-License-Identifier: GPL-2.0-only
#include <string.h>

#include "config.h"
#include "core/diag.h"
#include "lib/control/control_proto.h"
#include "sip/signin.h"
#include "trust/trust.h"

/* Room left in the reply for the envelope ({"ok":true,"result":...}). */
#define ENVELOPE_ROOM 512

static size_t json_len(struct json_object *o)
{
	size_t len = 0;

	if (o)
		json_object_to_json_string_length(o, JSON_C_TO_STRING_PLAIN,
						   &len);
	return len;
}

static struct json_object *certificates(struct ucphoned *d)
{
	struct json_object *o;

	o = d->trust ? trust_certificates(d->trust) : json_object_new_object();
	if (o && d->signin)
		json_object_object_add(o, "registrars",
				       signin_registrar_chains(d->signin));
	return o;
}

/* The newest ring lines that fit in room bytes of JSON, oldest first. */
static struct json_object *log_lines(const struct log *log, size_t room)
{
	struct json_object *o = json_object_new_object();
	struct json_object *lines = json_object_new_array();
	unsigned int n = log_ring_count(log), fit = 0;
	size_t used = 0;

	if (!o || !lines) {
		json_object_put(o);
		json_object_put(lines);
		return NULL;
	}
	/* Each line costs its escaped text, its quotes and a comma. */
	for (; fit < n; fit++) {
		struct json_object *s = json_object_new_string(
			log_ring_line(log, fit));
		size_t cost = json_len(s) + 1;

		json_object_put(s);
		if (used + cost > room)
			break;
		used += cost;
	}
	for (unsigned int age = fit; age-- > 0;)
		json_object_array_add(lines, json_object_new_string(
			log_ring_line(log, age)));
	json_object_object_add(o, "total",
			       json_object_new_uint64(log_ring_total(log)));
	json_object_object_add(o, "omitted", json_object_new_uint64(n - fit));
	json_object_object_add(o, "lines", lines);
	return o;
}

struct json_object *diag_build(struct ucphoned *d)
{
	struct json_object *o = json_object_new_object(), *certs, *log;
	size_t used;

	if (!o)
		return NULL;
	json_object_object_add(o, "version",
			       json_object_new_string(UCPHONE_VERSION));
	certs = certificates(d);
	json_object_object_add(o, "certificates", certs);
	used = json_len(o) + ENVELOPE_ROOM;
	log = log_lines(&d->log, used < CONTROL_MESSAGE_MAX ?
			CONTROL_MESSAGE_MAX - used : 0);
	json_object_object_add(o, "log", log);
	if (!certs || !log) {
		json_object_put(o);
		return NULL;
	}
	return o;
}
