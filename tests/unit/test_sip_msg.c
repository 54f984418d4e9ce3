// SPDX-License-Identifier: GPL-2.0-only
/* SIP messages (lib/sip/sip_msg.c): parsing, framing on streams, building. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "kselftest_harness.h"
#include "lib/sip/sip_msg.h"

#define S(x) x, sizeof(x) - 1

static const char reply_401[] =
	"SIP/2.0 401 Unauthorized\r\n"
	"v: SIP/2.0/TLS 10.77.0.100:40000;branch=z9hG4bKabc;rport=40000;received=10.77.0.100\r\n"
	"From: <sip:alice@corp.test>;tag=12;epid=0123456789\r\n"
	"To: \"Alice, A.\" <sip:alice@corp.test>;tag=srv\r\n"
	"i: call-1@phone\r\n"
	"CSeq: 1 REGISTER\r\n"
	"WWW-Authenticate: Digest realm=\"corp.test\",\r\n"
	"\tnonce=\"abc\", algorithm=MD5, qop=\"auth\"\r\n"
	"Supported: gruu-10, adhoclist,msrtc-event-categories\r\n"
	"l: 0\r\n"
	"\r\n";

TEST(status_line_compact_forms_and_folding)
{
	struct sip_msg m;
	struct sip_str v;

	ASSERT_EQ(0, sip_msg_parse(S(reply_401), &m));
	EXPECT_FALSE(m.request);
	EXPECT_EQ(401, m.status);
	EXPECT_TRUE(sip_str_eq(m.reason, "Unauthorized"));
	EXPECT_TRUE(sip_str_eq(m.call_id, "call-1@phone"));
	EXPECT_EQ(1, m.cseq);
	EXPECT_TRUE(sip_str_eq(m.cseq_method, "REGISTER"));
	v = sip_msg_value(&m, SIP_HDR_WWW_AUTHENTICATE);
	/* the continuation line joins the first with spaces */
	EXPECT_TRUE(sip_str_eq(v, "Digest realm=\"corp.test\",  \tnonce=\"abc\", algorithm=MD5, qop=\"auth\""));
	EXPECT_EQ(0, m.body.len);
	sip_msg_free(&m);
}

TEST(request_with_body_and_lists)
{
	static const char req[] =
		"NOTIFY sip:alice@10.77.0.100:40000;transport=tls SIP/2.0\r\n"
		"Via: SIP/2.0/TLS 10.77.0.1:5061;branch=z9hG4bK1, SIP / 2.0 / TLS proxy:5061 ;branch=z9hG4bK2\r\n"
		"Via: SIP/2.0/UDP other\r\n"
		"From: sip:corp.test;tag=a\r\n"
		"To: <sip:alice@corp.test>\r\n"
		"Call-ID: n1\r\n"
		"CSeq: 7 NOTIFY\r\n"
		"Contact: \"Q, \\\"x\\\"\" <sip:a@b;lr>;expires=60, <sip:c@d>;expires=0\r\n"
		"Content-Type: text/plain\r\n"
		"Content-Length: 5\r\n"
		"\r\n"
		"hello";
	struct sip_str items[4];
	struct sip_name_addr na;
	struct sip_via via;
	struct sip_str p;
	struct sip_msg m;

	ASSERT_EQ(0, sip_msg_parse(S(req), &m));
	EXPECT_TRUE(m.request);
	EXPECT_TRUE(sip_str_eq(m.method, "NOTIFY"));
	EXPECT_TRUE(sip_str_eq(m.uri, "sip:alice@10.77.0.100:40000;transport=tls"));
	EXPECT_TRUE(sip_str_eq(m.body, "hello"));

	ASSERT_EQ(2, sip_split_list(sip_msg_value(&m, SIP_HDR_VIA), items, 4));
	ASSERT_EQ(0, sip_parse_via(items[1], &via));
	EXPECT_TRUE(sip_str_eq(via.transport, "TLS"));
	EXPECT_TRUE(sip_str_eq(via.sent_by, "proxy:5061"));
	EXPECT_TRUE(sip_param(via.params, "branch", &p));
	EXPECT_TRUE(sip_str_eq(p, "z9hG4bK2"));
	EXPECT_NE(NULL, sip_msg_header(&m, SIP_HDR_VIA, 1));

	ASSERT_EQ(2, sip_split_list(sip_msg_value(&m, SIP_HDR_CONTACT), items, 4));
	ASSERT_EQ(0, sip_parse_name_addr(items[0], &na));
	EXPECT_TRUE(sip_str_eq(na.display, "Q, \\\"x\\\""));
	EXPECT_TRUE(sip_str_eq(na.uri, "sip:a@b;lr"));
	EXPECT_TRUE(sip_param(na.params, "expires", &p));
	EXPECT_TRUE(sip_str_eq(p, "60"));

	/* addr-spec: the parameters are the header's, not the URI's */
	ASSERT_EQ(0, sip_parse_name_addr(sip_msg_value(&m, SIP_HDR_FROM), &na));
	EXPECT_TRUE(sip_str_eq(na.uri, "sip:corp.test"));
	EXPECT_TRUE(sip_param(na.params, "tag", &p));
	EXPECT_TRUE(sip_str_eq(p, "a"));
	EXPECT_FALSE(sip_param(na.params, "epid", NULL));
	sip_msg_free(&m);
}

