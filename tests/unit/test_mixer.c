// SPDX-License-Identifier: GPL-2.0-only
/*
 * The conference bridge's mixing (media/mixer.h), measured: sums
 * saturate at 16 bits, a joined leg is sent the microphone and the other
 * leg but never itself, a leg not joined is sent the microphone alone,
 * and two legs at different rates (PCMU at 8 kHz, G.722 at 16 kHz) each
 * decoded to the card's rate, mixed and encoded in their own codec carry
 * the right tones to each far end (Goertzel).
 */
#include <math.h>
#include <string.h>

#include <speex/speex_resampler.h>

#include "kselftest_harness.h"
#include "media/codec.h"
#include "media/media_audio.h"
#include "media/mixer.h"

/* The bridge as a narrowband card runs it: 20 ms frames at 8 kHz. */
#define BRIDGE_RATE 8000
#define BRIDGE_FRAME (BRIDGE_RATE / 50)

#define FRAMES 100		/* 2 s */

static double goertzel_ratio(const int16_t *x, unsigned int n, unsigned int rate, double freq)
{
	double k = 2.0 * cos(2.0 * M_PI * freq / rate), s1 = 0, s2 = 0, all = 0, p;

	for (unsigned int i = 0; i < n; i++) {
		double s0 = x[i] + k * s1 - s2;

		s2 = s1;
		s1 = s0;
		all += (double)x[i] * x[i];
	}
	p = s1 * s1 + s2 * s2 - k * s1 * s2;
	return all > 0 ? 2.0 * p / ((double)n * all) : 0;
}

static void tone(int16_t *x, unsigned int n, unsigned int rate, double freq,
		 unsigned int phase0, double amp)
{
	for (unsigned int i = 0; i < n; i++)
		x[i] = (int16_t)(amp * sin(2.0 * M_PI * freq * (double)(i + phase0) / rate));
}

TEST(saturates_and_never_echoes)
{
	int16_t cap[4] = { 30000, -30000, 100, 0 };
	int16_t a[4] = { 10000, -10000, 200, 7 }, b[4] = { 1, 2, 300, -7 };
	int16_t sa[4], sb[4], sc[4];
	int32_t play[4] = { 0 };
	struct mixer_leg legs[3] = {
		{ .heard = a, .joined = true, .send = sa },
		{ .heard = b, .joined = true, .send = sb },
		{ .heard = NULL, .joined = false, .send = sc },
	};

	mixer_frame(cap, legs, 3, play, 4);
	/* A hears the microphone and B, saturated; never A */
	EXPECT_EQ(30001, sa[0]);
	EXPECT_EQ(-29998, sa[1]);
	EXPECT_EQ(400, sa[2]);
	EXPECT_EQ(-7, sa[3]);
	/* B hears the microphone and A, clipped at 16 bits */
	EXPECT_EQ(INT16_MAX, sb[0]);
	EXPECT_EQ(INT16_MIN, sb[1]);
	EXPECT_EQ(300, sb[2]);
	EXPECT_EQ(7, sb[3]);
	/* a leg not joined: the microphone alone */
	EXPECT_EQ(0, memcmp(sc, cap, sizeof(cap)));
	/* the earpiece: both far ends */
	EXPECT_EQ(10001, play[0]);
	EXPECT_EQ(-9998, play[1]);
	EXPECT_EQ(500, play[2]);
	EXPECT_EQ(0, play[3]);
	EXPECT_EQ(INT16_MAX, mixer_clip(40000));
	EXPECT_EQ(INT16_MIN, mixer_clip(-40000));
	EXPECT_EQ(-5, mixer_clip(-5));
}

