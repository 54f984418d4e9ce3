// SPDX-License-Identifier: GPL-2.0-only
/*
 * The configuration file format (userspace/lib/util/conf_file.c): pairs
 * reach the callback trimmed and unquoted, comments and blank lines are
 * skipped, and every malformed line is refused with its line number.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "kselftest_harness.h"
#include "lib/util/conf_file.h"

struct collected {
	unsigned int n;
	char keys[8][CONF_KEY_MAX + 1];
	char values[8][64];
	const char *refuse_key;		/* callback refuses this key */
};

static int collect(const char *key, const char *value, struct conf_error *err,
		   void *userdata)
{
	struct collected *c = userdata;

	if (c->refuse_key && !strcmp(key, c->refuse_key)) {
		snprintf(err->reason, sizeof(err->reason), "no %s here", key);
		return -EINVAL;
	}
	if (c->n < 8) {
		snprintf(c->keys[c->n], sizeof(c->keys[0]), "%s", key);
		snprintf(c->values[c->n], sizeof(c->values[0]), "%s", value);
	}
	c->n++;
	return 0;
}

static int parse(const char *text, struct collected *c, struct conf_error *e)
{
	return conf_parse(text, strlen(text), collect, c, e);
}

TEST(pairs_comments_blanks_quotes)
{
	struct collected c = { 0 };
	struct conf_error e;
	const char *text =
		"# comment\n"
		"\n"
		"interface=eth0\n"
		"  sip-domain   =   corp.test  \r\n"
		"\t# indented comment\n"
		"vendor-class = \"  MS-UC-Client \"\n"
		"ntp-fallback =\n"
		"set-clock = yes";	/* no newline at the end */

	ASSERT_EQ(0, parse(text, &c, &e));
	ASSERT_EQ(5, c.n);
	EXPECT_STREQ("interface", c.keys[0]);
	EXPECT_STREQ("eth0", c.values[0]);
	EXPECT_STREQ("sip-domain", c.keys[1]);
	EXPECT_STREQ("corp.test", c.values[1]);
	EXPECT_STREQ("  MS-UC-Client ", c.values[2]);
	EXPECT_STREQ("ntp-fallback", c.keys[3]);
	EXPECT_STREQ("", c.values[3]);
	EXPECT_STREQ("yes", c.values[4]);
}

TEST(value_may_hold_equals_and_hash)
{
	struct collected c = { 0 };
	struct conf_error e;

	ASSERT_EQ(0, parse("signin-config = /etc/a=b#c\n", &c, &e));
	EXPECT_STREQ("/etc/a=b#c", c.values[0]);
}

TEST(errors_name_the_line)
{
	static const struct {
		const char *text;
		unsigned int line;
		const char *reason;
	} cases[] = {
		{ "a = 1\nno equals sign\n", 2, "expected 'key = value'" },
		{ "= value\n", 1, "missing key before '='" },
		{ "\n\nKey = 1\n", 3, "keys are lower-case letters, digits and '-'" },
		{ "my key = 1\n", 1, "keys are lower-case letters, digits and '-'" },
		{ "a = \"open\n", 1, "unterminated quote in value" },
		{ "a = \"\n", 1, "unterminated quote in value" },
		{ "a = \"x\"y\"\n", 1, "a quote inside a quoted value" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct collected c = { 0 };
		struct conf_error e;

		EXPECT_EQ(-EINVAL, parse(cases[i].text, &c, &e));
		EXPECT_EQ(cases[i].line, e.line);
		EXPECT_STREQ(cases[i].reason, e.reason);
	}
}

TEST(callback_refusal_stops_with_line)
{
	struct collected c = { .refuse_key = "b" };
	struct conf_error e;

	EXPECT_EQ(-EINVAL, parse("a = 1\n# x\nb = 2\nc = 3\n", &c, &e));
	EXPECT_EQ(3, e.line);
	EXPECT_STREQ("no b here", e.reason);
	EXPECT_EQ(1, c.n);		/* c never reached */
}

TEST(whole_file_limits)
{
	static char big[CONF_SIZE_MAX + 2];
	char line[CONF_LINE_MAX + 8];
	struct collected c = { 0 };
	struct conf_error e;

	memset(big, '#', sizeof(big) - 1);
	EXPECT_EQ(-EINVAL, conf_parse(big, CONF_SIZE_MAX + 1, collect, &c, &e));
	EXPECT_EQ(0, e.line);
	EXPECT_EQ(0, c.n);

	EXPECT_EQ(-EINVAL, conf_parse("a = 1\n\0b = 2\n", 12, collect, &c, &e));
	EXPECT_STREQ("file holds a NUL byte", e.reason);
	EXPECT_EQ(0, c.n);	/* refused whole: not even the first pair */

	memset(line, 'x', sizeof(line));
	memcpy(line, "a = ", 4);
	EXPECT_EQ(-EINVAL, conf_parse(line, sizeof(line), collect, &c, &e));
	EXPECT_EQ(1, e.line);
	EXPECT_STREQ("line longer than 1024 bytes", e.reason);

	memset(line, 'k', CONF_KEY_MAX + 1);
	memcpy(line + CONF_KEY_MAX + 1, "=1", 2);
	EXPECT_EQ(-EINVAL, conf_parse(line, CONF_KEY_MAX + 3, collect, &c, &e));
	EXPECT_STREQ("key too long", e.reason);
}

TEST(bools)
{
	bool v = false;

	EXPECT_EQ(0, conf_parse_bool("YES", &v));
	EXPECT_TRUE(v);
	EXPECT_EQ(0, conf_parse_bool("off", &v));
	EXPECT_FALSE(v);
	EXPECT_EQ(0, conf_parse_bool("1", &v));
	EXPECT_TRUE(v);
	EXPECT_EQ(-EINVAL, conf_parse_bool("", &v));
	EXPECT_EQ(-EINVAL, conf_parse_bool("yess", &v));
	EXPECT_EQ(-EINVAL, conf_parse_bool("2", &v));
}

TEST_HARNESS_MAIN
