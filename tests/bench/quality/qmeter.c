// SPDX-License-Identifier: GPL-2.0-only
/*
 * qmeter REF.raw DEG.raw: how far a received recording is from what was
 * sent, both S16_LE mono 8 kHz raw. Prints one line of key=value:
 *   lag_ms   where DEG's first matched frame sits in REF (alignment)
 *   lsd_db   log-spectral distance, mean over speech frames (lower is better)
 *   segsnr   segmental SNR in dB, mean over speech frames (higher is better)
 *   gaps     runs of silence over 20 ms where the sender spoke
 *   gap_max_ms, twice (samples played twice), skipped (sent samples never
 *   played: a receiver that drops audio instead of concealing it), frames
 *
 * Method. REF is searched for DEG's first 4 s of sound at 2 kHz (decimated
 * by averaging four samples), then refined at 8 kHz. Then every 20 ms frame
 * of DEG is aligned again within +-20 ms of the running lag (normalised
 * cross-correlation; accepted above 0.6), so a jitter buffer that grows,
 * shrinks or drifts does not count as distortion. A least-squares gain is
 * fitted over the aligned speech frames. Speech frames are REF frames at
 * or above -45 dBFS. Per frame:
 *   segSNR = 10 log10(sum r^2 / sum (r - g d)^2), clamped to [-10, 35] dB;
 *   LSD = sqrt(mean over 200-3400 Hz of (10 log10 Pr - 10 log10 Pd)^2),
 *         Hann-windowed 160-point spectra, each floored 50 dB below the
 *         reference frame's peak.
 * A gap is a run of 5 ms windows where DEG is 30 dB below REF's level at
 * the aligned place while REF speaks. Samples played twice: a frame that
 * matched REF at a place an earlier frame had
 * already played, by more than 2.5 ms, with correlation >= 0.995 (the same
 * decoded samples again: a replayed packet; loss concealment resembles
 * earlier pitch periods at 0.95-0.99 and is scored at the running lag
 * instead). Skipped: REF's speech frames, between
 * the first and the last frame DEG played, that no DEG frame covered at
 * its aligned place; each counts in the means as a lost frame (segSNR
 * -10 dB, LSD against silence), so dropping audio scores worse than
 * concealing it.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FR 160
#define SR 8000
/* a frame this close to earlier sent audio is that audio played again */
#define REPLAY_CORR 0.995

static short *load(const char *path, long *n)
{
	FILE *f = fopen(path, "rb");
	short *b;
	long len;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	len = ftell(f) / 2;
	fseek(f, 0, SEEK_SET);
	b = calloc((size_t)len + 1, sizeof(short));
	*n = b ? (long)fread(b, 2, (size_t)len, f) : 0;
	fclose(f);
	return b;
}

static double ncorr(const short *a, const short *b, int n)
{
	double ab = 0, aa = 0, bb = 0;

	for (int i = 0; i < n; i++) {
		ab += (double)a[i] * b[i];
		aa += (double)a[i] * a[i];
		bb += (double)b[i] * b[i];
	}
	return aa > 0 && bb > 0 ? ab / sqrt(aa * bb) : 0;
}

static double energy_db(const short *a, int n)
{
	double e = 0;

	for (int i = 0; i < n; i++)
		e += (double)a[i] * a[i];
	return 10 * log10(e / n / (32768.0 * 32768.0) + 1e-13);
}

static void spectrum(const short *x, double g, double *p)
{
	for (int k = 4; k <= 68; k++) {
		double re = 0, im = 0;

		for (int i = 0; i < FR; i++) {
			double w = 0.5 - 0.5 * cos(2 * M_PI * i / (FR - 1));
			double v = x[i] * g * w;

			re += v * cos(2 * M_PI * k * i / FR);
			im -= v * sin(2 * M_PI * k * i / FR);
		}
		p[k] = re * re + im * im;
	}
}

