// SPDX-License-Identifier: GPL-2.0-only
/*
 * Digest state of one SIP client (daemon/sip/auth.c): the best challenge
 * of a 401/407, the header it answers with, nc per nonce, and the
 * "answered a fresh challenge" flag the wrong-password rule rests on.
 */
#include <errno.h>
#include <string.h>

#include "kselftest_harness.h"
#include "sip/auth.h"

static int parse(const char *text, struct sip_msg *m)
{
	return sip_msg_parse(text, strlen(text), m);
}

static int header(struct sip_auth *a, char *out, size_t len)
{
	struct sip_out o;
	size_t n;
	int ret;

	sip_out_init(&o, out, len);
	ret = sip_auth_add(a, "alice", "Alice!Pass1", "REGISTER", "sip:corp.test", &o);
	if (ret == 0)
		ret = sip_out_finish(&o, &n);
	return ret;
}

TEST(best_challenge_and_nc)
{
	static const char resp[] =
		"SIP/2.0 401 Unauthorized\r\nVia: SIP/2.0/TLS h;branch=z9hG4bKx\r\n"
		"From: <sip:a@corp.test>;tag=1\r\nTo: <sip:a@corp.test>;tag=2\r\n"
		"Call-ID: c\r\nCSeq: 1 REGISTER\r\n"
		"WWW-Authenticate: Digest realm=\"corp.test\", nonce=\"n1\", algorithm=MD5, qop=\"auth\"\r\n"
		"WWW-Authenticate: Digest realm=\"corp.test\", nonce=\"n2\", algorithm=SHA-256, qop=\"auth\"\r\n"
		"Content-Length: 0\r\n\r\n";
	struct sip_auth a = { 0 };
	struct sip_msg m;
	char buf[1024];

	/* nothing to answer yet: no header */
	ASSERT_EQ(0, header(&a, buf, sizeof(buf)));
	EXPECT_STREQ("", buf);
	EXPECT_FALSE(a.sent_fresh);

	ASSERT_EQ(0, parse(resp, &m));
	ASSERT_EQ(0, sip_auth_challenge(&a, &m));
	sip_msg_free(&m);
	EXPECT_STREQ("n2", a.ch.nonce);		/* SHA-256 preferred */
	ASSERT_EQ(0, header(&a, buf, sizeof(buf)));
	EXPECT_EQ(0, strncmp(buf, "Authorization: Digest username=\"alice\"", 38));
	EXPECT_NE(NULL, strstr(buf, "algorithm=SHA-256"));
	EXPECT_NE(NULL, strstr(buf, "nc=00000001"));
	EXPECT_EQ(NULL, strstr(buf, "Alice!Pass1"));
	EXPECT_TRUE(a.sent_fresh);
	/* the same nonce again: nc counts on, and it is no longer fresh */
	ASSERT_EQ(0, header(&a, buf, sizeof(buf)));
	EXPECT_NE(NULL, strstr(buf, "nc=00000002"));
	EXPECT_FALSE(a.sent_fresh);
	sip_auth_clear(&a);
	EXPECT_FALSE(a.have);
}

TEST(proxy_challenge_and_unknown_schemes)
{
	static const char proxy[] =
		"SIP/2.0 407 Proxy Authentication Required\r\nVia: SIP/2.0/TLS h;branch=z9hG4bKx\r\n"
		"From: <sip:a@corp.test>;tag=1\r\nTo: <sip:a@corp.test>;tag=2\r\n"
		"Call-ID: c\r\nCSeq: 1 SUBSCRIBE\r\n"
		"Proxy-Authenticate: Digest realm=\"corp.test\", nonce=\"p1\"\r\n"
		"Content-Length: 0\r\n\r\n";
	/* Lync's certificate scheme: not one the phone answers */
	static const char tls_dsk[] =
		"SIP/2.0 401 Unauthorized\r\nVia: SIP/2.0/TLS h;branch=z9hG4bKx\r\n"
		"From: <sip:a@corp.test>;tag=1\r\nTo: <sip:a@corp.test>;tag=2\r\n"
		"Call-ID: c\r\nCSeq: 1 REGISTER\r\n"
		"WWW-Authenticate: TLS-DSK realm=\"SIP Communications Service\"\r\n"
		"Content-Length: 0\r\n\r\n";
	struct sip_auth a = { 0 };
	struct sip_msg m;
	char buf[1024];

	ASSERT_EQ(0, parse(proxy, &m));
	ASSERT_EQ(0, sip_auth_challenge(&a, &m));
	sip_msg_free(&m);
	ASSERT_EQ(0, header(&a, buf, sizeof(buf)));
	EXPECT_EQ(0, strncmp(buf, "Proxy-Authorization: Digest ", 28));
	EXPECT_EQ(NULL, strstr(buf, "qop="));	/* none offered */

	ASSERT_EQ(0, parse(tls_dsk, &m));
	EXPECT_EQ(-EPROTONOSUPPORT, sip_auth_challenge(&a, &m));
	sip_msg_free(&m);
	/* the challenge kept is still the last Digest one */
	EXPECT_STREQ("p1", a.ch.nonce);
	sip_auth_clear(&a);
}

TEST_HARNESS_MAIN
