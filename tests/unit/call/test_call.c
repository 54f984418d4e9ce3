// SPDX-License-Identifier: GPL-2.0-only
/*
 * The call manager (daemon/call/call.c) and dial plan, driven like the
 * phone is used: hook, speaker key, keypad digits, `ucphonectl dial`,
 * with a fake clock, a fake media side (it records tones, offers and
 * stream starts) and every SIP message captured and parsed.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "kselftest_harness.h"
#include "call/call.h"
#include "call/dialplan.h"
#include "call/call_set.h"
#include "call/forward.h"

#define SENT_MAX 32
#define OFFER "v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\nm=audio 4000 RTP/SAVP 0\r\n"

struct fake {
	uint64_t now, armed[__CALL_TIMER_COUNT];
	struct sip_msg sent[SENT_MAX];
	unsigned int n_sent, changes, streams_open, runs, dtmf_ok;
	enum call_tone tone;
	bool registered, tel_event, run_fails;
	char dtmf[32];
	enum media_dir local_dir, far_dir;	/* the last stream's SDP says */
	struct fstream { enum media_dir local, far; bool conf; } st[8];
	unsigned int n_st;
	/* the call log's view: calls ended on any line */
	unsigned int n_logged, logged_status;
	char logged_uri[128], logged_fwd[128];
};

static uint64_t f_now(void *ctx) { return ((struct fake *)ctx)->now; }
static void f_arm(void *ctx, enum call_timer t, uint64_t at) { ((struct fake *)ctx)->armed[t] = at; }
static void f_changed(void *ctx) { ((struct fake *)ctx)->changes++; }

static void f_ended(void *ctx, const struct call_record *r)
{
	struct fake *f = ctx;

	f->n_logged++;
	f->logged_status = r->status;
	snprintf(f->logged_uri, sizeof(f->logged_uri), "%s", r->uri ? r->uri : "");
	snprintf(f->logged_fwd, sizeof(f->logged_fwd), "%s",
		 r->forwarded_to ? r->forwarded_to : "");
}

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

static int f_identity(void *ctx, struct call_identity *id)
{
	struct fake *f = ctx;

	if (!f->registered)
		return -ENOTCONN;
	snprintf(id->local_na, sizeof(id->local_na), "<sip:alice@corp.test>");
	snprintf(id->contact, sizeof(id->contact), "<sip:alice@10.77.0.100:40312;transport=tls;ob>");
	snprintf(id->sent_by, sizeof(id->sent_by), "10.77.0.100:40312");
	snprintf(id->domain, sizeof(id->domain), "corp.test");
	snprintf(id->auth_user, sizeof(id->auth_user), "alice");
	snprintf(id->password, sizeof(id->password), "Alice!Pass1");
	return 0;
}

static struct fake *the_fake;
static struct call_set *the_set;	/* set: SIP goes through the lines */

static void *m_open(void *mctx, char *why, size_t n)
{
	struct fake *f = mctx;

	(void)why;
	(void)n;
	f->streams_open++;
	if (f->n_st == 8)
		return NULL;
	f->st[f->n_st] = (struct fstream){ MEDIA_DIR_SENDRECV, MEDIA_DIR_SENDRECV };
	return &f->st[f->n_st++];
}

static void m_close(void *stream) { (void)stream; the_fake->streams_open--; }

static int m_offer(void *stream, char *sdp, size_t cap, size_t *len)
{
	struct fstream *fs = stream;
	int n;

	n = snprintf(sdp, cap, OFFER "a=%s\r\n", media_dir_name(fs->local));
	*len = (size_t)n;
	return cap > *len ? 0 : -ENOSPC;
}

/* The far end's direction, from the phone's side, as a real SDP says it. */
static void far_dir_of(void *stream, const char *sdp, size_t len)
{
	struct fstream *fs = stream;
	char text[4096];

	snprintf(text, sizeof(text), "%.*s", (int)len, sdp);
	fs->far = the_fake->far_dir = strstr(text, "a=sendonly") ? MEDIA_DIR_RECVONLY :
			    strstr(text, "a=recvonly") ? MEDIA_DIR_SENDONLY :
			    strstr(text, "a=inactive") ? MEDIA_DIR_INACTIVE :
			    MEDIA_DIR_SENDRECV;
}

static unsigned int m_answer(void *stream, const char *sdp, size_t len, char *why, size_t n)
{
	if (len < 4) {
		snprintf(why, n, "no audio");
		return 488;
	}
	far_dir_of(stream, sdp, len);
	return 0;
}

static unsigned int m_offer_rx(void *stream, const char *sdp, size_t len, char *ans,
			       size_t cap, size_t *alen, char *why, size_t n)
{
	struct fstream *fs = stream;

	if (len < 10 || memcmp(sdp, "v=0", 3)) {
		snprintf(why, n, "not SDP");
		return 400;
	}
	if (memmem(sdp, len, "m=audio 4000 RTP/SAVP 97", 24)) {
		snprintf(why, n, "no common codec");
		return 488;
	}
	far_dir_of(stream, sdp, len);
	*alen = (size_t)snprintf(ans, cap, OFFER "a=%s\r\n",
				 media_dir_name(fs->local & fs->far));
	return 0;
}

static int m_run(void *stream)
{
	struct fstream *fs = stream;

	if (the_fake->run_fails)
		return -EPROTONOSUPPORT;
	the_fake->runs++;
	return (int)(fs->local & fs->far);
}

static void m_set_dir(void *stream, enum media_dir d)
{
	((struct fstream *)stream)->local = the_fake->local_dir = d;
}

static enum media_dir m_far_dir(void *stream) { return ((struct fstream *)stream)->far; }

static int m_dtmf(void *stream, char d)
{
	size_t n = strlen(the_fake->dtmf);

	(void)stream;
	if (!the_fake->tel_event)
		return -EOPNOTSUPP;
	the_fake->dtmf[n] = d;
	the_fake->dtmf[n + 1] = 0;
	return 0;
}

static int m_tone(void *mctx, enum call_tone t) { ((struct fake *)mctx)->tone = t; return 0; }
static struct json_object *m_describe(void *stream) { (void)stream; return json_object_new_object(); }
static void m_conf(void *stream, bool on) { ((struct fstream *)stream)->conf = on; }

static const struct call_media_ops media = {
	.open = m_open, .close = m_close, .offer = m_offer,
	.answer_received = m_answer, .offer_received = m_offer_rx,
	.run = m_run, .dtmf = m_dtmf, .tone = m_tone, .describe = m_describe,
	.set_direction = m_set_dir, .far_direction = m_far_dir, .conference = m_conf,
};

static struct call_manager *setup(struct fake *f)
{
	struct call_env env = {
		.now = f_now, .arm = f_arm, .send = f_send, .identity = f_identity,
		.changed = f_changed, .ctx = f, .media = &media, .mctx = f,
	};
	struct call_manager *cm;

	memset(f, 0, sizeof(*f));
	f->now = 1000;
	f->registered = true;
	f->local_dir = f->far_dir = MEDIA_DIR_SENDRECV;
	the_fake = f;
	the_set = NULL;
	if (call_manager_new(&env, &cm) < 0)
		return NULL;
	return cm;
}

static void teardown(struct fake *f, struct call_manager *cm)
{
	call_manager_free(cm);
	for (unsigned int i = 0; i < f->n_sent; i++)
		sip_msg_free(&f->sent[i]);
}

static const struct sip_msg *last(struct fake *f)
{
	return &f->sent[f->n_sent - 1];
}

static char *hdr(const struct sip_msg *m, enum sip_hdr id)
{
	static char buf[512];

	buf[0] = 0;
	sip_str_copy(sip_msg_value(m, id), buf, sizeof(buf));
	return buf;
}

/* The far end's response to sent[i]. */
static bool respond(struct call_manager *cm, struct fake *f, unsigned int i,
		    const char *status, const char *body)
{
	const struct sip_msg *r = &f->sent[i];
	char buf[4096], via[256], from[256], to[256];
	struct sip_msg m;
	bool mine;
	int n;

	snprintf(via, sizeof(via), "%s", hdr(r, SIP_HDR_VIA));
	snprintf(from, sizeof(from), "%s", hdr(r, SIP_HDR_FROM));
	snprintf(to, sizeof(to), "%s", hdr(r, SIP_HDR_TO));
	n = snprintf(buf, sizeof(buf),
		     "SIP/2.0 %s\r\nVia: %s\r\nFrom: %s\r\nTo: %s%s\r\nCall-ID: %.*s\r\n"
		     "CSeq: %u %.*s\r\nContact: <sip:bob@10.77.0.3:5061;transport=tls>\r\n"
		     "%sContent-Length: %zu\r\n\r\n%s", status, via, from, to,
		     strstr(to, "tag=") ? "" : ";tag=b1", (int)r->call_id.len, r->call_id.p,
		     r->cseq, (int)r->cseq_method.len, r->cseq_method.p,
		     body ? "Content-Type: application/sdp\r\n" : "",
		     body ? strlen(body) : 0, body ? body : "");
	if (sip_msg_parse(buf, (size_t)n, &m) < 0)
		return false;
	mine = the_set ? call_set_sip_message(the_set, &m) : call_sip_message(cm, &m);
	sip_msg_free(&m);
	return mine;
}

static bool request(struct call_manager *cm, const char *text)
{
	struct sip_msg m;
	bool mine;

	if (sip_msg_parse(text, strlen(text), &m) < 0)
		return false;
	mine = the_set ? call_set_sip_message(the_set, &m) : call_sip_message(cm, &m);
	sip_msg_free(&m);
	return mine;
}

/* The far end's ACK to the phone's 2xx: FROM (with its tag), the phone's To TOTAG. */
static bool ack(struct call_manager *cm, const char *from, const char *call_id,
		unsigned int cseq, const char *totag)
{
	char text[512];

	snprintf(text, sizeof(text),
		 "ACK sip:alice@10.77.0.100 SIP/2.0\r\nVia: SIP/2.0/TLS 10.77.0.2;branch=z9hG4bKack%s%u\r\n"
		 "From: %s\r\nTo: <sip:alice@corp.test>;%s\r\n"
		 "Call-ID: %s\r\nCSeq: %u ACK\r\nContent-Length: 0\r\n\r\n",
		 call_id, cseq, from, totag, call_id, cseq);
	return request(cm, text);
}

