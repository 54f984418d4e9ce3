// SPDX-License-Identifier: GPL-2.0-only
/*
 * What of the daemon's JSON may go into a troubleshooting bundle
 * (userspace/ctl/redact.c): the identity kept to address and user, every
 * secret-named string gone at any depth, and nothing else touched.
 */
#include <string.h>

#include "ctl/redact.h"
#include "kselftest_harness.h"

static const char *str(struct json_object *o, const char *path0,
		       const char *path1)
{
	struct json_object *v = NULL;

	if (!json_object_object_get_ex(o, path0, &v))
		return NULL;
	if (path1 && !json_object_object_get_ex(v, path1, &v))
		return NULL;
	return json_object_get_string(v);
}

TEST(secret_names)
{
	EXPECT_TRUE(ctl_secret_name("password"));
	EXPECT_TRUE(ctl_secret_name("auth_password"));
	EXPECT_TRUE(ctl_secret_name("Secret"));
	EXPECT_TRUE(ctl_secret_name("private_key"));
	EXPECT_TRUE(ctl_secret_name("srtp_key"));
	EXPECT_TRUE(ctl_secret_name("key"));
	EXPECT_TRUE(ctl_secret_name("keys"));
	EXPECT_TRUE(ctl_secret_name("key-salt"));
	EXPECT_TRUE(ctl_secret_name("token"));
	EXPECT_TRUE(ctl_secret_name("nonce"));
	EXPECT_FALSE(ctl_secret_name("keypad"));
	EXPECT_FALSE(ctl_secret_name("keepalive"));
	EXPECT_FALSE(ctl_secret_name("monkey"));
	EXPECT_FALSE(ctl_secret_name("address"));
	EXPECT_FALSE(ctl_secret_name("sha256"));
}

TEST(identity_and_secrets_go_the_rest_stays)
{
	struct json_object *o = json_tokener_parse(
		"{\"identity\":{\"signed_in\":true,\"address\":\"alice@corp.test\","
		"\"user\":\"CORP\\\\alice\",\"source\":\"stored\","
		"\"password\":\"pw1\",\"domain_password_hint\":\"x\"},"
		"\"calls\":[{\"srtp\":{\"srtp_key\":\"AAAA\",\"keys\":[\"k1\",\"k2\"],"
		"\"crypto_suite\":\"AES_CM_128_HMAC_SHA1_80\"}}],"
		"\"trust\":{\"credentials_refused\":false,\"private_keys\":2,"
		"\"learned\":[{\"sha256\":\"AB:CD\"}]},"
		"\"drivers\":{\"keypad\":{\"bound\":true}},"
		"\"token\":{\"value\":\"t\"}}");
	struct json_object *v;

	ASSERT_NE(NULL, o);
	EXPECT_EQ(5u, ctl_redact(o));
	EXPECT_STREQ("alice@corp.test", str(o, "identity", "address"));
	EXPECT_STREQ("CORP\\alice", str(o, "identity", "user"));
	EXPECT_STREQ("stored", str(o, "identity", "source"));
	EXPECT_EQ(NULL, str(o, "identity", "password"));
	EXPECT_EQ(NULL, str(o, "identity", "domain_password_hint"));
	v = json_object_array_get_idx(
		json_object_object_get(o, "calls"), 0);
	EXPECT_STREQ(REDACTED, str(v, "srtp", "srtp_key"));
	EXPECT_STREQ(REDACTED, str(v, "srtp", "keys"));
	EXPECT_STREQ("AES_CM_128_HMAC_SHA1_80", str(v, "srtp", "crypto_suite"));
	/* Booleans and counts say only that a thing exists. */
	EXPECT_STREQ("false", str(o, "trust", "credentials_refused"));
	EXPECT_STREQ("2", str(o, "trust", "private_keys"));
	EXPECT_STREQ(REDACTED, str(o, "token", NULL));
	EXPECT_NE(NULL, strstr(json_object_to_json_string(o), "\"keypad\""));
	EXPECT_NE(NULL, strstr(json_object_to_json_string(o), "AB:CD"));
	EXPECT_EQ(NULL, strstr(json_object_to_json_string(o), "pw1"));
	EXPECT_EQ(NULL, strstr(json_object_to_json_string(o), "AAAA"));
	EXPECT_EQ(NULL, strstr(json_object_to_json_string(o), "k1"));
	json_object_put(o);
}

TEST_HARNESS_MAIN
