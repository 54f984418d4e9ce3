// SPDX-License-Identifier: GPL-2.0-only
/*
 * `ucphonectl status`: the network as the daemon brought it up. Same
 * rules as format.c: the JSON is not trusted, odd fields print as "?".
 */
#include <inttypes.h>
#include <string.h>

#include "format.h"

#define FIELD_MAX 256

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

static const char *str(struct json_object *obj, const char *key,
		       char out[FIELD_MAX])
{
	struct json_object *v = member(obj, key, json_type_string);
	const char *s;
	size_t n = 0;

	if (!v)
		return "?";
	for (s = json_object_get_string(v); *s && n < FIELD_MAX - 1; s++)
		out[n++] = (*s >= 0x20 && *s <= 0x7e) ? *s : '?';
	out[n] = '\0';
	return out;
}

static const char *num(struct json_object *obj, const char *key,
		       char out[FIELD_MAX])
{
	struct json_object *v = member(obj, key, json_type_int);

	if (!v)
		return "?";
	snprintf(out, FIELD_MAX, "%" PRId64, json_object_get_int64(v));
	return out;
}

/* A string array as "a, b, c" ("none" when empty or absent). */
static void print_list(FILE *out, const char *label, struct json_object *obj,
		       const char *key)
{
	struct json_object *arr = member(obj, key, json_type_array);
	size_t n = arr ? json_object_array_length(arr) : 0;
	char buf[FIELD_MAX];

	fprintf(out, "%-13s", label);
	if (n == 0)
		fprintf(out, " none");
	for (size_t i = 0; i < n; i++) {
		struct json_object *wrap = json_object_new_object();

		json_object_object_add(wrap, "v", json_object_get(
			json_object_array_get_idx(arr, i)));
		fprintf(out, "%s%s", i ? ", " : " ", str(wrap, "v", buf));
		json_object_put(wrap);
	}
	fputc('\n', out);
}

void ctl_print_status(FILE *out, struct json_object *result)
{
	struct json_object *dhcp = member(result, "dhcp", json_type_object);
	struct json_object *dns = member(result, "dns", json_type_object);
	struct json_object *time = member(result, "time", json_type_object);
	struct json_object *regs;
	char a[FIELD_MAX], b[FIELD_MAX], c[FIELD_MAX], d[FIELD_MAX];
	char e[FIELD_MAX];

	if (!dhcp) {
		fprintf(out, "network: %s\n", str(result, "network", a));
		return;
	}
	fprintf(out, "interface:    %s, DHCP %s\n", str(dhcp, "interface", a),
		str(dhcp, "state", b));
	if (member(dhcp, "address", json_type_string)) {
		fprintf(out, "address:      %s/%s from %s, lease %s s (%s s left)\n",
			str(dhcp, "address", a), num(dhcp, "prefix", b),
			str(dhcp, "server", c), num(dhcp, "lease_s", d),
			num(dhcp, "expires_in_s", e));
		print_list(out, "routers:", dhcp, "routers");
		fprintf(out, "domain:       %s\n", str(dhcp, "domain", a));
		print_list(out, "sip servers:", dhcp, "sip_servers");
		if (member(dhcp, "cert_provisioning_url", json_type_string))
			fprintf(out, "cert prov:    %s\n",
				str(dhcp, "cert_provisioning_url", a));
	} else {
		fprintf(out, "address:      none\n");
	}
	if (dns) {
		print_list(out, "dns servers:", dns, "servers");
		print_list(out, "dns search:", dns, "search");
		fprintf(out, "sip domain:   %s, discovery %s\n",
			str(dns, "sip_domain", a), str(dns, "discovery", b));
		if (member(dns, "error", json_type_string))
			fprintf(out, "dns error:    %s\n", str(dns, "error", a));
		regs = member(dns, "registrars", json_type_array);
		for (size_t i = 0; regs && i < json_object_array_length(regs); i++) {
			struct json_object *r = json_object_array_get_idx(regs, i);

			fprintf(out, "%s%s:%s %s  (%s)\n",
				i ? "              " : "registrars:   ",
				str(r, "host", a), num(r, "port", b),
				str(r, "transport", c), str(r, "source", d));
		}
	}
	if (time) {
		fprintf(out, "time:         %s", str(time, "source", a));
		if (member(time, "synchronised", json_type_boolean) &&
		    json_object_get_boolean(member(time, "synchronised",
						   json_type_boolean)))
			fprintf(out, " %s, stratum %s, offset %s us, delay %s us",
				str(time, "synced_server", a),
				num(time, "stratum", b), num(time, "offset_us", c),
				num(time, "delay_us", d));
		else
			fprintf(out, ", not synchronised");
		fputc('\n', out);
		if (member(time, "error", json_type_string))
			fprintf(out, "time error:   %s\n", str(time, "error", a));
	}
}
