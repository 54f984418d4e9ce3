// SPDX-License-Identifier: GPL-2.0-only
/*
 * Wideband from microphone to loudspeaker: two phones' media engines in
 * one process on loopback, each card at 16 kHz (the default) or 48 kHz,
 * audio through ALSA's file plugin at the card's own rate (asound.conf's
 * ucphone_test_w{a,b}_*, over the real-time paced test PCM). A's
 * microphone hears a 6 kHz tone, B's a 5 kHz one, both above what an
 * 8 kHz card or G.711 can carry. Over G.722 and over Opus each earpiece
 * must play the other's tone (Goertzel share of the recording's energy
 * at the tone's frequency); over PCMU, the same tones must not arrive
 * (the measure tells narrowband from wideband). The media threads make no
 * heap allocation while the calls run.
 *
 * Then the phone's tones at the card's rate: ring-back, busy and call
 * waiting (spandsp's 8 kHz generator, resampled) measured by Goertzel at
 * 16 and 48 kHz: their frequencies hold the energy and their cadence is
 * the tone plan's.
 *
 * Needs ALSA_CONFIG_PATH to include tests/media/asound.conf (meson sets it).
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include "kselftest_harness.h"
#include "media/media.h"
#include "lib/sdp/sdp.h"

#define CALL_MS 3000
#define A_TONE_HZ 6000.0
#define B_TONE_HZ 5000.0

struct phone {
	struct media_engine *engine;
	struct media_call *call;
	struct sdp_neg *neg;
};

static void loopback(struct sockaddr_storage *ss)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;

	memset(ss, 0, sizeof(*ss));
	sin->sin_family = AF_INET;
	sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
}

static int phone_new(struct phone *ph, char x, uint32_t rate, enum media_codec codec)
{
	struct media_engine_config cfg = { 0 };
	struct sdp_config sc = { 0 };
	int rc;

	snprintf(cfg.playback, sizeof(cfg.playback), "ucphone_test_w%c_play", x);
	snprintf(cfg.capture, sizeof(cfg.capture), "ucphone_test_w%c_cap", x);
	loopback(&cfg.local);
	cfg.srtp_mode = SRTP_FLOW_AUTO;
	cfg.jitter_delay_ms = 60;
	cfg.rt_priority = 10;
	cfg.audio_rate = rate;
	rc = media_engine_new(&cfg, &ph->engine);
	if (rc < 0)
		return rc;
	rc = media_call_open(ph->engine, &ph->call);
	if (rc < 0)
		return rc;
	loopback(&sc.local);
	sc.rtp_port = media_call_rtp_port(ph->call);
	sc.rtcp_port = media_call_rtcp_port(ph->call);
	sc.srtp = SDP_SRTP_OFF;
	sc.codecs[0] = codec;
	sc.n_codecs = 1;
	sc.opus_max_playback_rate = media_engine_rate(ph->engine);
	sc.rtcp_mux = true;
	return sdp_neg_new(&ph->neg, &sc);
}

static void phone_free(struct phone *ph)
{
	media_call_close(ph->call);
	media_engine_free(ph->engine);
	sdp_neg_free(ph->neg);
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* A raw S16 mono sine of freq at rate, secs long, amplitude 0.5. */
static int write_tone(const char *path, double freq, unsigned int rate, unsigned int secs)
{
	FILE *f = fopen(path, "wb");

	if (!f)
		return -errno;
	for (unsigned int i = 0; i < rate * secs; i++) {
		int16_t v = (int16_t)(16383.0 * sin(2.0 * M_PI * freq * i / rate));

		fwrite(&v, sizeof(v), 1, f);
	}
	return fclose(f) == 0 ? 0 : -EIO;
}

/* Goertzel power of freq in n samples at rate (scaled like the total). */
static double goertzel(const int16_t *x, size_t n, double freq, unsigned int rate)
{
	double k = 2.0 * cos(2.0 * M_PI * freq / rate), s1 = 0, s2 = 0;

	for (size_t i = 0; i < n; i++) {
		double s0 = x[i] + k * s1 - s2;

		s2 = s1;
		s1 = s0;
	}
	return (s1 * s1 + s2 * s2 - k * s1 * s2) * 2.0 / n;
}