TEST(malformed_messages_are_refused)
{
	static const char *const bad[] = {
		"",
		"SIP/2.0 99 Low\r\nVia: SIP/2.0/TLS a\r\nFrom: <sip:a>\r\nTo: <sip:a>\r\nCall-ID: x\r\nCSeq: 1 A\r\n\r\n",
		"SIP/2.0 200 OK\r\nVia: SIP/2.0/TLS a\r\nFrom: <sip:a>\r\nTo: <sip:a>\r\nCSeq: 1 A\r\n\r\n",
		"SIP/2.0 200 OK\r\nVia: SIP/2.0/TLS a\r\nFrom: <sip:a>\r\nTo: <sip:a>\r\nCall-ID: x\r\nCSeq: A\r\n\r\n",
		"SIP/2.0 200 OK\r\nVia: SIP/2.0/TLS a\r\nFrom: <sip:a>\r\nTo: <sip:a>\r\nCall-ID: x\r\nCSeq: 99999999999 A\r\n\r\n",
		"SIP/2.0 200 OK\r\nVia: SIP/2.0/TLS a\r\nFrom: <sip:a>\r\nTo: <sip:a>\r\nCall-ID: x\r\nCSeq: 1 A\r\nContent-Length: 9\r\n\r\nshort",
		"OPTIONS sip:a SIP/2.0\r\nVia: SIP/2.0/TLS a\r\nFrom: <sip:a>\r\nTo: <sip:a>\r\nCall-ID: x\r\nCSeq: 1 INVITE\r\n\r\n",
		"OPTIONS sip:a SIP/3.0\r\nVia: SIP/2.0/TLS a\r\nFrom: <sip:a>\r\nTo: <sip:a>\r\nCall-ID: x\r\nCSeq: 1 OPTIONS\r\n\r\n",
		"OPTIONS sip:a SIP/2.0\r\nno colon here\r\nFrom: <sip:a>\r\nTo: <sip:a>\r\nCall-ID: x\r\nCSeq: 1 OPTIONS\r\n\r\n",
		"OPTIONS sip:a SIP/2.0\r\n folded-start: x\r\n\r\n",
		"SIP/2.0 200 OK\r\nVia: SIP/2.0/TLS a\r\nFrom: <sip:a>\r\nTo: <sip:a>\r\nCall-ID: x\r\nCSeq: 1 A\r\n",
	};
	struct sip_msg m;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		EXPECT_EQ(-EINVAL, sip_msg_parse(bad[i], strlen(bad[i]), &m))
			TH_LOG("case %zu", i);
		EXPECT_EQ(NULL, m.buf);
	}
	/* a NUL inside the head */
	EXPECT_EQ(-EINVAL, sip_msg_parse("SIP/2.0 200 OK\r\nA: \0\r\n\r\n", 22, &m));
}

TEST(limits)
{
	size_t big = SIP_MSG_MAX + 10, n = 0;
	char *buf = malloc(big);
	struct sip_msg m;

	ASSERT_NE(NULL, buf);
	memset(buf, 'a', big);
	EXPECT_EQ(-EMSGSIZE, sip_msg_parse(buf, big, &m));
	EXPECT_EQ(-EMSGSIZE, sip_msg_parse(buf, SIP_HEAD_MAX + 100, &m));
	/* too many headers */
	n = (size_t)sprintf(buf, "SIP/2.0 200 OK\r\n");
	for (int i = 0; i < SIP_HEADERS_MAX + 1; i++)
		n += (size_t)sprintf(buf + n, "X: %d\r\n", i);
	n += (size_t)sprintf(buf + n, "\r\n");
	EXPECT_EQ(-EMSGSIZE, sip_msg_parse(buf, n, &m));
	free(buf);
}

