// SPDX-License-Identifier: GPL-2.0-only
/*
 * Call forwarding, Do Not Disturb and the call log: the rules (forward.c)
 * and the log (calllog.c) alone, then the call manager answering 302/486
 * with a fake clock and every SIP message captured and parsed; the log
 * file cut mid-write by SIGKILL of its writer, again and again.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "call/call.h"
#include "call/calllog.h"
#include "call/forward.h"
#include "lib/util/atomic_file.h"

#define SENT_MAX 32
#define OFFER "v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\nm=audio 4000 RTP/SAVP 0\r\n"

struct fake {
	uint64_t now, armed[__CALL_TIMER_COUNT];
	unsigned int n_records;
	struct calllog_entry rec[8];
	struct sip_msg sent[SENT_MAX];
	unsigned int n_sent, changes, streams_open, runs, dtmf_ok;
	enum call_tone tone;
	bool registered, tel_event;
	char dtmf[32];
	int stream_token;
};

static uint64_t f_now(void *ctx) { return ((struct fake *)ctx)->now; }
static void f_arm(void *ctx, enum call_timer t, uint64_t at) { ((struct fake *)ctx)->armed[t] = at; }
static void f_changed(void *ctx) { ((struct fake *)ctx)->changes++; }

/* each ended call, as the call log would keep it (wall clock = fake time) */
static void f_ended(void *ctx, const struct call_record *r)
{
	struct fake *f = ctx;

	if (f->n_records < 8)
		calllog_entry_from_call(&f->rec[f->n_records++], r,
					(int64_t)(f->now / 1000000));
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

static void *m_open(void *mctx, char *why, size_t n)
{
	struct fake *f = mctx;

	(void)why;
	(void)n;
	f->streams_open++;
	return &f->stream_token;
}

static void m_close(void *stream) { (void)stream; the_fake->streams_open--; }

static int m_offer(void *stream, char *sdp, size_t cap, size_t *len)
{
	(void)stream;
	*len = strlen(OFFER);
	memcpy(sdp, OFFER, *len);
	return cap > *len ? 0 : -ENOSPC;
}

static unsigned int m_answer(void *stream, const char *sdp, size_t len, char *why, size_t n)
{
	(void)stream;
	(void)sdp;
	if (len < 4) {
		snprintf(why, n, "no audio");
		return 488;
	}
	return 0;
}

static unsigned int m_offer_rx(void *stream, const char *sdp, size_t len, char *ans,
			       size_t cap, size_t *alen, char *why, size_t n)
{
	(void)stream;
	if (len < 10 || memcmp(sdp, "v=0", 3)) {
		snprintf(why, n, "not SDP");
		return 400;
	}
	return m_offer(stream, ans, cap, alen);
}

static int m_run(void *stream) { (void)stream; the_fake->runs++; return MEDIA_DIR_SENDRECV; }

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

static const struct call_media_ops media = {
	.open = m_open, .close = m_close, .offer = m_offer,
	.answer_received = m_answer, .offer_received = m_offer_rx,
	.run = m_run, .dtmf = m_dtmf, .tone = m_tone, .describe = m_describe,
};

static struct call_manager *setup(struct fake *f, const struct forward_rules *fw)
{
	struct call_env env = {
		.now = f_now, .arm = f_arm, .send = f_send, .identity = f_identity,
		.changed = f_changed, .ended = f_ended, .forward = fw, .ctx = f,
		.media = &media, .mctx = f,
	};
	struct call_manager *cm;

	memset(f, 0, sizeof(*f));
	f->now = 1000;
	f->registered = true;
	the_fake = f;
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
	mine = call_sip_message(cm, &m);
	sip_msg_free(&m);
	return mine;
}

static bool request(struct call_manager *cm, const char *text)
{
	struct sip_msg m;
	bool mine;

	if (sip_msg_parse(text, strlen(text), &m) < 0)
		return false;
	mine = call_sip_message(cm, &m);
	sip_msg_free(&m);
	return mine;
}

#define BOB_INVITE(callid, body)						\
	"INVITE sip:alice@10.77.0.100:40312;transport=tls SIP/2.0\r\n"		\
	"Via: SIP/2.0/TLS 10.77.0.2:5061;branch=z9hG4bK" callid "\r\n"		\
	"From: <sip:bob@corp.test>;tag=bt\r\nTo: <sip:alice@corp.test>\r\n"	\
	"Call-ID: " callid "\r\nCSeq: 1 INVITE\r\n"				\
	"Contact: <sip:bob@10.77.0.3:5061;transport=tls>\r\n"			\
	"Content-Type: application/sdp\r\n"

static void invite(struct call_manager *cm, const char *callid)
{
	char text[2048];

	snprintf(text, sizeof(text),
		 "INVITE sip:alice@10.77.0.100:40312;transport=tls SIP/2.0\r\n"
		 "Via: SIP/2.0/TLS 10.77.0.2:5061;branch=z9hG4bK%s\r\n"
		 "From: \"Bob Builder\" <sip:bob@corp.test>;tag=bt\r\nTo: <sip:alice@corp.test>\r\n"
		 "Call-ID: %s\r\nCSeq: 1 INVITE\r\n"
		 "Contact: <sip:bob@10.77.0.3:5061;transport=tls>\r\n"
		 "Content-Type: application/sdp\r\nContent-Length: %zu\r\n\r\n%s",
		 callid, callid, strlen(OFFER), OFFER);
	request(cm, text);
}

static char *tmpdir(void)
{
	static char path[64];

	snprintf(path, sizeof(path), "/tmp/ucphone-callfeat-XXXXXX");
	return mkdtemp(path);
}

static void rmdir_all(const char *dir)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", dir);
}