TEST(dialplan)
{
	char uri[128];

	ASSERT_EQ(0, dialplan_uri("2001", "corp.test", uri, sizeof(uri)));
	EXPECT_STREQ("sip:2001@corp.test", uri);
	ASSERT_EQ(0, dialplan_uri("2001#", "corp.test", uri, sizeof(uri)));
	EXPECT_STREQ("sip:2001@corp.test", uri);
	ASSERT_EQ(0, dialplan_uri("bob", "corp.test", uri, sizeof(uri)));
	EXPECT_STREQ("sip:bob@corp.test", uri);
	ASSERT_EQ(0, dialplan_uri("bob@other.test", "corp.test", uri, sizeof(uri)));
	EXPECT_STREQ("sip:bob@other.test", uri);
	ASSERT_EQ(0, dialplan_uri("sip:carol@corp.test;transport=tls", "corp.test", uri, sizeof(uri)));
	EXPECT_STREQ("sip:carol@corp.test;transport=tls", uri);
	EXPECT_EQ(-EINVAL, dialplan_uri("bob smith", "corp.test", uri, sizeof(uri)));
	EXPECT_EQ(-EINVAL, dialplan_uri("bob\r\nVia: x", "corp.test", uri, sizeof(uri)));
	EXPECT_EQ(-EINVAL, dialplan_uri("<sip:x@y>", "corp.test", uri, sizeof(uri)));
	EXPECT_EQ(-EINVAL, dialplan_uri("", "corp.test", uri, sizeof(uri)));
	EXPECT_EQ(-EINVAL, dialplan_uri("sip:nobody", "corp.test", uri, sizeof(uri)));
	EXPECT_EQ(-ENXIO, dialplan_uri("2001", "", uri, sizeof(uri)));
	EXPECT_EQ(-ENOSPC, dialplan_uri("2001", "corp.test", uri, 8));
}

TEST(off_hook_digits_timeout_call_bye)
{
	struct fake f;
	struct call_manager *cm = setup(&f);

	ASSERT_NE(NULL, cm);
	call_key(cm, CALL_KEY_OFF_HOOK, 0);
	EXPECT_EQ(CALL_DIALLING, call_state(cm));
	EXPECT_EQ(CALL_TONE_DIAL, f.tone);
	call_key(cm, CALL_KEY_DIGIT, '2');
	EXPECT_EQ(CALL_TONE_NONE, f.tone);
	call_press(cm, "0");
	call_press(cm, "0");
	call_press(cm, "1");
	EXPECT_EQ(f.now + DIALPLAN_INTERDIGIT_USEC, f.armed[CALL_TIMER_DIGITS]);
	EXPECT_EQ(0, f.n_sent);
	/* 4 s without a digit: the number goes out */
	f.now += DIALPLAN_INTERDIGIT_USEC;
	call_timer(cm, CALL_TIMER_DIGITS);
	EXPECT_EQ(CALL_CALLING, call_state(cm));
	ASSERT_EQ(1, f.n_sent);
	EXPECT_TRUE(sip_str_eq(f.sent[0].method, "INVITE"));
	EXPECT_TRUE(sip_str_eq(f.sent[0].uri, "sip:2001@corp.test"));
	EXPECT_EQ(1, f.streams_open);

	EXPECT_TRUE(respond(cm, &f, 0, "180 Ringing", NULL));
	EXPECT_EQ(CALL_RINGBACK, call_state(cm));
	EXPECT_EQ(CALL_TONE_RINGBACK, f.tone);
	EXPECT_TRUE(respond(cm, &f, 0, "200 OK", OFFER));
	EXPECT_EQ(CALL_CONNECTED, call_state(cm));
	EXPECT_EQ(CALL_TONE_NONE, f.tone);
	EXPECT_EQ(1, f.runs);
	EXPECT_TRUE(sip_str_eq(last(&f)->method, "ACK"));

	/* digits during the call: SIP INFO when no telephone-event */
	call_press(cm, "5");
	EXPECT_TRUE(sip_str_eq(last(&f)->method, "INFO"));
	f.tel_event = true;
	EXPECT_EQ(0, call_dtmf(cm, "1#"));
	EXPECT_STREQ("1#", f.dtmf);
	EXPECT_EQ(-EINVAL, call_dtmf(cm, "1x"));

	/* on hook: BYE, and the stream closes when it ends */
	call_key(cm, CALL_KEY_ON_HOOK, 0);
	EXPECT_EQ(CALL_ENDING, call_state(cm));
	EXPECT_TRUE(sip_str_eq(last(&f)->method, "BYE"));
	EXPECT_TRUE(respond(cm, &f, f.n_sent - 1, "200 OK", NULL));
	EXPECT_EQ(CALL_IDLE, call_state(cm));
	EXPECT_EQ(0, f.streams_open);
	teardown(&f, cm);
}

/*
 * The screen's dialling matches: a volume key while digits are collected
 * means a match is being chosen, so the 4 s timeout cannot dial the typed
 * digits under it; OK's `dial` replaces them, and a late timer does nothing.
 */
TEST(choosing_a_match_stops_the_digit_timeout_and_dial_replaces_digits)
{
	char why[128];
	struct fake f;
	struct call_manager *cm = setup(&f);

	ASSERT_NE(NULL, cm);
	/* no digits yet: a volume key is only a volume key */
	call_key(cm, CALL_KEY_OFF_HOOK, 0);
	call_key(cm, CALL_KEY_CHOOSE, 0);
	EXPECT_EQ(CALL_DIALLING, call_state(cm));
	call_press(cm, "2");
	call_press(cm, "0");
	call_press(cm, "0");
	EXPECT_EQ(f.now + DIALPLAN_INTERDIGIT_USEC, f.armed[CALL_TIMER_DIGITS]);
	/* 3.9 s later the user moves to a match: the timeout stops */
	f.now += DIALPLAN_INTERDIGIT_USEC - 100000;
	call_key(cm, CALL_KEY_CHOOSE, 0);
	EXPECT_EQ(UINT64_MAX, f.armed[CALL_TIMER_DIGITS]);
	/* a 4th digit starts it again (the matches start over), another key stops it */
	call_press(cm, "2");
	EXPECT_EQ(f.now + DIALPLAN_INTERDIGIT_USEC, f.armed[CALL_TIMER_DIGITS]);
	call_key(cm, CALL_KEY_CHOOSE, 0);
	EXPECT_EQ(UINT64_MAX, f.armed[CALL_TIMER_DIGITS]);
	/* long after 4 s nothing went out */
	f.now += 3 * DIALPLAN_INTERDIGIT_USEC;
	EXPECT_EQ(CALL_DIALLING, call_state(cm));
	EXPECT_EQ(0, f.n_sent);
	/* OK on the match: the screen's `dial` replaces the typed digits */
	ASSERT_EQ(0, call_dial(cm, "sip:carol@corp.test", why, sizeof(why)));
	EXPECT_EQ(CALL_CALLING, call_state(cm));
	ASSERT_EQ(1, f.n_sent);
	EXPECT_TRUE(sip_str_eq(f.sent[0].uri, "sip:carol@corp.test"));
	EXPECT_EQ(UINT64_MAX, f.armed[CALL_TIMER_DIGITS]);
	/* a digit timer that fires anyway (already queued) dials nothing */
	call_timer(cm, CALL_TIMER_DIGITS);
	EXPECT_EQ(1, f.n_sent);
	EXPECT_EQ(CALL_CALLING, call_state(cm));
	/* a volume key during the call changes nothing of it */
	call_key(cm, CALL_KEY_CHOOSE, 0);
	EXPECT_EQ(CALL_CALLING, call_state(cm));
	EXPECT_EQ(1, f.n_sent);
	call_key(cm, CALL_KEY_ON_HOOK, 0);
	EXPECT_TRUE(respond(cm, &f, 0, "487 Request Terminated", NULL));

	/* chosen, then the match abandoned: '#' sends the typed digits */
	call_key(cm, CALL_KEY_OFF_HOOK, 0);
	call_press(cm, "2");
	call_press(cm, "0");
	call_key(cm, CALL_KEY_CHOOSE, 0);
	EXPECT_EQ(UINT64_MAX, f.armed[CALL_TIMER_DIGITS]);
	call_press(cm, "#");
	EXPECT_EQ(CALL_CALLING, call_state(cm));
	EXPECT_TRUE(sip_str_eq(last(&f)->method, "INVITE"));
	EXPECT_TRUE(sip_str_eq(last(&f)->uri, "sip:20@corp.test"));
	teardown(&f, cm);
}

TEST(busy_gives_busy_tone)
{
	struct fake f;
	struct call_manager *cm = setup(&f);
	char why[128];
	struct json_object *st;

	call_key(cm, CALL_KEY_SPEAKER, 0);
	EXPECT_EQ(CALL_TONE_DIAL, f.tone);
	ASSERT_EQ(0, call_dial(cm, "bob", why, sizeof(why)));
	EXPECT_TRUE(sip_str_eq(f.sent[0].uri, "sip:bob@corp.test"));
	EXPECT_EQ(-EBUSY, call_dial(cm, "carol", why, sizeof(why)));
	EXPECT_TRUE(respond(cm, &f, 0, "486 Busy Here", NULL));
	EXPECT_EQ(CALL_IDLE, call_state(cm));
	EXPECT_EQ(CALL_TONE_BUSY, f.tone);
	st = call_status(cm);
	EXPECT_STREQ("{ \"state\": \"idle\", \"off_hook\": true, \"last_error\": \"Busy Here\", \"last_status\": 486, \"calls\": [ ] }",
		     json_object_to_json_string(st));
	json_object_put(st);
	/* the speaker key again: on hook, quiet */
	call_key(cm, CALL_KEY_SPEAKER, 0);
	EXPECT_EQ(CALL_TONE_NONE, f.tone);
	/* not registered: a clear refusal, nothing sent */
	f.registered = false;
	EXPECT_EQ(-ENOTCONN, call_dial(cm, "bob", why, sizeof(why)));
	EXPECT_STREQ("not signed in (no registration)", why);
	EXPECT_EQ(-EINVAL, call_press(cm, "volume"));
	teardown(&f, cm);
}

/*
 * A hands-free call taken over by the handset: the speaker key pressed
 * with the handset lifted moves the audio (device/audio_mode.c) and
 * leaves the call up; putting the handset down ends it.
 */
TEST(speaker_key_with_the_handset_lifted_keeps_the_call)
{
	struct fake f;
	struct call_manager *cm = setup(&f);
	char why[128];
	unsigned int sent;

	ASSERT_NE(NULL, cm);
	call_key(cm, CALL_KEY_SPEAKER, 0);
	ASSERT_EQ(0, call_dial(cm, "bob", why, sizeof(why)));
	EXPECT_TRUE(respond(cm, &f, 0, "200 OK", OFFER));
	ASSERT_EQ(CALL_CONNECTED, call_state(cm));
	sent = f.n_sent;
	call_key(cm, CALL_KEY_OFF_HOOK, 0);		/* the handset lifted */
	EXPECT_EQ(CALL_CONNECTED, call_state(cm));
	call_key(cm, CALL_KEY_SPEAKER, 0);		/* to the speaker */
	EXPECT_EQ(CALL_CONNECTED, call_state(cm));
	call_key(cm, CALL_KEY_SPEAKER, 0);		/* back to the handset */
	EXPECT_EQ(CALL_CONNECTED, call_state(cm));
	EXPECT_EQ(sent, f.n_sent);			/* no BYE */
	call_key(cm, CALL_KEY_ON_HOOK, 0);
	EXPECT_EQ(CALL_ENDING, call_state(cm));
	EXPECT_TRUE(sip_str_eq(last(&f)->method, "BYE"));
	teardown(&f, cm);
}

