// SPDX-License-Identifier: GPL-2.0-only
/*
 * The INVITE session (daemon/sip/invite.c) and its dialog, driven without
 * a network: a fake clock, every message it sends captured and parsed,
 * the far end's messages written here as a proxy would forward them.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kselftest_harness.h"
#include "sip/invite.h"

#define SENT_MAX 32
#define SDP_OFFER "v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\nm=audio 4000 RTP/SAVP 0\r\n"
#define SDP_ANSWER "v=0\r\no=- 2 2 IN IP4 10.0.0.2\r\ns=-\r\nc=IN IP4 10.0.0.2\r\nt=0 0\r\nm=audio 5000 RTP/SAVP 0\r\n"

struct fake {
	uint64_t now, armed;
	struct sip_msg sent[SENT_MAX];
	unsigned int n_sent;
	enum invite_state st;
	unsigned int st_status, n_states;
	char reason[64];
	char offer_seen[512], answer_seen[512];
	unsigned int offer_status, answer_status;
	unsigned int warn_code, n_answers;
	char warn_text[96];
};

static uint64_t f_now(void *ctx) { return ((struct fake *)ctx)->now; }
static void f_arm(void *ctx, uint64_t at) { ((struct fake *)ctx)->armed = at; }

static int f_send(void *ctx, const char *buf, size_t len)
{
	struct fake *f = ctx;

	if (f->n_sent == SENT_MAX)
		return -ENOBUFS;
	if (sip_msg_parse(buf, len, &f->sent[f->n_sent]) < 0)
		return -EINVAL;
	f->n_sent++;
	return 0;
}

static void f_state(void *ctx, enum invite_state st, unsigned int status,
		    const char *reason)
{
	struct fake *f = ctx;

	f->st = st;
	f->st_status = status;
	f->n_states++;
	snprintf(f->reason, sizeof(f->reason), "%s", reason);
}

static unsigned int f_offer(void *ctx, const char *sdp, size_t len, char *ans,
			    size_t cap, size_t *alen)
{
	struct fake *f = ctx;

	snprintf(f->offer_seen, sizeof(f->offer_seen), "%.*s", (int)len, sdp);
	if (f->offer_status)
		return f->offer_status;
	*alen = strlen(SDP_ANSWER);
	if (*alen > cap)
		return 500;
	memcpy(ans, SDP_ANSWER, *alen);
	return 0;
}

static unsigned int f_answer(void *ctx, const char *sdp, size_t len)
{
	struct fake *f = ctx;

	snprintf(f->answer_seen, sizeof(f->answer_seen), "%.*s", (int)len, sdp);
	f->n_answers++;
	return f->answer_status;
}

static unsigned int f_warning(void *ctx, char *text, size_t cap)
{
	struct fake *f = ctx;

	snprintf(text, cap, "%s", f->warn_text);
	return f->warn_code;
}

static int f_make_offer(void *ctx, char *sdp, size_t cap, size_t *len)
{
	(void)ctx;
	*len = strlen(SDP_OFFER);
	memcpy(sdp, SDP_OFFER, *len);
	return cap >= *len ? 0 : -ENOSPC;
}

static const struct invite_ops ops = {
	.now = f_now, .arm = f_arm, .send = f_send, .state = f_state,
	.offer = f_offer, .answer = f_answer, .make_offer = f_make_offer,
	.warning = f_warning,
};

static const struct invite_config cfg = {
	.local_na = "<sip:alice@corp.test>",
	.contact = "<sip:alice@10.77.0.100:40312;transport=tls;ob>",
	.sent_by = "10.77.0.100:40312",
	.user_agent = "ucphone/test",
	.auth_user = "alice",
	.password = "Alice!Pass1",
	.session_expires = 1800,
};

static void f_free(struct fake *f)
{
	for (unsigned int i = 0; i < f->n_sent; i++)
		sip_msg_free(&f->sent[i]);
}

static const struct sip_msg *last(struct fake *f)
{
	return f->n_sent ? &f->sent[f->n_sent - 1] : NULL;
}

static char *hdr(const struct sip_msg *m, enum sip_hdr id, unsigned int i)
{
	static char buf[4][512];
	static int k;
	const struct sip_header *h = sip_msg_header(m, id, i);

	k = (k + 1) % 4;
	buf[k][0] = 0;
	if (h)
		sip_str_copy(h->value, buf[k], sizeof(buf[k]));
	return buf[k];
}

static char *named(const struct sip_msg *m, const char *name)
{
	static char buf[512];

	buf[0] = 0;
	for (unsigned int i = 0; i < m->n_hdr; i++)
		if (sip_str_ieq(m->hdr[i].name, name))
			sip_str_copy(m->hdr[i].value, buf, sizeof(buf));
	return buf;
}

static char *branch(const struct sip_msg *m)
{
	static char buf[64];
	char *p = strstr(hdr(m, SIP_HDR_VIA, 0), "branch=");

	snprintf(buf, sizeof(buf), "%s", p ? p + 7 : "");
	if ((p = strchr(buf, ';')))
		*p = 0;
	return buf;
}

static char *tag(const char *value)
{
	static char buf[64];
	const char *p = strstr(value, "tag=");
	char *e;

	snprintf(buf, sizeof(buf), "%s", p ? p + 4 : "");
	if ((e = strchr(buf, ';')))
		*e = 0;
	return buf;
}

static void feed(struct invite *inv, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static int feed_ret;
static void feed(struct invite *inv, const char *fmt, ...)
{
	char buf[8192];
	struct sip_msg m;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	feed_ret = sip_msg_parse(buf, (size_t)n, &m);
	if (feed_ret < 0)
		return;
	feed_ret = invite_matches(inv, &m) ? 0 : -ENOENT;
	if (!feed_ret)
		invite_message(inv, &m);
	sip_msg_free(&m);
}

/* A response to the request sent[i], as bob (through the proxy) answers it. */
static void answer(struct invite *inv, struct fake *f, unsigned int i,
		   const char *status, const char *extra, const char *body)
{
	const struct sip_msg *r = &f->sent[i];
	char cseq[64];

	snprintf(cseq, sizeof(cseq), "%u %.*s", r->cseq, (int)r->cseq_method.len,
		 r->cseq_method.p);
	feed(inv,
	     "SIP/2.0 %s\r\nVia: %s\r\nFrom: %s\r\nTo: %s%s\r\nCall-ID: %.*s\r\n"
	     "CSeq: %s\r\n%s%s%sContent-Length: %zu\r\n\r\n%s",
	     status, hdr(r, SIP_HDR_VIA, 0), hdr(r, SIP_HDR_FROM, 0),
	     hdr(r, SIP_HDR_TO, 0), strstr(hdr(r, SIP_HDR_TO, 0), "tag=") ? "" : ";tag=bobtag",
	     (int)r->call_id.len, r->call_id.p, cseq, extra ? extra : "",
	     body ? "Content-Type: application/sdp\r\n" : "", "",
	     body ? strlen(body) : 0, body ? body : "");
}

#define RR "Record-Route: <sip:10.77.0.2:5061;transport=tls;lr;r2=on>, <sip:10.77.0.2;lr;r2=on>\r\n"
#define BOB_CONTACT "Contact: <sip:bob@10.77.0.3:5061;transport=tls>\r\n"

