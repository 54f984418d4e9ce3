// SPDX-License-Identifier: GPL-2.0-only
/*
 * message/sipfrag bodies of REFER NOTIFYs (lib/sip/sipfrag.c): what
 * baresip and other transferees send, and hostile bodies refused cleanly.
 */
#include <errno.h>
#include <string.h>

#include "kselftest_harness.h"
#include "lib/sip/sipfrag.h"

#define S(x) x, sizeof(x) - 1

TEST(status_lines)
{
	struct sipfrag f;
	char buf[64];

	ASSERT_EQ(0, sipfrag_parse(S("SIP/2.0 100 Trying\r\n"), &f));
	EXPECT_EQ(100, f.status);
	EXPECT_STREQ("Trying", f.reason);
	ASSERT_EQ(0, sipfrag_parse(S("SIP/2.0 200 OK"), &f));
	EXPECT_EQ(200, f.status);
	EXPECT_STREQ("OK", f.reason);
	/* headers after the start line are ignored */
	ASSERT_EQ(0, sipfrag_parse(S("SIP/2.0 486 Busy Here\r\nContent-Length: 0\r\n\r\n"), &f));
	EXPECT_EQ(486, f.status);
	EXPECT_STREQ("Busy Here", f.reason);
	ASSERT_EQ(0, sipfrag_parse(S("SIP/2.0 603\r\n"), &f));
	EXPECT_STREQ("", f.reason);
	/* a long reason is cut, never overflows */
	ASSERT_EQ(0, sipfrag_parse(S("SIP/2.0 180 Ringing and ringing and ringing and ringing and ringing and ringing"), &f));
	EXPECT_EQ(SIPFRAG_REASON_MAX - 1, strlen(f.reason));
	EXPECT_EQ(16, sipfrag_write(buf, sizeof(buf), 200, "OK"));
	EXPECT_STREQ("SIP/2.0 200 OK\r\n", buf);
	EXPECT_EQ(-ENOSPC, sipfrag_write(buf, 8, 200, "OK"));
}

TEST(hostile_bodies)
{
	struct sipfrag f;
	static char big[SIPFRAG_BODY_MAX + 1];

	EXPECT_EQ(-EINVAL, sipfrag_parse(S(""), &f));
	EXPECT_EQ(-EINVAL, sipfrag_parse(S("SIP/2.0"), &f));
	EXPECT_EQ(-EINVAL, sipfrag_parse(S("SIP/2.0 "), &f));
	EXPECT_EQ(-EINVAL, sipfrag_parse(S("HTTP/1.1 200 OK\r\n"), &f));
	EXPECT_EQ(-EINVAL, sipfrag_parse(S("INVITE sip:bob@corp.test SIP/2.0\r\n"), &f));
	EXPECT_EQ(-EINVAL, sipfrag_parse(S("SIP/2.0 2x0 OK\r\n"), &f));
	EXPECT_EQ(-EINVAL, sipfrag_parse(S("SIP/2.0 099 Low\r\n"), &f));
	EXPECT_EQ(-EINVAL, sipfrag_parse(S("SIP/2.0 700 High\r\n"), &f));
	EXPECT_EQ(-EINVAL, sipfrag_parse(S("SIP/2.0 2000 OK\r\n"), &f));
	EXPECT_EQ(-EINVAL, sipfrag_parse(S("SIP/2.0 200 O\0K\r\n"), &f));
	EXPECT_EQ(-EINVAL, sipfrag_parse(S("SIP/2.0 200 OK\rVia: x\r\n"), &f));
	EXPECT_EQ(-EINVAL, sipfrag_parse(S("SIP/2.0 200 \x1b[31mred\r\n"), &f));
	EXPECT_EQ(0, f.status);
	memset(big, 'a', sizeof(big));
	memcpy(big, "SIP/2.0 200 OK\r\n", 16);
	EXPECT_EQ(-E2BIG, sipfrag_parse(big, sizeof(big), &f));
}

TEST_HARNESS_MAIN