#define BOB_INVITE(callid, body)						\
	"INVITE sip:alice@10.77.0.100:40312;transport=tls SIP/2.0\r\n"		\
	"Via: SIP/2.0/TLS 10.77.0.2:5061;branch=z9hG4bK" callid "\r\n"		\
	"From: <sip:bob@corp.test>;tag=bt\r\nTo: <sip:alice@corp.test>\r\n"	\
	"Call-ID: " callid "\r\nCSeq: 1 INVITE\r\n"				\
	"Contact: <sip:bob@10.77.0.3:5061;transport=tls>\r\n"			\
	"Content-Type: application/sdp\r\n"

TEST(incoming_ring_lift_answer_far_bye)
{
	struct fake f;
	struct call_manager *cm = setup(&f);
	char text[2048];
	const char *to;

	snprintf(text, sizeof(text), BOB_INVITE("c1", "") "Content-Length: %zu\r\n\r\n%s",
		 strlen(OFFER), OFFER);
	ASSERT_TRUE(request(cm, text));
	EXPECT_EQ(CALL_INCOMING, call_state(cm));
	EXPECT_EQ(CALL_TONE_RING, f.tone);
	EXPECT_EQ(180, last(&f)->status);

	/* a second call while this one rings: 486 */
	snprintf(text, sizeof(text), BOB_INVITE("c2", "") "Content-Length: %zu\r\n\r\n%s",
		 strlen(OFFER), OFFER);
	ASSERT_TRUE(request(cm, text));
	EXPECT_EQ(486, last(&f)->status);
	EXPECT_EQ(CALL_INCOMING, call_state(cm));

	/* lifting the handset answers */
	call_key(cm, CALL_KEY_OFF_HOOK, 0);
	EXPECT_EQ(200, last(&f)->status);
	EXPECT_EQ(CALL_CONNECTED, call_state(cm));
	EXPECT_EQ(CALL_TONE_NONE, f.tone);
	EXPECT_EQ(1, f.runs);
	to = strstr(hdr(last(&f), SIP_HDR_TO), "tag=");
	ASSERT_NE(NULL, to);
	snprintf(text, sizeof(text),
		 "BYE sip:alice@10.77.0.100 SIP/2.0\r\nVia: SIP/2.0/TLS 10.77.0.2;branch=z9hG4bKbye\r\n"
		 "From: <sip:bob@corp.test>;tag=bt\r\nTo: <sip:alice@corp.test>;%s\r\n"
		 "Call-ID: c1\r\nCSeq: 2 BYE\r\nContent-Length: 0\r\n\r\n", to);
	ASSERT_TRUE(request(cm, text));
	EXPECT_EQ(200, last(&f)->status);
	EXPECT_EQ(CALL_IDLE, call_state(cm));
	EXPECT_EQ(0, f.streams_open);
	/* a BYE for a call that is gone: 481 */
	ASSERT_TRUE(request(cm, text));
	EXPECT_EQ(481, last(&f)->status);
	teardown(&f, cm);
}

TEST(malformed_offer_keeps_phone_working)
{
	struct fake f;
	struct call_manager *cm = setup(&f);
	char text[2048];

	snprintf(text, sizeof(text), BOB_INVITE("c3", "") "Content-Length: 11\r\n\r\nhello world");
	ASSERT_TRUE(request(cm, text));
	EXPECT_EQ(400, last(&f)->status);
	EXPECT_EQ(CALL_IDLE, call_state(cm));
	EXPECT_EQ(0, f.streams_open);
	/* the next good call rings */
	snprintf(text, sizeof(text), BOB_INVITE("c4", "") "Content-Length: %zu\r\n\r\n%s",
		 strlen(OFFER), OFFER);
	ASSERT_TRUE(request(cm, text));
	EXPECT_EQ(CALL_INCOMING, call_state(cm));
	/* hang up while it rings: 603 Decline */
	ASSERT_EQ(0, call_hangup(cm));
	EXPECT_EQ(603, last(&f)->status);
	EXPECT_EQ(CALL_IDLE, call_state(cm));
	teardown(&f, cm);
}

static bool body_has(const struct sip_msg *m, const char *what)
{
	char text[4096];

	snprintf(text, sizeof(text), "%.*s", (int)m->body.len, m->body.p);
	return strstr(text, what) != NULL;
}

static const char *hold_of(struct call_manager *cm)
{
	static char who[32];
	struct json_object *st = call_status(cm), *calls, *c, *h;

	who[0] = 0;
	if (json_object_object_get_ex(st, "calls", &calls) &&
	    (c = json_object_array_get_idx(calls, 0)) &&
	    json_object_object_get_ex(c, "hold", &h))
		snprintf(who, sizeof(who), "%s", json_object_get_string(h));
	json_object_put(st);
	return who;
}

#define ANSWER_SDP(dir) OFFER "a=" dir "\r\n"

/* An outgoing call up: INVITE, 200, ACK. */
static void connect_call(struct call_manager *cm, struct fake *f)
{
	char why[128];

	call_key(cm, CALL_KEY_OFF_HOOK, 0);
	call_dial(cm, "bob", why, sizeof(why));
	respond(cm, f, 0, "200 OK", ANSWER_SDP("sendrecv"));
}

TEST(hold_resume_reinvite_and_glare)
{
	struct fake f;
	struct call_manager *cm = setup(&f);
	unsigned int inv_i, runs;
	uint32_t cseq;

	ASSERT_NE(NULL, cm);
	connect_call(cm, &f);
	ASSERT_EQ(CALL_CONNECTED, call_state(cm));
	EXPECT_EQ(-EALREADY, call_resume(cm));
	runs = f.runs;

	/* HOLD: a re-INVITE in the dialog offering a=sendonly */
	call_key(cm, CALL_KEY_HOLD, 0);
	inv_i = f.n_sent - 1;
	ASSERT_TRUE(sip_str_eq(f.sent[inv_i].method, "INVITE"));
	EXPECT_TRUE(strstr(hdr(&f.sent[inv_i], SIP_HDR_TO), "tag=b1") != NULL);
	ASSERT_EQ(f.sent[0].call_id.len, f.sent[inv_i].call_id.len);
	EXPECT_EQ(0, memcmp(f.sent[0].call_id.p, f.sent[inv_i].call_id.p,
			    f.sent[0].call_id.len));
	EXPECT_TRUE(body_has(&f.sent[inv_i], "a=sendonly"));
	cseq = f.sent[inv_i].cseq;
	EXPECT_GT(cseq, f.sent[0].cseq);
	/* one offer at a time */
	EXPECT_EQ(-EBUSY, call_hold(cm));
	EXPECT_EQ(CALL_CONNECTED, call_state(cm));
	EXPECT_TRUE(respond(cm, &f, inv_i, "200 OK", ANSWER_SDP("recvonly")));
	EXPECT_TRUE(sip_str_eq(last(&f)->method, "ACK"));
	EXPECT_EQ(cseq, last(&f)->cseq);
	EXPECT_EQ(CALL_ON_HOLD, call_state(cm));
	EXPECT_EQ(runs + 1, f.runs);
	EXPECT_STREQ("phone", hold_of(cm));
	EXPECT_EQ(-EALREADY, call_hold(cm));

	/* resume meets glare: 491, ACK, sent again 2.1-4 s later (we own the Call-ID) */
	EXPECT_EQ(0, call_press(cm, "hold"));
	inv_i = f.n_sent - 1;
	ASSERT_TRUE(sip_str_eq(f.sent[inv_i].method, "INVITE"));
	EXPECT_TRUE(body_has(&f.sent[inv_i], "a=sendrecv"));
	EXPECT_TRUE(respond(cm, &f, inv_i, "491 Request Pending", NULL));
	EXPECT_TRUE(sip_str_eq(last(&f)->method, "ACK"));
	EXPECT_EQ(CALL_ON_HOLD, call_state(cm));
	EXPECT_GE(f.armed[CALL_TIMER_SIP], f.now + 2100000);
	EXPECT_LE(f.armed[CALL_TIMER_SIP], f.now + 4000000);
	f.now = f.armed[CALL_TIMER_SIP];
	call_timer(cm, CALL_TIMER_SIP);
	inv_i = f.n_sent - 1;
	ASSERT_TRUE(sip_str_eq(f.sent[inv_i].method, "INVITE"));
	EXPECT_TRUE(body_has(&f.sent[inv_i], "a=sendrecv"));
	EXPECT_GT(f.sent[inv_i].cseq, cseq);
	EXPECT_TRUE(respond(cm, &f, inv_i, "200 OK", ANSWER_SDP("sendrecv")));
	EXPECT_EQ(CALL_CONNECTED, call_state(cm));
	EXPECT_STREQ("", hold_of(cm));

	/* a hold the far end refuses: the call stays as it was, the reason shown */
	EXPECT_EQ(0, call_hold(cm));
	inv_i = f.n_sent - 1;
	EXPECT_TRUE(respond(cm, &f, inv_i, "488 Not Acceptable Here", NULL));
	EXPECT_EQ(CALL_CONNECTED, call_state(cm));
	EXPECT_EQ(MEDIA_DIR_SENDRECV, f.local_dir);
	{
		struct json_object *st = call_status(cm), *e;

		ASSERT_TRUE(json_object_object_get_ex(st, "last_error", &e));
		EXPECT_STREQ("hold refused (488)", json_object_get_string(e));
		json_object_put(st);
	}
	/* no answer at all to a hold: Timer B, BYE */
	EXPECT_EQ(0, call_hold(cm));
	f.now += INVITE_TIMER_B_USEC;
	call_timer(cm, CALL_TIMER_SIP);
	EXPECT_TRUE(sip_str_eq(last(&f)->method, "BYE"));
	EXPECT_EQ(CALL_ENDING, call_state(cm));
	teardown(&f, cm);
}

