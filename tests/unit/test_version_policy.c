// SPDX-License-Identifier: GPL-2.0-only
/*
 * The phone's four-part versions and its upgrade path
 * (userspace/lib/update): strict parsing, numeric comparison, the seed's
 * stepping stones (1.0.199.123 -> only 1.0.522.101 -> 3.5.x), no
 * downgrade unless allowed, and the choice among several offers.
 */
#include <errno.h>
#include <string.h>

#include "kselftest_harness.h"
#include "lib/update/version.h"

static struct version ver(const char *s)
{
	struct version v = { 0 };

	if (version_parse(s, &v) < 0)
		v.part[0] = 0xdeadbeef;	/* a test typo shows as a failure */
	return v;
}

static enum version_verdict check(const char *installed, const char *offered,
				  bool allow_downgrade)
{
	struct version i = ver(installed), o = ver(offered);

	return version_policy_check(&i, &o, allow_downgrade);
}

TEST(parse_accepts_four_decimal_parts)
{
	struct version v;
	char buf[VERSION_STR_MAX];

	ASSERT_EQ(0, version_parse("3.5.6907.35", &v));
	EXPECT_EQ(3, v.part[0]);
	EXPECT_EQ(5, v.part[1]);
	EXPECT_EQ(6907, v.part[2]);
	EXPECT_EQ(35, v.part[3]);
	EXPECT_STREQ("3.5.6907.35", version_format(&v, buf, sizeof(buf)));
	ASSERT_EQ(0, version_parse("4294967295.0.0.4294967295", &v));
	EXPECT_EQ(4294967295u, v.part[0]);
	EXPECT_STREQ("4294967295.0.0.4294967295",
		     version_format(&v, buf, sizeof(buf)));
}

TEST(parse_refuses_everything_else)
{
	static const char *const bad[] = {
		"", "1", "1.0", "1.0.199", "1.0.199.123.4", "1.0..123",
		".1.0.199", "1.0.199.", "1.0.199.123 ", " 1.0.199.123",
		"+1.0.199.123", "-1.0.199.123", "1.0.199.x", "1,0,199,123",
		"4294967296.0.0.0", "00000000001.0.0.0", "1.0.199.123\n",
	};
	struct version v = { .part = { 7, 7, 7, 7 } };

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		EXPECT_EQ(-EINVAL, version_parse(bad[i], &v))
			TH_LOG("accepted \"%s\"", bad[i]);
	}
	EXPECT_EQ(-EINVAL, version_parse(NULL, &v));
	EXPECT_EQ(7, v.part[0]);	/* untouched on refusal */
}

TEST(compare_is_numeric_part_by_part)
{
	struct version a = ver("1.0.522.101"), b = ver("1.0.99.999");
	struct version c = ver("3.5.6907.35"), d = ver("3.5.6907.35");

	EXPECT_GT(version_cmp(&a, &b), 0);	/* 522 > 99, not as text */
	EXPECT_LT(version_cmp(&b, &a), 0);
	EXPECT_EQ(0, version_cmp(&c, &d));
	EXPECT_LT(version_cmp(&a, &c), 0);
}

TEST(from_the_first_release_only_the_stepping_stone)
{
	EXPECT_EQ(VERSION_TAKE, check("1.0.199.123", "1.0.522.101", false));
	EXPECT_EQ(VERSION_NOT_ON_PATH, check("1.0.199.123", "3.5.6907.35", false));
	/* Not even with downgrades allowed: the jump is an upgrade. */
	EXPECT_EQ(VERSION_NOT_ON_PATH, check("1.0.199.123", "3.5.6907.35", true));
	EXPECT_EQ(VERSION_NOT_ON_PATH, check("1.0.199.123", "1.0.522.102", false));
	EXPECT_EQ(VERSION_NOT_ON_PATH, check("1.0.199.123", "1.0.300.1", false));
}

TEST(from_the_stepping_stone_to_3_5)
{
	EXPECT_EQ(VERSION_TAKE, check("1.0.522.101", "3.5.6907.35", false));
	EXPECT_EQ(VERSION_TAKE, check("1.0.522.101", "3.5.0.0", false));
	EXPECT_EQ(VERSION_NOT_ON_PATH, check("1.0.522.101", "3.6.0.0", false));
	EXPECT_EQ(VERSION_NOT_ON_PATH, check("1.0.522.101", "4.0.0.0", false));
	EXPECT_EQ(VERSION_TAKE, check("3.5.6907.35", "3.5.7000.1", false));
}

TEST(no_downgrade_unless_allowed)
{
	EXPECT_EQ(VERSION_DOWNGRADE, check("3.5.6907.35", "1.0.522.101", false));
	EXPECT_EQ(VERSION_DOWNGRADE, check("1.0.522.101", "1.0.199.123", false));
	EXPECT_EQ(VERSION_TAKE_DOWNGRADE,
		  check("3.5.6907.35", "1.0.522.101", true));
	EXPECT_EQ(VERSION_SAME, check("3.5.6907.35", "3.5.6907.35", false));
	EXPECT_EQ(VERSION_SAME, check("3.5.6907.35", "3.5.6907.35", true));
	EXPECT_NE(NULL, strstr(version_verdict_reason(VERSION_DOWNGRADE),
			       "--allow-downgrade"));
}

TEST(pick_leads_one_step_at_a_time)
{
	struct version offers[] = {
		ver("3.5.6907.35"), ver("1.0.522.101"), ver("1.0.199.123"),
	};
	struct version v = ver("1.0.199.123");

	/* The final version is offered from the start: the stone first. */
	EXPECT_EQ(1, version_policy_pick(&v, offers, 3, false));
	v = ver("1.0.522.101");
	EXPECT_EQ(0, version_policy_pick(&v, offers, 3, false));
	v = ver("3.5.6907.35");
	EXPECT_EQ(-1, version_policy_pick(&v, offers, 3, false));
	/* Allowed downgrades: the highest lower version. */
	EXPECT_EQ(1, version_policy_pick(&v, offers, 3, true));
	/* Only the final version offered: nothing for the first release. */
	v = ver("1.0.199.123");
	EXPECT_EQ(-1, version_policy_pick(&v, offers, 1, false));
	EXPECT_EQ(-1, version_policy_pick(&v, offers, 0, false));
}

TEST_HARNESS_MAIN
