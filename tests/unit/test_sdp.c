// SPDX-License-Identifier: GPL-2.0-only
/*
 * SDP (lib/sdp): parsing what baresip, OCS/Lync and hostile peers send,
 * the phone's offers and answers with SDES keys, and the SIP status every
 * refusal maps to.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include "kselftest_harness.h"
#include "lib/sdp/sdp.h"

#define S(x) x, sizeof(x) - 1

/* What baresip 1.0.0 with mediaenc=srtp-mand offers. */
static const char baresip_offer[] =
	"v=0\r\n"
	"o=- 1803432914 3162493226 IN IP4 127.0.0.1\r\n"
	"s=-\r\n"
	"c=IN IP4 127.0.0.1\r\n"
	"t=0 0\r\n"
	"m=audio 10000 RTP/SAVP 96 9 0 8 101\r\n"
	"b=AS:86\r\n"
	"a=rtpmap:96 opus/48000/2\r\n"
	"a=fmtp:96 stereo=1;sprop-stereo=1\r\n"
	"a=rtpmap:9 G722/8000\r\n"
	"a=rtpmap:0 PCMU/8000\r\n"
	"a=rtpmap:8 PCMA/8000\r\n"
	"a=rtpmap:101 telephone-event/8000\r\n"
	"a=fmtp:101 0-15\r\n"
	"a=sendrecv\r\n"
	"a=label:1\r\n"
	"a=rtcp-mux\r\n"
	"a=ssrc:1234 cname:x\r\n"
	"a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz\r\n"
	"a=ptime:20\r\n";

/* The shape of an OCS 2007 R2 / Lync Mediation Server offer (optional SRTP). */
static const char ocs_offer[] =
	"v=0\r\n"
	"o=- 0 0 IN IP4 10.77.0.5\r\n"
	"s=session\r\n"
	"c=IN IP4 10.77.0.5\r\n"
	"b=CT:1000\r\n"
	"t=0 0\r\n"
	"m=audio 52000 RTP/AVP 114 111 112 115 116 4 8 0 97 13 118 101\r\n"
	"a=x-ssrc-range:1-1\r\n"
	"a=rtcp:52001\r\n"
	"a=crypto:2 AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz|2^31|1:1\r\n"
	"a=crypto:3 AES_CM_128_HMAC_SHA1_80 inline:d0RmdmcmVCspeEc3QGZiNWpVLFJhQX1cfHAwJSoj|2^31\r\n"
	"a=encryption:optional\r\n"
	"a=cryptoscale:1 client AES_CM_128_HMAC_SHA1_80 inline:c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0|2^31|1:1\r\n"
	"a=rtpmap:114 x-msrta/16000\r\n"
	"a=fmtp:114 bitrate=29000\r\n"
	"a=rtpmap:111 SIREN/16000\r\n"
	"a=rtpmap:112 G7221/16000\r\n"
	"a=rtpmap:115 x-msrta/8000\r\n"
	"a=rtpmap:116 AAL2-G726-32/8000\r\n"
	"a=rtpmap:4 G723/8000\r\n"
	"a=rtpmap:8 PCMA/8000\r\n"
	"a=rtpmap:0 PCMU/8000\r\n"
	"a=rtpmap:97 RED/8000\r\n"
	"a=rtpmap:13 CN/8000\r\n"
	"a=rtpmap:118 CN/16000\r\n"
	"a=rtpmap:101 telephone-event/8000\r\n"
	"a=fmtp:101 0-16\r\n"
	"a=ptime:20\r\n";

static const char plain_offer[] =
	"v=0\r\n"
	"o=bob 1 1 IN IP4 192.0.2.9\r\n"
	"s=-\r\n"
	"c=IN IP4 192.0.2.9\r\n"
	"t=0 0\r\n"
	"m=audio 4000 RTP/AVP 8 0\r\n";

static void config(struct sdp_config *cfg, enum sdp_srtp_policy policy, uint16_t port)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)&cfg->local;

	memset(cfg, 0, sizeof(*cfg));
	sin->sin_family = AF_INET;
	inet_pton(AF_INET, "10.77.0.100", &sin->sin_addr);
	cfg->user = "ucphone";
	cfg->rtp_port = port;
	cfg->rtcp_port = port + 1;
	cfg->srtp = policy;
	cfg->suites = (1U << UCPHONE_SRTP_AES_CM_128_HMAC_SHA1_80) |
		      (1U << UCPHONE_SRTP_AES_CM_128_HMAC_SHA1_32) |
		      (1U << UCPHONE_SRTP_AEAD_AES_128_GCM) |
		      (1U << UCPHONE_SRTP_AEAD_AES_256_GCM);
	cfg->codecs[0] = MEDIA_CODEC_PCMU;
	cfg->codecs[1] = MEDIA_CODEC_PCMA;
	cfg->n_codecs = 2;
	cfg->tel_event = true;
	cfg->rtcp_mux = true;
}

static struct sdp *parse_ok(struct __test_metadata *_metadata, const char *body, size_t len)
{
	struct sdp *sdp = calloc(1, sizeof(*sdp));
	struct sdp_error err;

	ASSERT_NE(NULL, sdp);
	ASSERT_EQ(0, sdp_parse(body, len, sdp, &err)) TH_LOG("%u %s", err.status, err.reason);
	return sdp;
}

