// SPDX-License-Identifier: GPL-2.0-only
/*
 * RTP/RTCP (lib/rtp): hostile headers, RTCP compound packets both ways,
 * loss/jitter/RTT arithmetic of RFC 3550 and RFC 4733 DTMF both ways.
 */
#include <errno.h>
#include <string.h>

#include "kselftest_harness.h"
#include "rtp.h"
#include "rtp_dtmf.h"

TEST(rtp_header_round_trip)
{
	uint8_t buf[12 + 160];
	struct rtp_packet p;

	rtp_write_header(buf, true, 8, 0xfffe, 0x80000001, 0xdeadbeef);
	memset(buf + 12, 0xd5, 160);
	ASSERT_EQ(0, rtp_parse(buf, sizeof(buf), &p));
	EXPECT_TRUE(p.marker);
	EXPECT_EQ(8, p.pt);
	EXPECT_EQ(0xfffe, p.seq);
	EXPECT_EQ(0x80000001, p.ts);
	EXPECT_EQ(0xdeadbeef, p.ssrc);
	EXPECT_EQ(160, p.payload_len);
	EXPECT_EQ(buf + 12, p.payload);
	EXPECT_FALSE(rtp_is_rtcp(buf, sizeof(buf)));
}

TEST(rtp_hostile_headers)
{
	uint8_t buf[64];
	struct rtp_packet p;

	memset(buf, 0, sizeof(buf));
	rtp_write_header(buf, false, 0, 1, 2, 3);
	/* shorter than a header, wrong version */
	EXPECT_EQ(-EINVAL, rtp_parse(buf, 11, &p));
	buf[0] = 0x40;
	EXPECT_EQ(-EINVAL, rtp_parse(buf, 20, &p));
	/* 15 CSRCs need 60 more bytes */
	buf[0] = 0x8f;
	EXPECT_EQ(-EINVAL, rtp_parse(buf, 64, &p));
	buf[0] = 0x82;	/* 2 CSRCs: fits */
	ASSERT_EQ(0, rtp_parse(buf, 20, &p));
	EXPECT_EQ(2, p.csrc_count);
	EXPECT_EQ(0, p.payload_len);
	/* extension whose length runs past the end */
	buf[0] = 0x90;
	buf[12] = 0xbe;
	buf[13] = 0xde;
	buf[14] = 0xff;
	buf[15] = 0xff;
	EXPECT_EQ(-EINVAL, rtp_parse(buf, 64, &p));
	buf[14] = 0;
	buf[15] = 2;	/* 8 bytes of extension */
	ASSERT_EQ(0, rtp_parse(buf, 30, &p));
	EXPECT_EQ(0xbede, p.ext_profile);
	EXPECT_EQ(8, p.ext_len);
	EXPECT_EQ(6, p.payload_len);
	EXPECT_EQ(buf + 24, p.payload);
	/* extension head cut short */
	EXPECT_EQ(-EINVAL, rtp_parse(buf, 14, &p));
	/* padding: 0, too big, exactly all of the payload */
	buf[0] = 0xa0;
	buf[19] = 0;
	EXPECT_EQ(-EINVAL, rtp_parse(buf, 20, &p));
	buf[19] = 9;
	EXPECT_EQ(-EINVAL, rtp_parse(buf, 20, &p));
	buf[19] = 8;
	ASSERT_EQ(0, rtp_parse(buf, 20, &p));
	EXPECT_EQ(0, p.payload_len);
	buf[19] = 3;
	ASSERT_EQ(0, rtp_parse(buf, 20, &p));
	EXPECT_EQ(5, p.payload_len);
	/* padding with CSRC and extension eating the room */
	buf[0] = 0xb1;	/* P, X, 1 CSRC */
	buf[16] = 0;
	buf[17] = 0;
	buf[18] = 0;
	buf[19] = 0;	/* ext of 0 words at 16..19 */
	buf[20] = 2;	/* last byte: 2 padding, but nothing left after 20 */
	EXPECT_EQ(-EINVAL, rtp_parse(buf, 21, &p));
}

