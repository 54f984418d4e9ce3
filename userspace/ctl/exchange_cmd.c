// SPDX-License-Identifier: GPL-2.0-only
/* ucphonectl contacts / voicemail / call-contact / exchange-sync / directory / voicemail-fetch. */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/control/control_proto.h"
#include "ctl/exchange_cmd.h"
#include "ctl/json_field.h"

enum { EXIT_OK, EXIT_DAEMON_ERROR, EXIT_USAGE };

#define TEXT_MAX 512

bool ctl_is_exchange_command(const char *name)
{
	return !strcmp(name, "contacts") || !strcmp(name, "voicemail") ||
	       !strcmp(name, "call-contact") || !strcmp(name, "exchange-sync") ||
	       !strcmp(name, "directory") || !strcmp(name, "voicemail-fetch");
}

/* Above the daemon's 30 s EWS timeout plus name resolution. */
#define LOOKUP_TIMEOUT_S 45

unsigned int ctl_exchange_timeout_s(const char *name)
{
	return !strcmp(name, "directory") || !strcmp(name, "voicemail-fetch") ?
	       LOOKUP_TIMEOUT_S : 0;
}

/* Length of the valid UTF-8 sequence at p (1-4), or 0. */
static size_t utf8_len(const unsigned char *p)
{
	size_t n, i;
	unsigned int cp;

	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf) {
		n = 2;
		cp = p[0] & 0x1f;
	} else if (p[0] >= 0xe0 && p[0] <= 0xef) {
		n = 3;
		cp = p[0] & 0x0f;
	} else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		n = 4;
		cp = p[0] & 0x07;
	} else {
		return 0;
	}
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	if ((n == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
	    (n == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;
	if (cp >= 0x80 && cp <= 0x9f)
		return 0;	/* C1 controls */
	return n;
}

const char *ctl_utf8_clean(const char *s, char *out, size_t size)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	size_t at = 0, n;

	while (*p) {
		n = utf8_len(p);
		if (!n || (n == 1 && (*p < 0x20 || *p == 0x7f))) {
			p++;
			continue;
		}
		if (at + n >= size)
			break;
		memcpy(out + at, p, n);
		at += n;
		p += n;
	}
	out[at] = '\0';
	return out;
}

static const char *field(struct json_object *o, const char *key, char *out)
{
	struct json_object *v = ctl_json_member(o, key, json_type_string);

	return ctl_utf8_clean(v ? json_object_get_string(v) : "", out, TEXT_MAX);
}

int ctl_contact_uri(struct json_object *contact, const char *kind,
		    char *uri, size_t size, const char **used)
{
	static const char *const order[] = { "sip", "work", "mobile", "home" };
	char raw[TEXT_MAX], digits[TEXT_MAX];
	size_t at = 0;

	if (!kind) {
		for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++)
			if (ctl_contact_uri(contact, order[i], uri, size, used) == 0)
				return 0;
		return -ENOENT;
	}
	field(contact, kind, raw);
	if (!raw[0])
		return -ENOENT;
	*used = kind;
	if (!strcmp(kind, "sip")) {
		snprintf(uri, size, "%s%s", strncasecmp(raw, "sip:", 4) ? "sip:" : "", raw);
		return 0;
	}
	/* A telephone number as dialled: RFC 3966 tel URI, visual separators dropped. */
	for (const char *p = raw; *p && at + 1 < sizeof(digits); p++) {
		if ((*p >= '0' && *p <= '9') || (*p == '+' && !at) || *p == '*' || *p == '#')
			digits[at++] = *p;
		else if (!strchr(" -.()/", *p))
			return -ENOENT;	/* letters, extensions...: not dialable as given */
	}
	digits[at] = '\0';
	if (!at || (at == 1 && digits[0] == '+'))
		return -ENOENT;
	snprintf(uri, size, "tel:%s", digits);
	return 0;
}

static void print_contact(FILE *out, struct json_object *c)
{
	char a[TEXT_MAX], b[TEXT_MAX];
	struct json_object *idx = ctl_json_member(c, "index", json_type_int);
	bool any = false;

	fprintf(out, "%4d  %s", idx ? json_object_get_int(idx) : -1, field(c, "name", a));
	if (field(c, "company", b)[0])
		fprintf(out, " (%s)", b);
	fputc('\n', out);
	for (const char *const *k = (const char *const[]){ "work", "mobile", "home", "sip",
							    "email", NULL }; *k; k++) {
		if (!field(c, *k, a)[0])
			continue;
		fprintf(out, "        %-7s %s\n", *k, a);
		if (strcmp(*k, "email"))
			any = true;
	}
	if (!any)
		fprintf(out, "        (no phone number)\n");
}

