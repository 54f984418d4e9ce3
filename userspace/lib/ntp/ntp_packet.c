// SPDX-License-Identifier: GPL-2.0-only
#include <string.h>

#include "lib/ntp/ntp_packet.h"

#define NTP_UNIX_EPOCH 2208988800ull	/* seconds from 1900 to 1970 */

static void put64(uint8_t *p, uint64_t v)
{
	for (int i = 7; i >= 0; i--) {
		p[i] = (uint8_t)v;
		v >>= 8;
	}
}

static uint64_t get64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

void ntp_build_request(uint8_t out[NTP_PACKET_LEN], uint64_t transmit)
{
	memset(out, 0, NTP_PACKET_LEN);
	out[0] = 0 << 6 | 4 << 3 | 3;	/* LI 0, version 4, client */
	put64(out + 40, transmit);
}

uint64_t ntp_from_unix_ns(int64_t ns)
{
	uint64_t secs = (uint64_t)(ns / 1000000000) + NTP_UNIX_EPOCH;
	uint64_t frac = ((uint64_t)(ns % 1000000000) << 32) / 1000000000u;

	return secs << 32 | frac;
}

int64_t ntp_to_unix_ns(uint64_t ts)
{
	int64_t secs = (int64_t)(ts >> 32) - (int64_t)NTP_UNIX_EPOCH;
	int64_t frac = (int64_t)(((ts & 0xffffffffu) * 1000000000u) >> 32);

	return secs * 1000000000 + frac;
}

/* Difference a - b of two NTP timestamps, in ns; era wrap-safe. */
static int64_t diff_ns(uint64_t a, uint64_t b)
{
	int64_t d = (int64_t)(a - b);	/* 32.32 fixed point */
	/* ns = d * 1e9 / 2^32, split to avoid overflow */
	int64_t whole = d / 4294967296LL, rest = d % 4294967296LL;

	return whole * 1000000000LL + rest * 1000000000LL / 4294967296LL;
}

enum ntp_verdict ntp_parse_answer(const uint8_t *buf, size_t len,
				  uint64_t nonce, uint64_t t1, uint64_t t4,
				  struct ntp_answer *a)
{
	uint64_t origin;

	memset(a, 0, sizeof(*a));
	a->verdict = NTP_MALFORMED;
	if (len < NTP_PACKET_LEN)
		return a->verdict;
	a->leap = buf[0] >> 6;
	a->version = (buf[0] >> 3) & 7;
	a->mode = buf[0] & 7;
	a->stratum = buf[1];
	a->poll = (int8_t)buf[2];
	a->precision = (int8_t)buf[3];
	origin = get64(buf + 24);
	a->receive = get64(buf + 32);
	a->transmit = get64(buf + 40);
	if (a->mode != 4 || a->version < 3 || a->version > 4)
		return a->verdict;
	if (origin != nonce) {
		a->verdict = NTP_BOGUS_ORIGIN;
		return a->verdict;
	}
	if (a->stratum == 0) {
		for (int i = 0; i < 4; i++) {
			uint8_t c = buf[12 + i];

			a->kiss[i] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
		}
		a->verdict = NTP_KISS;
		return a->verdict;
	}
	if (a->leap == 3 || a->stratum > 15) {
		a->verdict = NTP_UNSYNCHRONISED;
		return a->verdict;
	}
	if (a->transmit == 0 || a->receive == 0)
		return a->verdict;
	/* RFC 5905 8: offset = ((T2-T1)+(T3-T4))/2, delay = (T4-T1)-(T3-T2) */
	a->offset_ns = (diff_ns(a->receive, t1) + diff_ns(a->transmit, t4)) / 2;
	a->delay_ns = diff_ns(t4, t1) - diff_ns(a->transmit, a->receive);
	if (a->delay_ns < 0)
		a->delay_ns = 0;
	a->verdict = NTP_OK;
	return a->verdict;
}

const char *ntp_verdict_name(enum ntp_verdict v)
{
	switch (v) {
	case NTP_OK:
		return "ok";
	case NTP_MALFORMED:
		return "malformed";
	case NTP_BOGUS_ORIGIN:
		return "bogus-origin";
	case NTP_KISS:
		return "kiss-of-death";
	case NTP_UNSYNCHRONISED:
		return "unsynchronised";
	}
	return "unknown";
}

bool ntp_corrected_time(time_t system_now, int64_t offset_ns, time_t *out)
{
	int64_t offset_s = offset_ns / 1000000000;

	if (!offset_s)
		return false;
	*out = system_now + (time_t)offset_s;
	return true;
}