TEST(outgoing_auth_ring_answer_bye)
{
	struct fake f = { .now = 1000000 };
	struct invite *inv;
	const struct sip_msg *m;
	char b1[64];

	ASSERT_EQ(0, invite_new_outgoing(&cfg, &ops, &f, "sip:bob@corp.test",
					 SDP_OFFER, strlen(SDP_OFFER), &inv));
	ASSERT_EQ(1, f.n_sent);
	m = &f.sent[0];
	EXPECT_TRUE(sip_str_eq(m->method, "INVITE"));
	EXPECT_TRUE(sip_str_eq(m->uri, "sip:bob@corp.test"));
	EXPECT_STREQ("<sip:alice@10.77.0.100:40312;transport=tls;ob>", hdr(m, SIP_HDR_CONTACT, 0));
	EXPECT_STREQ("1800", named(m, "Session-Expires"));
	EXPECT_TRUE(sip_str_eq(m->body, SDP_OFFER));
	EXPECT_EQ(f.now + INVITE_TIMER_B_USEC, f.armed);	/* Timer B */
	snprintf(b1, sizeof(b1), "%s", branch(m));

	/* 407: ACK in the same transaction, then the INVITE with credentials */
	answer(inv, &f, 0, "407 Proxy Authentication Required",
	       "Proxy-Authenticate: Digest realm=\"corp.test\", nonce=\"abc\", qop=\"auth\"\r\n", NULL);
	ASSERT_EQ(0, feed_ret);
	ASSERT_EQ(3, f.n_sent);
	EXPECT_TRUE(sip_str_eq(f.sent[1].method, "ACK"));
	EXPECT_STREQ(b1, branch(&f.sent[1]));
	EXPECT_EQ(f.sent[0].cseq, f.sent[1].cseq);
	EXPECT_STREQ("bobtag", tag(hdr(&f.sent[1], SIP_HDR_TO, 0)));
	m = &f.sent[2];
	EXPECT_TRUE(sip_str_eq(m->method, "INVITE"));
	EXPECT_EQ(f.sent[0].cseq + 1, m->cseq);
	EXPECT_STRNE(b1, branch(m));
	EXPECT_NE(NULL, strstr(hdr(m, SIP_HDR_PROXY_AUTHORIZATION, 0), "username=\"alice\""));
	EXPECT_EQ(NULL, strstr(f.sent[2].buf, "Alice!Pass1"));
	EXPECT_EQ(INVITE_CALLING, invite_state(inv));

	/* 180 Ringing: early */
	answer(inv, &f, 2, "180 Ringing", BOB_CONTACT RR, NULL);
	EXPECT_EQ(INVITE_EARLY, f.st);
	EXPECT_EQ(180, f.st_status);

	/* 200 with the answer: the ACK goes through the route set, reversed */
	answer(inv, &f, 2, "200 OK", BOB_CONTACT RR
	       "Allow: INVITE, ACK, BYE, UPDATE\r\nSession-Expires: 600;refresher=uac\r\n",
	       SDP_ANSWER);
	EXPECT_EQ(INVITE_CONFIRMED, f.st);
	EXPECT_STREQ(SDP_ANSWER, f.answer_seen);
	ASSERT_EQ(4, f.n_sent);
	m = &f.sent[3];
	EXPECT_TRUE(sip_str_eq(m->method, "ACK"));
	EXPECT_TRUE(sip_str_eq(m->uri, "sip:bob@10.77.0.3:5061;transport=tls"));
	EXPECT_EQ(f.sent[2].cseq, m->cseq);
	EXPECT_STREQ("<sip:10.77.0.2;lr;r2=on>", hdr(m, SIP_HDR_ROUTE, 0));
	EXPECT_STREQ("<sip:10.77.0.2:5061;transport=tls;lr;r2=on>", hdr(m, SIP_HDR_ROUTE, 1));
	/* we refresh (refresher=uac) at half of 600 s */
	EXPECT_EQ(600, invite_session_expires(inv));
	EXPECT_TRUE(invite_refresher(inv));
	EXPECT_EQ(f.now + 300000000ull, f.armed);

	/* the 200 again (lost ACK upstream): the same ACK again */
	answer(inv, &f, 2, "200 OK", BOB_CONTACT, SDP_ANSWER);
	ASSERT_EQ(5, f.n_sent);
	EXPECT_TRUE(sip_str_eq(f.sent[4].method, "ACK"));
	EXPECT_STREQ(branch(&f.sent[3]), branch(&f.sent[4]));

	/* the refresh: an UPDATE (bob allows it) at 300 s */
	f.now += 300000000ull;
	invite_timer(inv);
	ASSERT_EQ(6, f.n_sent);
	EXPECT_TRUE(sip_str_eq(f.sent[5].method, "UPDATE"));
	EXPECT_STREQ("600;refresher=uac", named(&f.sent[5], "Session-Expires"));
	answer(inv, &f, 5, "200 OK", "Session-Expires: 600;refresher=uac\r\n", NULL);
	EXPECT_EQ(f.now + 300000000ull, f.armed);

	/* hang up: BYE in the dialog, then terminated on its 200 */
	ASSERT_EQ(0, invite_hangup(inv));
	EXPECT_EQ(INVITE_ENDING, f.st);
	ASSERT_EQ(7, f.n_sent);
	m = &f.sent[6];
	EXPECT_TRUE(sip_str_eq(m->method, "BYE"));
	EXPECT_EQ(f.sent[5].cseq + 1, m->cseq);
	EXPECT_STREQ("bobtag", tag(hdr(m, SIP_HDR_TO, 0)));
	answer(inv, &f, 6, "200 OK", NULL, NULL);
	EXPECT_EQ(INVITE_TERMINATED, f.st);
	EXPECT_EQ(UINT64_MAX, f.armed);
	invite_free(inv);
	f_free(&f);
}

TEST(cancel_waits_for_provisional)
{
	struct fake f = { .now = 5 };
	struct invite *inv;

	ASSERT_EQ(0, invite_new_outgoing(&cfg, &ops, &f, "sip:bob@corp.test",
					 SDP_OFFER, strlen(SDP_OFFER), &inv));
	ASSERT_EQ(0, invite_hangup(inv));
	EXPECT_EQ(INVITE_CANCELLING, f.st);
	EXPECT_EQ(1, f.n_sent);		/* no CANCEL before a provisional */
	answer(inv, &f, 0, "100 Trying", NULL, NULL);
	ASSERT_EQ(2, f.n_sent);
	EXPECT_TRUE(sip_str_eq(f.sent[1].method, "CANCEL"));
	EXPECT_STREQ(branch(&f.sent[0]), branch(&f.sent[1]));
	EXPECT_EQ(f.sent[0].cseq, f.sent[1].cseq);
	EXPECT_TRUE(sip_str_eq(f.sent[1].cseq_method, "CANCEL"));
	answer(inv, &f, 1, "200 OK", NULL, NULL);
	EXPECT_EQ(INVITE_CANCELLING, f.st);
	answer(inv, &f, 0, "487 Request Terminated", NULL, NULL);
	ASSERT_EQ(3, f.n_sent);
	EXPECT_TRUE(sip_str_eq(f.sent[2].method, "ACK"));
	EXPECT_EQ(INVITE_TERMINATED, f.st);
	EXPECT_EQ(487, f.st_status);
	invite_free(inv);
	f_free(&f);
}