TEST(stream_framing)
{
	static const char two[] =
		"SIP/2.0 200 OK\r\nContent-Length: 3\r\nCall-ID: a\r\n\r\nabc"
		"SIP/2.0 200 OK\r\nl: 0\r\n\r\n";
	size_t len = 0;

	EXPECT_EQ(0, sip_msg_frame(S(two), &len));
	EXPECT_EQ(strlen("SIP/2.0 200 OK\r\nContent-Length: 3\r\nCall-ID: a\r\n\r\nabc"), len);
	EXPECT_EQ(0, sip_msg_frame(two + len, sizeof(two) - 1 - len, &len));
	EXPECT_EQ(strlen("SIP/2.0 200 OK\r\nl: 0\r\n\r\n"), len);
	/* one byte short of the body, then of the head */
	EXPECT_EQ(-EAGAIN, sip_msg_frame(two, 50, &len));
	EXPECT_EQ(-EAGAIN, sip_msg_frame(two, 20, &len));
	/* no Content-Length on a stream */
	EXPECT_EQ(-EINVAL, sip_msg_frame(S("SIP/2.0 200 OK\r\nA: b\r\n\r\n"), &len));
	/* two that disagree */
	EXPECT_EQ(-EINVAL, sip_msg_frame(S("SIP/2.0 200 OK\r\nl: 1\r\nContent-Length: 2\r\n\r\nab"), &len));
	EXPECT_EQ(-EMSGSIZE, sip_msg_frame(S("SIP/2.0 200 OK\r\nl: 4294967295\r\n\r\n"), &len));
}

TEST(builder_refuses_injection_and_overflow)
{
	char buf[256];
	struct sip_out o;
	struct sip_msg m;
	size_t len;

	sip_out_init(&o, buf, sizeof(buf));
	sip_out_request_line(&o, "OPTIONS", "sip:corp.test");
	sip_out_header(&o, "Via", "SIP/2.0/TLS %s;branch=%s", "h:1", "z9hG4bKx");
	sip_out_header(&o, "From", "<sip:a@corp.test>;tag=%d", 1);
	sip_out_header(&o, "To", "<sip:a@corp.test>");
	sip_out_header(&o, "Call-ID", "c");
	sip_out_header(&o, "CSeq", "1 OPTIONS");
	sip_out_body(&o, "text/plain", "xy", 2);
	ASSERT_EQ(0, sip_out_finish(&o, &len));
	ASSERT_EQ(0, sip_msg_parse(buf, len, &m));
	EXPECT_TRUE(sip_str_eq(m.body, "xy"));
	sip_msg_free(&m);

	sip_out_init(&o, buf, sizeof(buf));
	sip_out_header(&o, "Subject", "%s", "evil\r\nVia: injected");
	EXPECT_EQ(-EINVAL, sip_out_finish(&o, &len));

	sip_out_init(&o, buf, 40);
	sip_out_request_line(&o, "OPTIONS", "sip:corp.test");
	sip_out_header(&o, "User-Agent", "a very long value that will not fit");
	EXPECT_EQ(-EMSGSIZE, sip_out_finish(&o, &len));
}

TEST(numbers_and_copies)
{
	struct sip_str s = { "4294967296", 10 };
	char small[4];
	uint32_t v;

	EXPECT_EQ(-EINVAL, sip_parse_uint(s, &v));
	s.len = 9;
	EXPECT_EQ(0, sip_parse_uint(s, &v));
	EXPECT_EQ(429496729, v);
	EXPECT_EQ(-ENOSPC, sip_str_copy(s, small, sizeof(small)));
	EXPECT_STREQ("", small);
	EXPECT_EQ(SIP_HDR_CALL_ID, sip_hdr_lookup("I", 1));
	EXPECT_EQ(SIP_HDR_SUPPORTED, sip_hdr_lookup("k", 1));
	EXPECT_EQ(SIP_HDR_CONTENT_ENCODING, sip_hdr_lookup("e", 1));
	EXPECT_EQ(SIP_HDR_WWW_AUTHENTICATE, sip_hdr_lookup("www-authenticate", 16));
}

TEST_HARNESS_MAIN