TEST(parses_baresip_offer)
{
	struct sdp *sdp = parse_ok(_metadata, S(baresip_offer));
	struct sdp_media *m = &sdp->media[0];

	ASSERT_EQ(1, sdp->n_media);
	EXPECT_STREQ("audio", m->media);
	EXPECT_EQ(10000, m->port);
	EXPECT_EQ(SDP_PROTO_RTP_SAVP, m->proto);
	ASSERT_EQ(5, m->n_formats);
	EXPECT_EQ(96, m->formats[0].pt);
	EXPECT_STREQ("opus", m->formats[0].encoding);
	EXPECT_EQ(48000, m->formats[0].clock_rate);
	EXPECT_EQ(2, m->formats[0].channels);
	EXPECT_STREQ("stereo=1;sprop-stereo=1", m->formats[0].fmtp);
	EXPECT_EQ(SDP_DIR_SENDRECV, m->dir);
	EXPECT_TRUE(m->rtcp_mux);
	EXPECT_EQ(20, m->ptime_ms);
	ASSERT_EQ(1, m->n_crypto);
	EXPECT_EQ(1, m->crypto[0].tag);
	EXPECT_EQ(UCPHONE_SRTP_AES_CM_128_HMAC_SHA1_80, m->crypto[0].suite);
	EXPECT_TRUE(m->crypto[0].usable);
	EXPECT_EQ(30, m->crypto[0].keys[0].key_salt_len);
	EXPECT_EQ(0, memcmp(m->crypto[0].keys[0].key_salt, "YS___semctl () {\t220;}\n}\nunles", 30));
	EXPECT_EQ(0, m->crypto[0].keys[0].mki_len);
	EXPECT_EQ(AF_INET, m->conn.family);
	sdp_clear(sdp);
	free(sdp);
}

TEST(parses_ocs_offer_lifetime_and_mki)
{
	struct sdp *sdp = parse_ok(_metadata, S(ocs_offer));
	struct sdp_media *m = &sdp->media[0];

	EXPECT_EQ(SDP_PROTO_RTP_AVP, m->proto);
	EXPECT_EQ(12, m->n_formats);
	EXPECT_EQ(52001, m->rtcp_port);
	EXPECT_EQ(SDP_ENCRYPTION_OPTIONAL, m->encryption);
	ASSERT_EQ(2, m->n_crypto);
	EXPECT_EQ(2, m->crypto[0].tag);
	EXPECT_TRUE(m->crypto[0].keys[0].has_lifetime);
	EXPECT_EQ(1ULL << 31, m->crypto[0].keys[0].lifetime);
	EXPECT_EQ(1, m->crypto[0].keys[0].mki_len);
	EXPECT_EQ(1, m->crypto[0].keys[0].mki);
	EXPECT_TRUE(m->crypto[0].usable);
	EXPECT_EQ(0, m->crypto[1].keys[0].mki_len);
	EXPECT_TRUE(m->crypto[1].usable);
	sdp_clear(sdp);
	free(sdp);
}

static void expect_refused(struct __test_metadata *_metadata, const char *body,
			   unsigned int status, const char *reason)
{
	struct sdp *sdp = calloc(1, sizeof(*sdp));
	struct sdp_error err;

	ASSERT_NE(NULL, sdp);
	EXPECT_GT(0, sdp_parse(body, strlen(body), sdp, &err));
	EXPECT_EQ(status, err.status);
	EXPECT_STREQ(reason, err.reason);
	free(sdp);
}

TEST(malformed_bodies_are_400_limits_488)
{
	char *big;
	struct sdp *sdp = calloc(1, sizeof(*sdp));
	struct sdp_error err;

	expect_refused(_metadata, "o=- 1 1 IN IP4 1.2.3.4\r\n", 400, "SDP does not start with v=0");
	expect_refused(_metadata, "v=1\r\n", 400, "SDP version is not v=0");
	expect_refused(_metadata, "v=0\r\ns=-\r\n", 400, "SDP lacks v=, o= or s=");
	expect_refused(_metadata, "v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nm=audio 4 RTP/AVP 0\r\n",
		       400, "m= line without a c= address");
	expect_refused(_metadata, "v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nc=IN IP4 1.2.3.4\r\n"
		       "m=audio 4 RTP/AVP 0\r\na=sendonly\r\na=recvonly\r\n",
		       400, "contradictory direction attributes");
	expect_refused(_metadata, "v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nc=IN IP4 1.2.3.4\r\n"
		       "m=audio 4 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:0 PCMA/8000\r\n",
		       400, "two a=rtpmap for one payload type");
	expect_refused(_metadata, "v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nc=IN IP4 1.2.3.4\r\n"
		       "m=audio 4 RTP/AVP 300\r\n", 400, "RTP payload type is not 0-127");
	expect_refused(_metadata, "v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nc=IN IP4 1.2.3.4\r\n"
		       "m=audio 70000 RTP/AVP 0\r\n", 400, "malformed m= port");
	expect_refused(_metadata, "v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nc=IN IP4 pbx.example\r\n",
		       400, "c= address is not a literal IP address");
	expect_refused(_metadata, "v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nc=IN IP4 1.2.3.4\r\n"
		       "m=audio 4 RTP/SAVP 0\r\na=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:a\r\n"
		       "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:a\r\n",
		       400, "a=crypto tag used twice");
	expect_refused(_metadata, "v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nc=IN IP4 1.2.3.4\r\n"
		       "m=audio 4 RTP/SAVP 0\r\na=crypto:x AES_CM_128_HMAC_SHA1_80 inline:a\r\n",
		       400, "malformed a=crypto");
	expect_refused(_metadata, "v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nc=IN IP4 1.2.3.4\r\n"
		       "m=audio 4 RTP/AVP 0\r\nX=junk\r\n",
		       400, "line type is not a lower-case letter");
	/* A NUL inside and a body over the limit. */
	ASSERT_NE(NULL, sdp);
	EXPECT_EQ(-EINVAL, sdp_parse("v=0\r\n\0", 6, sdp, &err));
	EXPECT_EQ(400, err.status);
	big = malloc(SDP_BODY_MAX + 2);
	ASSERT_NE(NULL, big);
	memset(big, 'a', SDP_BODY_MAX + 1);
	EXPECT_EQ(-E2BIG, sdp_parse(big, SDP_BODY_MAX + 1, sdp, &err));
	EXPECT_EQ(488, err.status);
	EXPECT_STREQ("SDP body too large", err.reason);
	free(big);
	free(sdp);
}

static char *with_crypto_lines(int n, const char *line)
{
	size_t size = 256 + (size_t)n * (strlen(line) + 32);
	char *b = malloc(size);
	size_t len;

	len = (size_t)snprintf(b, size, "v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\n"
			       "c=IN IP4 1.2.3.4\r\nt=0 0\r\nm=audio 4000 RTP/SAVP 0\r\n");
	for (int i = 1; i <= n; i++)
		len += (size_t)snprintf(b + len, size - len, "a=crypto:%d %s\r\n", i, line);
	return b;
}