TEST(timer_b_and_busy)
{
	struct fake f = { .now = 5 };
	struct invite *inv;

	ASSERT_EQ(0, invite_new_outgoing(&cfg, &ops, &f, "sip:bob@corp.test",
					 SDP_OFFER, strlen(SDP_OFFER), &inv));
	f.now += INVITE_TIMER_B_USEC - 1;
	invite_timer(inv);
	EXPECT_EQ(INVITE_CALLING, invite_state(inv));
	f.now += 1;
	invite_timer(inv);
	EXPECT_EQ(INVITE_TERMINATED, f.st);
	EXPECT_EQ(408, f.st_status);
	invite_free(inv);
	f_free(&f);

	memset(&f, 0, sizeof(f));
	ASSERT_EQ(0, invite_new_outgoing(&cfg, &ops, &f, "sip:bob@corp.test",
					 SDP_OFFER, strlen(SDP_OFFER), &inv));
	answer(inv, &f, 0, "486 Busy Here", NULL, NULL);
	EXPECT_EQ(INVITE_TERMINATED, f.st);
	EXPECT_EQ(486, f.st_status);
	EXPECT_STREQ("Busy Here", f.reason);
	ASSERT_EQ(2, f.n_sent);
	EXPECT_TRUE(sip_str_eq(f.sent[1].method, "ACK"));
	invite_free(inv);
	f_free(&f);

	/* an answer the phone cannot use: ACK, then BYE */
	memset(&f, 0, sizeof(f));
	f.answer_status = 488;
	ASSERT_EQ(0, invite_new_outgoing(&cfg, &ops, &f, "sip:bob@corp.test",
					 SDP_OFFER, strlen(SDP_OFFER), &inv));
	answer(inv, &f, 0, "200 OK", BOB_CONTACT, SDP_ANSWER);
	ASSERT_EQ(3, f.n_sent);
	EXPECT_TRUE(sip_str_eq(f.sent[1].method, "ACK"));
	EXPECT_TRUE(sip_str_eq(f.sent[2].method, "BYE"));
	EXPECT_EQ(INVITE_ENDING, f.st);
	invite_free(inv);
	f_free(&f);
}

#define INVITE_FROM_BOB(extra, ctype, body)					\
	"INVITE sip:10.77.0.100:40312;transport=tls SIP/2.0\r\n"		\
	"Via: SIP/2.0/TLS 10.77.0.2:5061;branch=z9hG4bKproxy1\r\n"		\
	"Via: SIP/2.0/TLS 10.77.0.3:5061;branch=z9hG4bKbob1;rport=5061\r\n"	\
	RR "From: \"Bob\" <sip:bob@corp.test>;tag=bobtag\r\n"			\
	"To: <sip:alice@corp.test>\r\nCall-ID: call-1@10.77.0.3\r\n"		\
	"CSeq: 10 INVITE\r\n" BOB_CONTACT extra					\
	"Content-Type: " ctype "\r\nContent-Length: %zu\r\n\r\n%s"

static int incoming(struct fake *f, struct invite **inv, const char *text)
{
	struct sip_msg m;
	int ret;

	if (sip_msg_parse(text, strlen(text), &m) < 0)
		return -EBADMSG;
	ret = invite_new_incoming(&cfg, &ops, f, &m, inv);
	sip_msg_free(&m);
	return ret;
}

static char msgbuf[8192];
#define MSG(...) (snprintf(msgbuf, sizeof(msgbuf), __VA_ARGS__), msgbuf)

TEST(incoming_ring_answer_ack_bye)
{
	struct fake f = { .now = 7 };
	struct invite *inv;
	const struct sip_msg *m;
	char ltag[64];

	ASSERT_EQ(0, incoming(&f, &inv, MSG(INVITE_FROM_BOB("Allow: INVITE, UPDATE\r\n", "application/sdp", SDP_OFFER),
					    strlen(SDP_OFFER), SDP_OFFER)));
	EXPECT_STREQ(SDP_OFFER, f.offer_seen);
	ASSERT_EQ(1, f.n_sent);
	m = &f.sent[0];
	EXPECT_EQ(180, m->status);
	EXPECT_STREQ("SIP/2.0/TLS 10.77.0.2:5061;branch=z9hG4bKproxy1", hdr(m, SIP_HDR_VIA, 0));
	EXPECT_NE(NULL, hdr(m, SIP_HDR_VIA, 1)[0] ? "" : NULL);
	EXPECT_NE(0, tag(hdr(m, SIP_HDR_TO, 0))[0]);
	EXPECT_NE(0, hdr(m, SIP_HDR_RECORD_ROUTE, 0)[0]);
	EXPECT_NE(0, hdr(m, SIP_HDR_CONTACT, 0)[0]);
	snprintf(ltag, sizeof(ltag), "%s", tag(hdr(m, SIP_HDR_TO, 0)));
	EXPECT_EQ(INVITE_INCOMING, invite_state(inv));
	EXPECT_STREQ("\"Bob\" <sip:bob@corp.test>", invite_remote(inv));

	ASSERT_EQ(0, invite_accept(inv));
	EXPECT_EQ(INVITE_ANSWERED, f.st);
	ASSERT_EQ(2, f.n_sent);
	m = &f.sent[1];
	EXPECT_EQ(200, m->status);
	EXPECT_TRUE(sip_str_eq(m->body, SDP_ANSWER));
	EXPECT_STREQ(ltag, tag(hdr(m, SIP_HDR_TO, 0)));
	/* resent at T1, then 2*T1 until the ACK */
	EXPECT_EQ(f.now + INVITE_T1_USEC, f.armed);
	f.now = f.armed;
	invite_timer(inv);
	ASSERT_EQ(3, f.n_sent);
	EXPECT_EQ(200, f.sent[2].status);
	EXPECT_EQ(f.now + 2 * INVITE_T1_USEC, f.armed);

	feed(inv, "ACK sip:alice@10.77.0.100:40312;transport=tls SIP/2.0\r\n"
	     "Via: SIP/2.0/TLS 10.77.0.2:5061;branch=z9hG4bKproxy2\r\n"
	     "From: <sip:bob@corp.test>;tag=bobtag\r\nTo: <sip:alice@corp.test>;tag=%s\r\n"
	     "Call-ID: call-1@10.77.0.3\r\nCSeq: 10 ACK\r\nContent-Length: 0\r\n\r\n", ltag);
	ASSERT_EQ(0, feed_ret);
	EXPECT_EQ(INVITE_CONFIRMED, f.st);
	EXPECT_EQ(UINT64_MAX, f.armed);	/* no session timer, no resend */

	/* a re-INVITE with a new offer: answered, the media told */
	f.offer_seen[0] = 0;
	feed(inv, "INVITE sip:alice@10.77.0.100:40312;transport=tls SIP/2.0\r\n"
	     "Via: SIP/2.0/TLS 10.77.0.2:5061;branch=z9hG4bKproxy3\r\n"
	     "From: <sip:bob@corp.test>;tag=bobtag\r\nTo: <sip:alice@corp.test>;tag=%s\r\n"
	     "Call-ID: call-1@10.77.0.3\r\nCSeq: 11 INVITE\r\n" BOB_CONTACT
	     "Content-Type: application/sdp\r\nContent-Length: %zu\r\n\r\n%s",
	     ltag, strlen(SDP_OFFER), SDP_OFFER);
	EXPECT_STREQ(SDP_OFFER, f.offer_seen);
	ASSERT_EQ(4, f.n_sent);
	EXPECT_EQ(200, f.sent[3].status);
	EXPECT_TRUE(sip_str_eq(f.sent[3].body, SDP_ANSWER));
	feed(inv, "ACK sip:alice@10.77.0.100 SIP/2.0\r\n"
	     "Via: SIP/2.0/TLS 10.77.0.2:5061;branch=z9hG4bKproxy4\r\n"
	     "From: <sip:bob@corp.test>;tag=bobtag\r\nTo: <sip:alice@corp.test>;tag=%s\r\n"
	     "Call-ID: call-1@10.77.0.3\r\nCSeq: 11 ACK\r\nContent-Length: 0\r\n\r\n", ltag);
	EXPECT_EQ(UINT64_MAX, f.armed);

	/* an old CSeq: 500 */
	feed(inv, "UPDATE sip:alice@10.77.0.100 SIP/2.0\r\n"
	     "Via: SIP/2.0/TLS 10.77.0.2:5061;branch=z9hG4bKproxy5\r\n"
	     "From: <sip:bob@corp.test>;tag=bobtag\r\nTo: <sip:alice@corp.test>;tag=%s\r\n"
	     "Call-ID: call-1@10.77.0.3\r\nCSeq: 9 UPDATE\r\nContent-Length: 0\r\n\r\n", ltag);
	EXPECT_EQ(500, last(&f)->status);

	/* BYE from bob: 200, over */
	feed(inv, "BYE sip:alice@10.77.0.100 SIP/2.0\r\n"
	     "Via: SIP/2.0/TLS 10.77.0.2:5061;branch=z9hG4bKproxy6\r\n"
	     "From: <sip:bob@corp.test>;tag=bobtag\r\nTo: <sip:alice@corp.test>;tag=%s\r\n"
	     "Call-ID: call-1@10.77.0.3\r\nCSeq: 12 BYE\r\nContent-Length: 0\r\n\r\n", ltag);
	EXPECT_EQ(200, last(&f)->status);
	EXPECT_TRUE(sip_str_eq(last(&f)->cseq_method, "BYE"));
	EXPECT_EQ(INVITE_TERMINATED, f.st);
	invite_free(inv);
	f_free(&f);
}

