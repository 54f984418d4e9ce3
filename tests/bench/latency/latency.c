// SPDX-License-Identifier: GPL-2.0-only
/*
 * Mouth-to-ear latency the phone adds, measured on the media engine with
 * this program as the far end (a UDP socket on loopback, the codec's own
 * library for encoding and decoding).
 *
 * The engine runs on the real-time paced test card (tests/media/asound.conf,
 * ucphone_test_wa_*: files at the card's rate, sample i of either file at
 * the card's start + i / rate, the start read from media_stats).
 *  - send: the phone's microphone file holds a 20 ms 1 kHz burst every
 *    1010 ms (so the burst's place in the 20 ms frame moves); this program
 *    decodes what arrives and notes when the packet carrying each burst's
 *    onset arrived (the kernel's receive stamp): capture -> packet on the wire = that arrival - the
 *    onset's capture time. It includes the card's period, the resamplers,
 *    the codec's lookahead and packetisation: all the phone adds.
 *  - receive: this program sends the same bursts 20 ms a packet, paced on
 *    CLOCK_MONOTONIC; the phone's earpiece file shows when each onset
 *    played: packet in -> playout = play time of the packet's first
 *    sample - its send time, less the jitter buffer's delay at that moment
 *    (media_stats.jb_delay_ms, sampled every packet), which is the network's
 *    share, not the phone's.
 * Prints one table row per run: codec, card rate, both figures (mean and
 * max over the bursts), the jitter buffer's delay and the sum.
 *
 * Usage: latency CODEC RATE SECONDS   (CODEC: PCMU, PCMA, G722, opus)
 * Needs ALSA_CONFIG_PATH=/usr/share/alsa/alsa.conf:BUILD/tests/media/asound.conf
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
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <linux/sockios.h>

#include "media/codec.h"
#include "media/media.h"
#include "lib/rtp/rtp.h"
#include "lib/sdp/sdp.h"

#define BURST_MS 20
#define PERIOD_MS 1010
#define FIRST_MS 500
#define MAX_S 60
#define ONSET 4000		/* |sample| that marks a burst's onset */

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* When the datagram just read arrived (the kernel's stamp), CLOCK_MONOTONIC. */
static uint64_t arrival_ns(int fd)
{
	struct timespec stamp, rt;
	uint64_t mono = now_ns(), real, at;

	clock_gettime(CLOCK_REALTIME, &rt);
	if (ioctl(fd, SIOCGSTAMPNS, &stamp) < 0)
		return mono;
	real = (uint64_t)rt.tv_sec * 1000000000ULL + (uint64_t)rt.tv_nsec;
	at = (uint64_t)stamp.tv_sec * 1000000000ULL + (uint64_t)stamp.tv_nsec;
	return real > at ? mono - (real - at) : mono;
}

static int16_t burst_sample(uint64_t i, unsigned int rate)
{
	uint64_t ms = i * 1000 / rate;

	if (ms < FIRST_MS || (ms - FIRST_MS) % PERIOD_MS >= BURST_MS)
		return 0;
	return (int16_t)(16000.0 * sin(2.0 * M_PI * 1000.0 * (double)i / rate));
}

static int write_mic(const char *path, unsigned int rate, unsigned int secs)
{
	FILE *f = fopen(path, "wb");

	if (!f)
		return -errno;
	for (uint64_t i = 0; i < (uint64_t)rate * (secs + 2); i++) {
		int16_t v = burst_sample(i, rate);

		fwrite(&v, 2, 1, f);
	}
	return fclose(f) ? -EIO : 0;
}

/* Onsets (sample indices) in x: the first |sample| >= ONSET after quiet. */
static size_t onsets(const int16_t *x, size_t n, size_t *out, size_t max, unsigned int rate)
{
	size_t k = 0, quiet = rate / 10, last = 0;
	bool armed = true;

	for (size_t i = 0; i < n && k < max; i++) {
		if (abs(x[i]) >= ONSET) {
			if (armed)
				out[k++] = i;
			armed = false;
			last = i;
		} else if (!armed && i - last > quiet) {
			armed = true;
		}
	}
	return k;
}

struct stat_ms {
	double sum, max;
	unsigned int n;
};

static void add(struct stat_ms *s, double v)
{
	s->sum += v;
	if (!s->n || v > s->max)
		s->max = v;
	s->n++;
}

int main(int argc, char **argv)
{
	struct media_engine_config cfg = { 0 };
	struct sdp_config sa = { 0 }, sb = { 0 };
	struct media_stream_params pa, pb;
	struct media_engine *e;
	struct media_call *call;
	struct sdp_neg *na, *nb;
	struct sdp_error err;
	struct codec cd = { 0 };
	struct codec_config cc = { 0 };
	struct media_stats st;
	struct sockaddr_in me = { .sin_family = AF_INET };
	socklen_t ml = sizeof(me);
	char offer[SDP_OUT_MAX], answer[SDP_OUT_MAX], mic[64], ear[64];
	size_t olen, alen;
	enum media_codec kind = MEDIA_CODEC_NONE, list[MEDIA_CODEC_MAX];
	unsigned int rate, secs, n_units, n_list = 0;
	int fd, rc;
	/* what arrived: decoded audio at the codec's rate, arrival per unit */
	int16_t *rx, *tx;
	uint64_t *rx_at, *tx_at, t_start, next;
	unsigned int *jb_at;
	size_t rx_units = 0;
	uint16_t seq = 1;
	uint32_t ts = 0;

	if (argc == 4 && sdp_codec_list_parse(argv[1], list, &n_list) == 0 && n_list == 1)
		kind = list[0];
	if (argc != 4 || kind == MEDIA_CODEC_NONE ||
	    (rate = (unsigned int)atoi(argv[2])) == 0 || (secs = (unsigned int)atoi(argv[3])) < 3 ||
	    secs > MAX_S) {
		fprintf(stderr, "usage: latency PCMU|PCMA|G722|opus RATE SECONDS(3-%d)\n", MAX_S);
		return 2;
	}
	snprintf(mic, sizeof(mic), "/tmp/ucphone-lat-mic-%d.raw", getpid());
	snprintf(ear, sizeof(ear), "/tmp/ucphone-lat-ear-%d.raw", getpid());
	if (write_mic(mic, rate, secs) < 0)
		return 1;
	setenv("UCPHONE_TEST_WA_IN", mic, 1);
	setenv("UCPHONE_TEST_WA_OUT", ear, 1);
	snprintf(cfg.playback, sizeof(cfg.playback), "ucphone_test_wa_play");
	snprintf(cfg.capture, sizeof(cfg.capture), "ucphone_test_wa_cap");
	((struct sockaddr_in *)&cfg.local)->sin_family = AF_INET;
	((struct sockaddr_in *)&cfg.local)->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	cfg.rt_priority = 10;
	cfg.jitter_delay_ms = 40;
	cfg.audio_rate = rate;
	rc = media_engine_new(&cfg, &e);
	if (rc == 0)
		rc = media_call_open(e, &call);
	if (rc < 0) {
		fprintf(stderr, "engine: %s\n", strerror(-rc));
		return 1;
	}
	/* this program's socket */
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	me.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || bind(fd, (struct sockaddr *)&me, sizeof(me)) < 0 ||
	    getsockname(fd, (struct sockaddr *)&me, &ml) < 0)
		return 1;
	/* the phone offers, this program answers, one codec */
	sa.local = cfg.local;
	sa.rtp_port = media_call_rtp_port(call);
	sa.rtcp_port = media_call_rtcp_port(call);
	sa.codecs[0] = kind;
	sa.n_codecs = 1;
	sa.rtcp_mux = true;
	sa.opus_max_playback_rate = media_engine_rate(e);
	sa.srtp = SDP_SRTP_OFF;
	sb = sa;
	sb.rtp_port = ntohs(me.sin_port);
	sb.rtcp_port = (uint16_t)(sb.rtp_port + 1);
	if (sdp_neg_new(&na, &sa) < 0 || sdp_neg_new(&nb, &sb) < 0 ||
	    sdp_neg_offer(na, offer, sizeof(offer), &olen, &err) < 0 ||
	    sdp_neg_offer_received(nb, offer, olen, answer, sizeof(answer), &alen, &pb, &err) < 0 ||
	    sdp_neg_answer_received(na, answer, alen, &pa, &err) < 0) {
		fprintf(stderr, "sdp: %s\n", err.reason);
		return 1;
	}
	if (connect(fd, (struct sockaddr *)&pb.remote_rtp, sizeof(struct sockaddr_in)) < 0)
		return 1;
	cc.kind = kind;
	cc.ptime_ms = 20;
	cc.fec = pb.opus_fec;
	cc.max_playback_rate = pb.opus_max_playback_rate;
	if (codec_open(&cd, &cc) < 0)
		return 1;
	n_units = secs * 50 + 50;
	rx = calloc((size_t)n_units * cd.unit, sizeof(int16_t));
	tx = calloc((size_t)n_units * cd.unit, sizeof(int16_t));
	rx_at = calloc(n_units, sizeof(uint64_t));
	tx_at = calloc(n_units, sizeof(uint64_t));
	jb_at = calloc(n_units, sizeof(unsigned int));
	if (!rx || !tx || !rx_at || !tx_at || !jb_at)
		return 1;
	for (size_t i = 0; i < (size_t)n_units * cd.unit; i++)
		tx[i] = burst_sample(i, cd.rate);

	rc = media_call_start(call, &pa);
	media_stream_params_clear(&pa);
	if (rc < 0) {
		fprintf(stderr, "start: %s\n", strerror(-rc));
		return 1;
	}
	t_start = next = now_ns();
	for (unsigned int u = 0; u < secs * 50; u++) {
		uint8_t pkt[1500], payload[CODEC_PAYLOAD_MAX];
		struct timespec ts_next = { (time_t)(next / 1000000000ULL),
					    (long)(next % 1000000000ULL) };
		int len;

		clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts_next, NULL);
		len = codec_encode(&cd, tx + (size_t)u * cd.unit, cd.unit, payload, sizeof(payload));
		if (len > 0) {
			rtp_write_header(pkt, u == 0, pb.pt, seq++, ts, 0x12345678);
			memcpy(pkt + RTP_HEADER_LEN, payload, (size_t)len);
			tx_at[u] = now_ns();
			if (send(fd, pkt, RTP_HEADER_LEN + (size_t)len, 0) < 0)
				return 1;
		}
		ts += cd.unit_ts;
		next += 20000000ULL;
		if (media_call_stats(call, &st) == 0)
			jb_at[u] = st.jb_delay_ms;
		/* what the phone sent meanwhile */
		for (;;) {
			struct rtp_packet p;
			ssize_t n = recv(fd, pkt, sizeof(pkt), MSG_DONTWAIT);

			if (n < 0)
				break;
			if (rtp_parse(pkt, (size_t)n, &p) < 0 || p.pt != pb.pt || rx_units >= n_units)
				continue;
			if (codec_decode(&cd, p.payload, p.payload_len, rx + rx_units * cd.unit) == 0)
				rx_at[rx_units++] = arrival_ns(fd);
		}
	}
	media_call_stats(call, &st);
	media_call_close(call);
	media_engine_free(e);
	(void)t_start;

	{
		size_t mic_on[MAX_S], rx_on[MAX_S], tx_on[MAX_S], ear_on[MAX_S], n_mic, n_rx, n_tx, n_ear;
		size_t n_ear_samples = 0;
		int16_t *earbuf;
		FILE *f = fopen(ear, "rb");
		struct stat_ms send = { 0 }, recv_ = { 0 }, jb = { 0 };
		double t0 = (double)st.audio_start_ns / 1e6;	/* ms */

		if (!f)
			return 1;
		earbuf = calloc((size_t)rate * (secs + 4), sizeof(int16_t));
		if (!earbuf)
			return 1;
		n_ear_samples = fread(earbuf, 2, (size_t)rate * (secs + 4), f);
		fclose(f);
		/* the microphone's bursts are the file's: their capture times */
		{
			int16_t *m = calloc((size_t)rate * secs, sizeof(int16_t));

			for (size_t i = 0; i < (size_t)rate * secs; i++)
				m[i] = burst_sample(i, rate);
			n_mic = onsets(m, (size_t)rate * secs, mic_on, MAX_S, rate);
			free(m);
		}
		n_rx = onsets(rx, rx_units * cd.unit, rx_on, MAX_S, cd.rate);
		n_tx = onsets(tx, (size_t)secs * 50 * cd.unit, tx_on, MAX_S, cd.rate);
		n_ear = onsets(earbuf, n_ear_samples, ear_on, MAX_S, rate);
		/*
		 * The phone's first packet carries its first captured frame:
		 * decoded sample k of the stream is captured sample k (the
		 * codec's delay shows as a later onset, as it should).
		 */
		for (size_t k = 0; k < n_mic && k < n_rx; k++) {
			double captured = t0 + (double)mic_on[k] * 1000.0 / rate;
			size_t unit = rx_on[k] / cd.unit;

			add(&send, (double)rx_at[unit] / 1e6 - captured);
		}
		for (size_t k = 0; k < n_tx && k < n_ear; k++) {
			size_t unit = tx_on[k] / cd.unit;
			double first = (double)(tx_on[k] - unit * cd.unit) * 1000.0 / cd.rate;
			double played = t0 + (double)ear_on[k] * 1000.0 / rate - first;
			double waited = (double)jb_at[unit + 2 < secs * 50 ? unit + 2 : unit];

			add(&recv_, played - (double)tx_at[unit] / 1e6 - waited);
			add(&jb, waited);
		}
		printf("| %s | %u | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %u/%u | %llu |\n",
		       media_codec_name(kind), rate,
		       send.n ? send.sum / send.n : -1, send.max,
		       recv_.n ? recv_.sum / recv_.n : -1, recv_.max,
		       jb.n ? jb.sum / jb.n : -1,
		       (send.n ? send.sum / send.n : 0) + (recv_.n ? recv_.sum / recv_.n : 0),
		       send.n, recv_.n, (unsigned long long)st.xruns);
		free(earbuf);
	}
	unlink(mic);
	unlink(ear);
	codec_close(&cd);
	sdp_neg_free(na);
	sdp_neg_free(nb);
	free(rx);
	free(tx);
	free(rx_at);
	free(tx_at);
	free(jb_at);
	close(fd);
	return 0;
}