TEST(fifty_crypto_lines_are_488)
{
	char *b = with_crypto_lines(50, "AES_CM_128_HMAC_SHA1_80 "
				    "inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz");
	struct sdp *sdp = calloc(1, sizeof(*sdp));
	struct sdp_error err;

	ASSERT_NE(NULL, sdp);
	EXPECT_EQ(-E2BIG, sdp_parse(b, strlen(b), sdp, &err));
	EXPECT_EQ(488, err.status);
	EXPECT_STREQ("too many a=crypto lines", err.reason);
	/* The reason never carries the key. */
	EXPECT_EQ(NULL, strstr(err.reason, "WVNf"));
	free(b);
	free(sdp);
}

/* Lines that parse but can never be used. */
TEST(unusable_crypto_lines)
{
	static const char *const bad[] = {
		/* 29 bytes: short key */
		"AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubA==",
		/* bad base64 */
		"AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVub!!z",
		/* 30 bytes for a 256-bit suite */
		"AES_256_CM_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz",
		/* unknown suite */
		"F8_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz",
		/* MKI of 5 bytes */
		"AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz|1:5",
		/* MKI value too big for its length */
		"AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz|256:1",
		/* lifetime beyond 2^48 */
		"AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz|2^49",
		/* MKI before lifetime */
		"AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz|1:1|2^31",
		/* a session parameter the phone cannot honour */
		"AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz UNENCRYPTED_SRTP",
		"AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz KDR=5",
		/* not inline: */
		"AES_CM_128_HMAC_SHA1_80 uri:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz",
		/* two keys (the phone keeps one per direction) */
		("AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz|1:1;"
		 "inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz|2:1"),
	};
	struct sdp_config cfg;
	struct sdp_neg *neg;

	config(&cfg, SDP_SRTP_MANDATORY, 20000);
	ASSERT_EQ(0, sdp_neg_new(&neg, &cfg));
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char *b = with_crypto_lines(1, bad[i]);
		struct sdp *sdp = parse_ok(_metadata, b, strlen(b));
		struct media_stream_params p;
		struct sdp_error err;
		char ans[SDP_OUT_MAX];
		size_t len;

		EXPECT_FALSE(sdp->media[0].crypto[0].usable) TH_LOG("line %zu", i);
		EXPECT_EQ(-EPROTO, sdp_neg_offer_received(neg, b, strlen(b), ans, sizeof(ans),
							  &len, &p, &err));
		EXPECT_EQ(488, err.status);
		EXPECT_STREQ("no acceptable a=crypto line", err.reason);
		sdp_clear(sdp);
		free(sdp);
		free(b);
	}
	sdp_neg_free(neg);
}

static bool keys_eq(const struct media_srtp_key *a, const struct media_srtp_key *b)
{
	return a->key_len == b->key_len && a->salt_len == b->salt_len &&
	       !memcmp(a->key, b->key, a->key_len) && !memcmp(a->salt, b->salt, a->salt_len) &&
	       a->mki_len == b->mki_len && a->mki == b->mki;
}