TEST(one_joined_leg_is_an_ordinary_call)
{
	int16_t cap[2] = { 5, 6 }, a[2] = { 100, 200 }, sa[2], sb[2];
	int32_t play[2] = { 0 };
	struct mixer_leg legs[2] = {
		{ .heard = a, .joined = true, .send = sa },
		{ .heard = NULL, .joined = false, .send = sb },
	};

	mixer_frame(cap, legs, 2, play, 2);
	EXPECT_EQ(0, memcmp(sa, cap, sizeof(cap)));
	EXPECT_EQ(0, memcmp(sb, cap, sizeof(cap)));
	EXPECT_EQ(100, play[0]);
}

/* One leg as the engine runs it: the far end's encoder, the phone's codec
 * and resamplers between the card's rate and the codec's. */
struct leg {
	struct codec far, phone;
	SpeexResamplerState *to_card, *to_codec;
	double freq;
	int16_t heard[BRIDGE_FRAME], send[BRIDGE_FRAME];
	int16_t got[CODEC_UNIT_MAX * FRAMES];	/* the far end decoded, its rate */
	unsigned int n_got;
};

static int leg_open(struct leg *l, enum media_codec kind, double freq)
{
	struct codec_config cfg = { .kind = kind, .ptime_ms = 20 };
	int err = 0;

	memset(l, 0, sizeof(*l));
	l->freq = freq;
	if (codec_open(&l->far, &cfg) < 0 || codec_open(&l->phone, &cfg) < 0)
		return -1;
	if (l->phone.rate != BRIDGE_RATE) {
		l->to_card = speex_resampler_init(1, l->phone.rate, BRIDGE_RATE,
						  SPEEX_RESAMPLER_QUALITY_VOIP, &err);
		l->to_codec = speex_resampler_init(1, BRIDGE_RATE, l->phone.rate,
						   SPEEX_RESAMPLER_QUALITY_VOIP, &err);
		if (!l->to_card || !l->to_codec)
			return -1;
	}
	return 0;
}

static void leg_close(struct leg *l)
{
	codec_close(&l->far);
	codec_close(&l->phone);
	if (l->to_card)
		speex_resampler_destroy(l->to_card);
	if (l->to_codec)
		speex_resampler_destroy(l->to_codec);
}

static void resample(SpeexResamplerState *r, const int16_t *in, unsigned int n_in,
		     int16_t *out, unsigned int n_out)
{
	spx_uint32_t il = n_in, ol = n_out;

	if (!r) {
		memcpy(out, in, sizeof(int16_t) * n_out);
		return;
	}
	speex_resampler_process_int(r, 0, in, &il, out, &ol);
	if (ol < n_out)
		memset(out + ol, 0, sizeof(int16_t) * (n_out - ol));
}

/* The far end speaks its tone: encoded, sent, decoded by the phone. */
static int leg_receive(struct leg *l, unsigned int frame)
{
	int16_t pcm[CODEC_UNIT_MAX];
	uint8_t pkt[CODEC_PAYLOAD_MAX];
	int n;

	tone(pcm, l->far.unit, l->far.rate, l->freq, frame * l->far.unit, 8000.0);
	n = codec_encode(&l->far, pcm, l->far.unit, pkt, sizeof(pkt));
	if (n <= 0 || codec_decode(&l->phone, pkt, (size_t)n, pcm) < 0)
		return -1;
	resample(l->to_card, pcm, l->phone.unit, l->heard, BRIDGE_FRAME);
	return 0;
}

/* What the mixer made for this leg: encoded by the phone, decoded far away. */
static int leg_send(struct leg *l)
{
	int16_t pcm[CODEC_UNIT_MAX];
	uint8_t pkt[CODEC_PAYLOAD_MAX];
	int n;

	resample(l->to_codec, l->send, BRIDGE_FRAME, pcm, l->phone.unit);
	n = codec_encode(&l->phone, pcm, l->phone.unit, pkt, sizeof(pkt));
	if (n <= 0 || codec_decode(&l->far, pkt, (size_t)n, l->got + l->n_got) < 0)
		return -1;
	l->n_got += l->far.unit;
	return 0;
}