/* Every page of contacts matching search into one array (new reference). */
static int fetch_contacts(const char *search, unsigned int offset, bool all_pages,
			  ctl_ask_fn ask, void *ctx, struct json_object **list,
			  int *total)
{
	struct json_object *acc = json_object_new_array(), *req, *res, *v;
	int ret;

	for (;;) {
		req = control_request_new("contacts");
		if (search && search[0])
			json_object_object_add(req, "search", json_object_new_string(search));
		if (offset)
			json_object_object_add(req, "offset", json_object_new_int((int)offset));
		ret = ask(ctx, req, &res);
		json_object_put(req);
		if (ret != EXIT_OK) {
			json_object_put(acc);
			return ret;
		}
		v = ctl_json_member(res, "total", json_type_int);
		*total = v ? json_object_get_int(v) : 0;
		v = ctl_json_member(res, "contacts", json_type_array);
		for (size_t i = 0; v && i < json_object_array_length(v); i++)
			json_object_array_add(acc, json_object_get(json_object_array_get_idx(v, i)));
		v = ctl_json_member(res, "next_offset", json_type_int);
		offset = v ? (unsigned int)json_object_get_int(v) : 0;
		json_object_put(res);
		if (!all_pages || !v || !offset)
			break;
	}
	*list = acc;
	return EXIT_OK;
}

static int cmd_contacts(const char *search, bool json, ctl_ask_fn ask, void *ctx)
{
	struct json_object *list, *o;
	int total, ret = fetch_contacts(search, 0, true, ask, ctx, &list, &total);
	size_t n;

	if (ret != EXIT_OK)
		return ret;
	n = json_object_array_length(list);
	if (json) {
		o = json_object_new_object();
		json_object_object_add(o, "total", json_object_new_int(total));
		json_object_object_add(o, "contacts", list);
		printf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
		json_object_put(o);
		return EXIT_OK;
	}
	for (size_t i = 0; i < n; i++)
		print_contact(stdout, json_object_array_get_idx(list, i));
	if (search && search[0])
		printf("%zu of %d contacts match \"%s\"\n", n, total, search);
	else
		printf("%d contacts\n", total);
	json_object_put(list);
	return EXIT_OK;
}

static void print_messages(FILE *out, struct json_object *res, const char *name,
			   const char *title)
{
	struct json_object *l = ctl_json_member(res, name, json_type_array), *m, *v;
	char a[TEXT_MAX], b[TEXT_MAX], c[TEXT_MAX], key[48];
	size_t n = l ? json_object_array_length(l) : 0;

	snprintf(key, sizeof(key), "%s_total", name);
	v = ctl_json_member(res, key, json_type_int);
	fprintf(out, "%s: %d\n", title, v ? json_object_get_int(v) : (int)n);
	for (size_t i = 0; i < n; i++) {
		m = json_object_array_get_idx(l, i);
		v = ctl_json_member(m, "read", json_type_boolean);
		/* Voice messages are numbered for voicemail-fetch. */
		if (!strcmp(name, "voicemail"))
			fprintf(out, "%3zu", i + 1);
		fprintf(out, "  %s %s  %s", v && !json_object_get_boolean(v) ? "*" : " ",
			field(m, "received", a), field(m, "from", b));
		if (field(m, "from_address", c)[0])
			fprintf(out, " <%s>", c);
		v = ctl_json_member(m, "duration_s", json_type_int);
		if (v)
			fprintf(out, "  %d s", json_object_get_int(v));
		fputc('\n', out);
	}
}

static int cmd_voicemail(bool json, ctl_ask_fn ask, void *ctx)
{
	struct json_object *req = control_request_new("voicemail"), *res;
	int ret = ask(ctx, req, &res);

	json_object_put(req);
	if (ret != EXIT_OK)
		return ret;
	if (json) {
		printf("%s\n", json_object_to_json_string_ext(res, JSON_C_TO_STRING_PLAIN));
	} else {
		print_messages(stdout, res, "voicemail", "voice mail (* unread)");
		print_messages(stdout, res, "missed_calls", "missed calls");
		print_messages(stdout, res, "calls", "call history");
	}
	json_object_put(res);
	return EXIT_OK;
}

