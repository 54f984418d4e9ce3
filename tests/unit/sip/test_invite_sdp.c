// SPDX-License-Identifier: GPL-2.0-only
/*
 * Malformed and unusable SDP in incoming INVITEs, through the phone's real
 * SDP negotiation (lib/sdp) behind the INVITE session: each is refused with
 * the status RFC 3264 calls for (400 not SDP, 488 not acceptable), no
 * session is left behind, and the next good offer still rings.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>

#include "kselftest_harness.h"
#include "sip/invite.h"
#include "lib/sdp/sdp.h"

struct fake {
	struct sdp_neg *neg;
	unsigned int last_status, sent;
};

static uint64_t f_now(void *ctx) { (void)ctx; return 1; }
static void f_arm(void *ctx, uint64_t at) { (void)ctx; (void)at; }

static int f_send(void *ctx, const char *buf, size_t len)
{
	struct fake *f = ctx;
	struct sip_msg m;

	if (sip_msg_parse(buf, len, &m) < 0)
		return -EINVAL;
	f->last_status = m.status;
	f->sent++;
	sip_msg_free(&m);
	return 0;
}

static void f_state(void *ctx, enum invite_state st, unsigned int s, const char *r)
{
	(void)ctx; (void)st; (void)s; (void)r;
}

static unsigned int f_offer(void *ctx, const char *sdp, size_t len, char *ans,
			    size_t cap, size_t *alen)
{
	struct fake *f = ctx;
	struct media_stream_params p;
	struct sdp_error err;

	if (sdp_neg_offer_received(f->neg, sdp, len, ans, cap, alen, &p, &err) < 0)
		return err.status;
	media_stream_params_clear(&p);
	return 0;
}

static unsigned int f_answer(void *ctx, const char *sdp, size_t len)
{
	(void)ctx; (void)sdp; (void)len;
	return 0;
}

static int f_make_offer(void *ctx, char *sdp, size_t cap, size_t *len)
{
	(void)ctx; (void)sdp; (void)cap; (void)len;
	return -ENOTSUP;
}

static const struct invite_ops ops = {
	.now = f_now, .arm = f_arm, .send = f_send, .state = f_state,
	.offer = f_offer, .answer = f_answer, .make_offer = f_make_offer,
};

static const struct invite_config cfg = {
	.local_na = "<sip:alice@corp.test>",
	.contact = "<sip:alice@10.77.0.100:40312;transport=tls>",
	.sent_by = "10.77.0.100:40312",
};

#define KEY "WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz"	/* 30 bytes */
#define HEAD "v=0\r\no=- 1 1 IN IP4 10.77.0.3\r\ns=-\r\nc=IN IP4 10.77.0.3\r\nt=0 0\r\n"
#define GOOD HEAD "m=audio 10000 RTP/SAVP 0 101\r\na=rtpmap:101 telephone-event/8000\r\n" \
	"a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" KEY "\r\n"

static unsigned int offer(struct fake *f, const char *sdp)
{
	static char msg[65536];
	struct invite *inv = NULL;
	struct sip_msg m;
	int n, ret;

	n = snprintf(msg, sizeof(msg),
		     "INVITE sip:alice@10.77.0.100 SIP/2.0\r\n"
		     "Via: SIP/2.0/TLS 10.77.0.1:5061;branch=z9hG4bKx\r\n"
		     "From: <sip:bob@corp.test>;tag=b\r\nTo: <sip:alice@corp.test>\r\n"
		     "Call-ID: c\r\nCSeq: 1 INVITE\r\n"
		     "Contact: <sip:bob@10.77.0.3:5061;transport=tls>\r\n"
		     "Content-Type: application/sdp\r\nContent-Length: %zu\r\n\r\n%s",
		     strlen(sdp), sdp);
	if (n < 0 || (size_t)n >= sizeof(msg) || sip_msg_parse(msg, (size_t)n, &m) < 0)
		return 0;
	ret = invite_new_incoming(&cfg, &ops, f, &m, &inv);
	sip_msg_free(&m);
	if (ret == 0) {
		invite_free(inv);
		return f->last_status;	/* 180 */
	}
	return ret == -EPROTO ? f->last_status : 1;
}

FIXTURE(neg) {
	struct fake f;
};

FIXTURE_SETUP(neg)
{
	struct sdp_config c = { 0 };
	struct sockaddr_in *sin = (struct sockaddr_in *)&c.local;

	sin->sin_family = AF_INET;
	inet_pton(AF_INET, "10.77.0.100", &sin->sin_addr);
	c.rtp_port = 20000;
	c.rtcp_port = 20001;
	c.srtp = SDP_SRTP_MANDATORY;
	c.suites = 1U << UCPHONE_SRTP_AES_CM_128_HMAC_SHA1_80;
	c.codecs[0] = MEDIA_CODEC_PCMU;
	c.codecs[1] = MEDIA_CODEC_PCMA;
	c.n_codecs = 2;
	c.tel_event = true;
	memset(&self->f, 0, sizeof(self->f));
	ASSERT_EQ(0, sdp_neg_new(&self->f.neg, &c));
}

FIXTURE_TEARDOWN(neg)
{
	sdp_neg_free(self->f.neg);
}

TEST_F(neg, good_offer_rings)
{
	EXPECT_EQ(180, offer(&self->f, GOOD));
}

TEST_F(neg, malformed_sdp_400_unusable_488)
{
	static char many[32768];
	size_t n;

	/* not SDP at all: 400; well-formed but without any audio: 488 */
	EXPECT_EQ(400, offer(&self->f, "hello"));
	EXPECT_EQ(400, offer(&self->f, "v=0\r\nm=audio\r\n"));
	EXPECT_EQ(488, offer(&self->f, HEAD));
	/* plain RTP under srtp=mandatory */
	EXPECT_EQ(488, offer(&self->f, HEAD "m=audio 10000 RTP/AVP 0\r\n"));
	/* only codecs the phone does not have */
	EXPECT_EQ(488, offer(&self->f, HEAD "m=audio 10000 RTP/SAVP 96\r\n"
			     "a=rtpmap:96 SILK/16000\r\n"
			     "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" KEY "\r\n"));
	/* a key of the wrong length, bad base64: no usable crypto */
	EXPECT_EQ(488, offer(&self->f, HEAD "m=audio 10000 RTP/SAVP 0\r\n"
			     "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:QUJD\r\n"));
	EXPECT_EQ(488, offer(&self->f, HEAD "m=audio 10000 RTP/SAVP 0\r\n"
			     "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:!!!!\r\n"));
	/* the audio stream refused already (port 0) */
	EXPECT_EQ(488, offer(&self->f, HEAD "m=audio 0 RTP/SAVP 0\r\n"
			     "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" KEY "\r\n"));
	/* 50 crypto lines: over the limit */
	n = (size_t)snprintf(many, sizeof(many), HEAD "m=audio 10000 RTP/SAVP 0\r\n");
	for (int i = 1; i <= 50; i++)
		n += (size_t)snprintf(many + n, sizeof(many) - n,
				      "a=crypto:%d AES_CM_128_HMAC_SHA1_80 inline:" KEY "\r\n", i);
	EXPECT_EQ(488, offer(&self->f, many));
	/* a huge body */
	memset(many, 'a', sizeof(many) - 1);
	many[sizeof(many) - 1] = '\0';
	memcpy(many, "v=0\r\n", 5);
	EXPECT_EQ(488, offer(&self->f, many));
	/* and the phone still takes a good call */
	EXPECT_EQ(180, offer(&self->f, GOOD));
}

TEST_HARNESS_MAIN