static struct leg bob, carol;
static int16_t played[BRIDGE_FRAME * FRAMES];

TEST(two_codecs_two_rates_each_hears_the_other)
{
	unsigned int skip;

	ASSERT_EQ(0, leg_open(&bob, MEDIA_CODEC_PCMU, 1000.0));
	ASSERT_EQ(0, leg_open(&carol, MEDIA_CODEC_G722, 1500.0));
	ASSERT_EQ(8000, bob.phone.rate);
	ASSERT_EQ(16000, carol.phone.rate);
	for (unsigned int f = 0; f < FRAMES; f++) {
		int16_t cap[BRIDGE_FRAME];
		int32_t play[BRIDGE_FRAME] = { 0 };
		struct mixer_leg legs[2] = {
			{ .heard = bob.heard, .joined = true, .send = bob.send },
			{ .heard = carol.heard, .joined = true, .send = carol.send },
		};

		/* the phone's microphone: a 500 Hz voice */
		tone(cap, BRIDGE_FRAME, BRIDGE_RATE, 500.0, f * BRIDGE_FRAME, 6000.0);
		ASSERT_EQ(0, leg_receive(&bob, f));
		ASSERT_EQ(0, leg_receive(&carol, f));
		mixer_frame(cap, legs, 2, play, BRIDGE_FRAME);
		for (unsigned int i = 0; i < BRIDGE_FRAME; i++)
			played[f * BRIDGE_FRAME + i] = mixer_clip(play[i]);
		ASSERT_EQ(0, leg_send(&bob));
		ASSERT_EQ(0, leg_send(&carol));
	}
	/* past the codecs' and resamplers' start-up: the last 1.5 s */
	skip = bob.n_got / 4;
	{
		double b_carol = goertzel_ratio(bob.got + skip, bob.n_got - skip, 8000, 1500);
		double b_self = goertzel_ratio(bob.got + skip, bob.n_got - skip, 8000, 1000);
		double b_mic = goertzel_ratio(bob.got + skip, bob.n_got - skip, 8000, 500);

		TH_LOG("bob (PCMU) hears: 1500 Hz %.3f, 500 Hz %.3f, his own 1 kHz %.4f",
		       b_carol, b_mic, b_self);
		EXPECT_GT(b_carol, 0.3);
		EXPECT_GT(b_mic, 0.2);
		EXPECT_LT(b_self, 0.01);
	}
	skip = carol.n_got / 4;
	{
		double c_bob = goertzel_ratio(carol.got + skip, carol.n_got - skip, 16000, 1000);
		double c_self = goertzel_ratio(carol.got + skip, carol.n_got - skip, 16000, 1500);
		double c_mic = goertzel_ratio(carol.got + skip, carol.n_got - skip, 16000, 500);

		TH_LOG("carol (G.722) hears: 1 kHz %.3f, 500 Hz %.3f, her own 1500 Hz %.4f",
		       c_bob, c_mic, c_self);
		EXPECT_GT(c_bob, 0.3);
		EXPECT_GT(c_mic, 0.2);
		EXPECT_LT(c_self, 0.01);
	}
	skip = BRIDGE_FRAME * FRAMES / 4;
	{
		unsigned int n = BRIDGE_FRAME * FRAMES - skip;
		double p_b = goertzel_ratio(played + skip, n, BRIDGE_RATE, 1000);
		double p_c = goertzel_ratio(played + skip, n, BRIDGE_RATE, 1500);
		double p_mic = goertzel_ratio(played + skip, n, BRIDGE_RATE, 500);

		TH_LOG("the earpiece plays: 1 kHz %.3f, 1500 Hz %.3f, the microphone %.4f",
		       p_b, p_c, p_mic);
		EXPECT_GT(p_b, 0.3);
		EXPECT_GT(p_c, 0.3);
		EXPECT_LT(p_mic, 0.01);
	}
	leg_close(&bob);
	leg_close(&carol);
}

TEST_HARNESS_MAIN
