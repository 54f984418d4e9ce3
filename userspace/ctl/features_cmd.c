// SPDX-License-Identifier: GPL-2.0-only
/* ucphonectl forward / dnd / mute / volume / calllog. */
#include <getopt.h>
#include <string.h>
#include <time.h>

#include "lib/control/control_proto.h"
#include "ctl/features_cmd.h"
#include "ctl/json_field.h"

enum { EXIT_OK, EXIT_DAEMON_ERROR, EXIT_USAGE };

#define SETTING_MAX 300

bool ctl_is_feature_command(const char *name)
{
	return !strcmp(name, "forward") || !strcmp(name, "dnd") ||
	       !strcmp(name, "mute") || !strcmp(name, "volume") ||
	       !strcmp(name, "calllog");
}

static bool flag(struct json_object *o, const char *key)
{
	struct json_object *v = ctl_json_member(o, key, json_type_boolean);

	return v && json_object_get_boolean(v);
}

void ctl_print_features(FILE *out, struct json_object *phone)
{
	struct json_object *f = ctl_json_member(phone, "forwarding", json_type_object);
	char a[CTL_FIELD_MAX], b[CTL_FIELD_MAX];
	bool any = false;

	fprintf(out, "forwarding:  ");
	if (ctl_json_member(f, "always", json_type_string)) {
		fprintf(out, " always to %s", ctl_json_str(f, "always", a));
		any = true;
	}
	if (ctl_json_member(f, "busy", json_type_string)) {
		fprintf(out, " busy to %s", ctl_json_str(f, "busy", a));
		any = true;
	}
	if (ctl_json_member(f, "noanswer", json_type_string)) {
		fprintf(out, " no answer after %s s to %s", ctl_json_int(f, "noanswer_s", b),
			ctl_json_str(f, "noanswer", a));
		any = true;
	}
	fprintf(out, "%s\n", any ? "" : " off");
	fprintf(out, "dnd:          %s", flag(phone, "dnd") ? "on" : "off");
	if (flag(phone, "dnd") && ctl_json_member(f, "dnd_target", json_type_string))
		fprintf(out, ", calls forwarded to %s", ctl_json_str(f, "dnd_target", a));
	fprintf(out, "\nmicrophone:   %s\nmissed calls: %s\n",
		flag(phone, "muted") ? "muted" : "live",
		ctl_json_int(phone, "missed_calls", a));
}

void ctl_print_audio(FILE *out, struct json_object *audio)
{
	struct json_object *v = ctl_json_member(audio, "volumes", json_type_object);
	char a[CTL_FIELD_MAX], b[CTL_FIELD_MAX];

	fprintf(out, "audio:        %s, volume %s %%%s\n", ctl_json_str(audio, "route", a),
		ctl_json_int(audio, "volume_percent", b),
		flag(audio, "card") ? "" : " (no sound card)");
	if (v) {
		fprintf(out, "volumes:     ");
		json_object_object_foreach(v, route, pct)
			fprintf(out, " %s %d %%", route, json_object_get_int(pct));
		fputc('\n', out);
	}
}

static void print_calllog(FILE *out, struct json_object *res)
{
	struct json_object *calls = ctl_json_member(res, "calls", json_type_array);
	char a[CTL_FIELD_MAX], b[CTL_FIELD_MAX], c[CTL_FIELD_MAX], d[CTL_FIELD_MAX];
	size_t n = calls ? json_object_array_length(calls) : 0;

	for (size_t i = 0; i < n; i++) {
		struct json_object *e = json_object_array_get_idx(calls, i);
		struct json_object *st = ctl_json_member(e, "start", json_type_int);
		time_t t = st ? (time_t)json_object_get_int64(st) : 0;
		struct json_object *du = ctl_json_member(e, "duration_s", json_type_int);
		long dur = du ? (long)json_object_get_int64(du) : 0;
		char when[32];
		struct tm tm;

		const char *name = ctl_json_str(e, "name", a);
		bool named = name[0] && strcmp(name, "?");

		strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", localtime_r(&t, &tm));
		fprintf(out, "%s  %-8s %3ld:%02ld  %s%s%s%s  %s\n", when,
			ctl_json_str(e, "kind", b), dur / 60, dur % 60, named ? name : "",
			named ? " <" : "", ctl_json_str(e, "uri", c), named ? ">" : "",
			ctl_json_str(e, "outcome", d));
	}
	fprintf(out, "%zu calls (%s missed before this look)\n", n,
		ctl_json_int(res, "missed", a));
}

/* The words after the command, as one "setting" text. */
static int join(int argc, char **argv, char *out, size_t cap)
{
	size_t len = 0;

	out[0] = '\0';
	for (int i = 0; i < argc; i++) {
		size_t n = strlen(argv[i]);

		if (!n || len + n + 2 > cap)
			return -1;
		if (len)
			out[len++] = ' ';
		memcpy(out + len, argv[i], n + 1);
		len += n;
	}
	return 0;
}

int ctl_features(int argc, char **argv, bool json, ctl_ask_fn ask, void *ctx)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	const char *cmd = argv[0];
	struct json_object *req, *res;
	char setting[SETTING_MAX];
	int c, nargs, ret;

	optind = 1;
	while ((c = getopt_long(argc, argv, "+j", longopts, NULL)) != -1) {
		if (c != 'j')
			goto usage;
		json = true;
	}
	nargs = argc - optind;
	if (!strcmp(cmd, "calllog")) {
		if (nargs)
			goto usage;
		req = control_request_new("calllog");
	} else {
		if (!strcmp(cmd, "mute") && !nargs)
			snprintf(setting, sizeof(setting), "toggle");
		else if (!nargs || nargs > 3 ||
			 join(nargs, argv + optind, setting, sizeof(setting)) < 0)
			goto usage;
		req = control_request_new(cmd);
		if (req)
			json_object_object_add(req, "setting",
					       json_object_new_string(setting));
	}
	ret = ask(ctx, req, &res);
	json_object_put(req);
	if (ret != EXIT_OK)
		return ret;
	if (json)
		printf("%s\n", json_object_to_json_string_ext(res, JSON_C_TO_STRING_PLAIN));
	else if (!strcmp(cmd, "calllog"))
		print_calllog(stdout, res);
	else if (!strcmp(cmd, "volume"))
		ctl_print_audio(stdout, res);
	else
		ctl_print_features(stdout, res);
	json_object_put(res);
	return EXIT_OK;
usage:
	fprintf(stderr, "ucphonectl: usage: forward always|busy|noanswer URI [SECONDS] | "
		"forward RULE off | forward off | dnd on [URI] | dnd off | "
		"mute [on|off] | volume up|down|0-100 | calllog [--json]\n");
	return EXIT_USAGE;
}
