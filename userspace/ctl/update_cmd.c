// SPDX-License-Identifier: GPL-2.0-only
/* ucphonectl update status | check [--allow-downgrade]. */
#include <getopt.h>
#include <string.h>

#include "ctl/json_field.h"
#include "ctl/update_cmd.h"
#include "lib/control/control_proto.h"

enum { EXIT_OK, EXIT_DAEMON_ERROR, EXIT_USAGE };

bool ctl_is_update_command(const char *name)
{
	return !strcmp(name, "update");
}

void ctl_print_update(FILE *out, struct json_object *u)
{
	char a[CTL_FIELD_MAX], b[CTL_FIELD_MAX];

	fprintf(out, "update:       %s", ctl_json_str(u, "state", a));
	if (ctl_json_member(u, "installed", json_type_string))
		fprintf(out, ", installed %s", ctl_json_str(u, "installed", a));
	if (ctl_json_member(u, "offered", json_type_string))
		fprintf(out, ", offered %s", ctl_json_str(u, "offered", a));
	if (ctl_json_member(u, "pending_restart", json_type_string))
		fprintf(out, ", %s waits for a restart",
			ctl_json_str(u, "pending_restart", a));
	fprintf(out, "\n");
	if (ctl_json_member(u, "percent", json_type_int)) {
		fprintf(out, "update done:  %s %%", ctl_json_int(u, "percent", a));
		if (ctl_json_member(u, "total", json_type_int))
			fprintf(out, " of %s bytes", ctl_json_int(u, "total", b));
		if (ctl_json_member(u, "speed_bps", json_type_int))
			fprintf(out, ", %s bytes/s", ctl_json_int(u, "speed_bps", a));
		if (ctl_json_member(u, "eta_s", json_type_int))
			fprintf(out, ", %s s left", ctl_json_int(u, "eta_s", a));
		fprintf(out, "\n");
	}
	if (ctl_json_member(u, "note", json_type_string))
		fprintf(out, "update note:  %s\n", ctl_json_str(u, "note", a));
	if (ctl_json_member(u, "last_error", json_type_string) &&
	    *ctl_json_str(u, "last_error", a))
		fprintf(out, "update error: %s\n", a);
	ctl_print_failed_update(out, ctl_json_member(u, "failed_update",
						     json_type_object));
}

/* What the stage of a failed update did to the slots, in words. */
static const char *stage_words(const char *stage)
{
	if (!strcmp(stage, "trial"))
		return "rolled back after its trial";
	if (!strcmp(stage, "signature"))
		return "signature refused, no slot written";
	if (!strcmp(stage, "installer"))
		return "the installer failed";
	if (!strcmp(stage, "download"))
		return "download failed, no slot written";
	return "failed";
}

void ctl_print_failed_update(FILE *out, struct json_object *f)
{
	char a[CTL_FIELD_MAX], b[CTL_FIELD_MAX], c[CTL_FIELD_MAX];

	if (!f)
		return;
	ctl_json_str(f, "stage", c);
	fprintf(out, "update failed: ");
	if (strcmp(ctl_json_str(f, "slot", a), "none"))
		fprintf(out, "slot %s, ", a);
	fprintf(out, "version %s, %s: %s\n", ctl_json_str(f, "version", b),
		stage_words(c), ctl_json_str(f, "reason", a));
}

int ctl_update(int argc, char **argv, bool json, ctl_ask_fn ask, void *ctx)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "allow-downgrade", no_argument, NULL, 'd' },
		{ NULL, 0, NULL, 0 },
	};
	struct json_object *req, *res;
	bool downgrade = false;
	const char *action;
	int c, ret;

	optind = 1;
	while ((c = getopt_long(argc, argv, "+j", longopts, NULL)) != -1) {
		if (c == 'j')
			json = true;
		else if (c == 'd')
			downgrade = true;
		else
			goto usage;
	}
	action = optind < argc ? argv[optind] : "status";
	if (optind + 1 < argc) {
		/* options after the action: update check --allow-downgrade */
		for (int i = optind + 1; i < argc; i++) {
			if (!strcmp(argv[i], "--allow-downgrade"))
				downgrade = true;
			else if (!strcmp(argv[i], "--json"))
				json = true;
			else
				goto usage;
		}
	}
	if (strcmp(action, "status") && strcmp(action, "check"))
		goto usage;
	if (downgrade && strcmp(action, "check"))
		goto usage;
	req = control_request_new_arg("update", !strcmp(action, "status") ? "status" :
				      downgrade ? "check --allow-downgrade" : "check");
	ret = ask(ctx, req, &res);
	json_object_put(req);
	if (ret != EXIT_OK)
		return ret;
	if (json)
		printf("%s\n", json_object_to_json_string_ext(res, JSON_C_TO_STRING_PLAIN));
	else
		ctl_print_update(stdout, res);
	json_object_put(res);
	return EXIT_OK;
usage:
	fprintf(stderr, "ucphonectl: usage: update [status] [--json] | "
		"update check [--allow-downgrade] [--json]\n");
	return EXIT_USAGE;
}
