// SPDX-License-Identifier: GPL-2.0-only
/* OCS endpoint ids (lib/sip/ocs_ident.c). */
#include <errno.h>
#include <string.h>

#include "kselftest_harness.h"
#include "lib/sip/ocs_ident.h"

TEST(epid_is_ten_lowercase_hex_digits_and_fresh)
{
	char a[11], b[11];

	ASSERT_EQ(0, ocs_epid_new(a));
	ASSERT_EQ(0, ocs_epid_new(b));
	EXPECT_EQ(10, strlen(a));
	EXPECT_EQ(10, strspn(a, "0123456789abcdef"));
	/* 40 random bits: equal twice in a row means getrandom is not used */
	EXPECT_NE(0, strcmp(a, b));
}

/*
 * Expected values from an independent implementation:
 * python3 -c 'import uuid; print(uuid.uuid5(uuid.UUID(
 *   "fcacfb03-8a73-46ef-91b1-e5ebeeaba4fe"), "0123456789"))'
 */
TEST(instance_uuid_is_v5_of_the_epid)
{
	char u[37];

	ASSERT_EQ(0, ocs_instance_uuid("0123456789", u));
	EXPECT_STREQ("cc895eda-8736-57fc-8945-5f1e03ebfacd", u);
	ASSERT_EQ(0, ocs_instance_uuid("a1b2c3d4e5", u));
	EXPECT_STREQ("aab90991-4b3b-5d0d-9c01-4fc905d36dc2", u);
	ASSERT_EQ(0, ocs_instance_uuid("01010101", u));
	EXPECT_STREQ("2fbbe037-0744-505e-9ce3-afe8a3a6b7c2", u);
	EXPECT_EQ(-EINVAL, ocs_instance_uuid("", u));
	EXPECT_EQ(-EINVAL, ocs_instance_uuid(NULL, u));
}

TEST_HARNESS_MAIN