TEST(offer_answer_between_two_phones)
{
	struct media_stream_params pa, pb;
	struct sdp_config ca, cb;
	struct sdp_neg *a, *b;
	char offer[SDP_OUT_MAX], answer[SDP_OUT_MAX];
	size_t olen, alen;
	struct sdp_error err;
	struct sdp *sdp;
	const struct sockaddr_in *sin;

	config(&ca, SDP_SRTP_MANDATORY, 20000);
	config(&cb, SDP_SRTP_MANDATORY, 30000);
	/* B runs without the kernel module: no AEAD suites. */
	cb.suites = (1U << UCPHONE_SRTP_AES_CM_128_HMAC_SHA1_80) |
		    (1U << UCPHONE_SRTP_AES_CM_128_HMAC_SHA1_32);
	ASSERT_EQ(0, sdp_neg_new(&a, &ca));
	ASSERT_EQ(0, sdp_neg_new(&b, &cb));
	ASSERT_EQ(0, sdp_neg_offer(a, offer, sizeof(offer), &olen, &err));
	EXPECT_EQ(strlen(offer), olen);
	EXPECT_NE(NULL, strstr(offer, "m=audio 20000 RTP/SAVP 0 8 101\r\n"));
	EXPECT_NE(NULL, strstr(offer, "a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\n"));
	EXPECT_NE(NULL, strstr(offer, "a=rtcp-mux\r\n"));
	EXPECT_NE(NULL, strstr(offer, "a=rtcp:20001\r\n"));
	EXPECT_NE(NULL, strstr(offer, "c=IN IP4 10.77.0.100\r\n"));
	EXPECT_NE(NULL, strstr(offer, "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:"));
	EXPECT_NE(NULL, strstr(offer, "a=crypto:2 AES_CM_128_HMAC_SHA1_32 inline:"));
	EXPECT_NE(NULL, strstr(offer, "a=crypto:3 AEAD_AES_128_GCM inline:"));
	EXPECT_NE(NULL, strstr(offer, "a=crypto:4 AEAD_AES_256_GCM inline:"));
	EXPECT_EQ(NULL, strstr(offer, "AES_256_CM"));
	/* Our own offer parses, with keys of the right lengths and distinct. */
	sdp = parse_ok(_metadata, offer, olen);
	ASSERT_EQ(4, sdp->media[0].n_crypto);
	for (int i = 0; i < 4; i++)
		EXPECT_TRUE(sdp->media[0].crypto[i].usable);
	EXPECT_EQ(28, sdp->media[0].crypto[2].keys[0].key_salt_len);
	EXPECT_EQ(44, sdp->media[0].crypto[3].keys[0].key_salt_len);
	EXPECT_NE(0, memcmp(sdp->media[0].crypto[0].keys[0].key_salt,
			    sdp->media[0].crypto[1].keys[0].key_salt, 30));
	sdp_clear(sdp);
	free(sdp);

	ASSERT_EQ(0, sdp_neg_offer_received(b, offer, olen, answer, sizeof(answer), &alen,
					    &pb, &err)) TH_LOG("%u %s", err.status, err.reason);
	EXPECT_NE(NULL, strstr(answer, "m=audio 30000 RTP/SAVP 0 101\r\n"));
	EXPECT_NE(NULL, strstr(answer, "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:"));
	EXPECT_EQ(NULL, strstr(answer, "a=crypto:2"));
	ASSERT_EQ(0, sdp_neg_answer_received(a, answer, alen, &pa, &err))
		TH_LOG("%u %s", err.status, err.reason);

	EXPECT_EQ(MEDIA_CODEC_PCMU, pa.codec);
	EXPECT_EQ(MEDIA_CODEC_PCMU, pb.codec);
	EXPECT_EQ(0, pa.pt);
	EXPECT_EQ(8000, pa.clock_rate);
	EXPECT_EQ(20, pa.ptime_ms);
	EXPECT_EQ(101, pa.tel_event_pt);
	EXPECT_EQ(101, pb.tel_event_pt);
	EXPECT_EQ(0xffff, pa.tel_event_events);
	EXPECT_TRUE(pa.rtcp_mux);
	EXPECT_TRUE(pb.rtcp_mux);
	EXPECT_EQ(MEDIA_DIR_SENDRECV, pa.dir);
	EXPECT_TRUE(pa.srtp);
	EXPECT_EQ(UCPHONE_SRTP_AES_CM_128_HMAC_SHA1_80, pa.suite);
	EXPECT_EQ(UCPHONE_SRTP_AES_CM_128_HMAC_SHA1_80, pb.suite);
	EXPECT_TRUE(keys_eq(&pa.tx, &pb.rx));
	EXPECT_TRUE(keys_eq(&pa.rx, &pb.tx));
	EXPECT_FALSE(keys_eq(&pa.tx, &pa.rx));
	EXPECT_EQ(16, pa.tx.key_len);
	EXPECT_EQ(14, pa.tx.salt_len);
	sin = (const struct sockaddr_in *)&pa.remote_rtp;
	EXPECT_EQ(AF_INET, sin->sin_family);
	EXPECT_EQ(30000, ntohs(sin->sin_port));
	sin = (const struct sockaddr_in *)&pb.remote_rtcp;
	EXPECT_EQ(20000, ntohs(sin->sin_port));	/* rtcp-mux */
	EXPECT_EQ(20000, pa.local_rtp_port);
	EXPECT_EQ(20000, pa.local_rtcp_port);

	/* Hold: A re-offers sendonly, same key and only the agreed suite. */
	sdp_neg_set_direction(a, MEDIA_DIR_SENDONLY);
	media_stream_params_clear(&pb);
	ASSERT_EQ(0, sdp_neg_offer(a, offer, sizeof(offer), &olen, &err));
	EXPECT_NE(NULL, strstr(offer, "o=ucphone "));
	EXPECT_NE(NULL, strstr(offer, " 2 IN IP4 10.77.0.100\r\n"));
	EXPECT_NE(NULL, strstr(offer, "a=sendonly\r\n"));
	EXPECT_EQ(NULL, strstr(offer, "a=crypto:2"));
	ASSERT_EQ(0, sdp_neg_offer_received(b, offer, olen, answer, sizeof(answer), &alen,
					    &pb, &err));
	EXPECT_NE(NULL, strstr(answer, "a=recvonly\r\n"));
	EXPECT_EQ(MEDIA_DIR_RECVONLY, pb.dir);
	ASSERT_EQ(0, sdp_neg_answer_received(a, answer, alen, &pa, &err));
	EXPECT_EQ(MEDIA_DIR_SENDONLY, pa.dir);
	/* Keys carried over: the ROC goes on. */
	EXPECT_TRUE(keys_eq(&pa.tx, &pb.rx));
	EXPECT_TRUE(keys_eq(&pa.rx, &pb.tx));
	/* The same offer again: same version (RFC 3264 8). */
	ASSERT_EQ(0, sdp_neg_offer(a, offer, sizeof(offer), &olen, &err));
	EXPECT_NE(NULL, strstr(offer, " 2 IN IP4 10.77.0.100\r\n"));

	/* A re-key gives new keys. */
	{
		struct media_stream_params old = pa;

		ASSERT_EQ(0, sdp_neg_answer_received(a, answer, alen, &pa, &err));
		EXPECT_EQ(0, sdp_neg_rekey(a));
		ASSERT_EQ(0, sdp_neg_offer(a, offer, sizeof(offer), &olen, &err));
		ASSERT_EQ(0, sdp_neg_offer_received(b, offer, olen, answer, sizeof(answer),
						    &alen, &pb, &err));
		ASSERT_EQ(0, sdp_neg_answer_received(a, answer, alen, &pa, &err));
		EXPECT_FALSE(keys_eq(&old.tx, &pa.tx));
		EXPECT_TRUE(keys_eq(&pa.tx, &pb.rx));
		media_stream_params_clear(&old);
	}
	media_stream_params_clear(&pa);
	media_stream_params_clear(&pb);
	sdp_neg_free(a);
	sdp_neg_free(b);
}

TEST(answers_baresip_with_srtp)
{
	struct media_stream_params p;
	struct sdp_config cfg;
	struct sdp_neg *neg;
	char ans[SDP_OUT_MAX];
	struct sdp_error err;
	size_t len;

	config(&cfg, SDP_SRTP_MANDATORY, 20000);
	ASSERT_EQ(0, sdp_neg_new(&neg, &cfg));
	ASSERT_EQ(0, sdp_neg_offer_received(neg, S(baresip_offer), ans, sizeof(ans), &len,
					    &p, &err));
	/* opus first in their list but not ours: PCMU, PT 0, with their 101 */
	EXPECT_NE(NULL, strstr(ans, "m=audio 20000 RTP/SAVP 0 101\r\n"));
	EXPECT_NE(NULL, strstr(ans, "a=rtcp-mux\r\n"));
	EXPECT_NE(NULL, strstr(ans, "a=sendrecv\r\n"));
	EXPECT_EQ(MEDIA_CODEC_PCMU, p.codec);
	EXPECT_EQ(0x0000ffff, p.tel_event_events);
	EXPECT_EQ(30, p.rx.key_len + p.rx.salt_len);
	EXPECT_EQ(0, memcmp(p.rx.key, "YS___semctl () {", 16));
	media_stream_params_clear(&p);
	sdp_neg_free(neg);
}