TEST(incoming_no_ack_ends_with_bye)
{
	struct fake f = { .now = 7 };
	struct invite *inv;

	ASSERT_EQ(0, incoming(&f, &inv, MSG(INVITE_FROM_BOB("", "application/sdp", SDP_OFFER),
					    strlen(SDP_OFFER), SDP_OFFER)));
	ASSERT_EQ(0, invite_accept(inv));
	for (int i = 0; i < 40 && f.st == INVITE_ANSWERED; i++) {
		f.now = f.armed;
		invite_timer(inv);
	}
	EXPECT_EQ(INVITE_ENDING, f.st);
	EXPECT_TRUE(sip_str_eq(last(&f)->method, "BYE"));
	/* the BYE goes to bob's Contact through the route set, in order */
	EXPECT_TRUE(sip_str_eq(last(&f)->uri, "sip:bob@10.77.0.3:5061;transport=tls"));
	EXPECT_STREQ("<sip:10.77.0.2:5061;transport=tls;lr;r2=on>", hdr(last(&f), SIP_HDR_ROUTE, 0));
	/* resends capped at T2: 0.5 1 2 4 4 4 ... within 32 s */
	EXPECT_GE(f.n_sent, 2 + 8);
	EXPECT_LE(f.n_sent, 2 + 12);
	invite_free(inv);
	f_free(&f);
}

TEST(incoming_busy_and_cancel)
{
	struct fake f = { 0 };
	struct invite *inv;

	ASSERT_EQ(0, incoming(&f, &inv, MSG(INVITE_FROM_BOB("", "application/sdp", SDP_OFFER),
					    strlen(SDP_OFFER), SDP_OFFER)));
	ASSERT_EQ(0, invite_reject(inv, 486));
	EXPECT_EQ(486, last(&f)->status);
	EXPECT_EQ(INVITE_TERMINATED, f.st);
	invite_free(inv);
	f_free(&f);

	memset(&f, 0, sizeof(f));
	ASSERT_EQ(0, incoming(&f, &inv, MSG(INVITE_FROM_BOB("", "application/sdp", SDP_OFFER),
					    strlen(SDP_OFFER), SDP_OFFER)));
	feed(inv, "CANCEL sip:10.77.0.100:40312;transport=tls SIP/2.0\r\n"
	     "Via: SIP/2.0/TLS 10.77.0.2:5061;branch=z9hG4bKproxy1\r\n"
	     "From: \"Bob\" <sip:bob@corp.test>;tag=bobtag\r\nTo: <sip:alice@corp.test>\r\n"
	     "Call-ID: call-1@10.77.0.3\r\nCSeq: 10 CANCEL\r\nContent-Length: 0\r\n\r\n");
	ASSERT_EQ(0, feed_ret);
	ASSERT_EQ(3, f.n_sent);
	EXPECT_EQ(200, f.sent[1].status);
	EXPECT_TRUE(sip_str_eq(f.sent[1].cseq_method, "CANCEL"));
	EXPECT_EQ(487, f.sent[2].status);
	EXPECT_TRUE(sip_str_eq(f.sent[2].cseq_method, "INVITE"));
	EXPECT_EQ(INVITE_TERMINATED, f.st);
	invite_free(inv);
	f_free(&f);
}

TEST(incoming_refused)
{
	struct fake f = { 0 };
	struct invite *inv = NULL;

	/* the offer cannot be answered (plain RTP under srtp=mandatory...) */
	f.offer_status = 488;
	EXPECT_EQ(-EPROTO, incoming(&f, &inv, MSG(INVITE_FROM_BOB("", "application/sdp", SDP_OFFER),
						  strlen(SDP_OFFER), SDP_OFFER)));
	EXPECT_EQ(488, last(&f)->status);
	EXPECT_STREQ("", named(last(&f), "Warning"));
	/* with the owner's reason: a Warning (RFC 3261 20.43), quotes made safe */
	f.warn_code = 305;
	snprintf(f.warn_text, sizeof(f.warn_text), "no \"common\" codec\x01");
	EXPECT_EQ(-EPROTO, incoming(&f, &inv, MSG(INVITE_FROM_BOB("", "application/sdp", SDP_OFFER),
						  strlen(SDP_OFFER), SDP_OFFER)));
	EXPECT_EQ(488, last(&f)->status);
	EXPECT_STREQ("305 10.77.0.100:40312 \"no  common  codec \"", named(last(&f), "Warning"));
	EXPECT_NE(0, tag(hdr(last(&f), SIP_HDR_TO, 0))[0]);
	f.warn_code = 0;
	f.offer_status = 0;
	/* an offer over the phone's limit: 488, the Warning says so */
	{
		static char big[INVITE_SDP_MAX + 200];

		memset(big, 'a', sizeof(big) - 1);
		memcpy(big, SDP_OFFER, strlen(SDP_OFFER));
		EXPECT_EQ(-EPROTO, incoming(&f, &inv, MSG(INVITE_FROM_BOB("", "application/sdp", "%s"),
							  strlen(big), big)));
		EXPECT_EQ(488, last(&f)->status);
		EXPECT_STREQ("399 10.77.0.100:40312 \"SDP body too large\"", named(last(&f), "Warning"));
	}
	/* not SDP */
	EXPECT_EQ(-EPROTO, incoming(&f, &inv, MSG(INVITE_FROM_BOB("", "text/plain", "hello"),
						  (size_t)5, "hello")));
	EXPECT_EQ(415, last(&f)->status);
	EXPECT_STREQ("application/sdp", named(last(&f), "Accept"));
	/* an extension the phone does not have */
	EXPECT_EQ(-EPROTO, incoming(&f, &inv, MSG(INVITE_FROM_BOB("Require: 100rel, foo\r\n", "application/sdp", SDP_OFFER),
						  strlen(SDP_OFFER), SDP_OFFER)));
	EXPECT_EQ(420, last(&f)->status);
	EXPECT_STREQ("foo", named(last(&f), "Unsupported"));
	/* too short a session interval */
	EXPECT_EQ(-EPROTO, incoming(&f, &inv, MSG(INVITE_FROM_BOB("Session-Expires: 60\r\n", "application/sdp", SDP_OFFER),
						  strlen(SDP_OFFER), SDP_OFFER)));
	EXPECT_EQ(422, last(&f)->status);
	EXPECT_STREQ("90", named(last(&f), "Min-SE"));
	/* no From tag, no Contact: 400 */
	EXPECT_EQ(-EPROTO, incoming(&f, &inv,
		"INVITE sip:a@b SIP/2.0\r\nVia: SIP/2.0/TLS h;branch=z9hG4bKq\r\n"
		"From: <sip:bob@corp.test>\r\nTo: <sip:alice@corp.test>\r\n"
		"Call-ID: x\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n"));
	EXPECT_EQ(400, last(&f)->status);
	/* a Contact the phone could not write back into a request: 400 */
	EXPECT_EQ(-EPROTO, incoming(&f, &inv,
		"INVITE sip:a@b SIP/2.0\r\nVia: SIP/2.0/TLS h;branch=z9hG4bKq\r\n"
		"From: <sip:bob@corp.test>;tag=b\r\nTo: <sip:alice@corp.test>\r\n"
		"Call-ID: x\r\nCSeq: 1 INVITE\r\nContact: <sip:b\x7f" "b@10.0.0.3>\r\n"
		"Content-Length: 0\r\n\r\n"));
	EXPECT_EQ(400, last(&f)->status);
	EXPECT_EQ(NULL, inv);
	EXPECT_EQ(0, f.n_states);
	f_free(&f);
}