TEST(far_end_hold_then_phone_hold_is_inactive)
{
	struct fake f;
	struct call_manager *cm = setup(&f);
	char text[2048];
	const char *to;
	unsigned int inv_i;
	char totag[64];

	snprintf(text, sizeof(text), BOB_INVITE("h1", "") "Content-Length: %zu\r\n\r\n%s",
		 strlen(ANSWER_SDP("sendrecv")), ANSWER_SDP("sendrecv"));
	ASSERT_TRUE(request(cm, text));
	call_key(cm, CALL_KEY_OFF_HOOK, 0);
	ASSERT_EQ(CALL_CONNECTED, call_state(cm));
	to = strstr(hdr(last(&f), SIP_HDR_TO), "tag=");
	ASSERT_NE(NULL, to);
	snprintf(totag, sizeof(totag), "%s", to);
	ASSERT_TRUE(ack(cm, "<sip:bob@corp.test>;tag=bt", "h1", 1, totag));

	/* bob holds: re-INVITE a=sendonly, answered a=recvonly, HELD */
#define BOB_REINVITE(cseq, dir)							\
	snprintf(text, sizeof(text),						\
		 "INVITE sip:alice@10.77.0.100 SIP/2.0\r\n"			\
		 "Via: SIP/2.0/TLS 10.77.0.2;branch=z9hG4bKre" #cseq "\r\n"	\
		 "From: <sip:bob@corp.test>;tag=bt\r\nTo: <sip:alice@corp.test>;%s\r\n" \
		 "Call-ID: h1\r\nCSeq: " #cseq " INVITE\r\n"			\
		 "Contact: <sip:bob@10.77.0.3:5061;transport=tls>\r\n"		\
		 "Content-Type: application/sdp\r\nContent-Length: %zu\r\n\r\n%s", \
		 totag, strlen(ANSWER_SDP(dir)), ANSWER_SDP(dir))
	BOB_REINVITE(2, "sendonly");
	ASSERT_TRUE(request(cm, text));
	EXPECT_EQ(200, last(&f)->status);
	EXPECT_TRUE(body_has(last(&f), "a=recvonly"));
	EXPECT_EQ(CALL_HELD, call_state(cm));
	EXPECT_STREQ("far end", hold_of(cm));
	/* the ACK */
	ASSERT_TRUE(ack(cm, "<sip:bob@corp.test>;tag=bt", "h1", 2, totag));

	/* the phone holds too: a=inactive (RFC 6337 5.3) */
	EXPECT_EQ(0, call_hold(cm));
	inv_i = f.n_sent - 1;
	ASSERT_TRUE(sip_str_eq(f.sent[inv_i].method, "INVITE"));
	EXPECT_TRUE(body_has(&f.sent[inv_i], "a=inactive"));
	EXPECT_TRUE(respond(cm, &f, inv_i, "200 OK", ANSWER_SDP("inactive")));
	EXPECT_EQ(CALL_ON_HOLD, call_state(cm));
	EXPECT_STREQ("both", hold_of(cm));

	/* bob resumes while the phone still holds: the answer is a=sendonly */
	BOB_REINVITE(3, "sendrecv");
	ASSERT_TRUE(request(cm, text));
	EXPECT_EQ(200, last(&f)->status);
	EXPECT_TRUE(body_has(last(&f), "a=sendonly"));
	EXPECT_EQ(CALL_ON_HOLD, call_state(cm));
	EXPECT_STREQ("phone", hold_of(cm));
	ASSERT_TRUE(ack(cm, "<sip:bob@corp.test>;tag=bt", "h1", 3, totag));
	/* the phone resumes: sendrecv, CONNECTED; the incoming side retries 491 within 2 s */
	EXPECT_EQ(0, call_resume(cm));
	inv_i = f.n_sent - 1;
	EXPECT_TRUE(body_has(&f.sent[inv_i], "a=sendrecv"));
	EXPECT_TRUE(respond(cm, &f, inv_i, "491 Request Pending", NULL));
	EXPECT_LE(f.armed[CALL_TIMER_SIP], f.now + 2000000);
	f.now = f.armed[CALL_TIMER_SIP];
	call_timer(cm, CALL_TIMER_SIP);
	inv_i = f.n_sent - 1;
	ASSERT_TRUE(sip_str_eq(f.sent[inv_i].method, "INVITE"));
	EXPECT_TRUE(respond(cm, &f, inv_i, "200 OK", ANSWER_SDP("sendrecv")));
	EXPECT_EQ(CALL_CONNECTED, call_state(cm));
	teardown(&f, cm);
}

/* ---- several lines: call waiting, swap ---- */

static struct call_set *setup_set_fwd(struct fake *f, bool waiting,
				      const struct forward_rules *rules)
{
	struct call_env env = {
		.now = f_now, .arm = f_arm, .send = f_send, .identity = f_identity,
		.changed = f_changed, .ctx = f, .media = &media, .mctx = f,
		.ended = f_ended, .forward = rules,
	};
	struct call_set_config cfg = { .call_waiting = waiting };
	struct call_set *set;

	memset(f, 0, sizeof(*f));
	f->now = 1000;
	f->registered = true;
	f->local_dir = f->far_dir = MEDIA_DIR_SENDRECV;
	the_fake = f;
	if (call_set_new(&env, &cfg, &set) < 0)
		return NULL;
	the_set = set;
	return set;
}

static struct call_set *setup_set(struct fake *f, bool waiting)
{
	return setup_set_fwd(f, waiting, NULL);
}

static void teardown_set(struct fake *f, struct call_set *set)
{
	call_set_free(set);
	the_set = NULL;
	for (unsigned int i = 0; i < f->n_sent; i++)
		sip_msg_free(&f->sent[i]);
}

/* The last message sent with this method (or status) on this Call-ID. */
static int sent_on(struct fake *f, const char *callid, const char *method,
		   unsigned int status)
{
	for (int i = (int)f->n_sent - 1; i >= 0; i--) {
		const struct sip_msg *m = &f->sent[i];

		if (!sip_str_eq(m->call_id, callid))
			continue;
		if (method && m->request && sip_str_eq(m->method, method))
			return i;
		if (!method && !m->request && m->status == status)
			return i;
	}
	return -1;
}

#define CAROL_INVITE(callid)							\
	"INVITE sip:alice@10.77.0.100:40312;transport=tls SIP/2.0\r\n"		\
	"Via: SIP/2.0/TLS 10.77.0.2:5061;branch=z9hG4bK" callid "\r\n"		\
	"From: <sip:carol@corp.test>;tag=ct\r\nTo: <sip:alice@corp.test>\r\n"	\
	"Call-ID: " callid "\r\nCSeq: 1 INVITE\r\n"				\
	"Contact: <sip:carol@10.77.0.3:5063;transport=tls>\r\n"			\
	"Content-Type: application/sdp\r\n"

static bool carol_calls(struct call_set *set, const char *callid, char *totag, size_t n)
{
	char text[2048];
	const char *to;
	int i;

	snprintf(text, sizeof(text),
		 "INVITE sip:alice@10.77.0.100:40312;transport=tls SIP/2.0\r\n"
		 "Via: SIP/2.0/TLS 10.77.0.2:5061;branch=z9hG4bK%s\r\n"
		 "From: <sip:carol@corp.test>;tag=ct\r\nTo: <sip:alice@corp.test>\r\n"
		 "Call-ID: %s\r\nCSeq: 1 INVITE\r\n"
		 "Contact: <sip:carol@10.77.0.3:5063;transport=tls>\r\n"
		 "Content-Type: application/sdp\r\nContent-Length: %zu\r\n\r\n%s",
		 callid, callid, strlen(ANSWER_SDP("sendrecv")), ANSWER_SDP("sendrecv"));
	(void)set;
	if (!request(NULL, text))
		return false;
	i = sent_on(the_fake, callid, NULL, 180);
	if (i < 0)
		return false;
	to = strstr(hdr(&the_fake->sent[i], SIP_HDR_TO), "tag=");
	snprintf(totag, n, "%s", to ? to : "");
	return true;
}

static int waiting_flag(struct call_set *set, int *n_calls)
{
	struct json_object *st = call_set_status(set), *v;
	int w = 0;

	if (json_object_object_get_ex(st, "call_waiting", &v))
		w = json_object_get_boolean(v);
	if (json_object_object_get_ex(st, "calls", &v))
		*n_calls = (int)json_object_array_length(v);
	json_object_put(st);
	return w;
}

TEST(call_waiting_answer_holds_first_then_swap)
{
	struct fake f;
	struct call_set *set = setup_set(&f, true);
	char why[128], totag[64], bob_id[64];
	int i, n_calls = 0;

	ASSERT_NE(NULL, set);
	call_set_key(set, CALL_KEY_OFF_HOOK, 0);
	ASSERT_EQ(0, call_set_dial(set, "bob", why, sizeof(why)));
	snprintf(bob_id, sizeof(bob_id), "%.*s", (int)f.sent[0].call_id.len, f.sent[0].call_id.p);
	ASSERT_TRUE(respond(NULL, &f, 0, "200 OK", ANSWER_SDP("sendrecv")));
	ASSERT_EQ(CALL_CONNECTED, call_set_state(set));

	/* carol calls: it rings on a second line, the call-waiting tone over bob */
	ASSERT_TRUE(carol_calls(set, "cw1", totag, sizeof(totag)));
	EXPECT_EQ(CALL_CONNECTED, call_set_state(set));
	EXPECT_EQ(CALL_TONE_CALL_WAITING, f.tone);
	EXPECT_EQ(1, waiting_flag(set, &n_calls));
	EXPECT_EQ(2, n_calls);
	EXPECT_EQ(2, f.streams_open);

	/* answer: bob goes on hold (re-INVITE a=sendonly), carol gets 200 */
	ASSERT_EQ(0, call_set_answer(set));
	i = sent_on(&f, bob_id, "INVITE", 0);
	ASSERT_GT(i, 0);
	EXPECT_TRUE(body_has(&f.sent[i], "a=sendonly"));
	EXPECT_GE(sent_on(&f, "cw1", NULL, 200), 0);
	EXPECT_EQ(CALL_TONE_NONE, f.tone);
	EXPECT_EQ(0, waiting_flag(set, &n_calls));
	EXPECT_EQ(CALL_CONNECTED, call_set_state(set));
	EXPECT_EQ(CALL_CONNECTED, call_state(call_set_line(set, 0)));
	ASSERT_TRUE(respond(NULL, &f, (unsigned int)i, "200 OK", ANSWER_SDP("recvonly")));
	EXPECT_EQ(CALL_ON_HOLD, call_state(call_set_line(set, 0)));
	ASSERT_TRUE(ack(NULL, "<sip:carol@corp.test>;tag=ct", "cw1", 1, totag));

	/* swap: carol on hold, bob resumed and active */
	ASSERT_EQ(0, call_set_swap(set));
	i = sent_on(&f, "cw1", "INVITE", 0);
	ASSERT_GT(i, 0);
	EXPECT_TRUE(body_has(&f.sent[i], "a=sendonly"));
	ASSERT_TRUE(respond(NULL, &f, (unsigned int)i, "200 OK", ANSWER_SDP("recvonly")));
	i = sent_on(&f, bob_id, "INVITE", 0);
	EXPECT_TRUE(body_has(&f.sent[i], "a=sendrecv"));
	ASSERT_TRUE(respond(NULL, &f, (unsigned int)i, "200 OK", ANSWER_SDP("sendrecv")));
	EXPECT_EQ(CALL_CONNECTED, call_set_state(set));
	EXPECT_EQ(CALL_ON_HOLD, call_state(call_set_line(set, 1)));

	/* bob hangs up from the phone: carol's held call becomes the active line */
	ASSERT_EQ(0, call_set_hangup(set));
	i = sent_on(&f, bob_id, "BYE", 0);
	ASSERT_GT(i, 0);
	ASSERT_TRUE(respond(NULL, &f, (unsigned int)i, "200 OK", NULL));
	EXPECT_EQ(CALL_ON_HOLD, call_set_state(set));
	/* the handset going down leaves the held call alone */
	i = (int)f.n_sent;
	call_set_key(set, CALL_KEY_ON_HOOK, 0);
	EXPECT_EQ(i, (int)f.n_sent);
	EXPECT_EQ(CALL_ON_HOLD, call_set_state(set));
	/* the HOLD key takes carol back */
	call_set_key(set, CALL_KEY_HOLD, 0);
	i = sent_on(&f, "cw1", "INVITE", 0);
	EXPECT_TRUE(body_has(&f.sent[i], "a=sendrecv"));
	ASSERT_TRUE(respond(NULL, &f, (unsigned int)i, "200 OK", ANSWER_SDP("sendrecv")));
	EXPECT_EQ(CALL_CONNECTED, call_set_state(set));
	EXPECT_EQ(-ENOENT, call_set_swap(set));
	teardown_set(&f, set);
}

