// SPDX-License-Identifier: GPL-2.0-only
/*
 * A speakerphone call over a test echo path, two media engines on
 * loopback: B, the far end, talks (espeak-ng speech); A is the
 * speakerphone, whose microphone hears only its own loudspeaker, 40 ms
 * later and 10 dB down (pcm_paced.c's echo ring, asound.conf's
 * ucphone_test_echo_*). What B hears from A is B's own echo. For the first
 * four seconds A's echo canceller is off, then on
 * (media_engine_set_echo_cancel, as the speaker route does). Measured on
 * the recordings, each window's echo level relative to what A played:
 *   ERLE = (heard/played, 1.5-4 s, canceller off) / (heard/played,
 *          8-12 s, on), in dB; at least ECHO_ERLE_MIN_DB.
 * A's media thread allocates nothing while the canceller runs (where the
 * build counts allocations).
 * Needs ALSA_CONFIG_PATH with tests/media/asound.conf and FAR_RAW (speech).
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

#define CALL_MS 12500
#define AEC_ON_MS 4000
#define ECHO_ERLE_MIN_DB 20.0

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

static int phone_new(struct phone *ph, const char *play, const char *cap)
{
	struct media_engine_config cfg = { 0 };
	struct sdp_config sc = { 0 };
	int rc;

	snprintf(cfg.playback, sizeof(cfg.playback), "%s", play);
	snprintf(cfg.capture, sizeof(cfg.capture), "%s", cap);
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
	sc.codecs[0] = MEDIA_CODEC_PCMU;
	sc.n_codecs = 1;
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

/* Energy of a raw file's samples (khz kHz) in [from_ms, to_ms). */
static double energy(const char *path, unsigned int khz, unsigned int from_ms,
		     unsigned int to_ms)
{
	FILE *f = fopen(path, "rb");
	double e = 0;
	int16_t x;

	if (!f)
		return -1;
	if (fseek(f, (long)from_ms * 2 * khz, SEEK_SET) == 0)
		for (unsigned int i = 0; i < (to_ms - from_ms) * khz && fread(&x, 2, 1, f) == 1; i++)
			e += (double)x * x;
	fclose(f);
	return e;
}

/* the far end's speech looped to the call's length, as B's microphone */
static int far_speech(const char *out)
{
	const char *src = getenv("FAR_RAW");
	FILE *in = src ? fopen(src, "rb") : NULL, *o;
	static int16_t buf[8000 * 20];
	size_t n, total = 0;

	if (!in)
		return -ENOENT;
	n = fread(buf, 2, sizeof(buf) / 2, in);
	fclose(in);
	o = fopen(out, "wb");
	if (!o || !n) {
		if (o)
			fclose(o);
		return -EIO;
	}
	while (total < 8000 * 20) {
		fwrite(buf, 2, n, o);
		total += n;
	}
	fclose(o);
	return 0;
}

TEST(speakerphone_echo_reduced)
{
	char e_out[64], b_out[64], b_in[64], offer[SDP_OUT_MAX], answer[SDP_OUT_MAX];
	struct phone a = { 0 }, b = { 0 };
	struct media_stream_params pa, pb;
	struct sdp_error err;
	struct media_stats sa;
	size_t olen, alen;
	bool aec = false;
	uint64_t t0, allocs_before = 0;
	double off, on, erle;
	unsigned int ek;	/* A's card rate, kHz: the echo path runs at it */

	snprintf(e_out, sizeof(e_out), "/tmp/ucphone-echo-a-%d.raw", getpid());
	snprintf(b_out, sizeof(b_out), "/tmp/ucphone-echo-b-%d.raw", getpid());
	snprintf(b_in, sizeof(b_in), "/tmp/ucphone-echo-bin-%d.raw", getpid());
	ASSERT_EQ(0, far_speech(b_in));
	setenv("UCPHONE_TEST_E_OUT", e_out, 1);
	setenv("UCPHONE_TEST_B_IN", b_in, 1);
	setenv("UCPHONE_TEST_B_OUT", b_out, 1);

	ASSERT_EQ(0, phone_new(&a, "ucphone_test_echo_play", "ucphone_test_echo_cap"));
	ASSERT_EQ(0, phone_new(&b, "ucphone_test_b_play", "ucphone_test_b_cap"));
	ASSERT_EQ(0, sdp_neg_offer(a.neg, offer, sizeof(offer), &olen, &err));
	ASSERT_EQ(0, sdp_neg_offer_received(b.neg, offer, olen, answer, sizeof(answer),
					    &alen, &pb, &err)) TH_LOG("%s", err.reason);
	ASSERT_EQ(0, sdp_neg_answer_received(a.neg, answer, alen, &pa, &err))
		TH_LOG("%s", err.reason);
	t0 = now_ms();
	ASSERT_EQ(0, media_call_start(b.call, &pb));
	ASSERT_EQ(0, media_call_start(a.call, &pa));
	media_stream_params_clear(&pa);
	media_stream_params_clear(&pb);
	while (now_ms() - t0 < CALL_MS) {
		struct media_event ev;

		usleep(50000);
		while (media_engine_next_event(a.engine, &ev) == 1)
			EXPECT_NE(MEDIA_EVENT_STREAM_ERROR, ev.type);
		while (media_engine_next_event(b.engine, &ev) == 1)
			EXPECT_NE(MEDIA_EVENT_STREAM_ERROR, ev.type);
		if (!aec && now_ms() - t0 >= AEC_ON_MS) {
			ASSERT_EQ(0, media_engine_set_echo_cancel(a.engine, true));
			ASSERT_EQ(0, media_call_stats(a.call, &sa));
			allocs_before = sa.thread_allocs;
			aec = true;
		}
	}
	ASSERT_EQ(0, media_call_stats(a.call, &sa));
	ek = media_engine_rate(a.engine) / 1000;
	printf("# A: card %u kHz, echo path delay measured %u ms, media thread allocations with the "
	       "canceller on: %s%llu\n", ek, sa.echo_delay_ms, sa.allocs_counted ? "" : "(not counted) ",
	       (unsigned long long)(sa.thread_allocs - allocs_before));
	if (sa.allocs_counted)
		EXPECT_EQ(0, sa.thread_allocs - allocs_before);
	phone_free(&a);
	phone_free(&b);

	off = energy(b_out, 8, 1500, 4000) / (energy(e_out, ek, 1500, 4000) + 1);
	on = energy(b_out, 8, 8000, 12000) / (energy(e_out, ek, 8000, 12000) + 1);
	erle = 10 * log10((off + 1e-12) / (on + 1e-12));
	printf("# echo heard by the far end: %.1f dB (canceller off), %.1f dB (on): ERLE %.1f dB\n",
	       10 * log10(off + 1e-12), 10 * log10(on + 1e-12), erle);
	fflush(stdout);
	EXPECT_GT(energy(e_out, ek, 8000, 12000), 1e9);	/* A did play B's speech */
	EXPECT_GE(erle, ECHO_ERLE_MIN_DB);
	unlink(e_out);
	unlink(b_out);
	unlink(b_in);
}

TEST_HARNESS_MAIN