TEST(forward_rules_set_and_decide)
{
	struct forward_rules r;
	const char *t;
	unsigned int s;
	char why[160];

	forward_rules_init(&r);
	EXPECT_EQ(FORWARD_RING, forward_decide(&r, false, &t, &s));
	EXPECT_EQ(0, s);
	EXPECT_EQ(FORWARD_REFUSE, forward_decide(&r, true, &t, &s));

	ASSERT_EQ(0, forward_set(&r, "noanswer carol 7", why, sizeof(why)));
	EXPECT_EQ(FORWARD_RING, forward_decide(&r, false, &t, &s));
	EXPECT_STREQ("carol", t);
	EXPECT_EQ(7, s);
	ASSERT_EQ(0, forward_set(&r, "busy sip:vm@corp.test", why, sizeof(why)));
	EXPECT_EQ(FORWARD_REDIRECT, forward_decide(&r, true, &t, &s));
	EXPECT_STREQ("sip:vm@corp.test", t);
	ASSERT_EQ(0, forward_set_dnd(&r, "on", why, sizeof(why)));
	EXPECT_EQ(FORWARD_REFUSE, forward_decide(&r, false, &t, &s));
	ASSERT_EQ(0, forward_set_dnd(&r, "on 2002", why, sizeof(why)));
	EXPECT_EQ(FORWARD_REDIRECT, forward_decide(&r, false, &t, &s));
	EXPECT_STREQ("2002", t);
	ASSERT_EQ(0, forward_set(&r, "always bob@corp.test", why, sizeof(why)));
	EXPECT_EQ(FORWARD_REDIRECT, forward_decide(&r, true, &t, &s));
	EXPECT_STREQ("bob@corp.test", t);	/* always wins over DND and busy */
	ASSERT_EQ(0, forward_set(&r, "always off", why, sizeof(why)));
	ASSERT_EQ(0, forward_set_dnd(&r, "off", why, sizeof(why)));
	EXPECT_EQ(FORWARD_RING, forward_decide(&r, false, &t, &s));

	/* bad input: refused with a reason, rules unchanged */
	EXPECT_EQ(-EINVAL, forward_set(&r, "always <sip:x@y>", why, sizeof(why)));
	EXPECT_NE(NULL, strstr(why, "not a SIP URI"));
	EXPECT_EQ(-EINVAL, forward_set(&r, "always sip:a@b\r\nX: y", why, sizeof(why)));
	EXPECT_EQ(-EINVAL, forward_set(&r, "noanswer carol 0", why, sizeof(why)));
	EXPECT_EQ(-EINVAL, forward_set(&r, "noanswer carol 301", why, sizeof(why)));
	EXPECT_EQ(-EINVAL, forward_set(&r, "sometimes carol", why, sizeof(why)));
	EXPECT_EQ(-EINVAL, forward_set(&r, "busy carol 5", why, sizeof(why)));
	EXPECT_EQ(-EINVAL, forward_set_dnd(&r, "maybe", why, sizeof(why)));
	EXPECT_STREQ("carol", r.target[FORWARD_NOANSWER]);
	EXPECT_EQ(7, r.noanswer_s);
	ASSERT_EQ(0, forward_set(&r, "off", why, sizeof(why)));
	EXPECT_EQ(FORWARD_REFUSE, forward_decide(&r, true, &t, &s));
}