TEST(call_waiting_off_486_and_cancelled_waiting_call)
{
	struct fake f;
	struct call_set *set = setup_set(&f, false);
	char why[128], totag[64], text[2048];
	int n_calls;

	ASSERT_NE(NULL, set);
	ASSERT_EQ(0, call_set_dial(set, "bob", why, sizeof(why)));
	ASSERT_TRUE(respond(NULL, &f, 0, "200 OK", ANSWER_SDP("sendrecv")));
	snprintf(text, sizeof(text), CAROL_INVITE("cw2") "Content-Length: %zu\r\n\r\n%s",
		 strlen(OFFER), OFFER);
	ASSERT_TRUE(request(NULL, text));
	EXPECT_EQ(486, last(&f)->status);
	EXPECT_EQ(1, f.streams_open);
	EXPECT_EQ(CALL_TONE_NONE, f.tone);
	teardown_set(&f, set);

	/* with call waiting: carol gives up while it rings, the tone stops */
	set = setup_set(&f, true);
	ASSERT_EQ(0, call_set_dial(set, "bob", why, sizeof(why)));
	ASSERT_TRUE(respond(NULL, &f, 0, "200 OK", ANSWER_SDP("sendrecv")));
	ASSERT_TRUE(carol_calls(set, "cw3", totag, sizeof(totag)));
	EXPECT_EQ(CALL_TONE_CALL_WAITING, f.tone);
	/* a third call while one waits: 486 */
	snprintf(text, sizeof(text), CAROL_INVITE("cw4") "Content-Length: %zu\r\n\r\n%s",
		 strlen(OFFER), OFFER);
	ASSERT_TRUE(request(NULL, text));
	EXPECT_EQ(486, last(&f)->status);
	snprintf(text, sizeof(text),
		 "CANCEL sip:alice@10.77.0.100:40312;transport=tls SIP/2.0\r\n"
		 "Via: SIP/2.0/TLS 10.77.0.2:5061;branch=z9hG4bKcw3\r\n"
		 "From: <sip:carol@corp.test>;tag=ct\r\nTo: <sip:alice@corp.test>\r\n"
		 "Call-ID: cw3\r\nCSeq: 1 CANCEL\r\nContent-Length: 0\r\n\r\n");
	ASSERT_TRUE(request(NULL, text));
	EXPECT_GE(sent_on(&f, "cw3", NULL, 487), 0);
	EXPECT_EQ(CALL_TONE_NONE, f.tone);
	EXPECT_EQ(0, waiting_flag(set, &n_calls));
	EXPECT_EQ(1, n_calls);
	EXPECT_EQ(CALL_CONNECTED, call_set_state(set));
	/* bob's call ends while carol waits: her call rings as the phone's own */
	ASSERT_TRUE(carol_calls(set, "cw5", totag, sizeof(totag)));
	ASSERT_EQ(0, call_set_hangup(set));
	ASSERT_TRUE(respond(NULL, &f, f.n_sent - 1, "200 OK", NULL));
	EXPECT_EQ(CALL_INCOMING, call_set_state(set));
	EXPECT_EQ(CALL_TONE_RING, f.tone);
	/* and hangup declines it */
	ASSERT_EQ(0, call_set_hangup(set));
	EXPECT_GE(sent_on(&f, "cw5", NULL, 603), 0);
	EXPECT_EQ(CALL_IDLE, call_set_state(set));
	teardown_set(&f, set);
}

/* Forwarding and DND apply to every line; the call log hears every line. */
TEST(second_call_forwarding_dnd_and_log_on_lines)
{
	struct forward_rules rules;
	struct fake f;
	struct call_set *set;
	char why[128], totag[64], text[2048];
	int n_calls = 0;

	forward_rules_init(&rules);
	ASSERT_EQ(0, forward_set(&rules, "busy sip:voicemail@corp.test", why, sizeof(why)));

	/* call waiting off, a busy rule: the second call is forwarded (302) */
	set = setup_set_fwd(&f, false, &rules);
	ASSERT_NE(NULL, set);
	ASSERT_EQ(0, call_set_dial(set, "bob", why, sizeof(why)));
	ASSERT_TRUE(respond(NULL, &f, 0, "200 OK", ANSWER_SDP("sendrecv")));
	snprintf(text, sizeof(text), CAROL_INVITE("fw1") "Content-Length: %zu\r\n\r\n%s",
		 strlen(OFFER), OFFER);
	ASSERT_TRUE(request(NULL, text));
	EXPECT_EQ(302, last(&f)->status);
	EXPECT_NE(NULL, strstr(hdr(last(&f), SIP_HDR_CONTACT), "sip:voicemail@corp.test"));
	EXPECT_EQ(1, f.n_logged);
	EXPECT_EQ(302, f.logged_status);
	EXPECT_STREQ("sip:carol@corp.test", f.logged_uri);
	EXPECT_STREQ("sip:voicemail@corp.test", f.logged_fwd);
	EXPECT_EQ(CALL_CONNECTED, call_set_state(set));
	EXPECT_EQ(1, f.streams_open);
	teardown_set(&f, set);

	/* call waiting on: the same call waits on a second line instead */
	set = setup_set_fwd(&f, true, &rules);
	ASSERT_EQ(0, call_set_dial(set, "bob", why, sizeof(why)));
	ASSERT_TRUE(respond(NULL, &f, 0, "200 OK", ANSWER_SDP("sendrecv")));
	ASSERT_TRUE(carol_calls(set, "fw2", totag, sizeof(totag)));
	EXPECT_EQ(1, waiting_flag(set, &n_calls));
	EXPECT_EQ(2, n_calls);
	EXPECT_EQ(CALL_TONE_CALL_WAITING, f.tone);
	EXPECT_EQ(0, f.n_logged);
	/* declined while waiting: logged from its own line */
	snprintf(text, sizeof(text),
		 "CANCEL sip:alice@10.77.0.100:40312;transport=tls SIP/2.0\r\n"
		 "Via: SIP/2.0/TLS 10.77.0.2:5061;branch=z9hG4bKfw2\r\n"
		 "From: <sip:carol@corp.test>;tag=ct\r\nTo: <sip:alice@corp.test>\r\n"
		 "Call-ID: fw2\r\nCSeq: 1 CANCEL\r\nContent-Length: 0\r\n\r\n");
	ASSERT_TRUE(request(NULL, text));
	EXPECT_EQ(1, f.n_logged);
	EXPECT_NE(NULL, strstr(f.logged_uri, "sip:carol@corp.test"));
	EXPECT_EQ(CALL_CONNECTED, call_set_state(set));
	teardown_set(&f, set);

	/* no busy rule, call waiting off: 486, logged */
	forward_rules_init(&rules);
	set = setup_set_fwd(&f, false, &rules);
	ASSERT_EQ(0, call_set_dial(set, "bob", why, sizeof(why)));
	ASSERT_TRUE(respond(NULL, &f, 0, "200 OK", ANSWER_SDP("sendrecv")));
	snprintf(text, sizeof(text), CAROL_INVITE("fw3") "Content-Length: %zu\r\n\r\n%s",
		 strlen(OFFER), OFFER);
	ASSERT_TRUE(request(NULL, text));
	EXPECT_EQ(486, last(&f)->status);
	EXPECT_EQ(1, f.n_logged);
	EXPECT_EQ(486, f.logged_status);
	teardown_set(&f, set);

	/* DND with call waiting on: the second line's call is refused too */
	ASSERT_EQ(0, forward_set_dnd(&rules, "on", why, sizeof(why)));
	set = setup_set_fwd(&f, true, &rules);
	ASSERT_EQ(0, call_set_dial(set, "bob", why, sizeof(why)));
	ASSERT_TRUE(respond(NULL, &f, 0, "200 OK", ANSWER_SDP("sendrecv")));
	snprintf(text, sizeof(text), CAROL_INVITE("fw4") "Content-Length: %zu\r\n\r\n%s",
		 strlen(OFFER), OFFER);
	ASSERT_TRUE(request(NULL, text));
	EXPECT_EQ(486, last(&f)->status);
	EXPECT_EQ(0, waiting_flag(set, &n_calls));
	EXPECT_EQ(1, n_calls);
	EXPECT_EQ(1, f.streams_open);
	/* bob's call ending is logged too */
	ASSERT_EQ(0, call_set_hangup(set));
	ASSERT_TRUE(respond(NULL, &f, f.n_sent - 1, "200 OK", NULL));
	EXPECT_EQ(2, f.n_logged);
	EXPECT_NE(NULL, strstr(f.logged_uri, "sip:bob@corp.test"));
	teardown_set(&f, set);
}

/* The phone calling itself: its own INVITE comes back busy, never waiting. */
TEST(own_call_back_is_busy_and_lines_freed_mid_call)
{
	struct fake f;
	struct call_set *set = setup_set(&f, true);
	char why[128], totag[64], text[2048], id[64];
	int n_calls = 0;

	ASSERT_NE(NULL, set);
	ASSERT_EQ(0, call_set_dial(set, "alice", why, sizeof(why)));
	ASSERT_TRUE(respond(NULL, &f, 0, "180 Ringing", NULL));
	EXPECT_EQ(CALL_RINGBACK, call_set_state(set));
	snprintf(id, sizeof(id), "%.*s", (int)f.sent[0].call_id.len, f.sent[0].call_id.p);
	snprintf(text, sizeof(text),
		 "INVITE sip:alice@10.77.0.100:40312;transport=tls SIP/2.0\r\n"
		 "Via: SIP/2.0/TLS 10.77.0.2:5061;branch=z9hG4bKself\r\n"
		 "From: %s\r\nTo: <sip:alice@corp.test>\r\n"
		 "Call-ID: %s\r\nCSeq: 1 INVITE\r\n"
		 "Contact: <sip:alice@10.77.0.100:40312;transport=tls>\r\n"
		 "Content-Type: application/sdp\r\nContent-Length: %zu\r\n\r\n%s",
		 hdr(&f.sent[0], SIP_HDR_FROM), id, strlen(OFFER), OFFER);
	ASSERT_TRUE(request(NULL, text));
	EXPECT_EQ(486, last(&f)->status);
	EXPECT_EQ(0, waiting_flag(set, &n_calls));
	EXPECT_EQ(1, f.streams_open);
	/* another caller waits behind the call ringing out; freeing ends both */
	ASSERT_TRUE(carol_calls(set, "self2", totag, sizeof(totag)));
	EXPECT_EQ(1, waiting_flag(set, &n_calls));
	EXPECT_EQ(2, f.streams_open);
	teardown_set(&f, set);
	EXPECT_EQ(0, f.streams_open);
}

