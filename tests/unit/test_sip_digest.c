// SPDX-License-Identifier: GPL-2.0-only
/* SIP Digest (lib/sip/sip_digest.c): challenge parsing and responses. */
#include <errno.h>
#include <string.h>

#include "kselftest_harness.h"
#include "lib/sip/sip_digest.h"

static int parse(const char *s, struct digest_challenge *c)
{
	return digest_parse_challenge(s, strlen(s), c);
}

/* The value of one parameter in an Authorization value, unquoted. */
static const char *param(const char *hdr, const char *name, char *buf,
			 size_t len)
{
	char key[32];
	const char *p;
	size_t n;

	snprintf(key, sizeof(key), " %s=", name);
	p = strstr(hdr, key);
	if (!p)
		return "";
	p += strlen(key);
	if (*p == '"')
		p++;
	n = strcspn(p, "\",");
	if (n >= len)
		n = len - 1;
	memcpy(buf, p, n);
	buf[n] = '\0';
	return buf;
}

/* RFC 2617 3.5: the example everyone checks MD5 Digest against. */
TEST(rfc2617_md5_example)
{
	struct digest_challenge c;
	char out[512], v[128];

	ASSERT_EQ(0, parse("Digest realm=\"testrealm@host.com\", qop=\"auth,auth-int\", "
			   "nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\", "
			   "opaque=\"5ccc069c403ebaf9f0171e9517f40e41\"", &c));
	EXPECT_STREQ("testrealm@host.com", c.realm);
	EXPECT_EQ(DIGEST_MD5, c.algorithm);
	EXPECT_TRUE(c.qop_auth);
	EXPECT_FALSE(c.stale);
	ASSERT_EQ(0, digest_build_response(&c, "Mufasa", "Circle Of Life", "GET",
					   "/dir/index.html", 1, "0a4f113b",
					   out, sizeof(out)));
	EXPECT_STREQ("6629fae49393a05397450978507c4ef1",
		     param(out, "response", v, sizeof(v)));
	EXPECT_STREQ("00000001", param(out, "nc", v, sizeof(v)));
	EXPECT_STREQ("auth", param(out, "qop", v, sizeof(v)));
	EXPECT_STREQ("0a4f113b", param(out, "cnonce", v, sizeof(v)));
	EXPECT_STREQ("5ccc069c403ebaf9f0171e9517f40e41",
		     param(out, "opaque", v, sizeof(v)));
	EXPECT_EQ(0, strncmp(out, "Digest username=\"Mufasa\", realm=\"testrealm@host.com\"", 52));
}

/* RFC 7616 3.9.1 (the SHA-256 Digest that RFC 8760 brings to SIP). */
TEST(rfc7616_sha256_and_md5_example)
{
	static const char *const fmt =
		"Digest realm=\"http-auth@example.org\", qop=\"auth, auth-int\", "
		"algorithm=%s, nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\", "
		"opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\"";
	struct digest_challenge c;
	char hdr[512], out[512], v[128];
	const char *cnonce = "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ";

	snprintf(hdr, sizeof(hdr), fmt, "SHA-256");
	ASSERT_EQ(0, parse(hdr, &c));
	EXPECT_EQ(DIGEST_SHA256, c.algorithm);
	ASSERT_EQ(0, digest_build_response(&c, "Mufasa", "Circle of Life", "GET",
					   "/dir/index.html", 1, cnonce,
					   out, sizeof(out)));
	EXPECT_STREQ("753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1",
		     param(out, "response", v, sizeof(v)));
	EXPECT_STREQ("SHA-256", param(out, "algorithm", v, sizeof(v)));

	snprintf(hdr, sizeof(hdr), fmt, "MD5");
	ASSERT_EQ(0, parse(hdr, &c));
	ASSERT_EQ(0, digest_build_response(&c, "Mufasa", "Circle of Life", "GET",
					   "/dir/index.html", 1, cnonce,
					   out, sizeof(out)));
	EXPECT_STREQ("8ca523f5e9506fed4657c9700eebdbec",
		     param(out, "response", v, sizeof(v)));
}

