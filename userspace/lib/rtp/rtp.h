/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * RTP and RTCP packets (RFC 3550) and the receiver statistics a phone
 * reports about a stream: header parsing that survives hostile CSRC
 * counts, extension lengths and padding; the 12-byte header the phone
 * sends; RTCP SR/RR/SDES/BYE compound packets both ways; sequence
 * tracking, loss, interarrival jitter and round-trip time; the RTCP
 * transmission interval.
 *
 * Pure code: no allocation, no I/O, no clock (the caller passes times in),
 * so the media thread may call all of it per packet. Nothing reads past
 * the length given; views point into the caller's buffer.
 */
#ifndef UCPHONE_RTP_H
#define UCPHONE_RTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RTP_HEADER_LEN 12
#define RTP_VERSION 2

struct rtp_packet {
	bool marker;
	uint8_t pt;
	uint16_t seq;
	uint32_t ts;
	uint32_t ssrc;
	uint8_t csrc_count;
	const uint8_t *csrc;		/* csrc_count big-endian words */
	bool has_ext;
	uint16_t ext_profile;
	const uint8_t *ext;		/* ext_len bytes after its 4-byte head */
	size_t ext_len;
	const uint8_t *payload;		/* padding removed */
	size_t payload_len;
	uint8_t padding;		/* bytes of padding at the end */
};

/*
 * Parses an RTP packet. 0, or -EINVAL: shorter than its header, version
 * not 2, CSRC list or extension running past the end, padding count 0 or
 * larger than what is left after the header.
 */
int rtp_parse(const uint8_t *buf, size_t len, struct rtp_packet *out);

/* Writes the 12-byte header (no CSRC, no extension). */
void rtp_write_header(uint8_t *buf, bool marker, uint8_t pt, uint16_t seq,
		      uint32_t ts, uint32_t ssrc);

/*
 * RFC 5761 4: on a muxed port, a second byte of 192..223 (RTCP packet
 * types 192-223) means RTCP; RTP payload types 64-95 are never used.
 */
bool rtp_is_rtcp(const uint8_t *buf, size_t len);

/* ---- RTCP ---- */

enum {
	RTCP_SR = 200,
	RTCP_RR = 201,
	RTCP_SDES = 202,
	RTCP_BYE = 203,
	RTCP_APP = 204,
};

#define RTCP_REPORTS_MAX 8	/* report blocks kept from one packet */
#define RTCP_CNAME_MAX 64

struct rtcp_report {
	uint32_t ssrc;			/* the source reported on */
	uint8_t fraction_lost;		/* /256 since the last report */
	int32_t cumulative_lost;	/* 24-bit signed */
	uint32_t ext_highest_seq;
	uint32_t jitter;		/* RTP timestamp units */
	uint32_t lsr;			/* middle 32 bits of the SR's NTP time */
	uint32_t dlsr;			/* 1/65536 s */
};

struct rtcp_sender_info {
	uint64_t ntp;			/* NTP timestamp, 32.32 */
	uint32_t rtp_ts;
	uint32_t packets;
	uint32_t octets;
};

/* What one compound RTCP packet said. */
struct rtcp_info {
	uint32_t ssrc;			/* sender of the first SR/RR */
	bool has_sr;
	struct rtcp_sender_info sr;
	unsigned int n_reports;
	struct rtcp_report reports[RTCP_REPORTS_MAX];
	bool has_cname;
	char cname[RTCP_CNAME_MAX];	/* printable ASCII only, else dropped */
	bool bye;
	unsigned int n_packets;		/* RTCP packets in the compound */
};

/*
 * Parses a compound RTCP packet (several packets back to back, each with
 * version 2 and a length that fits). 0, or -EINVAL for anything that does
 * not fit; unknown packet types are skipped by their length.
 */
int rtcp_parse(const uint8_t *buf, size_t len, struct rtcp_info *out);

/*
 * Builds a compound packet: SR when sr is not NULL (we sent since the
 * last report), else RR; with one report block when rb is not NULL; then
 * SDES with CNAME; then BYE when bye. Returns the length, or 0 when size
 * is too small (RTCP_COMPOUND_MAX always suffices).
 */
#define RTCP_COMPOUND_MAX 160
size_t rtcp_build(uint8_t *buf, size_t size, uint32_t ssrc,
		  const struct rtcp_sender_info *sr, const struct rtcp_report *rb,
		  const char *cname, bool bye);

/* ---- receiver statistics (RFC 3550 A.1, A.3, A.8) ---- */

struct rtp_source {
	bool started;
	uint32_t ssrc;
	uint16_t max_seq;
	uint32_t cycles;		/* shifted count of sequence wraps */
	uint32_t base_seq;
	uint32_t bad_seq;
	uint32_t received;
	uint32_t expected_prior, received_prior;
	int64_t transit;		/* last (arrival - ts), ts units */
	uint32_t jitter_q4;		/* jitter, ts units << 4 */
	uint64_t duplicates_or_old;	/* seq at or below max, not new */
	uint64_t last_sr_ntp;		/* for LSR: middle 32 bits of it */
	uint64_t last_sr_arrival_ns;	/* our clock when it arrived */
};

enum rtp_seq_result {
	RTP_SEQ_OK,			/* in order or a small gap ahead */
	RTP_SEQ_OLD,			/* behind max: reordered or duplicate */
	RTP_SEQ_RESTART,		/* a big jump twice: the source restarted */
	RTP_SEQ_BAD,			/* a big jump once: dropped */
};

/* First packet of a source (counted as received). */
void rtp_source_init(struct rtp_source *s, uint32_t ssrc, uint16_t seq,
		     uint32_t ts, uint32_t arrival_ts);
/*
 * One packet: sequence tracking (A.1, no probation since SRTP already
 * authenticated it) and jitter (A.8) with arrival in ts units.
 */
enum rtp_seq_result rtp_source_update(struct rtp_source *s, uint16_t seq,
				      uint32_t ts, uint32_t arrival_ts);
/* Fills a report block about s (A.3), moving the "prior" marks. */
void rtp_source_report(struct rtp_source *s, struct rtcp_report *rb,
		       uint64_t now_ns);
/* Packets expected minus received so far (may be negative: duplicates). */
int64_t rtp_source_lost(const struct rtp_source *s);
/* Extended highest sequence number received. */
uint32_t rtp_source_ext_seq(const struct rtp_source *s);
/* Records the far end's SR (its NTP time) arriving at now_ns. */
void rtp_source_sr(struct rtp_source *s, uint64_t ntp, uint64_t now_ns);

/*
 * Round-trip time from a report block about our stream (RFC 3550 6.4.1):
 * now_ntp is our NTP-format time when the report arrived. Microseconds,
 * or -1 when the block has no LSR.
 */
int64_t rtcp_rtt_us(uint64_t now_ntp, uint32_t lsr, uint32_t dlsr);

/* NTP 32.32 time from CLOCK_REALTIME nanoseconds. */
uint64_t rtp_ntp_from_ns(uint64_t realtime_ns);

/*
 * RTCP transmission interval (RFC 3550 6.3.1, A.7), in milliseconds.
 * rtcp_bw: session RTCP bandwidth in octets/s; avg_size: average compound
 * size in octets; random: uniform in [0, 1) from the caller, so tests are
 * deterministic. Minimum 5 s (2.5 s for the first), randomised by
 * [0.5, 1.5] and divided by e - 3/2 as the RFC compensates.
 */
uint32_t rtcp_interval_ms(unsigned int members, unsigned int senders,
			  double rtcp_bw, bool we_sent, double avg_size,
			  bool initial, double random);

#endif /* UCPHONE_RTP_H */
