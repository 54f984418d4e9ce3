// SPDX-License-Identifier: GPL-2.0-only
/*
 * Comfort noise sent in silence (RFC 3389), two phones' media engines on
 * loopback with CN/8000 agreed: A's microphone hears a room (quiet white
 * noise) and in it espeak-ng speech, then NOISE_MS of the room alone,
 * speech again, the room alone again.
 * A's voice activity detection must turn each quiet stretch into a few CN
 * packets carrying the room's level instead of 50 audio packets a second,
 * and B must fill the stretch with noise at that level (within
 * LEVEL_TOL_DB), while the speech still arrives as audio. Neither media
 * thread allocates. Run over PCMU and G.722 (both on an 8000 Hz RTP
 * clock); Opus uses its own DTX instead.
 *
 * Needs ALSA_CONFIG_PATH with tests/media/asound.conf and FAR_RAW (8 kHz
 * speech).
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

#define RATE 8000		/* the test PCMs' files */
#define NOISE_MS 3000
#define NOISE_RMS 150.0		/* about -44 dBov */
#define LEVEL_TOL_DB 4.0

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

static int phone_new(struct phone *ph, char x, enum media_codec codec)
{
	struct media_engine_config cfg = { 0 };
	struct sdp_config sc = { 0 };
	int rc;

	snprintf(cfg.playback, sizeof(cfg.playback), "ucphone_test_%c_play", x);
	snprintf(cfg.capture, sizeof(cfg.capture), "ucphone_test_%c_cap", x);
	loopback(&cfg.local);
	cfg.srtp_mode = SRTP_FLOW_AUTO;
	cfg.jitter_delay_ms = 60;
	cfg.rt_priority = 10;
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
	sc.rtcp_mux = true;
	sc.cn = true;
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

/* A's microphone: speech, noise, speech, noise. *q1, *q2: noise starts (ms). */
static int mic_file(const char *out, unsigned int *q1, unsigned int *q2, unsigned int *total)
{
	const char *src = getenv("FAR_RAW");
	FILE *in = src ? fopen(src, "rb") : NULL, *o;
	static int16_t speech[RATE * 20];
	size_t n;
	uint32_t rng = 12345;

	if (!in)
		return -ENOENT;
	n = fread(speech, 2, sizeof(speech) / 2, in);
	fclose(in);
	o = fopen(out, "wb");
	if (!o || !n) {
		if (o)
			fclose(o);
		return -EIO;
	}
	for (int part = 0; part < 4; part++) {
		size_t len = part % 2 == 0 ? n : (size_t)RATE * NOISE_MS / 1000;

		for (size_t i = 0; i < len; i++) {
			double u1, u2, v;

			/* the room: Gaussian white noise (Box-Muller on an LCG) */
			rng = rng * 1103515245U + 12345U;
			u1 = ((rng >> 8) + 1.0) / 16777217.0;
			rng = rng * 1103515245U + 12345U;
			u2 = (rng >> 8) / 16777216.0;
			v = NOISE_RMS * sqrt(-2.0 * log(u1)) * cos(2.0 * M_PI * u2);
			if (part % 2 == 0)
				v += speech[i];
			v = v > 32767 ? 32767 : v < -32768 ? -32768 : v;
			fwrite(&(int16_t){ (int16_t)v }, 2, 1, o);
		}
	}
	fclose(o);
	*q1 = (unsigned int)(n * 1000 / RATE);
	*q2 = 2 * *q1 + NOISE_MS;
	*total = 2 * (*q1 + NOISE_MS);
	return 0;
}

/* RMS of a raw 8 kHz file in [from_ms, to_ms). */
static double rms(const char *path, unsigned int from_ms, unsigned int to_ms)
{
	FILE *f = fopen(path, "rb");
	double e = 0;
	unsigned int n = 0;
	int16_t x;

	if (!f)
		return -1;
	if (fseek(f, (long)from_ms * 2 * RATE / 1000, SEEK_SET) == 0)
		for (; n < (to_ms - from_ms) * RATE / 1000 && fread(&x, 2, 1, f) == 1; n++)
			e += (double)x * x;
	fclose(f);
	return n ? sqrt(e / n) : 0;
}

static void cn_call(struct __test_metadata *_metadata, enum media_codec codec)
{
	char a_in[64], b_out[64], offer[SDP_OUT_MAX], answer[SDP_OUT_MAX];
	struct phone a = { 0 }, b = { 0 };
	struct media_stream_params pa, pb;
	struct media_stats sa, sb;
	struct sdp_error err;
	size_t olen, alen;
	unsigned int q1, q2, total;
	double noise1, noise2, speech1, want_db, got1_db, got2_db;
	uint64_t t0;

	snprintf(a_in, sizeof(a_in), "/tmp/ucphone-cn-ain-%d.raw", getpid());
	snprintf(b_out, sizeof(b_out), "/tmp/ucphone-cn-bout-%d.raw", getpid());
	ASSERT_EQ(0, mic_file(a_in, &q1, &q2, &total));
	setenv("UCPHONE_TEST_A_IN", a_in, 1);
	setenv("UCPHONE_TEST_A_OUT", "/dev/null", 1);
	setenv("UCPHONE_TEST_B_IN", "/dev/zero", 1);
	setenv("UCPHONE_TEST_B_OUT", b_out, 1);
	ASSERT_EQ(0, phone_new(&a, 'a', codec));
	ASSERT_EQ(0, phone_new(&b, 'b', codec));
	ASSERT_EQ(0, sdp_neg_offer(a.neg, offer, sizeof(offer), &olen, &err));
	ASSERT_NE(NULL, strstr(offer, "a=rtpmap:13 CN/8000\r\n"));
	ASSERT_EQ(0, sdp_neg_offer_received(b.neg, offer, olen, answer, sizeof(answer),
					    &alen, &pb, &err)) TH_LOG("%s", err.reason);
	ASSERT_EQ(0, sdp_neg_answer_received(a.neg, answer, alen, &pa, &err))
		TH_LOG("%s", err.reason);
	ASSERT_TRUE(pa.cn);
	ASSERT_TRUE(pb.cn);
	t0 = now_ms();
	ASSERT_EQ(0, media_call_start(b.call, &pb));
	ASSERT_EQ(0, media_call_start(a.call, &pa));
	media_stream_params_clear(&pa);
	media_stream_params_clear(&pb);
	while (now_ms() - t0 < total) {
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

	/* inside each quiet stretch, past the hangover and the buffer's delay */
	noise1 = rms(b_out, q1 + 600, q1 + NOISE_MS - 200);
	noise2 = rms(b_out, q2 + 600, q2 + NOISE_MS - 200);
	speech1 = rms(b_out, 200, q1 - 200);
	want_db = 20 * log10(NOISE_RMS);
	got1_db = 20 * log10(noise1 + 1e-9);
	got2_db = 20 * log10(noise2 + 1e-9);
	fprintf(stderr, "# %s: A sent %llu packets, %llu of them CN, over %u ms with %u ms of "
		"quiet twice; B played %llu comfort-noise frames; room %.1f dB, B's noise "
		"%.1f / %.1f dB, speech RMS %.0f; allocations A %llu, B %llu%s\n",
		media_codec_name(codec), (unsigned long long)sa.tx_packets,
		(unsigned long long)sa.cn_sent, total, NOISE_MS,
		(unsigned long long)sb.cn_frames, want_db, got1_db, got2_db, speech1,
		(unsigned long long)sa.thread_allocs, (unsigned long long)sb.thread_allocs,
		sa.allocs_counted ? "" : " (not counted)");
	/* two quiet stretches of 3 s: one CN at the start, then every 500 ms */
	EXPECT_GE(sa.cn_sent, 6);
	EXPECT_LE(sa.cn_sent, 30);
	/* audio packets: far fewer than one per 20 ms of the whole call */
	EXPECT_LT(sa.tx_packets - sa.cn_sent, (total - 2 * NOISE_MS + 1200) / 20);
	EXPECT_GT(sb.cn_frames, 2 * (NOISE_MS - 1000) / 20);
	EXPECT_LE(fabs(got1_db - want_db), LEVEL_TOL_DB);
	EXPECT_LE(fabs(got2_db - want_db), LEVEL_TOL_DB);
	EXPECT_GT(speech1, 1000);
	if (sa.allocs_counted) {
		EXPECT_EQ(0, sa.thread_allocs);
		EXPECT_EQ(0, sb.thread_allocs);
	}
	unlink(a_in);
	unlink(b_out);
}

TEST(pcmu_comfort_noise)
{
	cn_call(_metadata, MEDIA_CODEC_PCMU);
}

TEST(g722_comfort_noise)
{
	cn_call(_metadata, MEDIA_CODEC_G722);
}

TEST_HARNESS_MAIN
