// SPDX-License-Identifier: GPL-2.0-only
/*
 * The one SUBSCRIBE builder (sip/subscribe.h) the voice-mail and the
 * provisioning subscriptions share: a first SUBSCRIBE to the AOR without a
 * To tag; once a 2xx named the To tag and a Contact, the refresh goes in
 * the dialog (Request-URI the Contact, To tag, same Call-ID and From tag,
 * the next CSeq); a new subscription starts a new dialog. The refresh
 * timer on a fake clock: due at 80 % of each 2xx's grant, the grant kept
 * within [60 s, what was asked].
 */
#include <stdio.h>
#include <string.h>

#include "kselftest_harness.h"
#include "lib/sip/sip_msg.h"
#include "sip/subscribe.h"

static char *value(const struct sip_msg *m, enum sip_hdr h)
{
	static char buf[512];

	buf[0] = 0;
	sip_str_copy(sip_msg_value(m, h), buf, sizeof(buf));
	return buf;
}

static const struct sip_subscribe_req mwi_req = {
	.aor = "sip:alice@corp.test", .via_local = "10.77.0.100:40312",
	.branch = "z9hG4bKabc", .contact = "<sip:alice@10.77.0.100:40312;transport=tls;ob>",
	.event = "message-summary", .accept = "application/simple-message-summary",
	.expires = 3600, .auth_user = "alice", .password = "secret",
};

TEST(first_then_in_dialog_refresh_then_new)
{
	struct sip_subscription s = { 0 };
	char buf[4096], call_id[64], tag[24];
	struct sip_msg m, ok;
	size_t len;
	const char *answer;

	sip_subscription_new(&s);
	EXPECT_FALSE(sip_subscription_in_dialog(&s));
	ASSERT_EQ(0, sip_subscribe_build(&s, &mwi_req, buf, sizeof(buf), &len));
	ASSERT_EQ(0, sip_msg_parse(buf, len, &m));
	EXPECT_TRUE(sip_str_eq(m.method, "SUBSCRIBE"));
	EXPECT_TRUE(sip_str_eq(m.uri, "sip:alice@corp.test"));
	EXPECT_STREQ("<sip:alice@corp.test>", value(&m, SIP_HDR_TO));
	EXPECT_STREQ("message-summary", value(&m, SIP_HDR_EVENT));
	EXPECT_STREQ("3600", value(&m, SIP_HDR_EXPIRES));
	EXPECT_EQ(1, m.cseq);
	snprintf(call_id, sizeof(call_id), "%.*s", (int)m.call_id.len, m.call_id.p);
	snprintf(tag, sizeof(tag), "%s", s.tag);
	EXPECT_NE(NULL, strstr(value(&m, SIP_HDR_FROM), tag));
	sip_msg_free(&m);

	answer = "SIP/2.0 200 OK\r\nVia: SIP/2.0/TLS 10.77.0.100:40312;branch=z9hG4bKabc\r\n"
		 "From: <sip:alice@corp.test>;tag=x\r\nTo: <sip:alice@corp.test>;tag=srv7\r\n"
		 "Call-ID: c\r\nCSeq: 1 SUBSCRIBE\r\nContact: <sip:mwi@10.77.0.2:5061;transport=tls>\r\n"
		 "Expires: 600\r\nContent-Length: 0\r\n\r\n";
	ASSERT_EQ(0, sip_msg_parse(answer, strlen(answer), &ok));
	sip_subscription_confirmed(&s, &ok);
	sip_msg_free(&ok);
	EXPECT_TRUE(sip_subscription_in_dialog(&s));

	/* the refresh: in the dialog */
	ASSERT_EQ(0, sip_subscribe_build(&s, &mwi_req, buf, sizeof(buf), &len));
	ASSERT_EQ(0, sip_msg_parse(buf, len, &m));
	EXPECT_TRUE(sip_str_eq(m.uri, "sip:mwi@10.77.0.2:5061;transport=tls"));
	EXPECT_STREQ("<sip:alice@corp.test>;tag=srv7", value(&m, SIP_HDR_TO));
	EXPECT_TRUE(sip_str_eq(m.call_id, call_id));
	EXPECT_NE(NULL, strstr(value(&m, SIP_HDR_FROM), tag));
	EXPECT_EQ(2, m.cseq);
	sip_msg_free(&m);

	/* after a 481: a new dialog */
	sip_subscription_new(&s);
	ASSERT_EQ(0, sip_subscribe_build(&s, &mwi_req, buf, sizeof(buf), &len));
	ASSERT_EQ(0, sip_msg_parse(buf, len, &m));
	EXPECT_TRUE(sip_str_eq(m.uri, "sip:alice@corp.test"));
	EXPECT_STREQ("<sip:alice@corp.test>", value(&m, SIP_HDR_TO));
	EXPECT_FALSE(sip_str_eq(m.call_id, call_id));
	EXPECT_EQ(1, m.cseq);
	sip_msg_free(&m);
	sip_subscription_clear(&s);
}

/* A 2xx to the last SUBSCRIBE built, with EXPIRES ("" : no Expires header). */
static int grant(struct sip_subscription *s, const char *expires, struct sip_msg *ok,
		 char *buf, size_t cap)
{
	size_t len;

	len = (size_t)snprintf(buf, cap,
			       "SIP/2.0 200 OK\r\nVia: SIP/2.0/TLS 10.77.0.100:40312;branch=z9hG4bKabc\r\n"
			       "From: <sip:alice@corp.test>;tag=%s\r\nTo: <sip:alice@corp.test>;tag=srv7\r\n"
			       "Call-ID: %s\r\nCSeq: %u SUBSCRIBE\r\n"
			       "Contact: <sip:10.77.0.1:5061;transport=tls>\r\n%s%s%s"
			       "Content-Length: 0\r\n\r\n", s->tag, s->call_id, s->cseq,
			       *expires ? "Expires: " : "", expires, *expires ? "\r\n" : "");
	return sip_msg_parse(buf, len, ok);
}

