/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * NTPv4 client mode (RFC 5905) on the wire: the request a client sends and
 * the checks an answer must pass before its timestamps are believed.
 * Timestamps are 64-bit NTP format (seconds since 1900 << 32 | fraction).
 */
#ifndef UCPHONE_NTP_PACKET_H
#define UCPHONE_NTP_PACKET_H

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>
#include <time.h>

#define NTP_PACKET_LEN 48
#define NTP_PORT 123

enum ntp_verdict {
	NTP_OK,
	NTP_MALFORMED,		/* short, wrong mode or version */
	NTP_BOGUS_ORIGIN,	/* not the answer to our request */
	NTP_KISS,		/* stratum 0: kiss code in kiss[] */
	NTP_UNSYNCHRONISED,	/* leap alarm (LI 3) or stratum > 15 */
};

struct ntp_answer {
	enum ntp_verdict verdict;
	uint8_t leap, version, mode, stratum;
	int8_t poll, precision;
	char kiss[5];		/* RATE, DENY, RSTR... for NTP_KISS */
	uint64_t receive, transmit;	/* T2, T3 */
	int64_t offset_ns, delay_ns;	/* valid when NTP_OK */
};

/* A client request whose transmit timestamp is the caller's nonce. */
void ntp_build_request(uint8_t out[NTP_PACKET_LEN], uint64_t transmit);

/*
 * Checks an answer to a request sent with transmit timestamp nonce at
 * local time t1 and received at t4 (both NTP format); fills offset and
 * delay from the four timestamps when the verdict is NTP_OK.
 */
enum ntp_verdict ntp_parse_answer(const uint8_t *buf, size_t len,
				  uint64_t nonce, uint64_t t1, uint64_t t4,
				  struct ntp_answer *a);

const char *ntp_verdict_name(enum ntp_verdict v);

/* NTP timestamp <-> Unix time in nanoseconds. */
uint64_t ntp_from_unix_ns(int64_t ns);
int64_t ntp_to_unix_ns(uint64_t ts);

/*
 * The time certificates are checked at: the system clock corrected by a
 * measured offset (NTP time minus the system clock). False, and *out
 * untouched, when the offset is under a second: certificates count whole
 * seconds, so the system clock is as good (and after --set-clock stepped
 * it the offset is 0).
 */
bool ntp_corrected_time(time_t system_now, int64_t offset_ns, time_t *out);

#endif /* UCPHONE_NTP_PACKET_H */
