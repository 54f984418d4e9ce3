// SPDX-License-Identifier: GPL-2.0-only
/*
 * MS-SIPAE framing (lib/sip/sip_sipae.c): NTLM/Kerberos challenges,
 * Authentication-Info, the signature buffer against published examples,
 * and the credentials header.
 */
#include <errno.h>
#include <string.h>

#include "kselftest_harness.h"
#include "lib/sip/sip_sipae.h"

static int parse(const char *s, struct sipae_challenge *c)
{
	return sipae_parse_challenge(s, strlen(s), c);
}

TEST(ntlm_challenge_first)
{
	struct sipae_challenge c;

	ASSERT_EQ(0, parse("NTLM realm=\"SIP Communications Service\", "
			   "targetname=\"ocs1.corp.test\", version=3", &c));
	EXPECT_EQ(SIPAE_NTLM, c.mech);
	EXPECT_STREQ("SIP Communications Service", c.realm);
	EXPECT_STREQ("ocs1.corp.test", c.targetname);
	EXPECT_EQ(3, c.version);
	EXPECT_FALSE(c.has_gssapi_data);
	EXPECT_STREQ("", c.opaque);
}

TEST(ntlm_challenge_with_token)
{
	struct sipae_challenge c;

	ASSERT_EQ(0, parse("NTLM opaque=\"2BDBAC9D\", gssapi-data=\"TlRMTVNTUAACAAAA\","
			   " targetname=\"cosmo-ocs-r2.cosmo.local\","
			   " realm=\"SIP Communications Service\"", &c));
	EXPECT_TRUE(c.has_gssapi_data);
	EXPECT_STREQ("TlRMTVNTUAACAAAA", c.gssapi_data);
	EXPECT_STREQ("2BDBAC9D", c.opaque);
	EXPECT_EQ(0, c.version);
}

TEST(kerberos_challenge)
{
	struct sipae_challenge c;

	ASSERT_EQ(0, parse("Kerberos realm=\"SIP Communications Service\", "
			   "targetname=\"sip/ocs1.corp.test\", version=4", &c));
	EXPECT_EQ(SIPAE_KERBEROS, c.mech);
	EXPECT_STREQ("sip/ocs1.corp.test", c.targetname);
	EXPECT_STREQ("Kerberos", sipae_mech_name(c.mech));
}

TEST(other_schemes_and_bad_input)
{
	struct sipae_challenge c;

	EXPECT_EQ(-EPROTONOSUPPORT, parse("Digest realm=\"corp.test\", nonce=\"x\"", &c));
	EXPECT_EQ(-EPROTONOSUPPORT, parse("TLS-DSK realm=\"x\"", &c));
	EXPECT_EQ(-EINVAL, parse("NTLM targetname=\"x\"", &c));	/* no realm */
	EXPECT_EQ(-EINVAL, parse("NTLM realm=\"x", &c));	/* open quote */
	EXPECT_EQ(-EINVAL, parse("NTLM realm=\"a\", realm=\"b\"", &c));
	EXPECT_EQ(-EINVAL, parse("NTLM realm=\"a\", version=x", &c));
	EXPECT_EQ(-EINVAL, parse("NTLM realm=\"a\x01\"", &c));
	EXPECT_EQ(-EPROTONOSUPPORT, parse("NTLMrealm=\"a\"", &c));
	EXPECT_EQ(-EINVAL, parse("", &c));
	EXPECT_EQ(-EINVAL, sipae_parse_challenge("NTLM realm=\"a\0b\"", 17, &c));
}

TEST(value_too_long_is_refused)
{
	struct sipae_challenge c;
	char s[600];

	memset(s, 0, sizeof(s));
	strcpy(s, "NTLM realm=\"");
	memset(s + strlen(s), 'r', 200);
	strcat(s, "\"");
	EXPECT_EQ(-EINVAL, parse(s, &c));
}

