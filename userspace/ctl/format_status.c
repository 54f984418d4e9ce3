// SPDX-License-Identifier: GPL-2.0-only
/*
 * `ucphonectl status`: the network as the daemon brought it up. Same
 * rules as format.c: the JSON is not trusted, odd fields print as "?".
 */
#include <inttypes.h>
#include <string.h>

#include "ctl/exchange_cmd.h"
#include "ctl/update_cmd.h"
#include "ctl/features_cmd.h"
#include "ctl/format.h"
#include "ctl/format_software.h"
#include "ctl/json_field.h"

/* A string array as "a, b, c" ("none" when empty or absent). */
static void print_list(FILE *out, const char *label, struct json_object *obj,
		       const char *key)
{
	struct json_object *arr = ctl_json_member(obj, key, json_type_array);
	size_t n = arr ? json_object_array_length(arr) : 0;
	char buf[CTL_FIELD_MAX];

	fprintf(out, "%-13s", label);
	if (n == 0)
		fprintf(out, " none");
	for (size_t i = 0; i < n; i++) {
		struct json_object *wrap = json_object_new_object();

		json_object_object_add(wrap, "v", json_object_get(
			json_object_array_get_idx(arr, i)));
		fprintf(out, "%s%s", i ? ", " : " ", ctl_json_str(wrap, "v", buf));
		json_object_put(wrap);
	}
	fputc('\n', out);
}

/* The sign-in: one status line, the registrar, provisioning values. */
static void print_sip(FILE *out, struct json_object *sip)
{
	struct json_object *prov = ctl_json_member(sip, "provisioning", json_type_object);
	struct json_object *values = prov ? ctl_json_member(prov, "values",
							   json_type_object) : NULL;
	char a[CTL_FIELD_MAX], b[CTL_FIELD_MAX], c[CTL_FIELD_MAX];

	fprintf(out, "sip:          %s (%s)\n", ctl_json_str(sip, "status_text", a),
		ctl_json_str(sip, "state", b));
	if (ctl_json_member(sip, "waiting_for", json_type_string))
		fprintf(out, "waiting for:  %s\n", ctl_json_str(sip, "waiting_for", a));
	if (ctl_json_member(sip, "expires", json_type_int))
		fprintf(out, "registrar:    %s, expires %s s (%s s left)\n",
			ctl_json_str(sip, "registrar", a), ctl_json_int(sip, "expires", b),
			ctl_json_int(sip, "expires_in_s", c));
	else if (ctl_json_member(sip, "registrar", json_type_string))
		fprintf(out, "registrar:    %s\n", ctl_json_str(sip, "registrar", a));
	if (ctl_json_member(sip, "error", json_type_string))
		fprintf(out, "sip error:    %s\n", ctl_json_str(sip, "error", a));
	if (prov)
		fprintf(out, "provisioning: %s\n", ctl_json_str(prov, "state", a));
	if (values) {
		json_object_object_foreach(values, key, val) {
			struct json_object *wrap = json_object_new_object();

			/* keys are as untrusted as values: printed the same way */
			json_object_object_add(wrap, "k", json_object_new_string(key));
			json_object_object_add(wrap, "v", json_object_get(val));
			fprintf(out, "  %-28s %s\n", ctl_json_str(wrap, "k", b),
				ctl_json_str(wrap, "v", a));
			json_object_put(wrap);
		}
	}
}

/* Root CAs: state, each learned root with its source, the public count. */
static void print_trust(FILE *out, struct json_object *trust)
{
	struct json_object *learned = ctl_json_member(trust, "learned", json_type_array);
	char a[CTL_FIELD_MAX], b[CTL_FIELD_MAX], c[CTL_FIELD_MAX];

	fprintf(out, "trust:        %s (discovery %s), %s public roots\n",
		ctl_json_str(trust, "state", a), ctl_json_str(trust, "discovery", b),
		ctl_json_int(trust, "public_roots", c));
	for (size_t i = 0; learned && i < json_object_array_length(learned); i++) {
		struct json_object *r = json_object_array_get_idx(learned, i);

		fprintf(out, "root CA:      %s from %s\n              sha256 %s\n",
			ctl_json_str(r, "subject", a), ctl_json_str(r, "source", b),
			ctl_json_str(r, "sha256", c));
	}
	if (ctl_json_member(trust, "dc_tls", json_type_string))
		fprintf(out, "DC TLS:       %s\n", ctl_json_str(trust, "dc_tls", a));
	if (ctl_json_member(trust, "error", json_type_string))
		fprintf(out, "trust error:  %s\n", ctl_json_str(trust, "error", a));
	if (ctl_json_member(trust, "persist_error", json_type_string))
		fprintf(out, "trust store:  %s\n", ctl_json_str(trust, "persist_error", a));
}

