// SPDX-License-Identifier: GPL-2.0-only
/*
 * The phone as a three-way conference bridge, three media engines in one
 * process on loopback: phone A has a call to B (PCMU, 8 kHz) and one to C
 * (G.722, 16 kHz), both joined to its conference. B's microphone hears
 * 1 kHz, C's 1500 Hz, A's 500 Hz (test files through the ALSA file
 * plugin). Measured (Goertzel, 8 kHz recordings): B's earpiece has C's
 * 1500 Hz and A's 500 Hz but not its own 1 kHz back; C's has 1 kHz and
 * 500 Hz but not 1500 Hz; A's earpiece has both far ends. A's media
 * thread makes no heap allocation while it mixes (counted in the plain
 * build; the sanitizer build cannot count). Then C's leg leaves the
 * conference and B hears A alone.
 *
 * Needs ALSA_CONFIG_PATH to include tests/media/asound.conf (meson sets it).
 */
#include <errno.h>
#include <math.h>
#include <poll.h>
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

#define CONF_MS 5000		/* the conference */
#define AFTER_MS 2000		/* then B and A alone */

struct end {
	struct media_engine *engine;
	struct media_call *call[2];
	struct sdp_neg *neg[2];
};

static void loopback(struct sockaddr_storage *ss)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;

	memset(ss, 0, sizeof(*ss));
	sin->sin_family = AF_INET;
	sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
}

static int end_new(struct end *e, char x, unsigned int calls, const char *codecs)
{
	struct media_engine_config cfg = { 0 };
	int rc;

	snprintf(cfg.playback, sizeof(cfg.playback), "ucphone_test_%c_play", x);
	snprintf(cfg.capture, sizeof(cfg.capture), "ucphone_test_%c_cap", x);
	loopback(&cfg.local);
	cfg.srtp_mode = SRTP_FLOW_AUTO;
	cfg.jitter_delay_ms = 60;
	cfg.rt_priority = 10;
	/* the test's files and its Goertzel filters are at 8 kHz */
	cfg.audio_rate = 8000;
	rc = media_engine_new(&cfg, &e->engine);
	for (unsigned int i = 0; rc == 0 && i < calls; i++) {
		struct sdp_config sc = { 0 };

		rc = media_call_open(e->engine, &e->call[i]);
		if (rc < 0)
			break;
		loopback(&sc.local);
		sc.rtp_port = media_call_rtp_port(e->call[i]);
		sc.rtcp_port = media_call_rtcp_port(e->call[i]);
		sc.srtp = SDP_SRTP_OFF;
		if (sdp_codec_list_parse(codecs, sc.codecs, &sc.n_codecs) < 0)
			return -EINVAL;
		sc.tel_event = true;
		sc.rtcp_mux = true;
		rc = sdp_neg_new(&e->neg[i], &sc);
	}
	return rc;
}

static void end_free(struct end *e)
{
	for (unsigned int i = 0; i < 2; i++) {
		media_call_close(e->call[i]);
		sdp_neg_free(e->neg[i]);
	}
	media_engine_free(e->engine);
}

/* offerer's call i to answerer's call j, both started */
static int connect_calls(struct end *o, unsigned int i, struct end *a, unsigned int j)
{
	char offer[SDP_OUT_MAX], answer[SDP_OUT_MAX];
	struct media_stream_params po, pa;
	struct sdp_error err;
	size_t olen, alen;
	int rc;

	rc = sdp_neg_offer(o->neg[i], offer, sizeof(offer), &olen, &err);
	if (rc == 0)
		rc = sdp_neg_offer_received(a->neg[j], offer, olen, answer, sizeof(answer),
					    &alen, &pa, &err);
	if (rc == 0) {
		rc = sdp_neg_answer_received(o->neg[i], answer, alen, &po, &err);
		if (rc < 0)
			media_stream_params_clear(&pa);
	}
	if (rc < 0)
		return rc;
	rc = media_call_start(a->call[j], &pa);
	if (rc == 0)
		rc = media_call_start(o->call[i], &po);
	media_stream_params_clear(&pa);
	media_stream_params_clear(&po);
	return rc;
}