TEST(auth_info)
{
	static const char v[] =
		"NTLM rspauth=\"0100000000000000BF2E52667DDF6DED\", "
		"srand=\"0878F41B\", snum=\"1\", opaque=\"4452DFB0\", qop=\"auth\", "
		"targetname=\"ocs1.ocs.provo.novell.com\", "
		"realm=\"SIP Communications Service\"";
	struct sipae_auth_info ai;

	ASSERT_EQ(0, sipae_parse_auth_info(v, strlen(v), &ai));
	EXPECT_TRUE(ai.has_rspauth);
	EXPECT_STREQ("0100000000000000BF2E52667DDF6DED", ai.rspauth);
	EXPECT_STREQ("0878F41B", ai.srand);
	EXPECT_STREQ("1", ai.snum);
	EXPECT_STREQ("4452DFB0", ai.opaque);
	EXPECT_STREQ("SIP Communications Service", ai.realm);
}

/*
 * The [MS-SIPAE] example: OCS 2007's signed 200 OK to a REGISTER
 * (authentication protocol version 2; the same buffer pidgin-sipe checks).
 */
TEST(signature_buffer_ms_sipae_response_example)
{
	static const char msg[] =
		"SIP/2.0 200 OK\r\n"
		"ms-keep-alive: UAS; tcp=no; hop-hop=yes; end-end=no; timeout=300\r\n"
		"Authentication-Info: NTLM rspauth=\"0100000000000000BF2E52667DDF6DED\", srand=\"0878F41B\", snum=\"1\", opaque=\"4452DFB0\", qop=\"auth\", targetname=\"ocs1.ocs.provo.novell.com\", realm=\"SIP Communications Service\"\r\n"
		"From: \"Gabriel Burt\"<sip:gabriel@ocs.provo.novell.com>;tag=2947328781;epid=1234567890\r\n"
		"To: <sip:gabriel@ocs.provo.novell.com>;tag=B816D65C2300A32CFA6D371F2AF537FD\r\n"
		"Call-ID: 8592g5DCBa1694i5887m0D0Bt2247b3F38xAE9Fx\r\n"
		"CSeq: 3 REGISTER\r\n"
		"Via: SIP/2.0/TLS 164.99.194.49:10409;branch=z9hG4bKE0E37DBAF252C3255BAD;received=164.99.195.20;ms-received-port=10409;ms-received-cid=1E00\r\n"
		"Contact: <sip:164.99.195.20:10409;transport=tls;ms-received-cid=1E00>;expires=900\r\n"
		"Expires: 900\r\n"
		"Server: RTC/3.0\r\n"
		"Content-Length: 0\r\n\r\n";
	static const char want[] =
		"<NTLM><0878F41B><1><SIP Communications Service>"
		"<ocs1.ocs.provo.novell.com><8592g5DCBa1694i5887m0D0Bt2247b3F38xAE9Fx>"
		"<3><REGISTER><sip:gabriel@ocs.provo.novell.com><2947328781>"
		"<B816D65C2300A32CFA6D371F2AF537FD><900><200>";
	struct sipae_sig_fields f;
	struct sip_msg m;
	char out[1024];
	size_t len;

	ASSERT_EQ(0, sip_msg_parse(msg, strlen(msg), &m));
	ASSERT_EQ(0, sipae_sig_fields_from_msg(&m, &f));
	ASSERT_EQ(0, sipae_signature_buffer(2, SIPAE_NTLM, "0878F41B", "1",
					    "SIP Communications Service",
					    "ocs1.ocs.provo.novell.com", &f,
					    out, sizeof(out), &len));
	EXPECT_STREQ(want, out);
	EXPECT_EQ(strlen(want), len);
	sip_msg_free(&m);
}

/*
 * Office Communicator 2007 R2's signed REGISTER to OCS 2007 R2 (version 3
 * buffer: To URI and the P-Asserted-Identity URIs, empty here).
 */