TEST(forward_rules_persist)
{
	struct forward_rules r, back;
	char *dir = tmpdir(), why[160];
	int fd;

	ASSERT_NE(NULL, dir);
	fd = open(dir, O_DIRECTORY | O_RDONLY);
	ASSERT_LE(0, fd);
	EXPECT_EQ(-ENOENT, forward_load(&back, fd));
	EXPECT_EQ(FORWARD_NOANSWER_DEFAULT_S, back.noanswer_s);
	forward_rules_init(&r);
	ASSERT_EQ(0, forward_set(&r, "noanswer sip:carol@corp.test 12", why, sizeof(why)));
	ASSERT_EQ(0, forward_set_dnd(&r, "on", why, sizeof(why)));
	ASSERT_EQ(0, forward_save(&r, fd));
	ASSERT_EQ(0, forward_load(&back, fd));
	EXPECT_EQ(0, memcmp(&r, &back, sizeof(r)));
	/* a file edited by hand into nonsense: refused whole, defaults in force */
	{
		int w = openat(fd, FORWARD_FILE, O_WRONLY | O_TRUNC);

		ASSERT_LE(0, w);
		ASSERT_EQ(23, write(w, "always=<sip:x>\ndnd=on\n\n", 23));
		close(w);
	}
	EXPECT_EQ(-EINVAL, forward_load(&back, fd));
	EXPECT_FALSE(back.dnd);
	EXPECT_EQ(0, back.target[FORWARD_ALWAYS][0]);
	close(fd);
	rmdir_all(dir);
}

TEST(always_answers_302_to_the_target)
{
	struct fake f;
	struct forward_rules r;
	struct call_manager *cm;
	char why[160];

	forward_rules_init(&r);
	ASSERT_EQ(0, forward_set(&r, "always carol", why, sizeof(why)));
	cm = setup(&f, &r);
	invite(cm, "f1");
	EXPECT_EQ(302, last(&f)->status);
	EXPECT_STREQ("<sip:carol@corp.test>", hdr(last(&f), SIP_HDR_CONTACT));
	EXPECT_NE(NULL, strstr(hdr(last(&f), SIP_HDR_TO), "tag="));
	EXPECT_EQ(CALL_IDLE, call_state(cm));
	EXPECT_EQ(CALL_TONE_NONE, f.tone);	/* never rang */
	EXPECT_EQ(0, f.streams_open);
	ASSERT_EQ(1, f.n_records);
	EXPECT_EQ(CALLLOG_MISSED, f.rec[0].kind);
	EXPECT_STREQ("Bob Builder", f.rec[0].name);
	EXPECT_STREQ("sip:bob@corp.test", f.rec[0].uri);
	EXPECT_STREQ("forwarded to sip:carol@corp.test", f.rec[0].outcome);
	teardown(&f, cm);
}

TEST(dnd_answers_486_or_forwards)
{
	struct fake f;
	struct forward_rules r;
	struct call_manager *cm;
	char why[160];

	forward_rules_init(&r);
	ASSERT_EQ(0, forward_set_dnd(&r, "on", why, sizeof(why)));
	cm = setup(&f, &r);
	invite(cm, "d1");
	EXPECT_EQ(486, last(&f)->status);
	EXPECT_EQ(CALL_IDLE, call_state(cm));
	ASSERT_EQ(1, f.n_records);
	EXPECT_EQ(CALLLOG_MISSED, f.rec[0].kind);
	EXPECT_STREQ("busy", f.rec[0].outcome);
	ASSERT_EQ(0, forward_set_dnd(&r, "on sip:vm@corp.test", why, sizeof(why)));
	invite(cm, "d2");
	EXPECT_EQ(302, last(&f)->status);
	EXPECT_STREQ("<sip:vm@corp.test>", hdr(last(&f), SIP_HDR_CONTACT));
	/* DND off: it rings again */
	ASSERT_EQ(0, forward_set_dnd(&r, "off", why, sizeof(why)));
	invite(cm, "d3");
	EXPECT_EQ(180, last(&f)->status);
	EXPECT_EQ(CALL_INCOMING, call_state(cm));
	teardown(&f, cm);
}

