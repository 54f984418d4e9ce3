// SPDX-License-Identifier: GPL-2.0-only
/*
 * The Device Update client's decisions (daemon/update/update_plan.c):
 * where it asks before and after sign-in, which hosts it believes (strict
 * naming), which offered module it takes (the model, the seed's stepping
 * stones, no downgrade unless allowed, not the version waiting for a
 * restart), where the files are, and when it asks next (a day +- 2 h, from
 * an injected clock and random value).
 */
#include <errno.h>
#include <string.h>

#include "kselftest_harness.h"
#include "update/update_plan.h"

static struct update_module module(const char *v, const char *model)
{
	struct update_module m = { 0 };

	version_parse(v, &m.version);
	strcpy(m.file_name, "CPE.nbt");
	strcpy(m.signature_name, "CPE.cat");
	strcpy(m.base_url, "/files/");
	strcpy(m.model, model);
	return m;
}

TEST(check_url_before_and_after_signin)
{
	char url[UPDATE_URL_MAX];

	ASSERT_EQ(0, update_check_url(NULL, "corp.test", url, sizeof(url)));
	EXPECT_STREQ("https://ucupdates-r2.corp.test/RequestHandler/ucdevice.upx", url);
	ASSERT_EQ(0, update_check_url("https://web.corp.test/RequestHandler/ucdevice.upx",
				      "corp.test", url, sizeof(url)));
	EXPECT_STREQ("https://web.corp.test/RequestHandler/ucdevice.upx", url);
	EXPECT_EQ(-EINVAL, update_check_url("http://web.corp.test/RequestHandler/ucdevice.upx",
					    "corp.test", url, sizeof(url)));
	EXPECT_EQ(-ENOENT, update_check_url(NULL, "", url, sizeof(url)));
}

TEST(strict_naming)
{
	const char *trusted[] = { "partner.test" };
	struct update_domains dom = { .sip_domain = "fabrikam.com",
				      .dhcp_domain = "contoso.com",
				      .trusted = trusted, .n_trusted = 1 };
	char why[200], host[256];

	EXPECT_TRUE(update_host_allowed("ucupdates-r2.contoso.com", &dom, why, sizeof(why)));
	EXPECT_TRUE(update_host_allowed("pool.fabrikam.com", &dom, why, sizeof(why)));
	EXPECT_TRUE(update_host_allowed("dl.partner.test", &dom, why, sizeof(why)));
	EXPECT_FALSE(update_host_allowed("evil.test", &dom, why, sizeof(why)));
	EXPECT_STREQ("update host evil.test is outside the SIP and DHCP domains", why);
	EXPECT_FALSE(update_host_allowed("fabrikam.com.evil.test", &dom, why, sizeof(why)));
	ASSERT_EQ(0, update_url_host("https://web.corp.test:8443/x", host, sizeof(host)));
	EXPECT_STREQ("web.corp.test", host);
	EXPECT_EQ(-EINVAL, update_url_host("https://user@web.corp.test/", host, sizeof(host)));
	EXPECT_EQ(-EINVAL, update_url_host("http://web.corp.test/", host, sizeof(host)));
}

TEST(choose_steps_through_the_stepping_stone)
{
	struct update_answer a = { .n = 2 };
	struct version installed, pending;
	char why[200];
	bool refused;

	a.modules[0] = module("3.5.6907.35", "CX700");
	a.modules[1] = module("1.0.522.101", "");
	version_parse("1.0.199.123", &installed);
	EXPECT_EQ(1, update_choose(&a, &installed, "CX700", false, NULL, &refused,
				   why, sizeof(why)));
	/* After the reboot into 1.0.522.101: the final version. */
	version_parse("1.0.522.101", &installed);
	EXPECT_EQ(0, update_choose(&a, &installed, "CX700", false, NULL, &refused,
				   why, sizeof(why)));
	/* Installed and waiting for the restart: not taken again. */
	version_parse("1.0.199.123", &installed);
	version_parse("1.0.522.101", &pending);
	EXPECT_EQ(-1, update_choose(&a, &installed, "CX700", false, &pending, &refused,
				    why, sizeof(why)));
	EXPECT_STREQ("3.5.6907.35: not on the upgrade path from the installed version (installed 1.0.199.123)",
		     why);
}

TEST(choose_refuses_with_reasons)
{
	struct update_answer a = { .n = 1 };
	struct version installed;
	char why[200];
	bool refused;

	version_parse("3.5.6907.35", &installed);
	a.modules[0] = module("1.0.522.101", "CX700");
	EXPECT_EQ(-1, update_choose(&a, &installed, "CX700", false, NULL, &refused,
				    why, sizeof(why)));
	EXPECT_TRUE(refused);
	EXPECT_STREQ("1.0.522.101 would be a downgrade from 3.5.6907.35", why);
	EXPECT_EQ(0, update_choose(&a, &installed, "CX700", true, NULL, &refused,
				   why, sizeof(why)));

	version_parse("1.0.522.101", &installed);
	a.modules[0] = module("3.5.6907.35", "CX800");
	EXPECT_EQ(-1, update_choose(&a, &installed, "CX700", false, NULL, &refused,
				    why, sizeof(why)));
	EXPECT_TRUE(refused);
	EXPECT_STREQ("image for another model (CX800, this is CX700)", why);

	a.modules[0] = module("1.0.522.101", "cx700");
	EXPECT_EQ(-1, update_choose(&a, &installed, "CX700", false, NULL, &refused,
				    why, sizeof(why)));
	EXPECT_FALSE(refused);	/* already installed: nothing wrong */

	a.n = 0;
	EXPECT_EQ(-1, update_choose(&a, &installed, "CX700", false, NULL, &refused,
				    why, sizeof(why)));
	EXPECT_FALSE(refused);
	EXPECT_STREQ("no update offered", why);
}

TEST(file_urls)
{
	const char *check = "https://web.corp.test/RequestHandler/ucdevice.upx";
	char url[UPDATE_URL_MAX];

	ASSERT_EQ(0, update_file_url(check, "/DeviceUpdateFiles_Int/1.0.522.101",
				     "CPE.nbt", url, sizeof(url)));
	EXPECT_STREQ("https://web.corp.test/DeviceUpdateFiles_Int/1.0.522.101/CPE.nbt", url);
	ASSERT_EQ(0, update_file_url("https://h.corp.test:8443/R/u.upx", "/f/", "CPE.cat",
				     url, sizeof(url)));
	EXPECT_STREQ("https://h.corp.test:8443/f/CPE.cat", url);
	ASSERT_EQ(0, update_file_url(check, "https://dl.corp.test/x/", "CPE.nbt",
				     url, sizeof(url)));
	EXPECT_STREQ("https://dl.corp.test/x/CPE.nbt", url);
	EXPECT_EQ(-EINVAL, update_file_url(check, "ftp://x/", "CPE.nbt", url, sizeof(url)));
}

TEST(next_check_is_a_day_give_or_take_two_hours)
{
	const uint64_t h = 3600ull * 1000000, now = 5 * h;

	EXPECT_EQ(now + 22 * h, update_next_check(now, 0));
	EXPECT_EQ(now + 26 * h, update_next_check(now, UINT32_MAX));
	EXPECT_EQ(now + 24 * h, update_next_check(now, UINT32_MAX / 2 + 1));
}

TEST_HARNESS_MAIN
