// SPDX-License-Identifier: GPL-2.0-only
#include "ctl/calls_view.h"
#include "ctl/json_field.h"

static const char *num(struct json_object *o, const char *key,
		       char out[CTL_FIELD_MAX])
{
	struct json_object *v = ctl_json_member(o, key, json_type_double);

	if (!v)
		return ctl_json_uint(o, key, out);
	snprintf(out, CTL_FIELD_MAX, "%.1f", json_object_get_double(v));
	return out;
}

void ctl_print_calls(FILE *out, struct json_object *calls)
{
	char a[CTL_FIELD_MAX], b[CTL_FIELD_MAX], c[CTL_FIELD_MAX], d[CTL_FIELD_MAX];
	struct json_object *list = ctl_json_member(calls, "calls", json_type_array);
	struct json_object *v;

	fprintf(out, "phone:   %s%s\n", ctl_json_str(calls, "state", a),
		(v = ctl_json_member(calls, "off_hook", json_type_boolean)) &&
		json_object_get_boolean(v) ? " (off hook)" : "");
	if ((v = ctl_json_member(calls, "conference", json_type_boolean)) &&
	    json_object_get_boolean(v))
		fprintf(out, "conference: three-way, mixed by the phone\n");
	if (ctl_json_member(calls, "digits", json_type_string))
		fprintf(out, "dialled: %s\n", ctl_json_str(calls, "digits", a));
	if (ctl_json_member(calls, "last_error", json_type_string))
		fprintf(out, "last:    %s (%s)\n", ctl_json_str(calls, "last_error", a),
			ctl_json_uint(calls, "last_status", b));
	for (size_t i = 0; list && i < json_object_array_length(list); i++) {
		struct json_object *call = json_object_array_get_idx(list, i);

		fprintf(out, "call:    %s %s %s\n", ctl_json_str(call, "direction", a),
			ctl_json_str(call, "state", b), ctl_json_str(call, "far_end", c));
		if (ctl_json_member(call, "hold", json_type_string))
			fprintf(out, "  held by: %s\n", ctl_json_str(call, "hold", a));
		if (!ctl_json_member(call, "codec", json_type_string))
			continue;
		fprintf(out, "  codec: %s, %s\n", ctl_json_str(call, "codec", a),
			ctl_json_str(call, "media_direction", b));
		if ((v = ctl_json_member(call, "srtp", json_type_boolean)) &&
		    json_object_get_boolean(v))
			fprintf(out, "  srtp:  %s, %s\n", ctl_json_str(call, "srtp_suite", a),
				(v = ctl_json_member(call, "srtp_in_kernel", json_type_boolean)) &&
				json_object_get_boolean(v) ? "in the kernel" : "libsrtp2 (userspace)");
		else
			fprintf(out, "  srtp:  off (plain RTP)\n");
		fprintf(out, "  rtp:   %s sent, %s received, %s lost, %s late\n",
			ctl_json_uint(call, "rtp_sent", a), ctl_json_uint(call, "rtp_received", b),
			ctl_json_uint(call, "lost", c), ctl_json_uint(call, "late", d));
		fprintf(out, "  rtcp:  jitter %s ms, rtt %s ms, far end lost %s\n",
			num(call, "jitter_ms", a),
			ctl_json_member(call, "rtt_ms", json_type_double) ? num(call, "rtt_ms", b) : "-",
			ctl_json_uint(call, "far_end_cumulative_lost", c));
		fprintf(out, "  jitter buffer: %s ms (target %s ms, peak jitter %s ms)\n",
			ctl_json_uint(call, "jitter_buffer_ms", a),
			ctl_json_uint(call, "jitter_buffer_target_ms", b),
			ctl_json_uint(call, "jitter_buffer_peak_jitter_ms", c));
		fprintf(out, "  playout: %s lost, %s late, %s duplicates, %s concealed",
			ctl_json_uint(call, "lost_at_playout", a), ctl_json_uint(call, "late", b),
			ctl_json_uint(call, "duplicates", c), ctl_json_uint(call, "concealed", d));
		fprintf(out, ", %s FEC-recovered, %s comfort noise\n",
			ctl_json_uint(call, "fec_recovered", a),
			ctl_json_uint(call, "comfort_noise_frames", b));
	}
}