TEST(session_timer_expiry_and_refresh)
{
	struct fake f = { .now = 1 };
	struct invite *inv;
	char ltag[64];

	/* bob refreshes every 120 s: with no refresh, BYE at 120 - 32 s */
	ASSERT_EQ(0, incoming(&f, &inv, MSG(INVITE_FROM_BOB("Supported: timer\r\nSession-Expires: 120;refresher=uac\r\n",
							    "application/sdp", SDP_OFFER),
					    strlen(SDP_OFFER), SDP_OFFER)));
	ASSERT_EQ(0, invite_accept(inv));
	EXPECT_STREQ("120;refresher=uac", named(last(&f), "Session-Expires"));
	EXPECT_STREQ("timer", named(last(&f), "Require"));
	snprintf(ltag, sizeof(ltag), "%s", tag(hdr(last(&f), SIP_HDR_TO, 0)));
	feed(inv, "ACK sip:alice@10.77.0.100 SIP/2.0\r\n"
	     "Via: SIP/2.0/TLS 10.77.0.2:5061;branch=z9hG4bKa\r\n"
	     "From: <sip:bob@corp.test>;tag=bobtag\r\nTo: <sip:alice@corp.test>;tag=%s\r\n"
	     "Call-ID: call-1@10.77.0.3\r\nCSeq: 10 ACK\r\nContent-Length: 0\r\n\r\n", ltag);
	EXPECT_EQ(INVITE_CONFIRMED, f.st);
	EXPECT_FALSE(invite_refresher(inv));
	EXPECT_EQ(1 + 88000000ull, f.armed);
	/* a refresh (UPDATE without SDP) moves the expiry */
	f.now = 60000001;
	feed(inv, "UPDATE sip:alice@10.77.0.100 SIP/2.0\r\n"
	     "Via: SIP/2.0/TLS 10.77.0.2:5061;branch=z9hG4bKu\r\n"
	     "From: <sip:bob@corp.test>;tag=bobtag\r\nTo: <sip:alice@corp.test>;tag=%s\r\n"
	     "Call-ID: call-1@10.77.0.3\r\nCSeq: 11 UPDATE\r\nSession-Expires: 120;refresher=uac\r\n"
	     "Content-Length: 0\r\n\r\n", ltag);
	EXPECT_EQ(200, last(&f)->status);
	EXPECT_EQ(0, last(&f)->body.len);
	EXPECT_EQ(f.now + 88000000ull, f.armed);
	f.now = f.armed;
	invite_timer(inv);
	EXPECT_TRUE(sip_str_eq(last(&f)->method, "BYE"));
	EXPECT_EQ(INVITE_ENDING, f.st);
	EXPECT_STREQ("session expired", f.reason);
	/* no answer to the BYE: Timer F ends it */
	f.now = f.armed;
	invite_timer(inv);
	EXPECT_EQ(INVITE_TERMINATED, f.st);
	invite_free(inv);
	f_free(&f);
}

TEST(incoming_without_offer_answer_in_ack)
{
	struct fake f = { .now = 1 };
	struct invite *inv;
	char ltag[64];

	ASSERT_EQ(0, incoming(&f, &inv,
		"INVITE sip:alice@10.77.0.100 SIP/2.0\r\n"
		"Via: SIP/2.0/TLS 10.77.0.2:5061;branch=z9hG4bKd1\r\n"
		"From: <sip:bob@corp.test>;tag=bobtag\r\nTo: <sip:alice@corp.test>\r\n"
		"Call-ID: call-d@10.77.0.3\r\nCSeq: 1 INVITE\r\n" BOB_CONTACT
		"Content-Length: 0\r\n\r\n"));
	EXPECT_EQ(180, last(&f)->status);
	EXPECT_STREQ("", f.offer_seen);
	/* the phone's offer goes in the 200 */
	ASSERT_EQ(0, invite_accept(inv));
	EXPECT_EQ(200, last(&f)->status);
	EXPECT_TRUE(sip_str_eq(last(&f)->body, SDP_OFFER));
	snprintf(ltag, sizeof(ltag), "%s", tag(hdr(last(&f), SIP_HDR_TO, 0)));
	/* and the answer comes in the ACK */
	feed(inv, "ACK sip:alice@10.77.0.100 SIP/2.0\r\n"
	     "Via: SIP/2.0/TLS 10.77.0.2:5061;branch=z9hG4bKd2\r\n"
	     "From: <sip:bob@corp.test>;tag=bobtag\r\nTo: <sip:alice@corp.test>;tag=%s\r\n"
	     "Call-ID: call-d@10.77.0.3\r\nCSeq: 1 ACK\r\n"
	     "Content-Type: application/sdp\r\nContent-Length: %zu\r\n\r\n%s",
	     ltag, strlen(SDP_ANSWER), SDP_ANSWER);
	EXPECT_STREQ(SDP_ANSWER, f.answer_seen);
	EXPECT_EQ(INVITE_CONFIRMED, f.st);
	invite_free(inv);
	f_free(&f);
}