/* baresip_offer with one line replaced (what..with), into buf */
static size_t variant(char *buf, size_t cap, const char *what, const char *with)
{
	const char *at = strstr(baresip_offer, what);

	if (!at)
		return 0;
	return (size_t)snprintf(buf, cap, "%.*s%s%s", (int)(at - baresip_offer),
				baresip_offer, with, at + strlen(what));
}

TEST(far_end_hold_forms_and_rekey)
{
	struct media_stream_params p, first;
	struct sdp_config cfg;
	struct sdp_neg *neg;
	char offer[SDP_OUT_MAX], ans[SDP_OUT_MAX];
	struct sdp_error err;
	size_t olen, len;

	config(&cfg, SDP_SRTP_MANDATORY, 20000);
	ASSERT_EQ(0, sdp_neg_new(&neg, &cfg));
	EXPECT_EQ(MEDIA_DIR_SENDRECV, sdp_neg_far_direction(neg));
	ASSERT_EQ(0, sdp_neg_offer_received(neg, S(baresip_offer), ans, sizeof(ans), &len,
					    &first, &err));
	EXPECT_EQ(MEDIA_DIR_SENDRECV, sdp_neg_far_direction(neg));

	/* a=sendonly: the phone stops sending, still hears (music on hold) */
	olen = variant(offer, sizeof(offer), "a=sendrecv", "a=sendonly");
	ASSERT_EQ(0, sdp_neg_offer_received(neg, offer, olen, ans, sizeof(ans), &len, &p, &err));
	EXPECT_NE(NULL, strstr(ans, "a=recvonly\r\n"));
	EXPECT_EQ(MEDIA_DIR_RECVONLY, p.dir);
	EXPECT_EQ(MEDIA_DIR_RECVONLY, sdp_neg_far_direction(neg));
	/* the far end's key unchanged: the same contexts go on */
	EXPECT_TRUE(keys_eq(&first.rx, &p.rx));
	EXPECT_TRUE(keys_eq(&first.tx, &p.tx));
	media_stream_params_clear(&p);

	/* a=inactive */
	olen = variant(offer, sizeof(offer), "a=sendrecv", "a=inactive");
	ASSERT_EQ(0, sdp_neg_offer_received(neg, offer, olen, ans, sizeof(ans), &len, &p, &err));
	EXPECT_NE(NULL, strstr(ans, "a=inactive\r\n"));
	EXPECT_EQ(MEDIA_DIR_INACTIVE, p.dir);
	media_stream_params_clear(&p);

	/* RFC 2543 hold: c=0.0.0.0 with sendrecv; nothing is sent there */
	olen = variant(offer, sizeof(offer), "c=IN IP4 127.0.0.1", "c=IN IP4 0.0.0.0");
	ASSERT_EQ(0, sdp_neg_offer_received(neg, offer, olen, ans, sizeof(ans), &len, &p, &err));
	EXPECT_FALSE(MEDIA_DIR_SENDS(p.dir));
	EXPECT_FALSE(MEDIA_DIR_SENDS(sdp_neg_far_direction(neg)));
	media_stream_params_clear(&p);

	/* the phone holds and the far end offers sendonly too: inactive */
	sdp_neg_set_direction(neg, MEDIA_DIR_SENDONLY);
	olen = variant(offer, sizeof(offer), "a=sendrecv", "a=sendonly");
	ASSERT_EQ(0, sdp_neg_offer_received(neg, offer, olen, ans, sizeof(ans), &len, &p, &err));
	EXPECT_NE(NULL, strstr(ans, "a=inactive\r\n"));
	media_stream_params_clear(&p);
	sdp_neg_set_direction(neg, MEDIA_DIR_SENDRECV);

	/* resume with a new key (RFC 4568 5.1.4): new rx key, the phone's own stays */
	olen = variant(offer, sizeof(offer), "inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz",
		       "inline:d0RmdmcmVCspeEc3QGZiNWpVLFJhQX1cfHAwJSoj");
	ASSERT_EQ(0, sdp_neg_offer_received(neg, offer, olen, ans, sizeof(ans), &len, &p, &err));
	EXPECT_EQ(MEDIA_DIR_SENDRECV, p.dir);
	EXPECT_EQ(MEDIA_DIR_SENDRECV, sdp_neg_far_direction(neg));
	EXPECT_FALSE(keys_eq(&first.rx, &p.rx));
	EXPECT_TRUE(keys_eq(&first.tx, &p.tx));
	media_stream_params_clear(&p);

	/* a refused re-offer changes nothing, the far direction included */
	EXPECT_NE(0, sdp_neg_offer_received(neg, "v=0\r\n", 5, ans, sizeof(ans), &len, &p, &err));
	EXPECT_EQ(MEDIA_DIR_SENDRECV, sdp_neg_far_direction(neg));
	media_stream_params_clear(&first);
	sdp_neg_free(neg);
}