void ctl_print_identity(FILE *out, struct json_object *identity)
{
	char a[CTL_FIELD_MAX], b[CTL_FIELD_MAX], c[CTL_FIELD_MAX];
	struct json_object *v;

	if (json_object_object_get_ex(identity, "signed_in", &v) &&
	    json_object_get_boolean(v))
		fprintf(out, "sign-in:      %s as %s (%s)\n",
			ctl_json_str(identity, "address", a),
			ctl_json_str(identity, "user", b),
			ctl_json_str(identity, "source", c));
	else
		fprintf(out, "sign-in:      signed out\n");
	if (ctl_json_member(identity, "error", json_type_string))
		fprintf(out, "sign-in error: %s\n", ctl_json_str(identity, "error", a));
}

void ctl_print_status(FILE *out, struct json_object *result)
{
	struct json_object *sip = ctl_json_member(result, "sip", json_type_object);
	struct json_object *dhcp = ctl_json_member(result, "dhcp", json_type_object);
	struct json_object *dns = ctl_json_member(result, "dns", json_type_object);
	struct json_object *time = ctl_json_member(result, "time", json_type_object);
	struct json_object *regs;
	char a[CTL_FIELD_MAX], b[CTL_FIELD_MAX], c[CTL_FIELD_MAX], d[CTL_FIELD_MAX];
	char e[CTL_FIELD_MAX];

	if (ctl_json_member(result, "identity", json_type_object))
		ctl_print_identity(out, ctl_json_member(result, "identity",
							 json_type_object));
	if (ctl_json_member(result, "phone", json_type_object))
		ctl_print_features(out, ctl_json_member(result, "phone", json_type_object));
	if (ctl_json_member(result, "audio", json_type_object))
		ctl_print_audio(out, ctl_json_member(result, "audio", json_type_object));
	if (ctl_json_member(result, "software", json_type_object))
		ctl_print_software(out, ctl_json_member(result, "software",
							json_type_object));
	if (!dhcp) {
		fprintf(out, "network: %s\n", ctl_json_str(result, "network", a));
		return;
	}
	fprintf(out, "interface:    %s, DHCP %s\n", ctl_json_str(dhcp, "interface", a),
		ctl_json_str(dhcp, "state", b));
	if (ctl_json_member(dhcp, "address", json_type_string)) {
		fprintf(out, "address:      %s/%s from %s, lease %s s (%s s left)\n",
			ctl_json_str(dhcp, "address", a), ctl_json_int(dhcp, "prefix", b),
			ctl_json_str(dhcp, "server", c), ctl_json_int(dhcp, "lease_s", d),
			ctl_json_int(dhcp, "expires_in_s", e));
		print_list(out, "routers:", dhcp, "routers");
		fprintf(out, "domain:       %s\n", ctl_json_str(dhcp, "domain", a));
		print_list(out, "sip servers:", dhcp, "sip_servers");
		if (ctl_json_member(dhcp, "cert_provisioning_url", json_type_string))
			fprintf(out, "cert prov:    %s\n",
				ctl_json_str(dhcp, "cert_provisioning_url", a));
	} else {
		fprintf(out, "address:      none\n");
	}
	if (dns) {
		print_list(out, "dns servers:", dns, "servers");
		print_list(out, "dns search:", dns, "search");
		fprintf(out, "sip domain:   %s, discovery %s\n",
			ctl_json_str(dns, "sip_domain", a), ctl_json_str(dns, "discovery", b));
		if (ctl_json_member(dns, "error", json_type_string))
			fprintf(out, "dns error:    %s\n", ctl_json_str(dns, "error", a));
		regs = ctl_json_member(dns, "registrars", json_type_array);
		for (size_t i = 0; regs && i < json_object_array_length(regs); i++) {
			struct json_object *r = json_object_array_get_idx(regs, i);

			fprintf(out, "%s%s:%s %s  (%s)\n",
				i ? "              " : "registrars:   ",
				ctl_json_str(r, "host", a), ctl_json_int(r, "port", b),
				ctl_json_str(r, "transport", c), ctl_json_str(r, "source", d));
		}
	}
	if (time) {
		fprintf(out, "time:         %s", ctl_json_str(time, "source", a));
		if (ctl_json_member(time, "synchronised", json_type_boolean) &&
		    json_object_get_boolean(ctl_json_member(time, "synchronised",
						   json_type_boolean)))
			fprintf(out, " %s, stratum %s, offset %s us, delay %s us",
				ctl_json_str(time, "synced_server", a),
				ctl_json_int(time, "stratum", b), ctl_json_int(time, "offset_us", c),
				ctl_json_int(time, "delay_us", d));
		else
			fprintf(out, ", not synchronised");
		fputc('\n', out);
		if (ctl_json_member(time, "error", json_type_string))
			fprintf(out, "time error:   %s\n", ctl_json_str(time, "error", a));
	}
	if (ctl_json_member(result, "trust", json_type_object))
		print_trust(out, ctl_json_member(result, "trust", json_type_object));
	if (sip)
		print_sip(out, sip);
	if (ctl_json_member(result, "exchange", json_type_object))
		ctl_print_exchange(out, ctl_json_member(result, "exchange", json_type_object));
	if (ctl_json_member(result, "update", json_type_object))
		ctl_print_update(out, ctl_json_member(result, "update", json_type_object));
}
