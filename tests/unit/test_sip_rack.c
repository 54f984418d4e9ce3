// SPDX-License-Identifier: GPL-2.0-only
/*
 * RAck values (lib/sip/sip_rack.h): what RFC 3262 7.2 allows is read,
 * anything else is refused.
 */
#include <errno.h>
#include <string.h>

#include "kselftest_harness.h"
#include "lib/sip/sip_rack.h"

static int parse(const char *s, struct sip_rack *r)
{
	return sip_rack_parse((struct sip_str){ s, strlen(s) }, r);
}

TEST(reads_the_three_fields)
{
	struct sip_rack r;

	ASSERT_EQ(0, parse("776656 1 INVITE", &r));
	EXPECT_EQ(776656u, r.rseq);
	EXPECT_EQ(1u, r.cseq);
	EXPECT_STREQ("INVITE", r.method);
	ASSERT_EQ(0, parse("  2147483647\t314159   INVITE  ", &r));
	EXPECT_EQ(2147483647u, r.rseq);
	EXPECT_EQ(314159u, r.cseq);
}

TEST(refuses_what_is_not_a_rack)
{
	struct sip_rack r;
	static const char *const bad[] = {
		"", "1", "1 2", "1 2 ", "0 1 INVITE", "2147483648 1 INVITE",
		"1 2147483648 INVITE", "99999999999 1 INVITE", "-1 1 INVITE",
		"1 1 INV ITE", "1 1 INVITE;x", "1,1 INVITE", "1 1 \"INVITE\"",
		"a 1 INVITE", "1 b INVITE", "1 1 AVERYLONGMETHODNAME",
		"11 INVITE",
	};

	for (size_t k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
		const char *b = bad[k];

		EXPECT_EQ(-EINVAL, parse(b, &r)) TH_LOG("accepted \"%s\"", b);
	}
	/* bytes after a NUL are not the value's */
	EXPECT_EQ(-EINVAL, sip_rack_parse((struct sip_str){ "1 1 INV\0ITE", 11 }, &r));
}

TEST_HARNESS_MAIN