static int cmd_call_contact(const char *who, const char *kind, bool json,
			    ctl_ask_fn ask, void *ctx)
{
	struct json_object *list, *pick = NULL, *o, *call = NULL;
	char uri[TEXT_MAX], a[TEXT_MAX], b[TEXT_MAX];
	const char *used = NULL;
	char *end;
	long index = strtol(who, &end, 10);
	bool by_index = *who && !*end && index >= 0;
	int total, ret;
	size_t n;

	if (kind && strcmp(kind, "work") && strcmp(kind, "mobile") && strcmp(kind, "sip")) {
		fprintf(stderr, "ucphonectl: call-contact: kind must be work, mobile or sip\n");
		return EXIT_USAGE;
	}
	ret = fetch_contacts(by_index ? NULL : who, by_index ? (unsigned int)index : 0,
			     !by_index, ask, ctx, &list, &total);
	if (ret != EXIT_OK)
		return ret;
	n = json_object_array_length(list);
	if (by_index) {
		o = n ? json_object_array_get_idx(list, 0) : NULL;
		if (o && ctl_json_member(o, "index", json_type_int) &&
		    json_object_get_int(ctl_json_member(o, "index", json_type_int)) == index)
			pick = o;
	} else if (n == 1) {
		pick = json_object_array_get_idx(list, 0);
	} else {
		for (size_t i = 0; i < n; i++)
			if (!strcasecmp(field(json_object_array_get_idx(list, i), "name", a), who))
				pick = pick ? NULL : json_object_array_get_idx(list, i);
	}
	if (!pick) {
		if (n > 1 && !by_index) {
			fprintf(stderr, "ucphonectl: call-contact: %zu contacts match \"%s\"; "
				"give one's index:\n", n, who);
			for (size_t i = 0; i < n; i++)
				print_contact(stderr, json_object_array_get_idx(list, i));
		} else {
			fprintf(stderr, "ucphonectl: call-contact: no contact %s\"%s\"\n",
				by_index ? "with index " : "matches ", who);
		}
		json_object_put(list);
		return EXIT_DAEMON_ERROR;
	}
	if (ctl_contact_uri(pick, kind, uri, sizeof(uri), &used) < 0) {
		fprintf(stderr, "ucphonectl: call-contact: %s has no %s number\n",
			field(pick, "name", a), kind ? kind : "dialable");
		json_object_put(list);
		return EXIT_DAEMON_ERROR;
	}
	/* click-to-call: the daemon's call manager dials it */
	/* a tel: number is dialled as that number at the SIP domain */
	o = control_request_new_arg("dial", strncasecmp(uri, "tel:", 4) ? uri : uri + 4);
	ret = o ? ask(ctx, o, &call) : EXIT_DAEMON_ERROR;
	json_object_put(o);
	if (ret != EXIT_OK) {
		json_object_put(list);
		return ret;
	}
	if (json) {
		o = json_object_new_object();
		json_object_object_add(o, "name", json_object_new_string(field(pick, "name", a)));
		json_object_object_add(o, "kind", json_object_new_string(used));
		json_object_object_add(o, "uri", json_object_new_string(uri));
		json_object_object_add(o, "call", call);
		printf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
		json_object_put(o);
	} else {
		printf("calling %s  (%s, %s): %s\n", uri, field(pick, "name", a), used,
		       field(call, "state", b));
		json_object_put(call);
	}
	json_object_put(list);
	return EXIT_OK;
}

static int cmd_directory(const char *name, bool json, ctl_ask_fn ask, void *ctx)
{
	struct json_object *req = control_request_new_arg("directory", name), *res, *l;
	int ret = req ? ask(ctx, req, &res) : EXIT_DAEMON_ERROR;
	size_t n;

	json_object_put(req);
	if (ret != EXIT_OK)
		return ret;
	if (json) {
		printf("%s\n", json_object_to_json_string_ext(res, JSON_C_TO_STRING_PLAIN));
		json_object_put(res);
		return EXIT_OK;
	}
	l = ctl_json_member(res, "matches", json_type_array);
	n = l ? json_object_array_length(l) : 0;
	for (size_t i = 0; i < n; i++)
		print_contact(stdout, json_object_array_get_idx(l, i));
	printf("%zu in the directory match \"%s\"\n", n, name);
	json_object_put(res);
	return EXIT_OK;
}

static int cmd_voicemail_fetch(const char *message, bool json, ctl_ask_fn ask,
			       void *ctx)
{
	struct json_object *req = control_request_new_arg("voicemail-fetch", message), *res;
	char a[TEXT_MAX], b[TEXT_MAX], c[TEXT_MAX];
	int ret = req ? ask(ctx, req, &res) : EXIT_DAEMON_ERROR;

	json_object_put(req);
	if (ret != EXIT_OK)
		return ret;
	if (json)
		printf("%s\n", json_object_to_json_string_ext(res, JSON_C_TO_STRING_PLAIN));
	else
		printf("voice message %s: %s (%s bytes, %s)\n", message, field(res, "file", a),
		       ctl_json_int(res, "bytes", b), field(res, "content_type", c));
	json_object_put(res);
	return EXIT_OK;
}