TEST(info_dtmf)
{
	struct fake f = { 0 };
	struct invite *inv;

	ASSERT_EQ(0, invite_new_outgoing(&cfg, &ops, &f, "sip:bob@corp.test",
					 SDP_OFFER, strlen(SDP_OFFER), &inv));
	EXPECT_EQ(-ENOTCONN, invite_send_info_dtmf(inv, '5', 160));
	answer(inv, &f, 0, "200 OK", BOB_CONTACT, SDP_ANSWER);
	ASSERT_EQ(0, invite_send_info_dtmf(inv, '5', 160));
	EXPECT_TRUE(sip_str_eq(last(&f)->method, "INFO"));
	EXPECT_TRUE(sip_str_eq(last(&f)->body, "Signal=5\r\nDuration=160\r\n"));
	EXPECT_STREQ("application/dtmf-relay", hdr(last(&f), SIP_HDR_CONTENT_TYPE, 0));
	EXPECT_EQ(-EINVAL, invite_send_info_dtmf(inv, 'x', 160));
	invite_free(inv);
	f_free(&f);
}

/*
 * Two stacks in one process: alice's outgoing session and bob's incoming
 * one, every message handed across as a proxy would (bob's first message
 * creates his session), until both hang up cleanly.
 */
static void pump(struct fake *from, unsigned int *seen, struct fake *to_f,
		 struct invite **to, bool *created)
{
	while (*seen < from->n_sent) {
		const struct sip_msg *m = &from->sent[(*seen)++];

		if (!*to) {
			if (m->request && sip_str_eq(m->method, "INVITE") &&
			    invite_new_incoming(&cfg, &ops, to_f, m, to) == 0)
				*created = true;
			continue;
		}
		if (invite_matches(*to, m))
			invite_message(*to, m);
	}
}

TEST(two_stacks_call_and_hang_up)
{
	struct fake a = { .now = 1 }, b = { .now = 1 };
	struct invite *alice, *bob = NULL;
	unsigned int a_seen = 0, b_seen = 0;
	bool created = false, dummy;

	ASSERT_EQ(0, invite_new_outgoing(&cfg, &ops, &a, "sip:bob@corp.test",
					 SDP_OFFER, strlen(SDP_OFFER), &alice));
	pump(&a, &a_seen, &b, &bob, &created);
	ASSERT_TRUE(created);
	EXPECT_EQ(INVITE_INCOMING, invite_state(bob));
	EXPECT_STREQ(SDP_OFFER, b.offer_seen);
	pump(&b, &b_seen, &a, &alice, &dummy);
	EXPECT_EQ(INVITE_EARLY, invite_state(alice));
	/* both do 100rel: bob's 180 is reliable, alice PRACKs it, bob says 200 */
	EXPECT_STREQ("100rel", named(&b.sent[0], "Require"));
	pump(&a, &a_seen, &b, &bob, &dummy);
	EXPECT_TRUE(sip_str_eq(last(&a)->method, "PRACK"));
	pump(&b, &b_seen, &a, &alice, &dummy);
	EXPECT_EQ(200, last(&b)->status);
	EXPECT_TRUE(sip_str_eq(last(&b)->cseq_method, "PRACK"));
	ASSERT_EQ(0, invite_accept(bob));
	pump(&b, &b_seen, &a, &alice, &dummy);
	EXPECT_EQ(INVITE_CONFIRMED, invite_state(alice));
	EXPECT_STREQ(SDP_ANSWER, a.answer_seen);
	pump(&a, &a_seen, &b, &bob, &dummy);
	EXPECT_EQ(INVITE_CONFIRMED, invite_state(bob));
	/* the ACK stopped the resends; what is left is the session timer:
	 * alice asked 1800 s and refreshes, bob ends it if she does not */
	EXPECT_EQ(1 + (1800 - 32) * 1000000ull, b.armed);
	EXPECT_TRUE(invite_refresher(alice));
	EXPECT_FALSE(invite_refresher(bob));
	EXPECT_EQ(1 + 900 * 1000000ull, a.armed);
	/* bob hangs up; alice answers the BYE; bob's BYE completes */
	ASSERT_EQ(0, invite_hangup(bob));
	pump(&b, &b_seen, &a, &alice, &dummy);
	EXPECT_EQ(INVITE_TERMINATED, invite_state(alice));
	pump(&a, &a_seen, &b, &bob, &dummy);
	EXPECT_EQ(INVITE_TERMINATED, invite_state(bob));
	EXPECT_EQ(200, b.st_status);
	invite_free(alice);
	invite_free(bob);
	f_free(&a);
	f_free(&b);
}

/* A response to sent[i] from the far end with To tag totag (a fork). */
static void answer_from(struct invite *inv, struct fake *f, unsigned int i,
			const char *status, const char *totag, const char *extra,
			const char *body)
{
	const struct sip_msg *r = &f->sent[i];

	feed(inv,
	     "SIP/2.0 %s\r\nVia: %s\r\nFrom: %s\r\nTo: <sip:bob@corp.test>;tag=%s\r\n"
	     "Call-ID: %.*s\r\nCSeq: %u INVITE\r\n"
	     "Contact: <sip:bob@10.77.0.%s:5061;transport=tls>\r\n%s%sContent-Length: %zu\r\n\r\n%s",
	     status, hdr(r, SIP_HDR_VIA, 0), hdr(r, SIP_HDR_FROM, 0), totag,
	     (int)r->call_id.len, r->call_id.p, r->cseq, totag, extra ? extra : "",
	     body ? "Content-Type: application/sdp\r\n" : "",
	     body ? strlen(body) : 0, body ? body : "");
}

TEST(outgoing_422_retries_once_with_min_se)
{
	struct fake f = { .now = 5 };
	struct invite *inv;
	char b1[64];

	ASSERT_EQ(0, invite_new_outgoing(&cfg, &ops, &f, "sip:bob@corp.test",
					 SDP_OFFER, strlen(SDP_OFFER), &inv));
	EXPECT_STREQ("90", named(&f.sent[0], "Min-SE"));
	snprintf(b1, sizeof(b1), "%s", branch(&f.sent[0]));
	/* too short for the proxy: ACK, then once more with its Min-SE */
	answer(inv, &f, 0, "422 Session Interval Too Small", "Min-SE: 3600\r\n", NULL);
	ASSERT_EQ(3, f.n_sent);
	EXPECT_TRUE(sip_str_eq(f.sent[1].method, "ACK"));
	EXPECT_TRUE(sip_str_eq(f.sent[2].method, "INVITE"));
	EXPECT_EQ(f.sent[0].cseq + 1, f.sent[2].cseq);
	EXPECT_STREQ("3600", named(&f.sent[2], "Session-Expires"));
	EXPECT_STREQ("3600", named(&f.sent[2], "Min-SE"));
	EXPECT_STRNE(b1, branch(&f.sent[2]));
	EXPECT_TRUE(sip_str_eq(f.sent[2].body, SDP_OFFER));
	EXPECT_EQ(0, f.n_states);
	EXPECT_EQ(INVITE_CALLING, invite_state(inv));
	/* a second 422 ends the call: one retry only */
	answer(inv, &f, 2, "422 Session Interval Too Small", "Min-SE: 7200\r\n", NULL);
	ASSERT_EQ(4, f.n_sent);
	EXPECT_TRUE(sip_str_eq(f.sent[3].method, "ACK"));
	EXPECT_EQ(INVITE_TERMINATED, f.st);
	EXPECT_EQ(422, f.st_status);
	invite_free(inv);
	f_free(&f);

	/* a 422 without a usable Min-SE is final at once */
	memset(&f, 0, sizeof(f));
	ASSERT_EQ(0, invite_new_outgoing(&cfg, &ops, &f, "sip:bob@corp.test",
					 SDP_OFFER, strlen(SDP_OFFER), &inv));
	answer(inv, &f, 0, "422 Session Interval Too Small", "Min-SE: soon\r\n", NULL);
	EXPECT_EQ(2, f.n_sent);
	EXPECT_EQ(INVITE_TERMINATED, f.st);
	invite_free(inv);
	f_free(&f);
}