/* ---- transfer ---- */

static const char *hdr_named(const struct sip_msg *m, const char *name)
{
	static char buf[512];

	buf[0] = 0;
	for (unsigned int i = 0; i < m->n_hdr; i++)
		if (sip_str_ieq(m->hdr[i].name, name))
			sip_str_copy(m->hdr[i].value, buf, sizeof(buf));
	return buf;
}

/* A request from bob in the dialog of the outgoing call sent[0] (his tag b1). */
static bool bob_says(struct fake *f, const char *method, unsigned int cseq,
		    const char *extra, const char *ctype, const char *body)
{
	char text[4096], from[256];

	snprintf(from, sizeof(from), "%s", hdr(&f->sent[0], SIP_HDR_FROM));
	snprintf(text, sizeof(text),
		 "%s sip:alice@10.77.0.100:40312;transport=tls SIP/2.0\r\n"
		 "Via: SIP/2.0/TLS 10.77.0.2:5061;branch=z9hG4bKbob%u\r\n"
		 "From: <sip:bob@corp.test>;tag=b1\r\nTo: %s\r\n"
		 "Call-ID: %.*s\r\nCSeq: %u %s\r\n"
		 "Contact: <sip:bob@10.77.0.3:5061;transport=tls>\r\n%s"
		 "%s%s%sContent-Length: %zu\r\n\r\n%s",
		 method, cseq, from, (int)f->sent[0].call_id.len, f->sent[0].call_id.p,
		 cseq, method, extra, ctype ? "Content-Type: " : "", ctype ? ctype : "",
		 ctype ? "\r\n" : "", body ? strlen(body) : 0, body ? body : "");
	return request(NULL, text);
}

static struct call_set *bob_call(struct fake *f, char *bob_id, size_t n)
{
	struct call_set *set = setup_set(f, true);
	char why[128];

	if (!set || call_set_dial(set, "bob", why, sizeof(why)) ||
	    !respond(NULL, f, 0, "200 OK", ANSWER_SDP("sendrecv")))
		return NULL;
	snprintf(bob_id, n, "%.*s", (int)f->sent[0].call_id.len, f->sent[0].call_id.p);
	return set;
}

#define SIPFRAG "message/sipfrag;version=2.0"

TEST(blind_transfer_refer_notify_bye)
{
	struct fake f;
	char bob_id[64], why[128];
	struct call_set *set = bob_call(&f, bob_id, sizeof(bob_id));
	struct json_object *st, *v;
	int i;

	ASSERT_NE(NULL, set);
	EXPECT_EQ(-EINVAL, call_set_transfer(set, "carol smith", why, sizeof(why)));
	ASSERT_EQ(0, call_set_transfer(set, "carol", why, sizeof(why)));
	i = sent_on(&f, bob_id, "REFER", 0);
	ASSERT_GT(i, 0);
	EXPECT_STREQ("<sip:carol@corp.test>", hdr_named(&f.sent[i], "Refer-To"));
	EXPECT_STREQ("<sip:alice@corp.test>", hdr_named(&f.sent[i], "Referred-By"));
	EXPECT_EQ(-EBUSY, call_set_transfer(set, "dave", why, sizeof(why)));
	ASSERT_TRUE(respond(NULL, &f, (unsigned int)i, "202 Accepted", NULL));
	/* as baresip (libre) writes it: the REFER's CSeq as id */
	ASSERT_TRUE(bob_says(&f, "NOTIFY", 2, "Event: refer;id=2\r\nSubscription-State: active;expires=3600\r\n",
			     SIPFRAG, "SIP/2.0 100 Trying\r\n"));
	EXPECT_EQ(200, last(&f)->status);
	EXPECT_EQ(CALL_CONNECTED, call_set_state(set));
	/* a bad sipfrag: 400, the transfer still awaited */
	ASSERT_TRUE(bob_says(&f, "NOTIFY", 3, "Event: refer\r\n", SIPFRAG, "HTTP/1.1 200 OK\r\n"));
	EXPECT_EQ(400, last(&f)->status);
	ASSERT_TRUE(bob_says(&f, "NOTIFY", 4, "Event: presence\r\n", SIPFRAG, "SIP/2.0 200 OK\r\n"));
	EXPECT_EQ(489, last(&f)->status);
	EXPECT_EQ(CALL_CONNECTED, call_set_state(set));
	st = call_set_status(set);
	EXPECT_NE(NULL, strstr(json_object_to_json_string(st), "\"transfer\": \"in progress\""));
	json_object_put(st);
	/* carol answered: 200 sipfrag, the phone hangs up */
	ASSERT_TRUE(bob_says(&f, "NOTIFY", 5,
			     "Event: refer\r\nSubscription-State: terminated;reason=noresource\r\n",
			     SIPFRAG, "SIP/2.0 200 OK\r\n"));
	EXPECT_GE(sent_on(&f, bob_id, NULL, 200), 0);
	EXPECT_TRUE(sip_str_eq(last(&f)->method, "BYE"));
	EXPECT_EQ(CALL_ENDING, call_set_state(set));
	ASSERT_TRUE(respond(NULL, &f, f.n_sent - 1, "200 OK", NULL));
	EXPECT_EQ(CALL_IDLE, call_set_state(set));
	st = call_set_status(set);
	ASSERT_TRUE(json_object_object_get_ex(st, "last_error", &v));
	EXPECT_STREQ("transferred", json_object_get_string(v));
	json_object_put(st);
	/* a late NOTIFY for a gone call: 481 */
	ASSERT_TRUE(bob_says(&f, "NOTIFY", 6, "Event: refer\r\n", SIPFRAG, "SIP/2.0 200 OK\r\n"));
	EXPECT_EQ(481, last(&f)->status);
	teardown_set(&f, set);
}

TEST(transfer_refused_keeps_the_call)
{
	struct fake f;
	char bob_id[64], why[128];
	struct call_set *set = bob_call(&f, bob_id, sizeof(bob_id));
	struct json_object *st, *v;
	int i;

	ASSERT_NE(NULL, set);
	ASSERT_EQ(0, call_set_transfer(set, "sip:carol@corp.test", why, sizeof(why)));
	i = sent_on(&f, bob_id, "REFER", 0);
	ASSERT_TRUE(respond(NULL, &f, (unsigned int)i, "603 Decline", NULL));
	EXPECT_EQ(CALL_CONNECTED, call_set_state(set));
	st = call_set_status(set);
	ASSERT_TRUE(json_object_object_get_ex(st, "last_error", &v));
	EXPECT_STREQ("transfer failed (603)", json_object_get_string(v));
	json_object_put(st);
	/* a failed target (486 sipfrag) too */
	ASSERT_EQ(0, call_set_transfer(set, "carol", why, sizeof(why)));
	i = sent_on(&f, bob_id, "REFER", 0);
	ASSERT_TRUE(respond(NULL, &f, (unsigned int)i, "202 Accepted", NULL));
	ASSERT_TRUE(bob_says(&f, "NOTIFY", 2, "Event: refer\r\nSubscription-State: terminated\r\n",
			     SIPFRAG, "SIP/2.0 486 Busy Here\r\n"));
	EXPECT_EQ(CALL_CONNECTED, call_set_state(set));
	/* no REFER answer at all: Timer F, the call stays */
	ASSERT_EQ(0, call_set_transfer(set, "carol", why, sizeof(why)));
	f.now += INVITE_TIMER_B_USEC;
	call_set_timer(set, CALL_TIMER_SIP);
	EXPECT_EQ(CALL_CONNECTED, call_set_state(set));
	st = call_set_status(set);
	ASSERT_TRUE(json_object_object_get_ex(st, "last_error", &v));
	EXPECT_STREQ("transfer failed (408)", json_object_get_string(v));
	json_object_put(st);
	teardown_set(&f, set);
}

TEST(being_transferred_by_bob)
{
	struct fake f;
	char bob_id[64], carol_id[64];
	struct call_set *set = bob_call(&f, bob_id, sizeof(bob_id));
	int i;

	ASSERT_NE(NULL, set);
	/* hostile REFERs: a non-SIP target, none at all */
	ASSERT_TRUE(bob_says(&f, "REFER", 2, "Refer-To: <http://evil.example/x>\r\n", NULL, NULL));
	EXPECT_EQ(416, last(&f)->status);
	ASSERT_TRUE(bob_says(&f, "REFER", 3, "", NULL, NULL));
	EXPECT_EQ(400, last(&f)->status);
	ASSERT_TRUE(bob_says(&f, "REFER", 4, "Refer-To: <sip:carol@corp.test\r\n", NULL, NULL));
	EXPECT_EQ(400, last(&f)->status);
	EXPECT_EQ(1, f.streams_open);
	/* bob transfers the phone to carol: 202, NOTIFY 100, INVITE carol */
	ASSERT_TRUE(bob_says(&f, "REFER", 5, "Refer-To: <sip:carol@corp.test>\r\n"
			     "Referred-By: <sip:bob@corp.test>\r\n", NULL, NULL));
	EXPECT_GE(sent_on(&f, bob_id, NULL, 202), 0);
	i = sent_on(&f, bob_id, "NOTIFY", 0);
	ASSERT_GT(i, 0);
	EXPECT_TRUE(body_has(&f.sent[i], "SIP/2.0 100 Trying"));
	EXPECT_TRUE(sip_str_eq(last(&f)->method, "INVITE"));
	EXPECT_TRUE(sip_str_eq(last(&f)->uri, "sip:carol@corp.test"));
	snprintf(carol_id, sizeof(carol_id), "%.*s", (int)last(&f)->call_id.len,
		 last(&f)->call_id.p);
	EXPECT_EQ(CALL_CALLING, call_set_state(set));
	/* carol answers: NOTIFY 200, subscription terminated */
	ASSERT_TRUE(respond(NULL, &f, f.n_sent - 1, "200 OK", ANSWER_SDP("sendrecv")));
	EXPECT_EQ(CALL_CONNECTED, call_set_state(set));
	i = sent_on(&f, bob_id, "NOTIFY", 0);
	EXPECT_TRUE(body_has(&f.sent[i], "SIP/2.0 200 OK"));
	EXPECT_NE(NULL, strstr(hdr(&f.sent[i], SIP_HDR_SUBSCRIPTION_STATE), "terminated"));
	/* bob hangs up: carol's call goes on */
	ASSERT_TRUE(bob_says(&f, "BYE", 6, "", NULL, NULL));
	EXPECT_EQ(200, last(&f)->status);
	EXPECT_EQ(CALL_CONNECTED, call_set_state(set));
	EXPECT_EQ(1, f.streams_open);
	teardown_set(&f, set);
}