TEST(ocs_optional_srtp_with_mki)
{
	struct media_stream_params p;
	struct sdp_config cfg;
	struct sdp_neg *neg;
	char ans[SDP_OUT_MAX];
	struct sdp_error err;
	size_t len;
	struct sdp *sdp;

	config(&cfg, SDP_SRTP_MANDATORY, 20000);
	cfg.rtcp_mux = false;
	ASSERT_EQ(0, sdp_neg_new(&neg, &cfg));
	ASSERT_EQ(0, sdp_neg_offer_received(neg, S(ocs_offer), ans, sizeof(ans), &len, &p, &err))
		TH_LOG("%u %s", err.status, err.reason);
	/* RTP/AVP echoed, crypto tag 2 echoed with our key, lifetime and MKI 1:1 */
	EXPECT_NE(NULL, strstr(ans, "m=audio 20000 RTP/AVP 8 101\r\n"));
	EXPECT_NE(NULL, strstr(ans, "a=crypto:2 AES_CM_128_HMAC_SHA1_80 inline:"));
	EXPECT_NE(NULL, strstr(ans, "|2^31|1:1\r\n"));
	EXPECT_NE(NULL, strstr(ans, "a=rtcp:20001\r\n"));
	EXPECT_EQ(NULL, strstr(ans, "a=rtcp-mux"));
	EXPECT_TRUE(p.srtp);
	EXPECT_EQ(MEDIA_CODEC_PCMA, p.codec);
	EXPECT_EQ(1, p.rx.mki_len);
	EXPECT_EQ(1, p.rx.mki);
	EXPECT_EQ(1, p.tx.mki_len);
	EXPECT_EQ(1, p.tx.mki);
	EXPECT_FALSE(p.rtcp_mux);
	EXPECT_EQ(52001, ntohs(((struct sockaddr_in *)&p.remote_rtcp)->sin_port));
	EXPECT_EQ(20001, p.local_rtcp_port);
	/* The answer is SDP the phone itself parses. */
	sdp = parse_ok(_metadata, ans, len);
	EXPECT_EQ(1, sdp->media[0].crypto[0].keys[0].mki_len);
	sdp_clear(sdp);
	free(sdp);
	media_stream_params_clear(&p);
	sdp_neg_free(neg);

	/* srtp=off: plain RTP answer to the same offer. */
	config(&cfg, SDP_SRTP_OFF, 20000);
	ASSERT_EQ(0, sdp_neg_new(&neg, &cfg));
	ASSERT_EQ(0, sdp_neg_offer_received(neg, S(ocs_offer), ans, sizeof(ans), &len, &p, &err));
	EXPECT_FALSE(p.srtp);
	EXPECT_EQ(NULL, strstr(ans, "a=crypto"));
	media_stream_params_clear(&p);
	sdp_neg_free(neg);
}

static void expect_answer_refused(struct __test_metadata *_metadata,
				  enum sdp_srtp_policy policy, const char *offer,
				  int rc, unsigned int status, const char *reason)
{
	struct media_stream_params p;
	struct sdp_config cfg;
	struct sdp_neg *neg;
	char ans[SDP_OUT_MAX];
	struct sdp_error err;
	size_t len;

	config(&cfg, policy, 20000);
	ASSERT_EQ(0, sdp_neg_new(&neg, &cfg));
	EXPECT_EQ(rc, sdp_neg_offer_received(neg, offer, strlen(offer), ans, sizeof(ans),
					     &len, &p, &err));
	EXPECT_EQ(status, err.status);
	EXPECT_STREQ(reason, err.reason);
	EXPECT_EQ(-ENOENT, sdp_neg_current(neg, &p));
	sdp_neg_free(neg);
}

TEST(policy_and_offer_refusals)
{
	expect_answer_refused(_metadata, SDP_SRTP_MANDATORY, plain_offer, -EPROTO, 488,
			      "plain RTP offered; the phone requires SRTP");
	expect_answer_refused(_metadata, SDP_SRTP_OFF, baresip_offer, -EPROTO, 488,
			      "SRTP offered; the phone runs srtp=off");
	expect_answer_refused(_metadata, SDP_SRTP_OFF,
			      "v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nc=IN IP4 1.2.3.4\r\n"
			      "m=audio 4000 RTP/AVP 0\r\na=encryption:required\r\n",
			      -EPROTO, 488, "Encryption Levels not compatible");
	expect_answer_refused(_metadata, SDP_SRTP_MANDATORY,
			      "v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nc=IN IP4 1.2.3.4\r\n"
			      "m=audio 4000 RTP/AVP 0\r\na=encryption:rejected\r\n",
			      -EPROTO, 488, "Encryption Levels not compatible");
	/* no m= line at all, only port 0, only unknown codecs, only video */
	expect_answer_refused(_metadata, SDP_SRTP_OPTIONAL,
			      "v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nc=IN IP4 1.2.3.4\r\n",
			      -EPROTO, 488, "no audio stream offered");
	expect_answer_refused(_metadata, SDP_SRTP_OPTIONAL,
			      "v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nc=IN IP4 1.2.3.4\r\n"
			      "m=audio 0 RTP/AVP 0\r\n",
			      -EPROTO, 488, "no audio stream offered");
	expect_answer_refused(_metadata, SDP_SRTP_OPTIONAL,
			      "v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nc=IN IP4 1.2.3.4\r\n"
			      "m=audio 4000 RTP/AVP 18 96\r\na=rtpmap:96 AMR/8000\r\n",
			      -EPROTO, 488, "no common codec");
	expect_answer_refused(_metadata, SDP_SRTP_OPTIONAL,
			      "v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nc=IN IP4 1.2.3.4\r\n"
			      "m=video 4000 RTP/AVP 31\r\n",
			      -EPROTO, 488, "no audio stream offered");
	/* PCMU's number with another codec's name is not PCMU */
	expect_answer_refused(_metadata, SDP_SRTP_OPTIONAL,
			      "v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nc=IN IP4 1.2.3.4\r\n"
			      "m=audio 4000 RTP/AVP 0\r\na=rtpmap:0 GSM/8000\r\n",
			      -EPROTO, 488, "no common codec");
	expect_answer_refused(_metadata, SDP_SRTP_OPTIONAL, "garbage", -EINVAL, 400,
			      "SDP line is not <type>=<value>");
}

TEST(optional_answers_plain_and_refuses_other_media)
{
	static const char offer[] =
		"v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nc=IN IP4 1.2.3.4\r\nt=0 0\r\n"
		"m=video 5000 RTP/AVP 31\r\n"
		"m=audio 4000 RTP/AVP 8 0\r\na=sendonly\r\na=ptime:40\r\n"
		"m=application 6000 UDP/BFCP *\r\n";
	struct media_stream_params p;
	struct sdp_config cfg;
	struct sdp_neg *neg;
	char ans[SDP_OUT_MAX];
	struct sdp_error err;
	size_t len;

	config(&cfg, SDP_SRTP_OPTIONAL, 20000);
	ASSERT_EQ(0, sdp_neg_new(&neg, &cfg));
	ASSERT_EQ(0, sdp_neg_offer_received(neg, S(offer), ans, sizeof(ans), &len, &p, &err));
	EXPECT_NE(NULL, strstr(ans, "m=video 0 RTP/AVP 31\r\nm=audio 20000 RTP/AVP 8\r\n"));
	EXPECT_NE(NULL, strstr(ans, "m=application 0 UDP/BFCP *\r\n"));
	EXPECT_NE(NULL, strstr(ans, "a=recvonly\r\n"));
	EXPECT_FALSE(p.srtp);
	EXPECT_EQ(MEDIA_CODEC_PCMA, p.codec);
	EXPECT_EQ(8, p.pt);
	EXPECT_EQ(MEDIA_PT_NONE, p.tel_event_pt);
	EXPECT_EQ(MEDIA_DIR_RECVONLY, p.dir);
	EXPECT_EQ(40, p.ptime_ms);
	EXPECT_FALSE(p.rtcp_mux);
	EXPECT_EQ(4001, ntohs(((struct sockaddr_in *)&p.remote_rtcp)->sin_port));
	sdp_neg_free(neg);
}