int main(int argc, char **argv)
{
	long nr, nd, first = -1, lag;
	short *r, *d;
	double best = -2;

	if (argc != 3) {
		fprintf(stderr, "usage: qmeter REF.raw DEG.raw\n");
		return 2;
	}
	r = load(argv[1], &nr);
	d = load(argv[2], &nd);
	if (!r || !d || nr < SR || nd < SR) {
		fprintf(stderr, "qmeter: cannot read both recordings (a second each at least)\n");
		return 2;
	}
	/* DEG's sound starts */
	for (long i = 0; i + FR <= nd; i += FR)
		if (energy_db(d + i, FR) > -45) {
			first = i;
			break;
		}
	if (first < 0) {
		printf("lag_ms=nan lsd_db=nan segsnr=nan gaps=nan gap_max_ms=nan twice=nan frames=0\n");
		return 1;
	}
	/* coarse: 2 kHz, 4 s of DEG against all of REF */
	{
		long m = (nd - first) / 4, w = 4 * SR / 4, nr4 = nr / 4, bl = 0;
		short *d4, *r4;

		if (w > m)
			w = m;
		d4 = calloc((size_t)m + 1, sizeof(short));
		r4 = calloc((size_t)nr4 + 1, sizeof(short));
		for (long i = 0; i < m; i++)
			d4[i] = (short)((d[first + 4 * i] + d[first + 4 * i + 1] + d[first + 4 * i + 2] +
					 d[first + 4 * i + 3]) / 4);
		for (long i = 0; i < nr4; i++)
			r4[i] = (short)((r[4 * i] + r[4 * i + 1] + r[4 * i + 2] + r[4 * i + 3]) / 4);
		for (long p = 0; p + w <= nr4; p++) {
			double c = ncorr(r4 + p, d4, (int)w);

			if (c > best) {
				best = c;
				bl = p;
			}
		}
		lag = first - 4 * bl;	/* deg index - ref index */
		best = -2;
		for (long l = lag - 8; l <= lag + 8; l++) {
			long rp = first - l;
			double c;

			if (rp < 0 || rp + 4 * w > nr)
				continue;
			c = ncorr(r + rp, d + first, (int)(4 * w > nd - first ? nd - first : 4 * w));
			if (c > best) {
				best = c;
				bl = l;
			}
		}
		lag = bl;
		free(d4);
		free(r4);
	}
	{
		long nf = nd / FR, frames = 0, gaps = 0, run = 0, gap_max = 0, twice = 0;
		long *flag = calloc((size_t)nf, sizeof(long));
		unsigned char *cover = calloc((size_t)(nr / FR + 1), 1);
		long ref_lo = -1, ref_hi = -1, skipped = 0;
		double num = 0, den = 0, g, snr_sum = 0, lsd_sum = 0;
		long played_end = -1, L = lag;
		double pr[69], pd[69];

		/* per-frame alignment */
		for (long f = first / FR; f < nf; f++) {
			long b = L;
			double bc = -2;

			flag[f] = L;
			for (long l = L - FR; l <= L + FR; l++) {
				long rp = f * FR - l;
				double c;

				if (rp < 0 || rp + FR > nr)
					continue;
				c = ncorr(r + rp, d + f * FR, FR);
				if (c > bc) {
					bc = c;
					b = l;
				}
			}
			if (bc >= 0.6 && energy_db(d + f * FR, FR) > -50) {
				long rp = f * FR - b;

				if (played_end >= 0 && rp + 20 < played_end) {
					/*
					 * Back in what was already played: an exact
					 * replay (the same decoded samples), or
					 * concealment that resembles an earlier pitch
					 * period, which stays at the running lag.
					 */
					if (bc < REPLAY_CORR)
						continue;
					twice += played_end - rp < FR ? played_end - rp : FR;
				}
				if (rp + FR > played_end)
					played_end = rp + FR;
				L = b;
				flag[f] = b;
			}
		}
		/* gain */
		for (long f = first / FR; f < nf; f++) {
			long rp = f * FR - flag[f];

			if (rp < 0 || rp + FR > nr || energy_db(r + rp, FR) < -45)
				continue;
			for (int i = 0; i < FR; i++) {
				num += (double)r[rp + i] * d[f * FR + i];
				den += (double)d[f * FR + i] * d[f * FR + i];
			}
		}
		g = den > 0 ? num / den : 1;
		if (g <= 0)
			g = 1;
		for (long f = first / FR; f < nf; f++) {
			long rp = f * FR - flag[f];
			double es = 0, en = 0, snr, peak = 0, s = 0;

			if (rp < 0 || rp + FR > nr)
				continue;
			/* the REF frame mostly under this one is played */
			cover[(rp + FR / 2) / FR] = 1;
			if (ref_lo < 0 || rp < ref_lo)
				ref_lo = rp;
			if (rp + FR > ref_hi)
				ref_hi = rp + FR;
			/* gaps, 5 ms windows */
			for (int q = 0; q < FR; q += 40) {
				double er = energy_db(r + rp + q, 40), ed = energy_db(d + f * FR + q, 40);

				if (er > -45 && ed + 20 * log10(g) < er - 30) {
					run += 40;
				} else if (er > -45 || ed > -50) {
					if (run > 160)
						gaps++;
					if (run > gap_max)
						gap_max = run;
					run = 0;
				}
			}
			if (energy_db(r + rp, FR) < -45)
				continue;
			for (int i = 0; i < FR; i++) {
				double e = r[rp + i] - g * d[f * FR + i];

				es += (double)r[rp + i] * r[rp + i];
				en += e * e;
			}
			snr = 10 * log10(es / (en + 1e-9));
			snr = snr > 35 ? 35 : snr < -10 ? -10 : snr;
			spectrum(r + rp, 1, pr);
			spectrum(d + f * FR, g, pd);
			for (int k = 4; k <= 68; k++)
				if (pr[k] > peak)
					peak = pr[k];
			for (int k = 4; k <= 68; k++) {
				double fl = peak * 1e-5 + 1e-9;
				double a = 10 * log10(pr[k] > fl ? pr[k] : fl);
				double bb = 10 * log10(pd[k] > fl ? pd[k] : fl);

				s += (a - bb) * (a - bb);
			}
			lsd_sum += sqrt(s / 65);
			snr_sum += snr;
			frames++;
		}
		if (run > 160)
			gaps++;
		if (run > gap_max)
			gap_max = run;
		/* sent speech never played */
		for (long k = ref_lo / FR + 1; ref_lo >= 0 && k < ref_hi / FR - 1; k++) {
			double peak = 0, s = 0;

			if (cover[k] || energy_db(r + k * FR, FR) < -45)
				continue;
			skipped += FR;
			spectrum(r + k * FR, 1, pr);
			for (int q = 4; q <= 68; q++)
				if (pr[q] > peak)
					peak = pr[q];
			for (int q = 4; q <= 68; q++) {
				double fl = peak * 1e-5 + 1e-9;
				double a = 10 * log10(pr[q] > fl ? pr[q] : fl);
				double bb = 10 * log10(fl);

				s += (a - bb) * (a - bb);
			}
			lsd_sum += sqrt(s / 65);
			snr_sum += -10;
			frames++;
		}
		printf("lag_ms=%.1f lsd_db=%.2f segsnr=%.1f gaps=%ld gap_max_ms=%ld twice=%ld skipped=%ld frames=%ld\n",
		       lag * 1000.0 / SR, frames ? lsd_sum / frames : NAN,
		       frames ? snr_sum / frames : NAN, gaps, gap_max * 1000 / SR, twice, skipped,
		       frames);
		free(flag);
		free(cover);
	}
	free(r);
	free(d);
	return 0;
}