static int cmd_sync(bool json, ctl_ask_fn ask, void *ctx)
{
	struct json_object *req = control_request_new("exchange-sync"), *res;
	int ret = ask(ctx, req, &res);

	json_object_put(req);
	if (ret != EXIT_OK)
		return ret;
	if (json)
		printf("%s\n", json_object_to_json_string_ext(res, JSON_C_TO_STRING_PLAIN));
	else
		ctl_print_exchange(stdout, res);
	json_object_put(res);
	return EXIT_OK;
}

int ctl_exchange(int argc, char **argv, bool json, ctl_ask_fn ask, void *ctx)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	const char *cmd = argv[0];
	int c, nargs;

	optind = 1;
	while ((c = getopt_long(argc, argv, "+j", longopts, NULL)) != -1) {
		if (c != 'j') {
			fprintf(stderr, "ucphonectl: %s: unknown option\n", cmd);
			return EXIT_USAGE;
		}
		json = true;
	}
	nargs = argc - optind;
	if (!strcmp(cmd, "contacts") && nargs <= 1)
		return cmd_contacts(nargs ? argv[optind] : NULL, json, ask, ctx);
	if (!strcmp(cmd, "voicemail") && !nargs)
		return cmd_voicemail(json, ask, ctx);
	if (!strcmp(cmd, "exchange-sync") && !nargs)
		return cmd_sync(json, ask, ctx);
	if (!strcmp(cmd, "directory") && nargs == 1 && argv[optind][0])
		return cmd_directory(argv[optind], json, ask, ctx);
	if (!strcmp(cmd, "voicemail-fetch") && nargs == 1 && argv[optind][0])
		return cmd_voicemail_fetch(argv[optind], json, ask, ctx);
	if (!strcmp(cmd, "call-contact") && (nargs == 1 || nargs == 2))
		return cmd_call_contact(argv[optind], nargs == 2 ? argv[optind + 1] : NULL,
					json, ask, ctx);
	fprintf(stderr, "ucphonectl: usage: contacts [--json] [SEARCH] | voicemail [--json] | "
		"call-contact NAME|INDEX [work|mobile|sip] | exchange-sync | "
		"directory [--json] NAME | voicemail-fetch [--json] N\n");
	return EXIT_USAGE;
}

void ctl_print_exchange(FILE *out, struct json_object *x)
{
	struct json_object *ad = ctl_json_member(x, "autodiscover", json_type_object);
	struct json_object *steps = ctl_json_member(ad, "steps", json_type_array), *s;
	char a[TEXT_MAX], b[TEXT_MAX], c[TEXT_MAX], d[TEXT_MAX], e[TEXT_MAX];

	fprintf(out, "exchange:     %s", field(x, "state", a));
	if (field(x, "address", b)[0])
		fprintf(out, " for %s", b);
	fputc('\n', out);
	for (size_t i = 0; steps && i < json_object_array_length(steps); i++) {
		s = json_object_array_get_idx(steps, i);
		fprintf(out, "  %s %-4s %s: %s (%s ms)\n", i ? "  " : "ad",
			field(s, "method", a), field(s, "url", b), field(s, "result", c),
			ctl_json_int(s, "ms", d));
	}
	if (ctl_json_member(ad, "ms", json_type_int))
		fprintf(out, "  discovery:  %s ms, %s redirects\n", ctl_json_int(ad, "ms", a),
			ctl_json_int(ad, "redirects", b));
	field(ad, "ews_url", a);
	field(ad, "ews_url_external", b);
	if (a[0] || b[0])
		fprintf(out, "  EWS:        %s (internal), %s (external)\n", a, b);
	if (field(ad, "um_url", a)[0])
		fprintf(out, "  UM:         %s  OAB: %s\n", a, field(ad, "oab_url", b));
	if (field(ad, "display_name", a)[0])
		fprintf(out, "  user:       %s\n", a);
	if (ctl_json_member(x, "contacts", json_type_int))
		fprintf(out, "  data:       %s contacts, %s voice mail (%s unread), "
			"%s missed calls, synced %s\n",
			ctl_json_int(x, "contacts", a), ctl_json_int(x, "voicemail", b),
			ctl_json_int(x, "unread_voicemail", c),
			ctl_json_int(x, "missed_calls", d), field(x, "synced_at", e));
	if (ctl_json_member(x, "calls", json_type_int))
		fprintf(out, "  call log:   %s calls%s%s\n", ctl_json_int(x, "calls", a),
			field(x, "calls_error", b)[0] ? ": " : "", b);
	if (field(x, "error", a)[0])
		fprintf(out, "exchange error: %s\n", a);
}