TEST(answers_that_cannot_be_used)
{
	static const char *const answers[] = {
		/* a suite we did not offer under that tag */
		"v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nc=IN IP4 1.2.3.4\r\n"
		"m=audio 4000 RTP/SAVP 0\r\n"
		"a=crypto:1 AES_CM_128_HMAC_SHA1_32 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz\r\n",
		/* a tag we did not offer */
		"v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nc=IN IP4 1.2.3.4\r\n"
		"m=audio 4000 RTP/SAVP 0\r\n"
		"a=crypto:9 AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz\r\n",
		/* no keys */
		"v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nc=IN IP4 1.2.3.4\r\n"
		"m=audio 4000 RTP/AVP 0\r\n",
		/* refused stream */
		"v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nc=IN IP4 1.2.3.4\r\n"
		"m=audio 0 RTP/SAVP 0\r\n",
		/* a codec we did not offer */
		"v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nc=IN IP4 1.2.3.4\r\n"
		"m=audio 4000 RTP/SAVP 9\r\n"
		"a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz\r\n",
	};
	struct media_stream_params p;
	struct sdp_config cfg;
	struct sdp_neg *neg;
	char offer[SDP_OUT_MAX];
	struct sdp_error err;
	size_t len;

	config(&cfg, SDP_SRTP_MANDATORY, 20000);
	ASSERT_EQ(0, sdp_neg_new(&neg, &cfg));
	/* An answer with no offer out */
	EXPECT_EQ(-EPROTO, sdp_neg_answer_received(neg, S(plain_offer), &p, &err));
	for (size_t i = 0; i < sizeof(answers) / sizeof(answers[0]); i++) {
		ASSERT_EQ(0, sdp_neg_offer(neg, offer, sizeof(offer), &len, &err));
		EXPECT_EQ(-EPROTO, sdp_neg_answer_received(neg, answers[i], strlen(answers[i]),
							   &p, &err)) TH_LOG("answer %zu", i);
		EXPECT_EQ(488, err.status);
	}
	EXPECT_EQ(-ENOENT, sdp_neg_current(neg, &p));
	/* A buffer too small for the offer */
	EXPECT_EQ(-ENOSPC, sdp_neg_offer(neg, offer, 100, &len, &err));
	sdp_neg_free(neg);
}

TEST(optional_offer_is_avp_with_crypto)
{
	struct sdp_config cfg;
	struct sdp_neg *neg;
	char offer[SDP_OUT_MAX];
	struct sdp_error err;
	size_t len;
	struct media_stream_params p;

	config(&cfg, SDP_SRTP_OPTIONAL, 20000);
	ASSERT_EQ(0, sdp_neg_new(&neg, &cfg));
	ASSERT_EQ(0, sdp_neg_offer(neg, offer, sizeof(offer), &len, &err));
	EXPECT_NE(NULL, strstr(offer, "m=audio 20000 RTP/AVP 0 8 101\r\n"));
	EXPECT_NE(NULL, strstr(offer, "a=crypto:1 AES_CM_128_HMAC_SHA1_80"));
	/* A plain answer is fine under optional */
	ASSERT_EQ(0, sdp_neg_answer_received(neg, S(plain_offer), &p, &err));
	EXPECT_FALSE(p.srtp);
	EXPECT_EQ(MEDIA_CODEC_PCMA, p.codec);
	/* and the call stays plain afterwards */
	ASSERT_EQ(0, sdp_neg_offer(neg, offer, sizeof(offer), &len, &err));
	EXPECT_EQ(NULL, strstr(offer, "a=crypto"));
	sdp_neg_free(neg);
}

/*
 * The phone's default codec order: an offer of opus, G722, PCMU, PCMA with
 * the Opus fmtp and CN; a far end's Opus with useinbandfec/usedtx/
 * maxplaybackrate lands in the stream's parameters; the setting's parser.
 */