static int16_t *load(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	int16_t *x;
	long bytes;

	*n = 0;
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	bytes = ftell(f);
	fseek(f, 0, SEEK_SET);
	x = malloc((size_t)(bytes > 0 ? bytes : 2));
	if (x)
		*n = fread(x, sizeof(int16_t), (size_t)bytes / 2, f);
	fclose(f);
	return x;
}

/*
 * Share of the energy at f1 (+ f2) over 10 ms blocks of a recording at
 * rate, from skip_ms on; rms: of those blocks.
 */
static double share(const char *path, unsigned int rate, double f1, double f2,
		    unsigned int skip_ms, double *rms)
{
	size_t n, blk = rate / 100;
	int16_t *x = load(path, &n);
	double sf = 0, sall = 0;

	*rms = 0;
	if (!x)
		return -1;
	for (size_t i = (size_t)skip_ms * rate / 1000; i + blk <= n; i += blk) {
		sf += goertzel(x + i, blk, f1, rate);
		if (f2 > 0)
			sf += goertzel(x + i, blk, f2, rate);
		for (size_t k = 0; k < blk; k++)
			sall += (double)x[i + k] * x[i + k];
	}
	if (n > (size_t)skip_ms * rate / 1000)
		*rms = sqrt(sall / (double)(n - (size_t)skip_ms * rate / 1000));
	free(x);
	return sall > 0 ? sf / sall : 0;
}

struct wb_result {
	double a_to_b, b_to_a;		/* tone shares at the far earpiece */
	double rms_b, rms_a;
	uint64_t allocs;
	bool counted;
};

static void wb_call(struct __test_metadata *_metadata, enum media_codec codec,
		    uint32_t rate, struct wb_result *res)
{
	char a_in[64], b_in[64], a_out[64], b_out[64];
	char offer[SDP_OUT_MAX], answer[SDP_OUT_MAX];
	struct phone a = { 0 }, b = { 0 };
	struct media_stream_params pa, pb;
	struct media_stats sa, sb;
	struct sdp_error err;
	size_t olen, alen;
	uint64_t t0;

	snprintf(a_in, sizeof(a_in), "/tmp/ucphone-wb-ain-%d.raw", getpid());
	snprintf(b_in, sizeof(b_in), "/tmp/ucphone-wb-bin-%d.raw", getpid());
	snprintf(a_out, sizeof(a_out), "/tmp/ucphone-wb-aout-%d.raw", getpid());
	snprintf(b_out, sizeof(b_out), "/tmp/ucphone-wb-bout-%d.raw", getpid());
	ASSERT_EQ(0, write_tone(a_in, A_TONE_HZ, rate, 10));
	ASSERT_EQ(0, write_tone(b_in, B_TONE_HZ, rate, 10));
	setenv("UCPHONE_TEST_WA_IN", a_in, 1);
	setenv("UCPHONE_TEST_WB_IN", b_in, 1);
	setenv("UCPHONE_TEST_WA_OUT", a_out, 1);
	setenv("UCPHONE_TEST_WB_OUT", b_out, 1);
	ASSERT_EQ(0, phone_new(&a, 'a', rate, codec));
	ASSERT_EQ(0, phone_new(&b, 'b', rate, codec));
	ASSERT_EQ(rate, media_engine_rate(a.engine));
	ASSERT_EQ(0, sdp_neg_offer(a.neg, offer, sizeof(offer), &olen, &err));
	ASSERT_EQ(0, sdp_neg_offer_received(b.neg, offer, olen, answer, sizeof(answer),
					    &alen, &pb, &err)) TH_LOG("%s", err.reason);
	ASSERT_EQ(0, sdp_neg_answer_received(a.neg, answer, alen, &pa, &err))
		TH_LOG("%s", err.reason);
	ASSERT_EQ(codec, pa.codec);
	if (codec == MEDIA_CODEC_OPUS)
		EXPECT_EQ(rate, pa.opus_max_playback_rate);
	t0 = now_ms();
	ASSERT_EQ(0, media_call_start(b.call, &pb));
	ASSERT_EQ(0, media_call_start(a.call, &pa));
	media_stream_params_clear(&pa);
	media_stream_params_clear(&pb);
	while (now_ms() - t0 < CALL_MS) {
		struct media_event ev;

		usleep(50 * 1000);
		while (media_engine_next_event(a.engine, &ev) == 1)
			EXPECT_NE(MEDIA_EVENT_STREAM_ERROR, ev.type);
		while (media_engine_next_event(b.engine, &ev) == 1)
			EXPECT_NE(MEDIA_EVENT_STREAM_ERROR, ev.type);
	}
	ASSERT_EQ(0, media_call_stats(a.call, &sa));
	ASSERT_EQ(0, media_call_stats(b.call, &sb));
	phone_free(&a);
	phone_free(&b);
	/* from 500 ms: the jitter buffer's first fill and the codec's start */
	res->a_to_b = share(b_out, rate, A_TONE_HZ, 0, 500, &res->rms_b);
	res->b_to_a = share(a_out, rate, B_TONE_HZ, 0, 500, &res->rms_a);
	res->allocs = sa.thread_allocs + sb.thread_allocs;
	res->counted = sa.allocs_counted;
	fprintf(stderr, "# %s, cards at %u Hz: A's %.0f Hz at B's earpiece share %.3f (RMS %.0f), "
		"B's %.0f Hz at A's share %.3f (RMS %.0f); media thread allocations %llu%s\n",
		media_codec_name(codec), rate, A_TONE_HZ, res->a_to_b, res->rms_b, B_TONE_HZ,
		res->b_to_a, res->rms_a, (unsigned long long)res->allocs,
		res->counted ? "" : " (not counted)");
	unlink(a_in);
	unlink(b_in);
	unlink(a_out);
	unlink(b_out);
}