TEST(rtcp_compound_round_trip)
{
	struct rtcp_sender_info sr = { .ntp = 0x1122334455667788ULL, .rtp_ts = 160,
				       .packets = 50, .octets = 8000 };
	struct rtcp_report rb = { .ssrc = 0xabcd, .fraction_lost = 25,
				  .cumulative_lost = -3, .ext_highest_seq = 0x10005,
				  .jitter = 40, .lsr = 0x33445566, .dlsr = 0x8000 };
	uint8_t buf[RTCP_COMPOUND_MAX];
	struct rtcp_info info;
	size_t len;

	len = rtcp_build(buf, sizeof(buf), 0x1234, &sr, &rb, "ucphone@10.77.0.100", true);
	ASSERT_NE(0, len);
	EXPECT_EQ(0, len % 4);
	EXPECT_TRUE(rtp_is_rtcp(buf, len));
	ASSERT_EQ(0, rtcp_parse(buf, len, &info));
	EXPECT_EQ(3, info.n_packets);
	EXPECT_EQ(0x1234, info.ssrc);
	EXPECT_TRUE(info.has_sr);
	EXPECT_EQ(sr.ntp, info.sr.ntp);
	EXPECT_EQ(50, info.sr.packets);
	ASSERT_EQ(1, info.n_reports);
	EXPECT_EQ(0xabcd, info.reports[0].ssrc);
	EXPECT_EQ(25, info.reports[0].fraction_lost);
	EXPECT_EQ(-3, info.reports[0].cumulative_lost);
	EXPECT_EQ(0x10005, info.reports[0].ext_highest_seq);
	EXPECT_EQ(0x33445566, info.reports[0].lsr);
	EXPECT_TRUE(info.has_cname);
	EXPECT_STREQ("ucphone@10.77.0.100", info.cname);
	EXPECT_TRUE(info.bye);

	/* RR without a block, no BYE */
	len = rtcp_build(buf, sizeof(buf), 7, NULL, NULL, "x", false);
	ASSERT_EQ(0, rtcp_parse(buf, len, &info));
	EXPECT_FALSE(info.has_sr);
	EXPECT_EQ(0, info.n_reports);
	EXPECT_FALSE(info.bye);
	/* a too small buffer */
	EXPECT_EQ(0, rtcp_build(buf, 20, 7, &sr, &rb, "x", true));
}

TEST(rtcp_hostile)
{
	uint8_t buf[64];
	struct rtcp_info info;
	size_t len;

	len = rtcp_build(buf, sizeof(buf), 7, NULL, NULL, "abc", false);
	/* a length running past the end */
	buf[3] = 40;
	EXPECT_EQ(-EINVAL, rtcp_parse(buf, len, &info));
	buf[3] = 1;
	/* truncated compound */
	EXPECT_EQ(-EINVAL, rtcp_parse(buf, len - 1, &info));
	/* an RR claiming 31 blocks it does not carry: only what fits is read */
	buf[0] = 0x80 | 31;
	ASSERT_EQ(0, rtcp_parse(buf, len, &info));
	EXPECT_EQ(0, info.n_reports);
	/* SDES item running past its packet */
	buf[0] = 0x80;
	buf[8 + 9] = 200;
	EXPECT_EQ(-EINVAL, rtcp_parse(buf, len, &info));
	/* The baresip 16-byte plaintext APP "PING" parses as APP */
	{
		uint8_t app[16] = { 0x80, 204, 0, 3, 0, 0, 0, 1, 'P', 'I', 'N', 'G', 0, 0, 0, 0 };

		ASSERT_EQ(0, rtcp_parse(app, sizeof(app), &info));
		EXPECT_EQ(1, info.n_packets);
	}
	EXPECT_EQ(-EINVAL, rtcp_parse(buf, 3, &info));
}

