// SPDX-License-Identifier: GPL-2.0-only
/*
 * The daemon's log lines (userspace/daemon/core/log.c): the documented shape,
 * and no value can forge a field, a quote or a line.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "core/log.h"
#include "kselftest_harness.h"

#define FORMAT(level, subsys, msg, ...) \
	log_format(line, level, subsys, msg, LOG_FIELDS(__VA_ARGS__))

TEST(documented_shape)
{
	char line[LOG_LINE_MAX];

	FORMAT(LOG_LEVEL_INFO, "kernel", "ucphone family found",
	       LOG_UINT("uapi", 1));
	EXPECT_STREQ("level=info subsys=kernel msg=\"ucphone family found\" "
		     "uapi=1", line);

	FORMAT(LOG_LEVEL_WARNING, "control", "x", LOG_INT("n", -3),
	       LOG_BOOL("b", true), LOG_STR("path", "/run/ucphone/control"),
	       LOG_ERRNO(-ENOENT));
	EXPECT_STREQ("level=warning subsys=control msg=\"x\" n=-3 b=true "
		     "path=/run/ucphone/control "
		     "error=\"No such file or directory\"", line);

	FORMAT(LOG_LEVEL_DEBUG, "main", "no fields");
	EXPECT_STREQ("level=debug subsys=main msg=\"no fields\"", line);
	FORMAT(LOG_LEVEL_ERROR, "main", "e");
	EXPECT_STREQ("level=error subsys=main msg=\"e\"", line);
}

TEST(values_cannot_forge_fields)
{
	char line[LOG_LINE_MAX];

	FORMAT(LOG_LEVEL_INFO, "t", "m",
	       LOG_STR("name", "x\" level=error msg=\"owned"));
	EXPECT_STREQ("level=info subsys=t msg=\"m\" "
		     "name=\"x\\\" level=error msg=\\\"owned\"", line);

	const char *nothing = NULL;

	FORMAT(LOG_LEVEL_INFO, "t", "m", LOG_STR("name", "a=b"),
	       LOG_STR("empty", ""), LOG_STR("null", nothing));
	EXPECT_STREQ("level=info subsys=t msg=\"m\" name=\"a=b\" empty=\"\" "
		     "null=(null)", line);
}

TEST(values_cannot_forge_lines)
{
	char line[LOG_LINE_MAX];

	FORMAT(LOG_LEVEL_INFO, "t", "m",
	       LOG_STR("v", "one\nucphoned: level=error\ttab\033[31m\\"));
	EXPECT_STREQ("level=info subsys=t msg=\"m\" "
		     "v=\"one\\nucphoned: level=error\\ttab\\x1b[31m\\\\\"",
		     line);
	EXPECT_EQ(NULL, strchr(line, '\n'));
}

TEST(long_values_and_lines_are_cut)
{
	char line[LOG_LINE_MAX];
	char big[600];

	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	FORMAT(LOG_LEVEL_INFO, "t", "m", LOG_STR("v", big));
	EXPECT_NE(NULL, strstr(line, "aaa..."));
	EXPECT_LT(strlen(line), 300);

	/* Enough fields to overflow: whole fields dropped, line marked. */
	FORMAT(LOG_LEVEL_INFO, "t", "m", LOG_STR("a", big), LOG_STR("b", big),
	       LOG_STR("c", big), LOG_STR("d", big), LOG_STR("e", big));
	EXPECT_LT(strlen(line), LOG_LINE_MAX);
	EXPECT_NE(NULL, strstr(line, " truncated=true"));
	EXPECT_EQ(0, strcmp(line + strlen(line) - 15, " truncated=true"));
}

TEST(level_filter)
{
	struct log log = { .ident = "t", .max_level = LOG_LEVEL_WARNING };

	EXPECT_TRUE(log_enabled(&log, LOG_LEVEL_ERROR));
	EXPECT_TRUE(log_enabled(&log, LOG_LEVEL_WARNING));
	EXPECT_FALSE(log_enabled(&log, LOG_LEVEL_INFO));
	EXPECT_FALSE(log_enabled(&log, LOG_LEVEL_DEBUG));
}

/* The recent lines for the bundle: info and up, whatever max_level says. */
TEST(ring_keeps_recent_lines)
{
	struct log log;
	const char *l;
	char msg[32];

	log_init(&log, "t", LOG_LEVEL_ERROR, false);
	EXPECT_EQ(0u, log_ring_count(&log));
	EXPECT_EQ(NULL, log_ring_line(&log, 0));
	ASSERT_EQ(0, log_ring_enable(&log));

	log_info(&log, "t", "first", LOG_UINT("n", 1));
	log_debug(&log, "t", "debug is not kept");
	ASSERT_EQ(1u, log_ring_count(&log));
	l = log_ring_line(&log, 0);
	ASSERT_NE(NULL, l);
	/* 2026-12-06T14:50:00.123Z level=info ... */
	EXPECT_EQ('T', l[10]);
	EXPECT_EQ('Z', l[23]);
	EXPECT_STREQ(" level=info subsys=t msg=\"first\" n=1", l + 24);

	for (unsigned int i = 0; i < LOG_RING_LINES + 10; i++) {
		snprintf(msg, sizeof(msg), "line %u", i);
		log_warning(&log, "t", "w", LOG_STR("m", msg));
	}
	EXPECT_EQ((unsigned int)LOG_RING_LINES, log_ring_count(&log));
	EXPECT_EQ(LOG_RING_LINES + 11ull, log_ring_total(&log));
	EXPECT_NE(NULL, strstr(log_ring_line(&log, 0), "m=\"line 265\""));
	EXPECT_NE(NULL, strstr(log_ring_line(&log, LOG_RING_LINES - 1),
			       "m=\"line 10\""));
	EXPECT_EQ(NULL, log_ring_line(&log, LOG_RING_LINES));
	log_close(&log);
	EXPECT_EQ(0u, log_ring_count(&log));
}

TEST_HARNESS_MAIN