TEST(busy_forwards_the_second_call)
{
	struct fake f;
	struct forward_rules r;
	struct call_manager *cm;
	char why[160];

	forward_rules_init(&r);
	ASSERT_EQ(0, forward_set(&r, "busy 2002", why, sizeof(why)));
	cm = setup(&f, &r);
	invite(cm, "b1");
	EXPECT_EQ(CALL_INCOMING, call_state(cm));
	invite(cm, "b2");
	EXPECT_EQ(302, last(&f)->status);
	EXPECT_STREQ("<sip:2002@corp.test>", hdr(last(&f), SIP_HDR_CONTACT));
	EXPECT_EQ(CALL_INCOMING, call_state(cm));	/* the first still rings */
	teardown(&f, cm);
}

TEST(no_answer_forwards_after_n_seconds)
{
	struct fake f;
	struct forward_rules r;
	struct call_manager *cm;
	char why[160];

	forward_rules_init(&r);
	ASSERT_EQ(0, forward_set(&r, "noanswer carol 5", why, sizeof(why)));
	cm = setup(&f, &r);
	invite(cm, "n1");
	EXPECT_EQ(180, last(&f)->status);
	EXPECT_EQ(CALL_INCOMING, call_state(cm));
	EXPECT_EQ(f.now + 5000000, f.armed[CALL_TIMER_NOANSWER]);
	/* 4.9 s: a stray early timer does nothing while it is not due */
	f.now += 4900000;
	EXPECT_EQ(CALL_INCOMING, call_state(cm));
	f.now += 100000;
	call_timer(cm, CALL_TIMER_NOANSWER);
	EXPECT_EQ(302, last(&f)->status);
	EXPECT_STREQ("<sip:carol@corp.test>", hdr(last(&f), SIP_HDR_CONTACT));
	EXPECT_EQ(CALL_IDLE, call_state(cm));
	EXPECT_EQ(CALL_TONE_NONE, f.tone);
	EXPECT_EQ(0, f.streams_open);
	ASSERT_EQ(1, f.n_records);
	EXPECT_EQ(CALLLOG_MISSED, f.rec[0].kind);
	EXPECT_STREQ("forwarded to sip:carol@corp.test", f.rec[0].outcome);
	EXPECT_EQ(UINT64_MAX, f.armed[CALL_TIMER_NOANSWER]);

	/* answered before the time: no forwarding */
	invite(cm, "n2");
	call_key(cm, CALL_KEY_OFF_HOOK, 0);
	EXPECT_EQ(CALL_CONNECTED, call_state(cm));
	call_timer(cm, CALL_TIMER_NOANSWER);
	EXPECT_EQ(CALL_CONNECTED, call_state(cm));
	EXPECT_EQ(200, last(&f)->status);
	f.now += 65000000;
	call_key(cm, CALL_KEY_ON_HOOK, 0);
	respond(cm, &f, f.n_sent - 1, "200 OK", NULL);	/* to the BYE */
	ASSERT_EQ(2, f.n_records);
	EXPECT_EQ(CALLLOG_RECEIVED, f.rec[1].kind);
	EXPECT_STREQ("answered", f.rec[1].outcome);
	EXPECT_STREQ("sip:bob@corp.test", f.rec[1].uri);
	EXPECT_STREQ("Bob Builder", f.rec[1].name);
	EXPECT_EQ(65, f.rec[1].duration_s);
	teardown(&f, cm);
}

TEST(placed_calls_are_logged)
{
	struct fake f;
	struct call_manager *cm = setup(&f, NULL);
	char why[160];

	ASSERT_EQ(0, call_dial(cm, "bob", why, sizeof(why)));
	f.now += 2000000;
	respond(cm, &f, 0, "486 Busy Here", NULL);
	EXPECT_EQ(CALL_IDLE, call_state(cm));
	ASSERT_EQ(1, f.n_records);
	EXPECT_EQ(CALLLOG_PLACED, f.rec[0].kind);
	EXPECT_STREQ("sip:bob@corp.test", f.rec[0].uri);
	EXPECT_STREQ("busy", f.rec[0].outcome);
	EXPECT_EQ(0, f.rec[0].duration_s);
	teardown(&f, cm);
}

static void entry(struct calllog_entry *e, int i, enum calllog_kind kind)
{
	memset(e, 0, sizeof(*e));
	e->start = 1700000000 + i;
	e->duration_s = (uint32_t)i;
	e->kind = kind;
	snprintf(e->name, sizeof(e->name), "Caller \"%d\" é", i);
	snprintf(e->uri, sizeof(e->uri), "sip:%d@corp.test", i);
	snprintf(e->outcome, sizeof(e->outcome), "answered");
}