TEST(receiver_statistics)
{
	struct rtp_source s;
	struct rtcp_report rb;
	uint32_t ts = 1000, arr = 50000;

	/* 100 packets with seq wrapping, 4 lost, 1 duplicate, steady timing */
	rtp_source_init(&s, 42, 65500, ts, arr);
	for (int i = 1; i < 100; i++) {
		uint16_t seq = (uint16_t)(65500 + i);

		if (i % 20 == 0)
			continue;
		EXPECT_EQ(RTP_SEQ_OK, rtp_source_update(&s, seq, ts + 160 * i, arr + 160 * i));
	}
	EXPECT_EQ(RTP_SEQ_OLD, rtp_source_update(&s, (uint16_t)(65500 + 99), ts, arr));
	EXPECT_EQ(65536 + 63, rtp_source_ext_seq(&s));
	/* 100 expected, 96 + 1 duplicate received (A.3 counts duplicates) */
	EXPECT_EQ(3, rtp_source_lost(&s));
	EXPECT_EQ(0, s.jitter_q4 >> 4);
	rtp_source_report(&s, &rb, 0);
	EXPECT_EQ(3, rb.cumulative_lost);
	EXPECT_EQ(3 * 256 / 100, rb.fraction_lost);
	EXPECT_EQ(0, rb.lsr);
	/* nothing since: fraction 0 */
	rtp_source_report(&s, &rb, 0);
	EXPECT_EQ(0, rb.fraction_lost);

	/* jitter: arrival alternating +-80 units around the schedule */
	rtp_source_init(&s, 1, 0, 0, 0);
	for (int i = 1; i < 400; i++)
		rtp_source_update(&s, (uint16_t)i, 160 * i, 160 * i + ((i & 1) ? 80 : 0));
	/* |D| = 80 every packet: J converges to 80 */
	EXPECT_GE(s.jitter_q4 >> 4, 78);
	EXPECT_LE(s.jitter_q4 >> 4, 80);

	/* a big jump is dropped once, taken as a restart when it continues */
	EXPECT_EQ(RTP_SEQ_BAD, rtp_source_update(&s, 30000, 0, 0));
	EXPECT_EQ(RTP_SEQ_RESTART, rtp_source_update(&s, 30001, 0, 0));
	EXPECT_EQ(0, rtp_source_lost(&s));
}

TEST(round_trip_time)
{
	struct rtp_source s;
	struct rtcp_report rb;
	uint64_t sr_ntp = rtp_ntp_from_ns(1700000000ULL * 1000000000ULL);
	uint64_t now_ntp;
	int64_t rtt;

	/* far end's SR arrives; we hold it 250 ms, then report */
	rtp_source_init(&s, 9, 1, 0, 0);
	rtp_source_sr(&s, sr_ntp, 1000000000ULL);
	rtp_source_report(&s, &rb, 1250000000ULL);
	EXPECT_EQ((uint32_t)(sr_ntp >> 16), rb.lsr);
	EXPECT_EQ(65536 / 4, rb.dlsr);
	/* the report comes back 250 ms + 40 ms after the SR left */
	now_ntp = rtp_ntp_from_ns(1700000000ULL * 1000000000ULL + 290000000ULL);
	rtt = rtcp_rtt_us(now_ntp, rb.lsr, rb.dlsr);
	EXPECT_GE(rtt, 39900);
	EXPECT_LE(rtt, 40100);
	EXPECT_EQ(-1, rtcp_rtt_us(now_ntp, 0, 0));
	EXPECT_EQ(0x83aa7e80ULL << 32, rtp_ntp_from_ns(0));
}

TEST(rtcp_interval)
{
	/* two-party call, 64 kb/s -> 5% = 400 B/s RTCP: the 5 s floor rules */
	uint32_t t = rtcp_interval_ms(2, 2, 400, true, 100, false, 0.5);

	EXPECT_EQ((uint32_t)(5000 / (2.71828 - 1.5)), t);
	EXPECT_EQ((uint32_t)(2500 * 0.5 / (2.71828 - 1.5)),
		  rtcp_interval_ms(2, 2, 400, true, 100, true, 0.0));
	/* big sessions scale with members */
	EXPECT_GT(rtcp_interval_ms(1000, 1, 400, false, 100, false, 0.5), 100000);
}

