// SPDX-License-Identifier: GPL-2.0-only
#include "ctl/format_software.h"
#include "ctl/json_field.h"

void ctl_print_software(FILE *out, struct json_object *sw)
{
	struct json_object *slots = ctl_json_member(sw, "slots", json_type_array);
	struct json_object *failed = ctl_json_member(sw, "failed_update",
						     json_type_object);
	char a[CTL_FIELD_MAX], b[CTL_FIELD_MAX], c[CTL_FIELD_MAX];

	fprintf(out, "software:     %s", ctl_json_str(sw, "version", a));
	if (ctl_json_member(sw, "booted_slot", json_type_string))
		fprintf(out, " (slot %s, %s)", ctl_json_str(sw, "booted_slot", a),
			ctl_json_str(sw, "trial", b));
	fputc('\n', out);
	if (!slots) {
		if (ctl_json_member(sw, "slots", json_type_string))
			fprintf(out, "slots:        %s\n", ctl_json_str(sw, "slots", a));
		return;
	}
	if (ctl_json_member(sw, "trial_left_s", json_type_int))
		fprintf(out, "trial:        %s s left to prove itself; now %s\n",
			ctl_json_int(sw, "trial_left_s", a),
			ctl_json_str(sw, "trial_condition", b));
	for (size_t i = 0; i < json_object_array_length(slots); i++) {
		struct json_object *s = json_object_array_get_idx(slots, i);

		fprintf(out, "slot %s:       %s", ctl_json_str(s, "slot", a),
			ctl_json_str(s, "state", b));
		if (ctl_json_member(s, "version", json_type_string))
			fprintf(out, ", %s", ctl_json_str(s, "version", c));
		else
			fprintf(out, " (%s)", ctl_json_str(s, "note", c));
		if (json_object_get_boolean(ctl_json_member(s, "booted",
							    json_type_boolean)))
			fprintf(out, ", booted");
		if (ctl_json_member(s, "tries_left", json_type_int) &&
		    json_object_get_int(ctl_json_member(s, "tries_left", json_type_int)))
			fprintf(out, ", %s tries left", ctl_json_int(s, "tries_left", c));
		fputc('\n', out);
	}
	fprintf(out, "next boot:    slot %s\n", ctl_json_str(sw, "next_boot", a));
	if (ctl_json_member(sw, "reboot_pending", json_type_string))
		fprintf(out, "reboot:       %s (window %s)\n",
			ctl_json_str(sw, "reboot_pending", a),
			ctl_json_str(sw, "reboot_window", b));
	if (failed)
		fprintf(out, "update failed: slot %s, version %s: %s\n",
			ctl_json_str(failed, "slot", a), ctl_json_str(failed, "version", b),
			ctl_json_str(failed, "reason", c));
}
