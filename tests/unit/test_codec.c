// SPDX-License-Identifier: GPL-2.0-only
/*
 * Each codec behind media/codec.h, measured: a 1 kHz tone encoded and
 * decoded through it keeps its energy at 1 kHz (Goertzel), a packet of 60
 * ms cuts into three 20 ms units that decode the same way, a lost unit is
 * concealed (and, for Opus with in-band FEC, rebuilt from the next one).
 */
#include <math.h>
#include <string.h>

#include "kselftest_harness.h"
#include "media/codec.h"

#define SECONDS 1

static void tone(int16_t *x, unsigned int n, unsigned int rate, double freq, unsigned int phase0)
{
	for (unsigned int i = 0; i < n; i++)
		x[i] = (int16_t)(12000.0 * sin(2.0 * M_PI * freq * (double)(i + phase0) / rate));
}

/* Share of a block's energy at freq. */
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

static double rms(const int16_t *x, unsigned int n)
{
	double e = 0;

	for (unsigned int i = 0; i < n; i++)
		e += (double)x[i] * x[i];
	return sqrt(e / n);
}

/*
 * Encodes SECONDS of tone in packets of ptime, cuts each into units,
 * decodes them, and checks the tone; drop: the unit index to lose (or
 * -1). Returns how many lost units FEC rebuilt.
 */
static int round_trip(struct __test_metadata *_metadata, enum media_codec kind,
		      uint32_t ptime, int drop, bool fec)
{
	static struct codec c;
	static int16_t in[CODEC_PCM_MAX], out[48000 * SECONDS];
	static uint8_t pkts[200][CODEC_PAYLOAD_MAX * 3];
	static int lens[200];
	struct codec_config cfg = { .kind = kind, .ptime_ms = ptime, .fec = fec };
	unsigned int per, npkt, units_total = 0, rebuilt = 0, unit_no = 0;
	double ratio, level;

	ASSERT_EQ(0, codec_open(&c, &cfg));
	per = c.rate * ptime / 1000;
	npkt = c.rate * SECONDS / per;
	for (unsigned int p = 0; p < npkt; p++) {
		tone(in, per, c.rate, 1000, p * per);
		lens[p] = codec_encode(&c, in, per, pkts[p], sizeof(pkts[p]));
		ASSERT_GT(lens[p], 0);
	}
	for (unsigned int p = 0; p < npkt; p++) {
		unsigned int n = codec_units(&c, pkts[p], (size_t)lens[p]);

		ASSERT_EQ(ptime / 20, n);
		for (unsigned int u = 0; u < n; u++, unit_no++) {
			uint8_t unit[CODEC_PAYLOAD_MAX], next[CODEC_PAYLOAD_MAX];
			int len = codec_unit(&c, pkts[p], (size_t)lens[p], u, unit, sizeof(unit));
			int16_t *o = out + (size_t)unit_no * c.unit;

			ASSERT_GT(len, 0);
			if ((int)unit_no == drop) {
				/* the following unit, as the jitter buffer would hand it */
				int nlen;

				if (u + 1 < n)
					nlen = codec_unit(&c, pkts[p], (size_t)lens[p], u + 1,
							  next, sizeof(next));
				else
					nlen = codec_unit(&c, pkts[p + 1], (size_t)lens[p + 1], 0,
							  next, sizeof(next));
				ASSERT_GT(nlen, 0);
				rebuilt += (unsigned int)codec_conceal(&c, next, (size_t)nlen, o);
				continue;
			}
			ASSERT_EQ(0, codec_decode(&c, unit, (size_t)len, o));
		}
		units_total += n;
	}
	/* skip the codec's start-up (Opus ramps up) */
	ratio = goertzel_ratio(out + 10 * c.unit, (units_total - 10) * c.unit, c.rate, 1000);
	level = rms(out + 10 * c.unit, (units_total - 10) * c.unit);
	TH_LOG("%s ptime %u drop %d: 1 kHz share %.3f, rms %.0f (sent 8485), FEC rebuilt %u",
	       media_codec_name(kind), ptime, drop, ratio, level, rebuilt);
	EXPECT_GT(ratio, drop >= 0 ? 0.85 : 0.95);
	EXPECT_GT(level, 4000);
	EXPECT_LT(level, 12000);
	codec_close(&c);
	return (int)rebuilt;
}

TEST(pcmu_round_trip)
{
	round_trip(_metadata, MEDIA_CODEC_PCMU, 20, -1, false);
	round_trip(_metadata, MEDIA_CODEC_PCMU, 60, -1, false);
	round_trip(_metadata, MEDIA_CODEC_PCMU, 20, 25, false);
}

TEST(pcma_round_trip)
{
	round_trip(_metadata, MEDIA_CODEC_PCMA, 20, -1, false);
	round_trip(_metadata, MEDIA_CODEC_PCMA, 40, 25, false);
}

TEST(g722_round_trip)
{
	round_trip(_metadata, MEDIA_CODEC_G722, 20, -1, false);
	round_trip(_metadata, MEDIA_CODEC_G722, 60, -1, false);
	round_trip(_metadata, MEDIA_CODEC_G722, 20, 25, false);
}

TEST(opus_round_trip)
{
	round_trip(_metadata, MEDIA_CODEC_OPUS, 20, -1, false);
	round_trip(_metadata, MEDIA_CODEC_OPUS, 40, -1, false);
	round_trip(_metadata, MEDIA_CODEC_OPUS, 60, -1, false);
}

TEST(opus_fec_rebuilds_a_lost_unit)
{
	EXPECT_EQ(1, round_trip(_metadata, MEDIA_CODEC_OPUS, 20, 25, true));
	/* without FEC from the sender: the decoder's PLC, nothing rebuilt */
	EXPECT_EQ(0, round_trip(_metadata, MEDIA_CODEC_OPUS, 20, 25, false));
}

TEST(rates_and_clocks)
{
	EXPECT_EQ(8000, codec_clock(MEDIA_CODEC_G722));
	EXPECT_EQ(16000, codec_rate(MEDIA_CODEC_G722));
	EXPECT_EQ(48000, codec_clock(MEDIA_CODEC_OPUS));
	EXPECT_EQ(8000, codec_rate(MEDIA_CODEC_PCMA));
}

TEST(refuses_what_it_cannot_cut)
{
	static struct codec c;
	struct codec_config cfg = { .kind = MEDIA_CODEC_PCMU, .ptime_ms = 20 };
	uint8_t junk[3] = { 0xff, 0xff, 0xff };

	ASSERT_EQ(0, codec_open(&c, &cfg));
	EXPECT_EQ(0, codec_units(&c, junk, 100));	/* not 20 ms of G.711 */
	codec_close(&c);
	cfg.kind = MEDIA_CODEC_OPUS;
	ASSERT_EQ(0, codec_open(&c, &cfg));
	EXPECT_EQ(0, codec_units(&c, junk, sizeof(junk)));	/* code 3, no count byte */
	codec_close(&c);
	cfg.ptime_ms = 30;
	EXPECT_EQ(-EOPNOTSUPP, codec_open(&c, &cfg));
	cfg.kind = MEDIA_CODEC_NONE;
	cfg.ptime_ms = 20;
	EXPECT_EQ(-EOPNOTSUPP, codec_open(&c, &cfg));
}

TEST_HARNESS_MAIN