TEST(signature_buffer_communicator_request_example)
{
	static const char msg[] =
		"REGISTER sip:cosmo.local SIP/2.0\r\n"
		"Via: SIP/2.0/TLS 192.168.172.6:12723\r\n"
		"Max-Forwards: 70\r\n"
		"From: <sip:user@cosmo.local>;tag=3e49177a52;epid=c8ca638a15\r\n"
		"To: <sip:user@cosmo.local>\r\n"
		"Call-ID: 4037df9284354df39065195bd57a4b14\r\n"
		"CSeq: 3 REGISTER\r\n"
		"Supported: gruu-10, adhoclist, msrtc-event-categories\r\n"
		"Event: registration\r\n"
		"Content-Length: 0\r\n\r\n";
	static const char want[] =
		"<NTLM><13317733><1><SIP Communications Service>"
		"<cosmo-ocs-r2.cosmo.local><4037df9284354df39065195bd57a4b14><3>"
		"<REGISTER><sip:user@cosmo.local><3e49177a52><sip:user@cosmo.local>"
		"<><><><>";
	struct sipae_sig_fields f;
	struct sip_msg m;
	char out[1024];

	ASSERT_EQ(0, sip_msg_parse(msg, strlen(msg), &m));
	ASSERT_EQ(0, sipae_sig_fields_from_msg(&m, &f));
	ASSERT_EQ(0, sipae_signature_buffer(3, SIPAE_NTLM, "13317733", "1",
					    "SIP Communications Service",
					    "cosmo-ocs-r2.cosmo.local", &f,
					    out, sizeof(out), NULL));
	EXPECT_STREQ(want, out);
	sip_msg_free(&m);
}

TEST(signature_buffer_pai_and_limits)
{
	static const char msg[] =
		"INVITE sip:bob@corp.test SIP/2.0\r\n"
		"Via: SIP/2.0/TLS 10.77.0.10:5061\r\n"
		"From: <sip:alice@corp.test>;tag=a1\r\n"
		"To: \"Bob\" <sip:bob@corp.test>;tag=b2\r\n"
		"Call-ID: c@x\r\n"
		"CSeq: 7 INVITE\r\n"
		"P-Asserted-Identity: \"Alice\" <sip:alice@corp.test>, <tel:+4912>\r\n"
		"Content-Length: 0\r\n\r\n";
	struct sipae_sig_fields f;
	struct sip_msg m;
	char out[256], small[40];

	ASSERT_EQ(0, sip_msg_parse(msg, strlen(msg), &m));
	ASSERT_EQ(0, sipae_sig_fields_from_msg(&m, &f));
	ASSERT_EQ(0, sipae_signature_buffer(3, SIPAE_KERBEROS, "ab", "2", "R",
					    "sip/t", &f, out, sizeof(out), NULL));
	EXPECT_STREQ("<Kerberos><ab><2><R><sip/t><c@x><7><INVITE><sip:alice@corp.test>"
		     "<a1><sip:bob@corp.test><b2><sip:alice@corp.test><tel:+4912><>", out);
	EXPECT_EQ(-ENOSPC, sipae_signature_buffer(3, SIPAE_NTLM, "ab", "2", "R",
						  "t", &f, small, sizeof(small),
						  NULL));
	EXPECT_STREQ("", small);
	EXPECT_EQ(-EINVAL, sipae_signature_buffer(3, SIPAE_NTLM, "ab", "2", "",
						  "t", &f, out, sizeof(out), NULL));
	sip_msg_free(&m);
}

TEST(credentials_handshake_and_signed)
{
	struct sipae_credentials c = {
		.mech = SIPAE_NTLM, .realm = "SIP Communications Service",
		.targetname = "ocs1.corp.test", .opaque = "2BDBAC9D",
		.version = 3, .gssapi_data = "",
	};
	char out[512];

	ASSERT_EQ(0, sipae_build_credentials(&c, out, sizeof(out)));
	EXPECT_STREQ("NTLM qop=\"auth\", realm=\"SIP Communications Service\", "
		     "opaque=\"2BDBAC9D\", targetname=\"ocs1.corp.test\", "
		     "version=3, gssapi-data=\"\"", out);
	c.gssapi_data = NULL;
	c.version = 0;
	c.crand = "13317733";
	c.cnum = "1";
	c.response = "0100000029618e9651b65a7764000000";
	ASSERT_EQ(0, sipae_build_credentials(&c, out, sizeof(out)));
	EXPECT_STREQ("NTLM qop=\"auth\", realm=\"SIP Communications Service\", "
		     "opaque=\"2BDBAC9D\", targetname=\"ocs1.corp.test\", "
		     "crand=\"13317733\", cnum=\"1\", "
		     "response=\"0100000029618e9651b65a7764000000\"", out);
	c.targetname = "evil\"x";
	EXPECT_EQ(-EINVAL, sipae_build_credentials(&c, out, sizeof(out)));
	c.targetname = "t";
	EXPECT_EQ(-ENOSPC, sipae_build_credentials(&c, out, 30));
	EXPECT_STREQ("", out);
}

TEST_HARNESS_MAIN