static void expect_wideband(struct __test_metadata *_metadata, const struct wb_result *r)
{
	EXPECT_GT(r->a_to_b, 0.8);
	EXPECT_GT(r->b_to_a, 0.8);
	EXPECT_GT(r->rms_b, 3000);
	EXPECT_GT(r->rms_a, 3000);
	if (r->counted)
		EXPECT_EQ(0, r->allocs);
}

TEST(g722_6khz_both_ways)
{
	struct wb_result r;

	wb_call(_metadata, MEDIA_CODEC_G722, 16000, &r);
	expect_wideband(_metadata, &r);
}

TEST(opus_6khz_both_ways)
{
	struct wb_result r;

	wb_call(_metadata, MEDIA_CODEC_OPUS, 16000, &r);
	expect_wideband(_metadata, &r);
}

TEST(opus_6khz_both_ways_48k_card)
{
	struct wb_result r;

	wb_call(_metadata, MEDIA_CODEC_OPUS, 48000, &r);
	expect_wideband(_metadata, &r);
}

/* G.711 is narrowband: the same tones cannot pass; the measure tells. */
TEST(pcmu_stops_6khz)
{
	struct wb_result r;

	wb_call(_metadata, MEDIA_CODEC_PCMU, 16000, &r);
	EXPECT_LT(r.a_to_b, 0.05);
	EXPECT_LT(r.b_to_a, 0.05);
	if (r.counted)
		EXPECT_EQ(0, r.allocs);
}

/*
 * One tone of the US plan at a card rate: the share of the energy at
 * f1 (+ f2) in 100 ms blocks wholly inside a burst (10 Hz resolution:
 * 440 and 480 Hz apart), and the cadence from 10 ms block levels: the
 * first burst ends at the first 100 ms below -40 dBFS (each plan's pauses
 * are longer; a shorter dip, a host too loaded to keep the card fed, is
 * counted as a dip).
 */