TEST(calllog_bounded_persisted_missed)
{
	struct calllog *log, *back;
	struct calllog_entry e;
	char *dir = tmpdir();
	int fd;

	ASSERT_NE(NULL, dir);
	fd = open(dir, O_DIRECTORY | O_RDONLY);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, calllog_new(fd, &log));
	EXPECT_EQ(0, calllog_count(log));
	EXPECT_EQ(NULL, calllog_last_placed(log));
	for (int i = 0; i < CALLLOG_MAX + 10; i++) {
		entry(&e, i, i % 3 == 0 ? CALLLOG_PLACED : i % 3 == 1 ?
		      CALLLOG_RECEIVED : CALLLOG_MISSED);
		ASSERT_EQ(0, calllog_add(log, &e));
	}
	EXPECT_EQ(CALLLOG_MAX, calllog_count(log));
	EXPECT_EQ(1700000010, calllog_get(log, 0)->start);	/* oldest gone */
	EXPECT_STREQ("sip:507@corp.test", calllog_last_placed(log)->uri);
	EXPECT_EQ(170, calllog_missed(log));

	/* a restart reads it all back */
	ASSERT_EQ(0, calllog_new(fd, &back));
	EXPECT_EQ(CALLLOG_MAX, calllog_count(back));
	EXPECT_EQ(0, memcmp(calllog_get(log, 123), calllog_get(back, 123), sizeof(e)));
	EXPECT_EQ(170, calllog_missed(back));
	ASSERT_EQ(0, calllog_seen(back));
	calllog_free(back);
	ASSERT_EQ(0, calllog_new(fd, &back));
	EXPECT_EQ(0, calllog_missed(back));
	calllog_free(back);
	calllog_free(log);

	/* a foreign file: set aside, the log starts empty and works */
	{
		int w = openat(fd, CALLLOG_FILE, O_WRONLY | O_TRUNC);

		ASSERT_LE(0, w);
		ASSERT_EQ(14, write(w, "{\"calls\":[1,2", 14));
		close(w);
	}
	EXPECT_EQ(-EINVAL, calllog_new(fd, &log));
	EXPECT_EQ(0, calllog_count(log));
	EXPECT_EQ(0, faccessat(fd, CALLLOG_FILE ".bad", F_OK, 0));
	entry(&e, 1, CALLLOG_MISSED);
	EXPECT_EQ(0, calllog_add(log, &e));
	calllog_free(log);
	close(fd);
	rmdir_all(dir);
}

/*
 * The log's writer killed (SIGKILL) at random instants while it writes
 * entry after entry, 30 times: each time the file reads back whole, with
 * no fewer entries than the time before.
 */
TEST(calllog_survives_kill_mid_write)
{
	struct calllog_entry e;
	char *dir = tmpdir();
	size_t before = 0;
	int fd, cut = 0;

	ASSERT_NE(NULL, dir);
	fd = open(dir, O_DIRECTORY | O_RDONLY);
	ASSERT_LE(0, fd);
	srand((unsigned int)time(NULL));
	for (int round = 0; round < 30; round++) {
		struct timespec ts = { 0, 5000000 + (rand() % 100) * 1000000L };
		struct calllog *log;
		pid_t pid = fork();
		int st;

		ASSERT_LE(0, pid);
		if (pid == 0) {
			if (calllog_new(fd, &log) < 0)
				_exit(2);
			for (int i = 0;; i++) {
				entry(&e, i, CALLLOG_MISSED);
				if (calllog_add(log, &e) < 0)
					_exit(3);
			}
		}
		nanosleep(&ts, NULL);
		kill(pid, SIGKILL);
		ASSERT_EQ(pid, waitpid(pid, &st, 0));
		ASSERT_TRUE(WIFSIGNALED(st));
		/* a temporary left behind: this kill cut a write */
		cut += faccessat(fd, CALLLOG_FILE ATOMIC_FILE_SUFFIX, F_OK, 0) == 0;
		ASSERT_EQ(0, calllog_new(fd, &log));
		EXPECT_LE(before, calllog_count(log));
		EXPECT_GE(CALLLOG_MAX, calllog_count(log));
		before = calllog_count(log);
		calllog_free(log);
		EXPECT_NE(0, faccessat(fd, CALLLOG_FILE ".bad", F_OK, 0));
	}
	TH_LOG("30 kills, %d of them mid-write: %zu entries, the file whole each time",
	       cut, before);
	EXPECT_LT(0, before);
	close(fd);
	rmdir_all(dir);
}

TEST_HARNESS_MAIN
