// SPDX-License-Identifier: GPL-2.0-only
/*
 * What the phone measures about a stream it receives (RFC 3550 A.1, A.3,
 * A.8), the round-trip time from the far end's reports (6.4.1) and the
 * RTCP interval (A.7).
 */
#include <string.h>

#include "rtp.h"

#define SEQ_MOD (1U << 16)
#define MAX_DROPOUT 3000
#define MAX_MISORDER 100

static void init_seq(struct rtp_source *s, uint16_t seq)
{
	s->base_seq = seq;
	s->max_seq = seq;
	s->bad_seq = SEQ_MOD + 1;
	s->cycles = 0;
	s->received = 0;
	s->received_prior = 0;
	s->expected_prior = 0;
}

void rtp_source_init(struct rtp_source *s, uint32_t ssrc, uint16_t seq,
		     uint32_t ts, uint32_t arrival_ts)
{
	memset(s, 0, sizeof(*s));
	s->ssrc = ssrc;
	s->started = true;
	init_seq(s, seq);
	s->received = 1;
	s->transit = (int64_t)(int32_t)(arrival_ts - ts);
}

static void jitter(struct rtp_source *s, uint32_t ts, uint32_t arrival)
{
	int64_t transit = (int64_t)(int32_t)(arrival - ts);
	int64_t d = transit - s->transit;

	if (d < 0)
		d = -d;
	if (d > 0x0fffffff)
		d = 0x0fffffff;
	/* J += (|D| - J) / 16, kept as J << 4 (A.8) */
	s->jitter_q4 += (uint32_t)d - ((s->jitter_q4 + 8) >> 4);
	s->transit = transit;
}

enum rtp_seq_result rtp_source_update(struct rtp_source *s, uint16_t seq,
				      uint32_t ts, uint32_t arrival_ts)
{
	uint16_t udelta = (uint16_t)(seq - s->max_seq);

	if (udelta < MAX_DROPOUT) {
		if (udelta == 0) {
			s->duplicates_or_old++;
			s->received++;
			return RTP_SEQ_OLD;
		}
		if (seq < s->max_seq)
			s->cycles += SEQ_MOD;
		s->max_seq = seq;
	} else if (udelta <= SEQ_MOD - MAX_MISORDER) {
		if (seq == s->bad_seq) {
			init_seq(s, seq);
			s->received = 1;
			s->transit = (int64_t)(int32_t)(arrival_ts - ts);
			return RTP_SEQ_RESTART;
		}
		s->bad_seq = (seq + 1) & (SEQ_MOD - 1);
		return RTP_SEQ_BAD;
	} else {
		s->duplicates_or_old++;
		s->received++;
		return RTP_SEQ_OLD;
	}
	s->received++;
	jitter(s, ts, arrival_ts);
	return RTP_SEQ_OK;
}

uint32_t rtp_source_ext_seq(const struct rtp_source *s)
{
	return s->cycles + s->max_seq;
}

int64_t rtp_source_lost(const struct rtp_source *s)
{
	int64_t expected = (int64_t)rtp_source_ext_seq(s) - s->base_seq + 1;

	return expected - s->received;
}

void rtp_source_sr(struct rtp_source *s, uint64_t ntp, uint64_t now_ns)
{
	s->last_sr_ntp = ntp;
	s->last_sr_arrival_ns = now_ns;
}

void rtp_source_report(struct rtp_source *s, struct rtcp_report *rb, uint64_t now_ns)
{
	uint32_t expected = rtp_source_ext_seq(s) - s->base_seq + 1;
	int64_t lost = rtp_source_lost(s);
	uint32_t exp_int = expected - s->expected_prior;
	uint32_t rec_int = s->received - s->received_prior;
	int64_t lost_int = (int64_t)exp_int - rec_int;

	memset(rb, 0, sizeof(*rb));
	rb->ssrc = s->ssrc;
	if (lost > 0x7fffff)
		lost = 0x7fffff;
	if (lost < -0x800000)
		lost = -0x800000;
	rb->cumulative_lost = (int32_t)lost;
	rb->fraction_lost = (exp_int == 0 || lost_int <= 0) ? 0 :
			    (uint8_t)((lost_int << 8) / exp_int);
	s->expected_prior = expected;
	s->received_prior = s->received;
	rb->ext_highest_seq = rtp_source_ext_seq(s);
	rb->jitter = s->jitter_q4 >> 4;
	if (s->last_sr_ntp) {
		uint64_t d = now_ns - s->last_sr_arrival_ns;

		rb->lsr = (uint32_t)(s->last_sr_ntp >> 16);
		rb->dlsr = (uint32_t)(d * 65536 / 1000000000ULL);
	}
}

int64_t rtcp_rtt_us(uint64_t now_ntp, uint32_t lsr, uint32_t dlsr)
{
	uint32_t a = (uint32_t)(now_ntp >> 16);
	int32_t rtt;

	if (lsr == 0)
		return -1;
	rtt = (int32_t)(a - lsr - dlsr);
	if (rtt < 0)
		return 0;
	return (int64_t)rtt * 1000000 / 65536;
}

uint64_t rtp_ntp_from_ns(uint64_t realtime_ns)
{
	uint64_t sec = realtime_ns / 1000000000ULL + 2208988800ULL;
	uint64_t frac = ((realtime_ns % 1000000000ULL) << 32) / 1000000000ULL;

	return sec << 32 | frac;
}

uint32_t rtcp_interval_ms(unsigned int members, unsigned int senders,
			  double rtcp_bw, bool we_sent, double avg_size,
			  bool initial, double random)
{
	const double compensation = 2.71828 - 1.5;
	double t_min = initial ? 2.5 : 5.0;
	double n = members, t;

	if (senders <= members * 0.25) {
		if (we_sent) {
			rtcp_bw *= 0.25;
			n = senders;
		} else {
			rtcp_bw *= 0.75;
			n -= senders;
		}
	}
	t = rtcp_bw > 0 ? avg_size * n / rtcp_bw : t_min;
	if (t < t_min)
		t = t_min;
	t = t * (random + 0.5) / compensation;
	return (uint32_t)(t * 1000.0);
}