TEST(being_transferred_with_replaces)
{
	struct fake f;
	char bob_id[64];
	struct call_set *set = bob_call(&f, bob_id, sizeof(bob_id));
	const struct sip_msg *inv;
	int i;

	ASSERT_NE(NULL, set);
	/* a Replaces that does not parse: no call, the NOTIFY says it failed */
	ASSERT_TRUE(bob_says(&f, "REFER", 2, "Refer-To: <sip:carol@corp.test?Replaces=x%0D%0AVia%3A1>\r\n",
			     NULL, NULL));
	EXPECT_GE(sent_on(&f, bob_id, NULL, 202), 0);
	i = sent_on(&f, bob_id, "NOTIFY", 0);
	ASSERT_GT(i, 0);
	EXPECT_TRUE(body_has(&f.sent[i], "SIP/2.0 503"));
	EXPECT_EQ(1, f.streams_open);
	/* bob's attended transfer: the INVITE goes to the plain URI with Replaces */
	ASSERT_TRUE(bob_says(&f, "REFER", 3, "Refer-To: <sip:carol@corp.test?Replaces=cc1%40h%3Bto-tag%3Dct%3Bfrom-tag%3Db9>\r\n"
			     "Referred-By: <sip:bob@corp.test>\r\n", NULL, NULL));
	inv = last(&f);
	ASSERT_TRUE(sip_str_eq(inv->method, "INVITE"));
	EXPECT_TRUE(sip_str_eq(inv->uri, "sip:carol@corp.test"));
	EXPECT_STREQ("cc1@h;to-tag=ct;from-tag=b9", hdr_named(inv, "Replaces"));
	EXPECT_EQ(NULL, strstr(hdr(inv, SIP_HDR_TO), "Replaces"));
	EXPECT_EQ(CALL_CALLING, call_set_state(set));
	/* carol's answer: the transferor hears 200 */
	ASSERT_TRUE(respond(NULL, &f, f.n_sent - 1, "200 OK", ANSWER_SDP("sendrecv")));
	EXPECT_EQ(CALL_CONNECTED, call_set_state(set));
	i = sent_on(&f, bob_id, "NOTIFY", 0);
	EXPECT_TRUE(body_has(&f.sent[i], "SIP/2.0 200 OK"));
	teardown_set(&f, set);
}

TEST(attended_transfer_then_consultation_ends)
{
	struct fake f;
	char bob_id[64], carol_id[64], why[128], want[512], ltag[64];
	struct call_set *set = bob_call(&f, bob_id, sizeof(bob_id));
	const char *t;
	int i;

	ASSERT_NE(NULL, set);
	EXPECT_EQ(-ENOENT, call_set_transfer_attended(set, why, sizeof(why)));
	ASSERT_EQ(0, call_set_hold(set));
	ASSERT_TRUE(respond(NULL, &f, f.n_sent - 1, "200 OK", ANSWER_SDP("recvonly")));
	/* a consultation call to carol on the second line */
	ASSERT_EQ(0, call_set_dial(set, "carol", why, sizeof(why)));
	i = (int)f.n_sent - 1;
	ASSERT_TRUE(sip_str_eq(f.sent[i].method, "INVITE"));
	snprintf(carol_id, sizeof(carol_id), "%.*s", (int)f.sent[i].call_id.len, f.sent[i].call_id.p);
	t = strstr(hdr(&f.sent[i], SIP_HDR_FROM), "tag=");
	ASSERT_NE(NULL, t);
	snprintf(ltag, sizeof(ltag), "%s", t + 4);
	ASSERT_TRUE(respond(NULL, &f, (unsigned int)i, "200 OK", ANSWER_SDP("sendrecv")));
	EXPECT_EQ(CALL_CONNECTED, call_set_state(set));
	/* TRANSFER: bob is REFERred to carol, Replaces naming the phone's call with her */
	ASSERT_EQ(0, call_set_transfer_attended(set, why, sizeof(why)));
	i = sent_on(&f, bob_id, "REFER", 0);
	ASSERT_GT(i, 0);
	snprintf(want, sizeof(want), "<sip:carol@corp.test?Replaces=%s%%3Bto-tag%%3Db1%%3Bfrom-tag%%3D%s>",
		 carol_id, ltag);
	EXPECT_STREQ(want, hdr_named(&f.sent[i], "Refer-To"));
	ASSERT_TRUE(respond(NULL, &f, (unsigned int)i, "202 Accepted", NULL));
	ASSERT_TRUE(bob_says(&f, "NOTIFY", 2, "Event: refer;id=3\r\nSubscription-State: terminated\r\n",
			     SIPFRAG, "SIP/2.0 200 OK\r\n"));
	i = sent_on(&f, bob_id, "BYE", 0);
	ASSERT_GT(i, 0);
	ASSERT_TRUE(respond(NULL, &f, (unsigned int)i, "200 OK", NULL));
	/* bob's call gone: the consultation call ends too */
	i = sent_on(&f, carol_id, "BYE", 0);
	ASSERT_GT(i, 0);
	ASSERT_TRUE(respond(NULL, &f, (unsigned int)i, "200 OK", NULL));
	EXPECT_EQ(CALL_IDLE, call_set_state(set));
	EXPECT_EQ(0, f.streams_open);
	teardown_set(&f, set);
}

TEST(invite_with_replaces)
{
	struct fake f;
	char bob_id[64], text[2048], ltag[64];
	struct call_set *set = bob_call(&f, bob_id, sizeof(bob_id));
	const char *t;

	ASSERT_NE(NULL, set);
	t = strstr(hdr(&f.sent[0], SIP_HDR_FROM), "tag=");
	ASSERT_NE(NULL, t);
	snprintf(ltag, sizeof(ltag), "%s", t + 4);
	/* naming no call: 481, nothing else changes */
	snprintf(text, sizeof(text), CAROL_INVITE("rp1") "Replaces: nosuchcall;to-tag=x;from-tag=y\r\n"
		 "Content-Length: %zu\r\n\r\n%s", strlen(OFFER), OFFER);
	ASSERT_TRUE(request(NULL, text));
	EXPECT_EQ(481, last(&f)->status);
	/* malformed: 400 */
	snprintf(text, sizeof(text), CAROL_INVITE("rp2") "Replaces: ;;;\r\n"
		 "Content-Length: %zu\r\n\r\n%s", strlen(OFFER), OFFER);
	ASSERT_TRUE(request(NULL, text));
	EXPECT_EQ(400, last(&f)->status);
	EXPECT_EQ(CALL_CONNECTED, call_set_state(set));
	EXPECT_EQ(1, f.streams_open);
	/* naming bob's call: answered at once, bob's call ends */
	snprintf(text, sizeof(text), CAROL_INVITE("rp3") "Replaces: %s;to-tag=%s;from-tag=b1\r\n"
		 "Content-Length: %zu\r\n\r\n%s", bob_id, ltag, strlen(OFFER), OFFER);
	ASSERT_TRUE(request(NULL, text));
	EXPECT_GE(sent_on(&f, "rp3", NULL, 200), 0);
	EXPECT_GE(sent_on(&f, bob_id, "BYE", 0), 0);
	EXPECT_EQ(CALL_CONNECTED, call_set_state(set));
	{
		struct json_object *st = call_set_status(set);

		EXPECT_NE(NULL, strstr(json_object_to_json_string(st), "carol"));
		json_object_put(st);
	}
	teardown_set(&f, set);
}

/* ---- three-way conference, a second call from the keypad ---- */

/* The far end of the call the phone placed with sent[i] says BYE. */
static bool far_bye(struct fake *f, unsigned int i)
{
	const struct sip_msg *inv = &f->sent[i];
	char text[2048], from[256], to[256];

	snprintf(from, sizeof(from), "%s", hdr(inv, SIP_HDR_FROM));
	snprintf(to, sizeof(to), "%s", hdr(inv, SIP_HDR_TO));
	snprintf(text, sizeof(text),
		 "BYE sip:alice@10.77.0.100:40312;transport=tls SIP/2.0\r\n"
		 "Via: SIP/2.0/TLS 10.77.0.2:5061;branch=z9hG4bKfarbye%u\r\n"
		 "From: %s;tag=b1\r\nTo: %s\r\nCall-ID: %.*s\r\nCSeq: 9 BYE\r\n"
		 "Content-Length: 0\r\n\r\n", i, to, from,
		 (int)inv->call_id.len, inv->call_id.p);
	return request(NULL, text);
}

static bool conference_flag(struct call_set *set)
{
	struct json_object *st = call_set_status(set), *v;
	bool on = json_object_object_get_ex(st, "conference", &v) &&
		  json_object_get_boolean(v);

	json_object_put(st);
	return on;
}