static void tone_at_rate(struct __test_metadata *_metadata, enum media_tone tone,
			 uint32_t rate, double f1, double f2, unsigned int on_ms,
			 unsigned int play_ms)
{
	struct media_engine_config cfg = { 0 };
	struct media_engine *e;
	char out[64], second[16];
	size_t n, blk = rate / 100, first_on = 0, burst_ms = 0, quiet = 0, dips = 0;
	double sf = 0, son = 0;
	int16_t *x;
	bool seen_on = false, ended = false;
	unsigned char *on;

	snprintf(out, sizeof(out), "/tmp/ucphone-wb-tone-%d.raw", getpid());
	setenv("UCPHONE_TEST_WA_IN", "/dev/zero", 1);
	setenv("UCPHONE_TEST_WA_OUT", out, 1);
	snprintf(cfg.playback, sizeof(cfg.playback), "ucphone_test_wa_play");
	snprintf(cfg.capture, sizeof(cfg.capture), "ucphone_test_wa_cap");
	cfg.audio_rate = rate;
	cfg.rt_priority = 10;
	ASSERT_EQ(0, media_engine_new(&cfg, &e));
	ASSERT_EQ(0, media_engine_tone(e, tone));
	usleep(play_ms * 1000);
	ASSERT_EQ(0, media_engine_tone(e, MEDIA_TONE_NONE));
	usleep(100 * 1000);
	media_engine_free(e);
	x = load(out, &n);
	ASSERT_NE(NULL, x);
	on = calloc(n / blk + 1, 1);
	ASSERT_NE(NULL, on);
	for (size_t b = 0; (b + 1) * blk <= n; b++) {
		double all = 0;

		for (size_t k = 0; k < blk; k++)
			all += (double)x[b * blk + k] * x[b * blk + k];
		on[b] = all / (double)blk > 330.0 * 330.0;	/* -40 dBFS */
		if (on[b] && !seen_on) {
			first_on = b;
			seen_on = true;
		}
		if (!seen_on || ended)
			continue;
		if (on[b]) {
			if (quiet)
				dips++;
			quiet = 0;
		} else if (++quiet == 10) {
			burst_ms = (b + 1 - 10 - first_on) * 10;
			ended = true;
		}
	}
	for (size_t b = 0; (b + 10) * blk <= n; b += 10) {
		bool whole = true;

		for (size_t k = 0; k < 10; k++)
			whole = whole && on[b + k];
		if (!whole)
			continue;
		for (size_t k = 0; k < 10 * blk; k++)
			son += (double)x[b * blk + k] * x[b * blk + k];
		sf += goertzel(x + b * blk, 10 * blk, f1, rate) +
		      (f2 > 0 ? goertzel(x + b * blk, 10 * blk, f2, rate) : 0);
	}
	free(on);
	free(x);
	unlink(out);
	snprintf(second, sizeof(second), "+%.0f", f2);
	fprintf(stderr, "# %s at %u Hz: %.0f%s Hz share %.3f, first burst %zu ms "
		"(plan %u ms), %zu short dips\n", media_tone_name(tone), rate, f1,
		f2 > 0 ? second : "", son > 0 ? sf / son : 0, burst_ms, on_ms, dips);
	EXPECT_GT(son > 0 ? sf / son : 0, 0.9);
	EXPECT_LT(son > 0 ? sf / son : 2, 1.1);
	EXPECT_TRUE(ended);
	EXPECT_LE(labs((long)burst_ms - (long)on_ms), 20);
}

TEST(ringback_busy_call_waiting_at_16k)
{
	tone_at_rate(_metadata, MEDIA_TONE_RINGBACK, 16000, 440, 480, 2000, 2600);
	tone_at_rate(_metadata, MEDIA_TONE_BUSY, 16000, 480, 620, 500, 1200);
	tone_at_rate(_metadata, MEDIA_TONE_CALL_WAITING, 16000, 440, 0, 300, 800);
}

TEST(ringback_busy_call_waiting_at_48k)
{
	tone_at_rate(_metadata, MEDIA_TONE_RINGBACK, 48000, 440, 480, 2000, 2600);
	tone_at_rate(_metadata, MEDIA_TONE_BUSY, 48000, 480, 620, 500, 1200);
	tone_at_rate(_metadata, MEDIA_TONE_CALL_WAITING, 48000, 440, 0, 300, 800);
}

TEST_HARNESS_MAIN