TEST(opus_g722_offer_order_and_fmtp)
{
	static const char opus_offer[] =
		"v=0\r\no=- 1 1 IN IP4 10.77.0.3\r\ns=-\r\nc=IN IP4 10.77.0.3\r\nt=0 0\r\n"
		"m=audio 10000 RTP/AVP 96 9 13 101\r\n"
		"a=rtpmap:96 opus/48000/2\r\n"
		"a=fmtp:96 useinbandfec=1; usedtx=1;maxplaybackrate=16000\r\n"
		"a=rtpmap:9 G722/8000\r\n"
		"a=rtpmap:13 CN/8000\r\n"
		"a=rtpmap:101 telephone-event/8000\r\n"
		"a=ptime:40\r\n";
	enum media_codec list[MEDIA_CODEC_MAX];
	struct media_stream_params p;
	struct sdp_config cfg;
	struct sdp_neg *neg;
	char out[SDP_OUT_MAX];
	struct sdp_error err;
	unsigned int n;
	size_t len;

	config(&cfg, SDP_SRTP_OFF, 20000);
	ASSERT_EQ(0, sdp_codec_list_parse(SDP_CODECS_DEFAULT, cfg.codecs, &cfg.n_codecs));
	ASSERT_EQ(4, cfg.n_codecs);
	cfg.cn = true;
	cfg.opus_max_playback_rate = 8000;
	ASSERT_EQ(0, sdp_neg_new(&neg, &cfg));
	ASSERT_EQ(0, sdp_neg_offer(neg, out, sizeof(out), &len, &err));
	EXPECT_NE(NULL, strstr(out, "m=audio 20000 RTP/AVP 111 9 0 8 13 101\r\n"));
	EXPECT_NE(NULL, strstr(out, "a=rtpmap:111 opus/48000/2\r\n"));
	EXPECT_NE(NULL, strstr(out, "a=fmtp:111 useinbandfec=1;stereo=0;sprop-stereo=0;"
				    "maxplaybackrate=8000;sprop-maxcapturerate=8000\r\n"));
	EXPECT_NE(NULL, strstr(out, "a=rtpmap:9 G722/8000\r\n"));
	EXPECT_NE(NULL, strstr(out, "a=rtpmap:13 CN/8000\r\n"));
	sdp_neg_free(neg);

	/* answering an Opus offer: its hints, its ptime, CN agreed */
	ASSERT_EQ(0, sdp_neg_new(&neg, &cfg));
	ASSERT_EQ(0, sdp_neg_offer_received(neg, S(opus_offer), out, sizeof(out), &len, &p, &err));
	EXPECT_EQ(MEDIA_CODEC_OPUS, p.codec);
	EXPECT_EQ(96, p.pt);
	EXPECT_EQ(48000, p.clock_rate);
	EXPECT_EQ(40, p.ptime_ms);
	EXPECT_TRUE(p.opus_fec);
	EXPECT_TRUE(p.opus_dtx);
	EXPECT_EQ(16000, p.opus_max_playback_rate);
	EXPECT_TRUE(p.cn);
	EXPECT_NE(NULL, strstr(out, "m=audio 20000 RTP/AVP 96 13 101\r\n"));
	EXPECT_NE(NULL, strstr(out, "a=fmtp:96 useinbandfec=1"));
	media_stream_params_clear(&p);
	sdp_neg_free(neg);

	/* the setting */
	EXPECT_EQ(0, sdp_codec_list_parse("pcma,G722", list, &n));
	EXPECT_EQ(2, n);
	EXPECT_EQ(MEDIA_CODEC_PCMA, list[0]);
	EXPECT_EQ(MEDIA_CODEC_G722, list[1]);
	EXPECT_EQ(-EINVAL, sdp_codec_list_parse("opus,opus", list, &n));
	EXPECT_EQ(-EINVAL, sdp_codec_list_parse("G729", list, &n));
	EXPECT_EQ(-EINVAL, sdp_codec_list_parse("PCMU,", list, &n));
	EXPECT_EQ(-EINVAL, sdp_codec_list_parse("", list, &n));
}

TEST(config_checked)
{
	struct sdp_config cfg;
	struct sdp_neg *neg;

	config(&cfg, SDP_SRTP_MANDATORY, 20000);
	cfg.suites = 0;
	EXPECT_EQ(-EINVAL, sdp_neg_new(&neg, &cfg));
	config(&cfg, SDP_SRTP_MANDATORY, 20000);
	cfg.n_codecs = 0;
	EXPECT_EQ(-EINVAL, sdp_neg_new(&neg, &cfg));
	config(&cfg, SDP_SRTP_MANDATORY, 20000);
	cfg.user = "has space";
	EXPECT_EQ(-EINVAL, sdp_neg_new(&neg, &cfg));
	EXPECT_STREQ("AEAD_AES_256_GCM", sdp_suite_name(UCPHONE_SRTP_AEAD_AES_256_GCM));
	EXPECT_EQ(NULL, sdp_suite_name(UCPHONE_SRTP_SUITE_UNSPEC));
	EXPECT_EQ(12, sdp_suite_salt_len(UCPHONE_SRTP_AEAD_AES_128_GCM));
}

TEST(a_later_fork_answer_replaces_the_early_one)
{
	static const char fork_a[] =
		"v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nc=IN IP4 1.2.3.4\r\n"
		"m=audio 4000 RTP/SAVP 0\r\n"
		"a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz\r\n";
	static const char fork_b[] =
		"v=0\r\no=- 7 7 IN IP4 1.2.3.5\r\ns=-\r\nc=IN IP4 1.2.3.5\r\n"
		"m=audio 5000 RTP/SAVP 8\r\n"
		"a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz\r\n";
	struct media_stream_params p;
	struct sdp_config cfg;
	struct sdp_neg *neg;
	char offer[SDP_OUT_MAX], answer[SDP_OUT_MAX];
	struct sdp_error err;
	size_t len;

	config(&cfg, SDP_SRTP_MANDATORY, 20000);
	ASSERT_EQ(0, sdp_neg_new(&neg, &cfg));
	ASSERT_EQ(0, sdp_neg_offer(neg, offer, sizeof(offer), &len, &err));
	ASSERT_EQ(0, sdp_neg_answer_received(neg, S(fork_a), &p, &err));
	EXPECT_EQ(4000, ntohs(((struct sockaddr_in *)&p.remote_rtp)->sin_port));
	media_stream_params_clear(&p);
	/* a second answer to one offer is refused... */
	EXPECT_EQ(-EPROTO, sdp_neg_answer_received(neg, S(fork_b), &p, &err));
	/* ...unless another fork answers: then it replaces the early one */
	sdp_neg_reopen_offer(neg);
	ASSERT_EQ(0, sdp_neg_answer_received(neg, S(fork_b), &p, &err));
	media_stream_params_clear(&p);
	ASSERT_EQ(0, sdp_neg_current(neg, &p));
	EXPECT_EQ(5000, ntohs(((struct sockaddr_in *)&p.remote_rtp)->sin_port));
	EXPECT_EQ(MEDIA_CODEC_PCMA, p.codec);
	media_stream_params_clear(&p);
	/* after the far end's own offer there is no offer of ours to reopen */
	ASSERT_EQ(0, sdp_neg_offer_received(neg, S(fork_a), answer, sizeof(answer), &len, &p, &err));
	media_stream_params_clear(&p);
	sdp_neg_reopen_offer(neg);
	EXPECT_EQ(-EPROTO, sdp_neg_answer_received(neg, S(fork_b), &p, &err));
	sdp_neg_free(neg);
}

TEST_HARNESS_MAIN