TEST(conference_joins_holds_and_outlives_a_leg)
{
	struct fake f;
	char bob_id[64], carol_id[64], why[128];
	struct call_set *set = bob_call(&f, bob_id, sizeof(bob_id));
	unsigned int carol_inv;
	int i;

	ASSERT_NE(NULL, set);
	EXPECT_EQ(-ENOENT, call_set_conference(set, why, sizeof(why)));
	EXPECT_STREQ("a conference needs two calls: one held and one active", why);
	/* bob on hold, carol called on the second line */
	ASSERT_EQ(0, call_set_hold(set));
	ASSERT_TRUE(respond(NULL, &f, f.n_sent - 1, "200 OK", ANSWER_SDP("recvonly")));
	ASSERT_EQ(0, call_set_dial(set, "carol", why, sizeof(why)));
	carol_inv = f.n_sent - 1;
	snprintf(carol_id, sizeof(carol_id), "%.*s", (int)f.sent[carol_inv].call_id.len,
		 f.sent[carol_inv].call_id.p);
	ASSERT_TRUE(respond(NULL, &f, carol_inv, "200 OK", ANSWER_SDP("sendrecv")));
	EXPECT_EQ(CALL_ON_HOLD, call_state(call_set_line(set, 0)));
	EXPECT_FALSE(f.st[0].conf || f.st[1].conf);

	/* CONFERENCE: bob taken off hold (re-INVITE a=sendrecv), both bridged */
	ASSERT_EQ(0, call_set_conference(set, why, sizeof(why)));
	i = sent_on(&f, bob_id, "INVITE", 0);
	ASSERT_GT(i, 0);
	EXPECT_TRUE(body_has(&f.sent[i], "a=sendrecv"));
	ASSERT_TRUE(respond(NULL, &f, (unsigned int)i, "200 OK", ANSWER_SDP("sendrecv")));
	EXPECT_EQ(CALL_CONNECTED, call_state(call_set_line(set, 0)));
	EXPECT_EQ(CALL_CONNECTED, call_state(call_set_line(set, 1)));
	EXPECT_TRUE(f.st[0].conf);
	EXPECT_TRUE(f.st[1].conf);
	EXPECT_TRUE(conference_flag(set));
	EXPECT_EQ(-EALREADY, call_set_conference(set, why, sizeof(why)));

	/* HOLD holds both legs; HOLD again takes both back, still bridged */
	call_set_key(set, CALL_KEY_HOLD, 0);
	i = sent_on(&f, bob_id, "INVITE", 0);
	EXPECT_TRUE(body_has(&f.sent[i], "a=sendonly"));
	ASSERT_TRUE(respond(NULL, &f, (unsigned int)i, "200 OK", ANSWER_SDP("recvonly")));
	i = sent_on(&f, carol_id, "INVITE", 0);
	ASSERT_GT(i, (int)carol_inv);
	EXPECT_TRUE(body_has(&f.sent[i], "a=sendonly"));
	ASSERT_TRUE(respond(NULL, &f, (unsigned int)i, "200 OK", ANSWER_SDP("recvonly")));
	EXPECT_EQ(CALL_ON_HOLD, call_state(call_set_line(set, 0)));
	EXPECT_EQ(CALL_ON_HOLD, call_state(call_set_line(set, 1)));
	EXPECT_TRUE(conference_flag(set));
	call_set_key(set, CALL_KEY_HOLD, 0);
	i = sent_on(&f, bob_id, "INVITE", 0);
	EXPECT_TRUE(body_has(&f.sent[i], "a=sendrecv"));
	ASSERT_TRUE(respond(NULL, &f, (unsigned int)i, "200 OK", ANSWER_SDP("sendrecv")));
	i = sent_on(&f, carol_id, "INVITE", 0);
	EXPECT_TRUE(body_has(&f.sent[i], "a=sendrecv"));
	ASSERT_TRUE(respond(NULL, &f, (unsigned int)i, "200 OK", ANSWER_SDP("sendrecv")));
	EXPECT_EQ(CALL_CONNECTED, call_state(call_set_line(set, 0)));
	EXPECT_EQ(CALL_CONNECTED, call_state(call_set_line(set, 1)));
	{
		struct json_object *st = call_set_status(set);
		const char *js = json_object_to_json_string_ext(st, JSON_C_TO_STRING_PLAIN);

		/* each joined call says so */
		EXPECT_NE(NULL, strstr(strstr(js, "\"calls\""), "\"conference\":true"));
		json_object_put(st);
	}

	/* carol hangs up: bob stays, an ordinary call, no longer mixed */
	ASSERT_TRUE(far_bye(&f, carol_inv));
	EXPECT_EQ(200, last(&f)->status);
	EXPECT_FALSE(conference_flag(set));
	EXPECT_FALSE(f.st[0].conf);
	EXPECT_EQ(CALL_CONNECTED, call_set_state(set));
	EXPECT_EQ(1, f.streams_open);
	EXPECT_EQ(-ENOENT, call_set_conference(set, why, sizeof(why)));
	teardown_set(&f, set);
}

TEST(a_call_answered_during_a_conference_holds_every_leg)
{
	struct fake f;
	char bob_id[64], carol_id[64], why[128], totag[64];
	struct call_set *set = bob_call(&f, bob_id, sizeof(bob_id));
	unsigned int carol_inv;
	int i;

	ASSERT_NE(NULL, set);
	ASSERT_EQ(0, call_set_hold(set));
	ASSERT_TRUE(respond(NULL, &f, f.n_sent - 1, "200 OK", ANSWER_SDP("recvonly")));
	ASSERT_EQ(0, call_set_dial(set, "carol", why, sizeof(why)));
	carol_inv = f.n_sent - 1;
	snprintf(carol_id, sizeof(carol_id), "%.*s", (int)f.sent[carol_inv].call_id.len,
		 f.sent[carol_inv].call_id.p);
	ASSERT_TRUE(respond(NULL, &f, carol_inv, "200 OK", ANSWER_SDP("sendrecv")));
	ASSERT_EQ(0, call_set_conference(set, why, sizeof(why)));
	i = sent_on(&f, bob_id, "INVITE", 0);
	ASSERT_TRUE(respond(NULL, &f, (unsigned int)i, "200 OK", ANSWER_SDP("sendrecv")));
	/* a third call waits on the free line; answering it holds both legs */
	ASSERT_TRUE(carol_calls(set, "cw3", totag, sizeof(totag)));
	ASSERT_EQ(0, call_set_answer(set));
	i = sent_on(&f, bob_id, "INVITE", 0);
	EXPECT_TRUE(body_has(&f.sent[i], "a=sendonly"));
	i = sent_on(&f, carol_id, "INVITE", 0);
	ASSERT_GT(i, (int)carol_inv);
	EXPECT_TRUE(body_has(&f.sent[i], "a=sendonly"));
	EXPECT_GE(sent_on(&f, "cw3", NULL, 200), 0);
	teardown_set(&f, set);
}

TEST(new_call_key_and_digits_during_hold_open_a_second_line)
{
	struct fake f;
	char bob_id[64];
	struct call_set *set = bob_call(&f, bob_id, sizeof(bob_id));
	unsigned int n;
	int i;

	ASSERT_NE(NULL, set);
	/* NEW CALL with bob up: bob goes on hold, line 2 gives dial tone */
	call_set_key(set, CALL_KEY_NEW_CALL, 0);
	i = sent_on(&f, bob_id, "INVITE", 0);
	ASSERT_GT(i, 0);
	EXPECT_TRUE(body_has(&f.sent[i], "a=sendonly"));
	ASSERT_TRUE(respond(NULL, &f, (unsigned int)i, "200 OK", ANSWER_SDP("recvonly")));
	EXPECT_EQ(CALL_DIALLING, call_set_state(set));
	EXPECT_EQ(CALL_TONE_DIAL, f.tone);
	EXPECT_EQ(CALL_ON_HOLD, call_state(call_set_line(set, 0)));
	/* the dialling line put down: bob (held) is the active line again */
	call_set_key(set, CALL_KEY_ON_HOOK, 0);
	EXPECT_EQ(CALL_ON_HOLD, call_set_state(set));

	/* digits while bob is held: a second call, no DTMF to bob */
	f.tel_event = true;
	n = f.n_sent;
	EXPECT_EQ(0, call_set_press(set, "2"));
	call_set_key(set, CALL_KEY_DIGIT, '0');
	call_set_key(set, CALL_KEY_DIGIT, '0');
	call_set_key(set, CALL_KEY_DIGIT, '2');
	EXPECT_STREQ("", f.dtmf);
	EXPECT_EQ(CALL_DIALLING, call_set_state(set));
	EXPECT_EQ(n, f.n_sent);
	call_set_key(set, CALL_KEY_SEND, '#');
	EXPECT_EQ(CALL_CALLING, call_set_state(set));
	EXPECT_TRUE(sip_str_eq(last(&f)->method, "INVITE"));
	EXPECT_NE(NULL, strstr(hdr(last(&f), SIP_HDR_TO), "2002"));
	EXPECT_EQ(CALL_ON_HOLD, call_state(call_set_line(set, 0)));
	n = f.n_sent - 1;
	ASSERT_TRUE(respond(NULL, &f, n, "200 OK", ANSWER_SDP("sendrecv")));
	EXPECT_EQ(CALL_CONNECTED, call_set_state(set));
	/* carol (2002) hangs up: bob (held) is the active line, the second line
	 * back on hook (a later call there rings rather than being answered) */
	ASSERT_TRUE(far_bye(&f, n));
	EXPECT_EQ(CALL_ON_HOLD, call_set_state(set));
	{
		struct json_object *st = call_status(call_set_line(set, 1)), *v;

		ASSERT_TRUE(json_object_object_get_ex(st, "off_hook", &v));
		EXPECT_FALSE(json_object_get_boolean(v));
		EXPECT_STREQ("idle", json_object_get_string(json_object_object_get(st, "state")));
		json_object_put(st);
	}
	teardown_set(&f, set);
}

#define OFFER_NO_CODEC "v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\nm=audio 4000 RTP/SAVP 97\r\n"

TEST(unrunnable_offers_get_488_with_warning)
{
	struct fake f;
	struct call_manager *cm = setup(&f);
	struct json_object *st;
	char text[2048];
	unsigned int n;

	/* no codec in common: 488 at once, the reason in a 305 Warning */
	snprintf(text, sizeof(text), BOB_INVITE("c5", "") "Content-Length: %zu\r\n\r\n%s",
		 strlen(OFFER_NO_CODEC), OFFER_NO_CODEC);
	ASSERT_TRUE(request(cm, text));
	EXPECT_EQ(488, last(&f)->status);
	EXPECT_NE(NULL, strstr(hdr_named(last(&f), "Warning"), "305 10.77.0.100:40312 \"no common codec\""));
	EXPECT_EQ(CALL_IDLE, call_state(cm));
	EXPECT_EQ(0, f.streams_open);

	/* agreed, but the media engine cannot start it: 488, never 200 + BYE */
	snprintf(text, sizeof(text), BOB_INVITE("c6", "") "Content-Length: %zu\r\n\r\n%s",
		 strlen(OFFER), OFFER);
	ASSERT_TRUE(request(cm, text));
	EXPECT_EQ(CALL_INCOMING, call_state(cm));
	n = f.n_sent;
	f.run_fails = true;
	EXPECT_GT(0, call_answer(cm));
	ASSERT_EQ(n + 1, f.n_sent);
	EXPECT_EQ(488, last(&f)->status);
	EXPECT_STREQ("399 10.77.0.100:40312 \"media could not start\"", hdr_named(last(&f), "Warning"));
	EXPECT_EQ(CALL_IDLE, call_state(cm));
	EXPECT_EQ(0, f.streams_open);
	st = call_status(cm);
	EXPECT_NE(NULL, strstr(json_object_to_json_string(st), "media could not start"));
	json_object_put(st);
	/* the ACK of the 488 is taken quietly */
	snprintf(text, sizeof(text),
		 "ACK sip:alice@10.77.0.100:40312;transport=tls SIP/2.0\r\n"
		 "Via: SIP/2.0/TLS 10.77.0.2:5061;branch=z9hG4bKc6\r\n"
		 "From: <sip:bob@corp.test>;tag=bt\r\nTo: <sip:alice@corp.test>;tag=x\r\n"
		 "Call-ID: c6\r\nCSeq: 1 ACK\r\nContent-Length: 0\r\n\r\n");
	ASSERT_TRUE(request(cm, text));
	EXPECT_EQ(n + 1, f.n_sent);

	/* the phone keeps working: the next call is answered 200, the stream runs once */
	f.run_fails = false;
	snprintf(text, sizeof(text), BOB_INVITE("c7", "") "Content-Length: %zu\r\n\r\n%s",
		 strlen(OFFER), OFFER);
	ASSERT_TRUE(request(cm, text));
	call_key(cm, CALL_KEY_OFF_HOOK, 0);
	EXPECT_EQ(200, last(&f)->status);
	EXPECT_EQ(CALL_CONNECTED, call_state(cm));
	EXPECT_EQ(1, f.runs);
	EXPECT_EQ(1, f.streams_open);
	teardown(&f, cm);
}

TEST_HARNESS_MAIN