#define SDP_FORK_A "v=0\r\no=- 3 3 IN IP4 10.0.0.3\r\ns=-\r\nc=IN IP4 10.0.0.3\r\nt=0 0\r\nm=audio 6000 RTP/SAVP 0\r\n"

TEST(forked_invite_first_2xx_wins)
{
	struct fake f = { .now = 5 };
	struct invite *inv;
	const struct sip_msg *m;

	ASSERT_EQ(0, invite_new_outgoing(&cfg, &ops, &f, "sip:bob@corp.test",
					 SDP_OFFER, strlen(SDP_OFFER), &inv));
	/* two phones ring; the first sends early media */
	answer_from(inv, &f, 0, "183 Session Progress", "3", NULL, SDP_FORK_A);
	EXPECT_EQ(INVITE_EARLY, f.st);
	EXPECT_STREQ(SDP_FORK_A, f.answer_seen);
	answer_from(inv, &f, 0, "180 Ringing", "4", NULL, NULL);
	EXPECT_EQ(1, f.n_sent);
	/* the second answers: its own SDP replaces the early one, ACK to it */
	answer_from(inv, &f, 0, "200 OK", "4", NULL, SDP_ANSWER);
	EXPECT_EQ(INVITE_CONFIRMED, f.st);
	EXPECT_EQ(2, f.n_answers);
	EXPECT_STREQ(SDP_ANSWER, f.answer_seen);
	ASSERT_EQ(2, f.n_sent);
	m = &f.sent[1];
	EXPECT_TRUE(sip_str_eq(m->method, "ACK"));
	EXPECT_STREQ("4", tag(hdr(m, SIP_HDR_TO, 0)));
	EXPECT_TRUE(sip_str_eq(m->uri, "sip:bob@10.77.0.4:5061;transport=tls"));
	/* the first answers too, later: ACKed and BYEd in its own dialog */
	answer_from(inv, &f, 0, "200 OK", "3", NULL, SDP_FORK_A);
	ASSERT_EQ(4, f.n_sent);
	EXPECT_TRUE(sip_str_eq(f.sent[2].method, "ACK"));
	EXPECT_EQ(f.sent[0].cseq, f.sent[2].cseq);
	EXPECT_STREQ("3", tag(hdr(&f.sent[2], SIP_HDR_TO, 0)));
	EXPECT_TRUE(sip_str_eq(f.sent[2].uri, "sip:bob@10.77.0.3:5061;transport=tls"));
	EXPECT_TRUE(sip_str_eq(f.sent[3].method, "BYE"));
	EXPECT_STREQ("3", tag(hdr(&f.sent[3], SIP_HDR_TO, 0)));
	EXPECT_TRUE(sip_str_eq(f.sent[3].uri, "sip:bob@10.77.0.3:5061;transport=tls"));
	EXPECT_GT(f.sent[3].cseq, f.sent[0].cseq);
	/* the call stays with the winner; its answer was not taken again */
	EXPECT_EQ(INVITE_CONFIRMED, invite_state(inv));
	EXPECT_EQ(2, f.n_answers);
	/* the loser's 200 again: ACK only; its BYE's 200 changes nothing */
	answer_from(inv, &f, 0, "200 OK", "3", NULL, SDP_FORK_A);
	ASSERT_EQ(5, f.n_sent);
	EXPECT_TRUE(sip_str_eq(f.sent[4].method, "ACK"));
	answer(inv, &f, 3, "200 OK", NULL, NULL);
	EXPECT_EQ(INVITE_CONFIRMED, invite_state(inv));
	/* the winner's dialog goes on: BYE to tag 4 */
	ASSERT_EQ(0, invite_hangup(inv));
	m = last(&f);
	EXPECT_TRUE(sip_str_eq(m->method, "BYE"));
	EXPECT_STREQ("4", tag(hdr(m, SIP_HDR_TO, 0)));
	EXPECT_GT(m->cseq, f.sent[3].cseq);
	invite_free(inv);
	f_free(&f);
}

TEST(reliable_provisional_is_pracked)
{
	struct fake f = { .now = 5 };
	struct invite *inv;
	const struct sip_msg *m;
	char rack[64];

	ASSERT_EQ(0, invite_new_outgoing(&cfg, &ops, &f, "sip:bob@corp.test",
					 SDP_OFFER, strlen(SDP_OFFER), &inv));
	EXPECT_NE(NULL, strstr(named(&f.sent[0], "Supported"), "100rel"));
	answer_from(inv, &f, 0, "183 Session Progress", "3",
		    "Require: 100rel\r\nRSeq: 5\r\n" RR, SDP_FORK_A);
	EXPECT_EQ(INVITE_EARLY, f.st);
	ASSERT_EQ(2, f.n_sent);
	m = &f.sent[1];
	EXPECT_TRUE(sip_str_eq(m->method, "PRACK"));
	EXPECT_TRUE(sip_str_eq(m->uri, "sip:bob@10.77.0.3:5061;transport=tls"));
	snprintf(rack, sizeof(rack), "5 %u INVITE", f.sent[0].cseq);
	EXPECT_STREQ(rack, named(m, "RAck"));
	EXPECT_STREQ("3", tag(hdr(m, SIP_HDR_TO, 0)));
	EXPECT_STREQ("<sip:10.77.0.2;lr;r2=on>", hdr(m, SIP_HDR_ROUTE, 0));
	EXPECT_GT(m->cseq, f.sent[0].cseq);
	answer(inv, &f, 1, "200 OK", NULL, NULL);
	EXPECT_EQ(0, feed_ret);
	/* its retransmission, and one out of order: no PRACK, not processed */
	f.n_states = 0;
	answer_from(inv, &f, 0, "183 Session Progress", "3",
		    "Require: 100rel\r\nRSeq: 5\r\n", SDP_FORK_A);
	answer_from(inv, &f, 0, "180 Ringing", "3", "Require: 100rel\r\nRSeq: 7\r\n", NULL);
	EXPECT_EQ(2, f.n_sent);
	EXPECT_EQ(0, f.n_states);
	/* the next in order is PRACKed, with a higher CSeq */
	answer_from(inv, &f, 0, "180 Ringing", "3", "Require: 100rel\r\nRSeq: 6\r\n", NULL);
	ASSERT_EQ(3, f.n_sent);
	EXPECT_TRUE(sip_str_eq(f.sent[2].method, "PRACK"));
	snprintf(rack, sizeof(rack), "6 %u INVITE", f.sent[0].cseq);
	EXPECT_STREQ(rack, named(&f.sent[2], "RAck"));
	EXPECT_GT(f.sent[2].cseq, f.sent[1].cseq);
	EXPECT_EQ(180, f.st_status);
	/* an unreliable 18x is never PRACKed */
	answer_from(inv, &f, 0, "180 Ringing", "3", NULL, NULL);
	EXPECT_EQ(3, f.n_sent);
	answer_from(inv, &f, 0, "200 OK", "3", RR, NULL);
	EXPECT_EQ(INVITE_CONFIRMED, f.st);
	EXPECT_TRUE(sip_str_eq(last(&f)->method, "ACK"));
	EXPECT_GT(last(&f)->cseq, 0);
	EXPECT_EQ(f.sent[0].cseq, last(&f)->cseq);
	invite_free(inv);
	f_free(&f);
}