/* RFC 2069 style (no qop): response = H(H(A1):nonce:H(A2)). */
TEST(no_qop)
{
	struct digest_challenge c;
	char out[512], v[128];

	ASSERT_EQ(0, parse("Digest realm=\"testrealm@host.com\", "
			   "nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\"", &c));
	EXPECT_FALSE(c.qop_auth);
	ASSERT_EQ(0, digest_build_response(&c, "Mufasa", "CircleOfLife", "GET",
					   "/dir/index.html", 1, NULL,
					   out, sizeof(out)));
	/* RFC 2069 2.4's example */
	EXPECT_STREQ("1949323746fe6a43ef61f9606e7febea",
		     param(out, "response", v, sizeof(v)));
	EXPECT_EQ(NULL, strstr(out, "qop"));
	EXPECT_EQ(NULL, strstr(out, "nc="));
	EXPECT_EQ(NULL, strstr(out, "opaque"));
}

TEST(tolerant_of_spacing_quoting_order_unknown_params)
{
	struct digest_challenge c;

	ASSERT_EQ(0, parse("  digest\tstale=TRUE ,algorithm=\"sha-256\",foo=bar,"
			   "  nonce = abc123 ,, domain=\"sip:a sip:b\", "
			   "realm=\"corp.test\",qop=auth,x=\"q\\\"uote\"  ", &c));
	EXPECT_STREQ("corp.test", c.realm);
	EXPECT_STREQ("abc123", c.nonce);
	EXPECT_STREQ("", c.opaque);
	EXPECT_EQ(DIGEST_SHA256, c.algorithm);
	EXPECT_TRUE(c.qop_auth);
	EXPECT_TRUE(c.stale);

	/* kamailio's own spelling, with line folding */
	ASSERT_EQ(0, parse("Digest realm=\"corp.test\",\r\n nonce=\"Y2Fm\", qop=\"auth-int\"", &c));
	EXPECT_FALSE(c.qop_auth);
	EXPECT_EQ(DIGEST_MD5, c.algorithm);

	/* escapes are undone */
	ASSERT_EQ(0, parse("Digest realm=\"a\\\\b\\\"c\", nonce=n", &c));
	EXPECT_STREQ("a\\b\"c", c.realm);
}

TEST(schemes_and_algorithms_we_do_not_speak)
{
	struct digest_challenge c;

	EXPECT_EQ(-EPROTONOSUPPORT, parse("NTLM realm=\"SIP Communications Service\"", &c));
	EXPECT_EQ(-EPROTONOSUPPORT, parse("Basic realm=\"x\"", &c));
	EXPECT_EQ(-EPROTONOSUPPORT, parse("Digest realm=r, nonce=n, algorithm=MD5-sess", &c));
	EXPECT_EQ(-EPROTONOSUPPORT, parse("Digest realm=r, nonce=n, algorithm=SHA-512-256", &c));
	EXPECT_EQ(-EPROTONOSUPPORT, parse("Digestx realm=r, nonce=n", &c));
}

TEST(malformed_is_einval_and_leaves_out_alone)
{
	static const char *const bad[] = {
		"", "   ", "Digest", "Digest ", "Digest realm=r",
		"Digest nonce=n", "Digest realm=r, nonce=\"\"",
		"Digest realm=\"r, nonce=n", "Digest realm=r nonce=n",
		"Digest realm=r, nonce", "Digest realm=r, nonce=",
		"Digest realm=r, nonce=n, realm=s", "Digest =r, nonce=n",
		"Digest realm=\"a\rb\", nonce=n", "Digest realm=r, nonce=\"n\\",
		"Digest,realm=r, nonce=n", "Digest realm=r;nonce=n",
		"Digest realm=r, nonce=n, opaque=\"x\ny\"",
	};
	struct digest_challenge c;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&c, 0x5a, sizeof(c));
		EXPECT_EQ(-EINVAL, parse(bad[i], &c)) {
			TH_LOG("input %zu: '%s'", i, bad[i]);
		}
		EXPECT_EQ(0x5a, ((unsigned char *)&c)[0]);
	}
	/* an embedded NUL, and a length that ends inside a quoted string */
	EXPECT_EQ(-EINVAL, digest_parse_challenge("Digest realm=r\0, nonce=n", 24, &c));
	EXPECT_EQ(-EINVAL, digest_parse_challenge("Digest realm=r, nonce=\"abc\"", 25, &c));
}