TEST(dtmf_payload)
{
	struct rtp_dtmf_payload ev = { .event = 11, .end = true, .volume = 10, .duration = 1280 };
	uint8_t b[4];

	rtp_dtmf_write(b, &ev);
	EXPECT_EQ(11, b[0]);
	EXPECT_EQ(0x8a, b[1]);
	EXPECT_EQ(0x05, b[2]);
	EXPECT_EQ(0x00, b[3]);
	memset(&ev, 0, sizeof(ev));
	ASSERT_EQ(0, rtp_dtmf_parse(b, 4, &ev));
	EXPECT_EQ(11, ev.event);
	EXPECT_TRUE(ev.end);
	EXPECT_EQ(1280, ev.duration);
	EXPECT_EQ(-EINVAL, rtp_dtmf_parse(b, 3, &ev));
	EXPECT_EQ(10, rtp_dtmf_event_of('*'));
	EXPECT_EQ(11, rtp_dtmf_event_of('#'));
	EXPECT_EQ(15, rtp_dtmf_event_of('d'));
	EXPECT_EQ(-1, rtp_dtmf_event_of('E'));
	EXPECT_EQ(-1, rtp_dtmf_event_of('\0'));
	EXPECT_EQ('#', rtp_dtmf_digit(11));
	EXPECT_EQ('\0', rtp_dtmf_digit(16));
}

TEST(dtmf_send_then_receive)
{
	struct rtp_dtmf_tx tx = { 0 };
	struct rtp_dtmf_rx rx = { 0 };
	struct rtp_dtmf_packet pk;
	struct rtp_dtmf_payload ev;
	int n = 0, starts = 0, ends = 0, ends_bits = 0;
	uint16_t last_dur = 0;

	ASSERT_EQ(0, rtp_dtmf_tx_start(&tx, 5, 4000, 800, 160));
	EXPECT_EQ(-EBUSY, rtp_dtmf_tx_start(&tx, 6, 4000, 800, 160));
	while (rtp_dtmf_tx_next(&tx, &pk)) {
		ASSERT_EQ(0, rtp_dtmf_parse(pk.payload, 4, &ev));
		EXPECT_EQ(4000, pk.ts);
		EXPECT_EQ(n == 0, pk.marker);
		EXPECT_EQ(5, ev.event);
		EXPECT_GE(ev.duration, last_dur);
		last_dur = ev.duration;
		ends_bits += ev.end;
		switch (rtp_dtmf_rx_packet(&rx, pk.ts, &ev)) {
		case RTP_DTMF_RX_START:
			starts++;
			break;
		case RTP_DTMF_RX_END:
			ends++;
			EXPECT_EQ(800, ev.duration);
			break;
		default:
			break;
		}
		n++;
		ASSERT_LT(n, 20);
	}
	/* 160 320 480 640 800(E) 800(E) 800(E) */
	EXPECT_EQ(7, n);
	EXPECT_EQ(3, ends_bits);
	EXPECT_EQ(1, starts);
	EXPECT_EQ(1, ends);
	EXPECT_FALSE(tx.active);

	/* a late packet of that event, then a new one that starts ended */
	ev.end = false;
	EXPECT_EQ(RTP_DTMF_RX_NOTHING, rtp_dtmf_rx_packet(&rx, 3840, &ev));
	ev.end = true;
	EXPECT_EQ(RTP_DTMF_RX_START_END, rtp_dtmf_rx_packet(&rx, 6000, &ev));
	EXPECT_EQ(RTP_DTMF_RX_NOTHING, rtp_dtmf_rx_packet(&rx, 6000, &ev));
	/* bad starts */
	EXPECT_EQ(-EINVAL, rtp_dtmf_tx_start(&tx, 16, 0, 800, 160));
	EXPECT_EQ(-EINVAL, rtp_dtmf_tx_start(&tx, 1, 0, 0, 160));
}

TEST_HARNESS_MAIN