#define SEC 1000000ull

TEST(refresh_timer_at_80_percent_of_the_grant)
{
	struct sip_subscription s = { 0 };
	char buf[4096], ans[1024], call_id[64];
	uint64_t now = 5 * SEC;		/* the fake clock */
	struct sip_msg m, ok;
	size_t len;
	unsigned int granted;

	sip_subscription_new(&s);
	ASSERT_EQ(0, sip_subscribe_build(&s, &mwi_req, buf, sizeof(buf), &len));
	snprintf(call_id, sizeof(call_id), "%s", s.call_id);

	/* 600 s granted at t = 5 s: the refresh is due at 5 + 480 s, not before */
	now += 120000;		/* the answer takes 120 ms */
	ASSERT_EQ(0, grant(&s, "600", &ok, ans, sizeof(ans)));
	sip_subscription_confirmed(&s, &ok);
	granted = sip_subscription_granted(&s, &ok, 3600, now);
	sip_msg_free(&ok);
	EXPECT_EQ(600, granted);
	EXPECT_EQ(600, s.expires_s);
	EXPECT_EQ(now + 480 * SEC, s.refresh_at);

	/* the timer fires: the refresh goes in the dialog, same Call-ID, CSeq 2 */
	now = s.refresh_at;
	ASSERT_EQ(0, sip_subscribe_build(&s, &mwi_req, buf, sizeof(buf), &len));
	ASSERT_EQ(0, sip_msg_parse(buf, len, &m));
	EXPECT_TRUE(sip_str_eq(m.uri, "sip:10.77.0.1:5061;transport=tls"));
	EXPECT_TRUE(sip_str_eq(m.call_id, call_id));
	EXPECT_STREQ("<sip:alice@corp.test>;tag=srv7", value(&m, SIP_HDR_TO));
	EXPECT_EQ(2, m.cseq);
	sip_msg_free(&m);

	/* the refresh granted only 90 s: the next one 72 s after its answer */
	now += 80000;
	ASSERT_EQ(0, grant(&s, "90", &ok, ans, sizeof(ans)));
	EXPECT_EQ(90, sip_subscription_granted(&s, &ok, 3600, now));
	sip_msg_free(&ok);
	EXPECT_EQ(now + 72 * SEC, s.refresh_at);

	/* 10 s granted counts as 60: refreshed 48 s on, not every 8 s */
	now = s.refresh_at + 50000;
	ASSERT_EQ(0, sip_subscribe_build(&s, &mwi_req, buf, sizeof(buf), &len));
	ASSERT_EQ(0, grant(&s, "10", &ok, ans, sizeof(ans)));
	EXPECT_EQ(60, sip_subscription_granted(&s, &ok, 3600, now));
	sip_msg_free(&ok);
	EXPECT_EQ(now + 48 * SEC, s.refresh_at);

	/* more than asked counts as asked; no Expires or a bad one: as asked */
	ASSERT_EQ(0, grant(&s, "86400", &ok, ans, sizeof(ans)));
	EXPECT_EQ(3600, sip_subscription_granted(&s, &ok, 3600, now));
	sip_msg_free(&ok);
	EXPECT_EQ(now + 2880 * SEC, s.refresh_at);
	ASSERT_EQ(0, grant(&s, "", &ok, ans, sizeof(ans)));
	EXPECT_EQ(1800, sip_subscription_granted(&s, &ok, 1800, now));
	sip_msg_free(&ok);
	EXPECT_EQ(now + 1440 * SEC, s.refresh_at);
	ASSERT_EQ(0, grant(&s, "12x", &ok, ans, sizeof(ans)));
	EXPECT_EQ(3600, sip_subscription_granted(&s, &ok, 3600, now));
	sip_msg_free(&ok);

	/* every refresh stayed in the one dialog */
	EXPECT_STREQ(call_id, s.call_id);
	EXPECT_EQ(3, s.cseq);
	sip_subscription_clear(&s);
}

TEST(provisioning_body_supported_and_epid)
{
	struct sip_subscription s = { 0 };
	struct sip_subscribe_req req = mwi_req;
	char buf[4096];
	struct sip_msg m;
	size_t len;

	req.event = "vnd-microsoft-provisioning-v2";
	req.accept = "application/vnd-microsoft-roaming-provisioning-v2+xml";
	req.from_params = ";epid=0123456789";
	req.supported = "gruu-10, adhoclist";
	req.expires = 0;
	req.content_type = "application/vnd-microsoft-roaming-provisioning-v2+xml";
	req.body = "<batch/>";
	req.body_len = 8;
	sip_subscription_new(&s);
	ASSERT_EQ(0, sip_subscribe_build(&s, &req, buf, sizeof(buf), &len));
	ASSERT_EQ(0, sip_msg_parse(buf, len, &m));
	EXPECT_NE(NULL, strstr(value(&m, SIP_HDR_FROM), ";epid=0123456789"));
	EXPECT_STREQ("0", value(&m, SIP_HDR_EXPIRES));
	EXPECT_EQ(8, m.body.len);
	EXPECT_EQ(0, memcmp(m.body.p, "<batch/>", 8));
	sip_msg_free(&m);
	/* too small a buffer: refused, not cut */
	EXPECT_NE(0, sip_subscribe_build(&s, &req, buf, 100, &len));
	sip_subscription_clear(&s);
}

TEST_HARNESS_MAIN
