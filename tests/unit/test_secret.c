// SPDX-License-Identifier: GPL-2.0-only
/*
 * The secret helpers (userspace/lib/util/secret.c) really zero. That the log API
 * refuses a secret is checked at build time (tests/unit/meson.build).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "kselftest_harness.h"
#include "lib/util/secret.h"

static bool all_zero(const void *buf, size_t len)
{
	/* volatile: read the memory, whatever the optimiser believes. */
	const volatile unsigned char *p = buf;

	for (size_t i = 0; i < len; i++)
		if (p[i])
			return false;
	return true;
}

TEST(secret_zero_zeroes)
{
	unsigned char key[32];

	memset(key, 0xa5, sizeof(key));
	secret_zero(key, sizeof(key));
	EXPECT_TRUE(all_zero(key, sizeof(key)));

	/* Only the bytes asked for. */
	memset(key, 0xa5, sizeof(key));
	secret_zero(key + 8, 16);
	EXPECT_EQ(0xa5, key[7]);
	EXPECT_TRUE(all_zero(key + 8, 16));
	EXPECT_EQ(0xa5, key[24]);

	/* Nothing to do is fine. */
	secret_zero(NULL, 0);
	secret_zero(key, 0);
}

TEST(secret_set_and_clear)
{
	static const unsigned char master[30] = "0123456789abcdefghijklmnopqrs";
	struct secret s;

	ASSERT_EQ(0, secret_set(&s, master, sizeof(master)));
	EXPECT_EQ(sizeof(master), s.len);
	EXPECT_EQ(0, memcmp(s.bytes, master, sizeof(master)));

	secret_clear(&s);
	EXPECT_TRUE(all_zero(&s, sizeof(s)));
}

TEST(secret_set_refuses_oversize)
{
	unsigned char big[SECRET_MAX + 1];
	struct secret s;

	memset(big, 0x5a, sizeof(big));
	secret_set(&s, big, 10);
	EXPECT_EQ(-EMSGSIZE, secret_set(&s, big, sizeof(big)));
	/* The earlier secret is gone too, not left half-replaced. */
	EXPECT_TRUE(all_zero(&s, sizeof(s)));

	ASSERT_EQ(0, secret_set(&s, big, SECRET_MAX));
	EXPECT_EQ(SECRET_MAX, s.len);
	secret_clear(&s);
}

static void use_scoped_secret(struct secret **seen)
{
	struct secret s SECRET_CLEANUP = { 0 };

	secret_set(&s, "hunter2", 7);
	*seen = &s;
}

TEST(secret_cleanup_attribute_compiles)
{
	struct secret *seen = NULL;

	/*
	 * The zeroing itself cannot be observed after scope without UB;
	 * this checks the attribute is usable as documented.
	 */
	use_scoped_secret(&seen);
	EXPECT_NE(NULL, seen);
}

TEST(zero_then_free)
{
	unsigned char *buf = malloc(64);

	memset(buf, 0xff, 64);
	secret_zero_free(buf, 64);	/* ASan builds catch misuse */
	secret_zero_free(NULL, 0);
}

TEST_HARNESS_MAIN
