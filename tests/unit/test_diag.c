// SPDX-License-Identifier: GPL-2.0-only
/*
 * The `diag` command's result (userspace/daemon/core/diag.c): the version,
 * the log ring's newest lines oldest first, and a full ring of the longest
 * lines still fitting one control message, with the rest counted.
 */
#include <string.h>

#include "config.h"
#include "core/diag.h"
#include "kselftest_harness.h"
#include "lib/control/control_proto.h"

static struct json_object *get(struct json_object *o, const char *key)
{
	struct json_object *v = NULL;

	json_object_object_get_ex(o, key, &v);
	return v;
}

TEST(version_and_lines_oldest_first)
{
	struct ucphoned d = { .state_dir_fd = -1 };
	struct json_object *r, *lines;

	log_init(&d.log, "test", LOG_LEVEL_ERROR, false);
	ASSERT_EQ(0, log_ring_enable(&d.log));
	log_info(&d.log, "t", "one");
	log_info(&d.log, "t", "two");
	r = diag_build(&d);
	ASSERT_NE(NULL, r);
	EXPECT_STREQ(UCPHONE_VERSION, json_object_get_string(get(r, "version")));
	lines = get(get(r, "log"), "lines");
	ASSERT_EQ(2u, json_object_array_length(lines));
	EXPECT_NE(NULL, strstr(json_object_get_string(
		json_object_array_get_idx(lines, 0)), "msg=\"one\""));
	EXPECT_NE(NULL, strstr(json_object_get_string(
		json_object_array_get_idx(lines, 1)), "msg=\"two\""));
	EXPECT_EQ(0, json_object_get_int(get(get(r, "log"), "omitted")));
	EXPECT_NE(NULL, get(r, "certificates"));
	json_object_put(r);
	log_close(&d.log);
}

TEST(full_ring_of_long_lines_fits_one_message)
{
	struct ucphoned d = { .state_dir_fd = -1 };
	struct json_object *r, *reply, *lines;
	char value[300];
	const char *text;
	size_t len, n;

	/* Quotes escape to two bytes each in JSON: the worst lines. */
	memset(value, '"', sizeof(value) - 1);
	value[sizeof(value) - 1] = '\0';
	log_init(&d.log, "test", LOG_LEVEL_ERROR, false);
	ASSERT_EQ(0, log_ring_enable(&d.log));
	for (int i = 0; i < LOG_RING_LINES + 5; i++)
		log_info(&d.log, "t", "long", LOG_STR("a", value),
			 LOG_STR("b", value), LOG_STR("c", value), LOG_INT("i", i));
	r = diag_build(&d);
	ASSERT_NE(NULL, r);
	lines = get(get(r, "log"), "lines");
	n = json_object_array_length(lines);
	EXPECT_GT(n, 10u);
	EXPECT_LT(n, (size_t)LOG_RING_LINES);
	EXPECT_EQ((int)(LOG_RING_LINES - n),
		  json_object_get_int(get(get(r, "log"), "omitted")));
	EXPECT_EQ(LOG_RING_LINES + 5, json_object_get_int(get(get(r, "log"), "total")));
	/* The newest line is the last one. */
	EXPECT_NE(NULL, strstr(json_object_get_string(
		json_object_array_get_idx(lines, n - 1)), " i=260"));
	reply = control_reply_new_ok(r);
	text = control_json_string(reply, &len);
	ASSERT_NE(NULL, text);
	EXPECT_LE(len, (size_t)CONTROL_MESSAGE_MAX);
	EXPECT_GT(len, (size_t)CONTROL_MESSAGE_MAX * 3 / 4);
	json_object_put(reply);
	log_close(&d.log);
}

TEST_HARNESS_MAIN