TEST(incoming_accepted_then_refused_488_with_warning)
{
	struct fake f = { 0 };
	struct invite *inv = NULL;

	ASSERT_EQ(0, incoming(&f, &inv, MSG(INVITE_FROM_BOB("", "application/sdp", SDP_OFFER),
					    strlen(SDP_OFFER), SDP_OFFER)));
	EXPECT_EQ(180, last(&f)->status);
	/* the stream would not start: 488 with the reason, no 200, no BYE */
	f.warn_code = 399;
	snprintf(f.warn_text, sizeof(f.warn_text), "media could not start");
	ASSERT_EQ(0, invite_reject(inv, 488));
	EXPECT_EQ(488, last(&f)->status);
	EXPECT_STREQ("399 10.77.0.100:40312 \"media could not start\"", named(last(&f), "Warning"));
	EXPECT_EQ(INVITE_TERMINATED, f.st);
	EXPECT_EQ(2, f.n_sent);
	invite_free(inv);
	f_free(&f);
}

#define PRACK(ltag, cseq, rack)							\
	"PRACK sip:alice@10.77.0.100:40312;transport=tls SIP/2.0\r\n"		\
	"Via: SIP/2.0/TLS 10.77.0.2:5061;branch=z9hG4bKpr%u\r\n"		\
	"From: <sip:bob@corp.test>;tag=bobtag\r\nTo: <sip:alice@corp.test>;tag=%s\r\n" \
	"Call-ID: call-1@10.77.0.3\r\nCSeq: %u PRACK\r\nRAck: %s\r\n"	\
	"Content-Length: 0\r\n\r\n", cseq, ltag, cseq, rack

/* RFC 3262 as callee: the 180 is reliable, resent T1 doubling until PRACK */
TEST(incoming_reliable_180_resent_until_prack)
{
	struct fake f = { .now = 1000 };
	struct invite *inv;
	const struct sip_msg *m;
	char ltag[64], rack[64];
	unsigned long rseq;
	uint64_t t0 = f.now;

	ASSERT_EQ(0, incoming(&f, &inv, MSG(INVITE_FROM_BOB("Supported: timer, 100rel\r\n", "application/sdp", SDP_OFFER),
					    strlen(SDP_OFFER), SDP_OFFER)));
	ASSERT_EQ(1, f.n_sent);
	m = &f.sent[0];
	EXPECT_EQ(180, m->status);
	EXPECT_STREQ("100rel", named(m, "Require"));
	rseq = strtoul(named(m, "RSeq"), NULL, 10);
	EXPECT_GE(rseq, 1);
	EXPECT_LE(rseq, 0x7fffffffUL);
	EXPECT_NE(NULL, strstr(named(m, "Allow"), "PRACK"));
	snprintf(ltag, sizeof(ltag), "%s", tag(hdr(m, SIP_HDR_TO, 0)));

	/* resent at T1, 2*T1, 4*T1: the same 180, the same RSeq */
	EXPECT_EQ(t0 + INVITE_T1_USEC, f.armed);
	for (int i = 0; i < 3; i++) {
		f.now = f.armed;
		invite_timer(inv);
		ASSERT_EQ(2 + i, f.n_sent);
		EXPECT_EQ(180, last(&f)->status);
		EXPECT_EQ(rseq, strtoul(named(last(&f), "RSeq"), NULL, 10));
		EXPECT_EQ(f.now + (INVITE_T1_USEC << (i + 1)), f.armed);
	}

	/* a PRACK naming another response: 481, the resends go on */
	snprintf(rack, sizeof(rack), "%lu 10 INVITE", rseq + 1);
	feed(inv, PRACK(ltag, 11, rack));
	ASSERT_EQ(0, feed_ret);
	EXPECT_EQ(481, last(&f)->status);
	/* no RAck the phone can read: 400 */
	feed(inv, PRACK(ltag, 12, "one 10 INVITE"));
	EXPECT_EQ(400, last(&f)->status);
	EXPECT_NE(UINT64_MAX, f.armed);

	/* the PRACK: 200, no more resends, still ringing */
	snprintf(rack, sizeof(rack), "%lu 10 INVITE", rseq);
	feed(inv, PRACK(ltag, 13, rack));
	EXPECT_EQ(200, last(&f)->status);
	EXPECT_TRUE(sip_str_eq(last(&f)->cseq_method, "PRACK"));
	EXPECT_EQ(INVITE_INCOMING, invite_state(inv));
	EXPECT_EQ(UINT64_MAX, f.armed);
	/* a second PRACK for it names nothing unacknowledged */
	feed(inv, PRACK(ltag, 14, rack));
	EXPECT_EQ(481, last(&f)->status);

	/* answered: 200 with the SDP answer, resent until ACK as always */
	ASSERT_EQ(0, invite_accept(inv));
	EXPECT_EQ(200, last(&f)->status);
	EXPECT_TRUE(sip_str_eq(last(&f)->cseq_method, "INVITE"));
	EXPECT_EQ(INVITE_ANSWERED, f.st);
	invite_free(inv);
	f_free(&f);
}

/* Require: 100rel is honoured; never PRACKed: 504 after 64*T1 */
TEST(incoming_reliable_180_never_pracked)
{
	struct fake f = { .now = 5 };
	struct invite *inv;
	unsigned int n180 = 0;

	ASSERT_EQ(0, incoming(&f, &inv, MSG(INVITE_FROM_BOB("Require: 100rel\r\n", "application/sdp", SDP_OFFER),
					    strlen(SDP_OFFER), SDP_OFFER)));
	EXPECT_EQ(180, f.sent[0].status);
	EXPECT_STREQ("100rel", named(&f.sent[0], "Require"));
	for (int i = 0; i < 20 && f.st != INVITE_TERMINATED; i++) {
		f.now = f.armed;
		invite_timer(inv);
	}
	for (unsigned int i = 0; i < f.n_sent; i++)
		n180 += f.sent[i].status == 180;
	/* sent at 0, then at 0.5 1.5 3.5 7.5 15.5 31.5 s; 504 at 32 s */
	EXPECT_EQ(7, n180);
	EXPECT_EQ(504, last(&f)->status);
	EXPECT_TRUE(sip_str_eq(last(&f)->cseq_method, "INVITE"));
	EXPECT_EQ(INVITE_TERMINATED, f.st);
	EXPECT_EQ(5 + INVITE_TIMER_B_USEC, f.now);
	invite_free(inv);
	f_free(&f);
}

/* Without 100rel from the caller the 180 is the plain one, sent once */
TEST(incoming_plain_180_without_100rel)
{
	struct fake f = { .now = 5 };
	struct invite *inv;

	ASSERT_EQ(0, incoming(&f, &inv, MSG(INVITE_FROM_BOB("Supported: timer\r\n", "application/sdp", SDP_OFFER),
					    strlen(SDP_OFFER), SDP_OFFER)));
	EXPECT_EQ(180, f.sent[0].status);
	EXPECT_STREQ("", named(&f.sent[0], "RSeq"));
	EXPECT_EQ(UINT64_MAX, f.armed);
	invite_free(inv);
	f_free(&f);
}

TEST_HARNESS_MAIN