static int write_tone(const char *path, double freq, double seconds)
{
	FILE *f = fopen(path, "wb");
	size_t n = (size_t)(8000 * seconds);

	if (!f)
		return -errno;
	for (size_t i = 0; i < n; i++) {
		int16_t v = (int16_t)(9000.0 * sin(2.0 * M_PI * freq * (double)i / 8000.0));

		fwrite(&v, sizeof(v), 1, f);
	}
	return fclose(f) ? -errno : 0;
}

/* Shares of freqs in [from_ms, to_ms) of an 8 kHz recording; the RMS. */
static int shares(const char *path, unsigned int from_ms, unsigned int to_ms,
		  const double *freqs, double *out, unsigned int nf, double *rms)
{
	FILE *f = fopen(path, "rb");
	size_t want = (size_t)(to_ms - from_ms) * 8, n;
	int16_t *x;
	double all = 0;

	if (!f)
		return -errno;
	x = calloc(want, sizeof(int16_t));
	if (!x || fseek(f, (long)from_ms * 16, SEEK_SET) < 0) {
		fclose(f);
		free(x);
		return -EIO;
	}
	n = fread(x, sizeof(int16_t), want, f);
	fclose(f);
	for (size_t i = 0; i < n; i++)
		all += (double)x[i] * x[i];
	for (unsigned int k = 0; k < nf; k++) {
		double sum_f = 0, sum_all = 0;

		/* 20 ms blocks: a tone's phase may drift between the ends' clocks */
		for (size_t b = 0; b + 160 <= n; b += 160) {
			double c = 2.0 * cos(2.0 * M_PI * freqs[k] / 8000.0), s1 = 0, s2 = 0, e = 0;

			for (size_t i = b; i < b + 160; i++) {
				double s0 = x[i] + c * s1 - s2;

				s2 = s1;
				s1 = s0;
				e += (double)x[i] * x[i];
			}
			sum_f += (s1 * s1 + s2 * s2 - c * s1 * s2) * 2.0 / 160;
			sum_all += e;
		}
		out[k] = sum_all > 0 ? sum_f / sum_all : 0;
	}
	*rms = n ? sqrt(all / (double)n) : 0;
	free(x);
	return n == want ? 0 : -ENODATA;
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void run_for(struct __test_metadata *_metadata, struct end **ends, unsigned int n,
		    unsigned int ms)
{
	uint64_t t0 = now_ms();

	while (now_ms() - t0 < ms) {
		struct media_event ev;

		usleep(50000);
		for (unsigned int k = 0; k < n; k++) {
			while (media_engine_next_event(ends[k]->engine, &ev) == 1) {
				int err = ev.type == MEDIA_EVENT_STREAM_ERROR ? ev.error : 0;

				EXPECT_EQ(0, err) TH_LOG("end %u: %s", k, strerror(-err));
			}
		}
	}
}

TEST(three_way_pcmu_and_g722_each_hears_the_others)
{
	char in[3][64], out[3][64];
	struct end a = { 0 }, b = { 0 }, c = { 0 };
	struct end *all[3] = { &a, &b, &c };
	static const double f3[3] = { 1000, 1500, 500 };
	double sb[3], sc[3], sa[3], sb2[3], rb, rc, ra, rb2;
	struct media_stats ab, ac, ab_mid, ac_mid;
	uint64_t allocs_mixing;
	const char x[3] = { 'a', 'b', 'c' };

	for (int i = 0; i < 3; i++) {
		snprintf(in[i], sizeof(in[i]), "/tmp/ucphone-conf-%c-in-%d.raw", x[i], getpid());
		snprintf(out[i], sizeof(out[i]), "/tmp/ucphone-conf-%c-out-%d.raw", x[i], getpid());
	}
	ASSERT_EQ(0, write_tone(in[0], 500, 20));
	ASSERT_EQ(0, write_tone(in[1], 1000, 20));
	ASSERT_EQ(0, write_tone(in[2], 1500, 20));
	setenv("UCPHONE_TEST_A_IN", in[0], 1);
	setenv("UCPHONE_TEST_A_OUT", out[0], 1);
	setenv("UCPHONE_TEST_B_IN", in[1], 1);
	setenv("UCPHONE_TEST_B_OUT", out[1], 1);
	setenv("UCPHONE_TEST_C_IN", in[2], 1);
	setenv("UCPHONE_TEST_C_OUT", out[2], 1);

	ASSERT_EQ(0, end_new(&a, 'a', 2, "PCMU,G722"));
	ASSERT_EQ(0, end_new(&b, 'b', 1, "PCMU"));
	ASSERT_EQ(0, end_new(&c, 'c', 1, "G722"));
	/* both legs joined before they start: the bridge from the first frame */
	media_call_set_conference(a.call[0], true);
	media_call_set_conference(a.call[1], true);
	EXPECT_TRUE(media_call_conference(a.call[0]));
	ASSERT_EQ(0, connect_calls(&a, 0, &b, 0));
	ASSERT_EQ(0, connect_calls(&a, 1, &c, 0));
	/* the first second: start-up (jitter buffers fill, resamplers settle) */
	run_for(_metadata, all, 3, 1000);
	ASSERT_EQ(0, media_call_stats(a.call[0], &ab_mid));
	ASSERT_EQ(0, media_call_stats(a.call[1], &ac_mid));
	run_for(_metadata, all, 3, CONF_MS - 1000);
	ASSERT_EQ(0, media_call_stats(a.call[0], &ab));
	ASSERT_EQ(0, media_call_stats(a.call[1], &ac));
	allocs_mixing = ab.thread_allocs - ab_mid.thread_allocs;
	/* C's leg leaves the conference: B hears A alone */
	media_call_set_conference(a.call[1], false);
	run_for(_metadata, all, 3, AFTER_MS);
	end_free(&a);
	end_free(&b);
	end_free(&c);

	ASSERT_EQ(0, shares(out[1], 1500, CONF_MS - 200, f3, sb, 3, &rb));
	ASSERT_EQ(0, shares(out[2], 1500, CONF_MS - 200, f3, sc, 3, &rc));
	ASSERT_EQ(0, shares(out[0], 1500, CONF_MS - 200, f3, sa, 3, &ra));
	ASSERT_EQ(0, shares(out[1], CONF_MS + 500, CONF_MS + AFTER_MS - 200, f3, sb2, 3, &rb2));
	TH_LOG("B (PCMU) hears 1 kHz %.3f, 1500 Hz %.3f, 500 Hz %.3f, rms %.0f", sb[0], sb[1], sb[2], rb);
	TH_LOG("C (G.722) hears 1 kHz %.3f, 1500 Hz %.3f, 500 Hz %.3f, rms %.0f", sc[0], sc[1], sc[2], rc);
	TH_LOG("A's earpiece: 1 kHz %.3f, 1500 Hz %.3f, 500 Hz %.3f, rms %.0f", sa[0], sa[1], sa[2], ra);
	TH_LOG("B after C left: 1 kHz %.3f, 1500 Hz %.3f, 500 Hz %.3f, rms %.0f",
	       sb2[0], sb2[1], sb2[2], rb2);
	TH_LOG("A's media thread allocations while mixing: %llu in %llu frames (counting %s)",
	       (unsigned long long)allocs_mixing,
	       (unsigned long long)(ab.frames - ab_mid.frames),
	       ab.allocs_counted ? "on" : "off (sanitizer build)");
	for (int i = 0; i < 3; i++) {
		unlink(in[i]);
		unlink(out[i]);
	}
	/* each far end hears the other and the phone, never itself */
	EXPECT_GT(sb[1], 0.25);
	EXPECT_GT(sb[2], 0.25);
	EXPECT_LT(sb[0], 0.02);
	EXPECT_GT(sc[0], 0.25);
	EXPECT_GT(sc[2], 0.25);
	EXPECT_LT(sc[1], 0.02);
	/* the phone's earpiece: both far ends, not its own microphone */
	EXPECT_GT(sa[0], 0.25);
	EXPECT_GT(sa[1], 0.25);
	EXPECT_LT(sa[2], 0.02);
	/* out of the conference: B hears the phone alone */
	EXPECT_GT(sb2[2], 0.9);
	EXPECT_LT(sb2[1], 0.02);
	EXPECT_GT(ab.tx_packets, CONF_MS / 20 * 8 / 10);
	EXPECT_GT(ac.tx_packets, CONF_MS / 20 * 8 / 10);
	if (ab.allocs_counted) {
		EXPECT_EQ(0, allocs_mixing);
		EXPECT_EQ(0, ab.thread_allocs);
		EXPECT_EQ(0, ac.thread_allocs);
	}
}

TEST_HARNESS_MAIN
