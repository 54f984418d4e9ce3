// SPDX-License-Identifier: GPL-2.0
/*
 * `ucphonectl srtp` asks the kernel directly (UCPHONE_CMD_SRTP_GET dump
 * needs no privilege and carries no key): the counters prove that the
 * offload really carries a call. Sessions the daemon runs on libsrtp2 are
 * the daemon's to list once it runs calls.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <json-c/json.h>

#include "ctl/srtp_view.h"
#include "media/srtp_kernel.h"

static const char *suite_name(uint32_t suite)
{
	switch (suite) {
	case UCPHONE_SRTP_AES_CM_128_HMAC_SHA1_80: return "AES_CM_128_HMAC_SHA1_80";
	case UCPHONE_SRTP_AES_CM_128_HMAC_SHA1_32: return "AES_CM_128_HMAC_SHA1_32";
	case UCPHONE_SRTP_AES_256_CM_HMAC_SHA1_80: return "AES_256_CM_HMAC_SHA1_80";
	case UCPHONE_SRTP_AEAD_AES_128_GCM: return "AEAD_AES_128_GCM";
	case UCPHONE_SRTP_AEAD_AES_256_GCM: return "AEAD_AES_256_GCM";
	default: return "unknown";
	}
}

static void print_text(const struct srtp_kernel_session *s, void *arg)
{
	const struct srtp_flow_stats *st = &s->stats;
	char ssrc[16] = "any";

	(void)arg;
	if (s->has_ssrc)
		snprintf(ssrc, sizeof(ssrc), "0x%08" PRIx32, s->ssrc);
	printf("%-6" PRIu32 " %-3s %-24s %-10s %10" PRIu32 " %6u %10" PRIu64
	       " %12" PRIu64 " %6" PRIu64 " %7" PRIu64 " %9" PRIu64 " %6" PRIu64 "\n",
	       s->id, s->dir == UCPHONE_SRTP_DIR_TX ? "tx" : "rx",
	       suite_name(s->suite), ssrc, st->roc, st->seq, st->packets,
	       st->bytes, st->auth_failures, st->replays, st->malformed,
	       st->rtcp_packets);
}

static void add_json(const struct srtp_kernel_session *s, void *arg)
{
	struct json_object *list = arg, *o = json_object_new_object();
	const struct srtp_flow_stats *st = &s->stats;

	if (!o)
		return;
	json_object_object_add(o, "id", json_object_new_int64(s->id));
	json_object_object_add(o, "backend", json_object_new_string("kernel"));
	json_object_object_add(o, "direction", json_object_new_string(
		s->dir == UCPHONE_SRTP_DIR_TX ? "tx" : "rx"));
	json_object_object_add(o, "suite", json_object_new_string(suite_name(s->suite)));
	if (s->has_ssrc)
		json_object_object_add(o, "ssrc", json_object_new_int64(s->ssrc));
	json_object_object_add(o, "window", json_object_new_int64(s->window));
	json_object_object_add(o, "roc", json_object_new_int64(st->roc));
	json_object_object_add(o, "seq", json_object_new_int64(st->seq));
	json_object_object_add(o, "srtcp_index", json_object_new_int64(s->srtcp_index));
	json_object_object_add(o, "packets", json_object_new_uint64(st->packets));
	json_object_object_add(o, "bytes", json_object_new_uint64(st->bytes));
	json_object_object_add(o, "auth_failures", json_object_new_uint64(st->auth_failures));
	json_object_object_add(o, "replays", json_object_new_uint64(st->replays));
	json_object_object_add(o, "malformed", json_object_new_uint64(st->malformed));
	json_object_object_add(o, "rtcp_packets", json_object_new_uint64(st->rtcp_packets));
	json_object_object_add(o, "bad_mki", json_object_new_uint64(st->bad_mki));
	json_object_array_add(list, o);
}

int ctl_srtp(bool json)
{
	struct json_object *list = NULL;
	struct srtp_kernel *k;
	int ret;

	if (srtp_kernel_open(&k)) {
		fprintf(stderr, "ucphonectl: the ucphone kernel module is not loaded\n");
		return 1;
	}
	if (json) {
		list = json_object_new_array();
		ret = list ? srtp_kernel_dump(k, add_json, list) : -ENOMEM;
	} else {
		printf("%-6s %-3s %-24s %-10s %10s %6s %10s %12s %6s %7s %9s %6s\n",
		       "id", "dir", "suite", "ssrc", "roc", "seq", "packets",
		       "bytes", "auth", "replays", "malformed", "rtcp");
		ret = srtp_kernel_dump(k, print_text, NULL);
	}
	srtp_kernel_close(k);
	if (ret == -EOPNOTSUPP) {
		fprintf(stderr, "ucphonectl: ucphone-srtp is not loaded: no SRTP offload\n");
		json_object_put(list);
		return 1;
	}
	if (ret) {
		fprintf(stderr, "ucphonectl: cannot list SRTP sessions: %s\n", strerror(-ret));
		json_object_put(list);
		return 1;
	}
	if (list) {
		printf("%s\n", json_object_to_json_string_ext(list, JSON_C_TO_STRING_PLAIN));
		json_object_put(list);
	}
	return 0;
}
