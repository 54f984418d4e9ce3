// SPDX-License-Identifier: GPL-2.0-only
/*
 * The speakerphone's echo canceller (media/echo_canceller.h) on a test
 * echo path: the far end's speech (espeak-ng) reaches the microphone 40 ms
 * later through a small room (three reflections, -10 dB and below) over a
 * faint noise floor. Measured, after two seconds to converge:
 * - ERLE = 10 log10(sum mic^2 / sum out^2) over far-end-only speech
 *   frames; at least ERLE_MIN_DB (the goal is 30 dB);
 * - the near talker alone (far end silent) passes within 10 dB;
 * - no heap allocation per block once running (where the build counts).
 * Needs FAR_RAW and NEAR_RAW: S16_LE mono 8 kHz speech.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kselftest_harness.h"
#include "media/alloc_count.h"
#include "media/echo_canceller.h"

#define RATE 8000
#define BLOCK 80
#define SECONDS 12
#define N (RATE * SECONDS)
#define DELAY (RATE * 40 / 1000)
#define ERLE_MIN_DB 28.0

static int16_t *load(const char *env, size_t *n)
{
	const char *path = getenv(env);
	FILE *f = path ? fopen(path, "rb") : NULL;
	int16_t *buf;
	long len;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)len);
	*n = buf ? fread(buf, 2, (size_t)len / 2, f) : 0;
	fclose(f);
	return buf;
}

static uint32_t lcg(uint32_t *s)
{
	*s = *s * 1103515245U + 12345U;
	return *s >> 16;
}

TEST(erle_on_a_test_echo_path)
{
	size_t nf, nn;
	int16_t *far_src = load("FAR_RAW", &nf), *near_src = load("NEAR_RAW", &nn);
	static int16_t far[N], mic[N], out[N];
	struct echo_canceller *ec;
	double e_mic = 0, e_out = 0, n_in = 0, n_out = 0, erle, near_db;
	uint64_t a0 = 0;
	uint32_t seed = 1;
	unsigned int frames = 0;

	ASSERT_NE(NULL, far_src);
	ASSERT_NE(NULL, near_src);
	/* 0-9 s far end talks (its speech looped); 9-12 s only the near talker */
	for (int i = 0; i < N; i++)
		far[i] = i < 9 * RATE ? far_src[(size_t)i % nf] : 0;
	for (int i = 0; i < N; i++) {
		double m = 0;

		if (i >= DELAY)
			m += 0.30 * far[i - DELAY];
		if (i >= DELAY + 24)
			m += 0.12 * far[i - DELAY - 24];
		if (i >= DELAY + 61)
			m -= 0.05 * far[i - DELAY - 61];
		m += (double)((int)(lcg(&seed) % 21) - 10);
		if (i >= 9 * RATE + DELAY + 80)
			m += near_src[(size_t)(i - 9 * RATE) % nn] * 0.5;
		mic[i] = (int16_t)(m > 32767 ? 32767 : m < -32768 ? -32768 : m);
	}
	free(far_src);
	free(near_src);
	ASSERT_EQ(0, echo_canceller_new(RATE, &ec));
	ASSERT_EQ(BLOCK, echo_canceller_block(ec));
	memcpy(out, mic, sizeof(out));
	for (int b = 0; b < N / BLOCK; b++) {
		if (b == 100)
			a0 = alloc_count_thread();
		ASSERT_EQ(0, echo_canceller_far(ec, far + b * BLOCK));
		ASSERT_EQ(0, echo_canceller_near(ec, out + b * BLOCK, 40));
	}
	if (alloc_count_enabled()) {
		EXPECT_EQ(0, alloc_count_thread() - a0);
	} else {
		printf("# allocations not counted in this build\n");
	}
	EXPECT_EQ(-EINVAL, echo_canceller_near(ec, out, 900));
	echo_canceller_free(ec);

	/* far-end-only 20 ms frames with speech in them, after 2 s */
	for (int f = 2 * RATE / 160; f < 9 * RATE / 160; f++) {
		double em = 0, eo = 0, ef = 0;

		for (int i = f * 160; i < f * 160 + 160; i++) {
			em += (double)mic[i] * mic[i];
			eo += (double)out[i] * out[i];
			ef += (double)far[i] * far[i];
		}
		if (10 * log10(ef / 160 / (32768.0 * 32768.0) + 1e-12) < -45)
			continue;
		e_mic += em;
		e_out += eo;
		frames++;
	}
	for (int i = 10 * RATE; i < N; i++) {
		n_in += (double)mic[i] * mic[i];
		n_out += (double)out[i] * out[i];
	}
	erle = 10 * log10(e_mic / (e_out + 1));
	near_db = 10 * log10((n_out + 1) / (n_in + 1));
	printf("# ERLE %.1f dB over %u far-end speech frames; near talker %+.1f dB\n",
	       erle, frames, near_db);
	fflush(stdout);
	EXPECT_GT(frames, 100);
	EXPECT_GE(erle, ERLE_MIN_DB);
	EXPECT_GT(near_db, -10.0);
}

TEST(bad_rates_refused)
{
	struct echo_canceller *ec = NULL;

	EXPECT_EQ(-EINVAL, echo_canceller_new(44100, &ec));
	EXPECT_EQ(-EINVAL, echo_canceller_new(0, &ec));
	EXPECT_EQ(NULL, ec);
}

TEST_HARNESS_MAIN
