// SPDX-License-Identifier: GPL-2.0-only
/*
 * A SIP URI's headers (lib/sip/sip_uri_headers.h): the Refer-To of an
 * attended transfer gives the target and a Replaces value decoded; bad
 * escapes, an escaped CR/LF/NUL and a header given twice are refused.
 */
#include <errno.h>
#include <string.h>

#include "kselftest_harness.h"
#include "lib/sip/sip_uri_headers.h"

TEST(refer_to_with_replaces)
{
	const char *u = "sip:carol@corp.test;transport=tls?Replaces=abc%40h%3Bto-tag%3D1%3Bfrom-tag%3D2";
	char v[128];

	EXPECT_EQ(strlen("sip:carol@corp.test;transport=tls"), sip_uri_target_len(u));
	EXPECT_EQ(1, sip_uri_header(u, "Replaces", v, sizeof(v)));
	EXPECT_STREQ("abc@h;to-tag=1;from-tag=2", v);
	/* header names are case-insensitive, others are passed over */
	EXPECT_EQ(1, sip_uri_header("sip:c@d?Priority=urgent&replaces=x%3bto-tag%3d1&Foo",
				    "Replaces", v, sizeof(v)));
	EXPECT_STREQ("x;to-tag=1", v);
	EXPECT_EQ(0, sip_uri_header("sip:c@d?Priority=urgent", "Replaces", v, sizeof(v)));
	EXPECT_EQ(0, sip_uri_header("sip:c@d", "Replaces", v, sizeof(v)));
	EXPECT_EQ(strlen("sip:c@d"), sip_uri_target_len("sip:c@d"));
	EXPECT_EQ(1, sip_uri_header("sip:c@d?Replaces=", "Replaces", v, sizeof(v)));
	EXPECT_STREQ("", v);
}

TEST(bad_headers_refused)
{
	char v[8];

	EXPECT_EQ(-EINVAL, sip_uri_header("sip:c@d?Replaces=a%4", "Replaces", v, sizeof(v)));
	EXPECT_EQ(-EINVAL, sip_uri_header("sip:c@d?Replaces=a%zz", "Replaces", v, sizeof(v)));
	EXPECT_EQ(-EINVAL, sip_uri_header("sip:c@d?Replaces=a%0D%0AVia:x", "Replaces", v, sizeof(v)));
	EXPECT_EQ(-EINVAL, sip_uri_header("sip:c@d?Replaces=a%00", "Replaces", v, sizeof(v)));
	EXPECT_EQ(-EINVAL, sip_uri_header("sip:c@d?Replaces=a\nb", "Replaces", v, sizeof(v)));
	EXPECT_EQ(-EINVAL, sip_uri_header("sip:c@d?Replaces=a%7F", "Replaces", v, sizeof(v)));
	EXPECT_EQ(-EINVAL, sip_uri_header("sip:c@d?Replaces=a&Replaces=b", "Replaces", v, sizeof(v)));
	EXPECT_EQ(-ENOSPC, sip_uri_header("sip:c@d?Replaces=123456789", "Replaces", v, sizeof(v)));
	EXPECT_EQ(-ENOSPC, sip_uri_header("sip:c@d?Replaces=1", "Replaces", v, 0));
}

TEST_HARNESS_MAIN