TEST(oversized_fields_are_refused_not_truncated)
{
	struct digest_challenge c;
	char hdr[2048];

	snprintf(hdr, sizeof(hdr), "Digest realm=\"%0127d\", nonce=\"%0255d\", opaque=%0255d",
		 0, 0, 0);
	ASSERT_EQ(0, parse(hdr, &c));
	EXPECT_EQ(127, strlen(c.realm));
	EXPECT_EQ(255, strlen(c.nonce));
	snprintf(hdr, sizeof(hdr), "Digest realm=\"%0128d\", nonce=n", 0);
	EXPECT_EQ(-EINVAL, parse(hdr, &c));
	snprintf(hdr, sizeof(hdr), "Digest realm=r, nonce=\"%0256d\"", 0);
	EXPECT_EQ(-EINVAL, parse(hdr, &c));
	/* unknown parameters may be long: they are skipped, not stored */
	snprintf(hdr, sizeof(hdr), "Digest realm=r, nonce=n, x=\"%01500d\"", 0);
	EXPECT_EQ(0, parse(hdr, &c));
}

TEST(sha256_preferred_over_md5)
{
	struct digest_challenge c[3];

	ASSERT_EQ(0, parse("Digest realm=r, nonce=a", &c[0]));
	ASSERT_EQ(0, parse("Digest realm=r, nonce=b, algorithm=SHA-256", &c[1]));
	ASSERT_EQ(0, parse("Digest realm=r, nonce=c", &c[2]));
	EXPECT_EQ(&c[1], digest_pick_best(c, 3));
	EXPECT_EQ(&c[0], digest_pick_best(c, 1));
	EXPECT_EQ(NULL, digest_pick_best(c, 0));
}

TEST(response_escapes_and_refuses_header_injection)
{
	struct digest_challenge c;
	char out[512], small[40];

	ASSERT_EQ(0, parse("Digest realm=\"a\\\"b\", nonce=n, qop=auth", &c));
	ASSERT_EQ(0, digest_build_response(&c, "CORP\\alice", "pw", "REGISTER",
					   "sip:corp.test", 7, "cn", out,
					   sizeof(out)));
	EXPECT_NE(NULL, strstr(out, "username=\"CORP\\\\alice\""));
	EXPECT_NE(NULL, strstr(out, "realm=\"a\\\"b\""));
	EXPECT_NE(NULL, strstr(out, "nc=00000007"));
	EXPECT_EQ(NULL, strstr(out, "pw"));

	EXPECT_EQ(-EINVAL, digest_build_response(&c, "a\r\nX: y", "pw", "REGISTER",
						 "sip:corp.test", 1, "cn", out,
						 sizeof(out)));
	EXPECT_STREQ("", out);
	EXPECT_EQ(-EINVAL, digest_build_response(&c, "a", "pw", "REGISTER",
						 "sip:corp.test", 1, NULL, out,
						 sizeof(out)));
	EXPECT_EQ(-EINVAL, digest_build_response(&c, "a", "pw", "REGISTER",
						 "sip:corp.test", 1, "c\"n", out,
						 sizeof(out)));
	EXPECT_EQ(-ENOSPC, digest_build_response(&c, "a", "pw", "REGISTER",
						 "sip:corp.test", 1, "cn", small,
						 sizeof(small)));
	EXPECT_STREQ("", small);
}

TEST(cnonce_is_fresh_hex)
{
	char a[17], b[17];

	ASSERT_EQ(0, digest_cnonce_new(a));
	ASSERT_EQ(0, digest_cnonce_new(b));
	EXPECT_EQ(16, strlen(a));
	EXPECT_EQ(16, strspn(a, "0123456789abcdef"));
	EXPECT_NE(0, strcmp(a, b));
}

TEST_HARNESS_MAIN
