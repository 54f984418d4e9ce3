// SPDX-License-Identifier: GPL-2.0-only
/*
 * RTCP compound packets (RFC 3550 6): SR, RR, SDES CNAME and BYE, parsed
 * within their lengths and built for the phone's reports.
 */
#include <errno.h>
#include <string.h>

#include "rtp.h"

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static void parse_report(const uint8_t *p, struct rtcp_report *r)
{
	uint32_t lost = (uint32_t)p[5] << 16 | (uint32_t)p[6] << 8 | p[7];

	r->ssrc = get32(p);
	r->fraction_lost = p[4];
	/* 24-bit two's complement */
	r->cumulative_lost = (lost & 0x800000) ? (int32_t)(lost | 0xff000000u) : (int32_t)lost;
	r->ext_highest_seq = get32(p + 8);
	r->jitter = get32(p + 12);
	r->lsr = get32(p + 16);
	r->dlsr = get32(p + 20);
}

static void parse_reports(const uint8_t *p, size_t len, unsigned int count,
			  struct rtcp_info *out)
{
	for (unsigned int i = 0; i < count && (size_t)(i + 1) * 24 <= len; i++)
		if (out->n_reports < RTCP_REPORTS_MAX)
			parse_report(p + (size_t)i * 24, &out->reports[out->n_reports++]);
}

/* SDES: chunks of SSRC + items, each chunk ending in a zero item. */
static int parse_sdes(const uint8_t *p, size_t len, unsigned int count,
		      struct rtcp_info *out)
{
	size_t off = 0;

	for (unsigned int c = 0; c < count; c++) {
		if (len - off < 4)
			return -EINVAL;
		off += 4;
		for (;;) {
			uint8_t type, n;

			if (off >= len)
				return -EINVAL;
			type = p[off];
			if (type == 0) {
				/* end of the chunk, padded to 32 bits */
				off = (off + 4) & ~(size_t)3;
				break;
			}
			if (len - off < 2 || len - off - 2 < p[off + 1])
				return -EINVAL;
			n = p[off + 1];
			if (type == 1 && c == 0 && !out->has_cname && n < RTCP_CNAME_MAX) {
				bool ok = true;

				for (unsigned int i = 0; i < n; i++)
					if (p[off + 2 + i] < 0x20 || p[off + 2 + i] > 0x7e)
						ok = false;
				if (ok) {
					memcpy(out->cname, p + off + 2, n);
					out->cname[n] = '\0';
					out->has_cname = true;
				}
			}
			off += 2 + (size_t)n;
		}
		if (off > len)
			return -EINVAL;
	}
	return 0;
}

int rtcp_parse(const uint8_t *buf, size_t len, struct rtcp_info *out)
{
	size_t off = 0;

	memset(out, 0, sizeof(*out));
	if (len < 4)
		return -EINVAL;
	while (off < len) {
		const uint8_t *p = buf + off;
		unsigned int count, type;
		size_t plen;

		if (len - off < 4 || p[0] >> 6 != RTP_VERSION)
			return -EINVAL;
		count = p[0] & 0x1f;
		type = p[1];
		plen = ((size_t)(p[2] << 8 | p[3]) + 1) * 4;
		if (plen > len - off)
			return -EINVAL;
		if (p[0] & 0x20) {
			/* padding only on the last packet, inside its length */
			if (off + plen != len || p[plen - 1] == 0 || p[plen - 1] > plen - 4)
				return -EINVAL;
		}
		switch (type) {
		case RTCP_SR:
			if (plen < 28)
				return -EINVAL;
			if (out->n_packets == 0) {
				out->ssrc = get32(p + 4);
				out->has_sr = true;
				out->sr.ntp = (uint64_t)get32(p + 8) << 32 | get32(p + 12);
				out->sr.rtp_ts = get32(p + 16);
				out->sr.packets = get32(p + 20);
				out->sr.octets = get32(p + 24);
			}
			parse_reports(p + 28, plen - 28, count, out);
			break;
		case RTCP_RR:
			if (plen < 8)
				return -EINVAL;
			if (out->n_packets == 0)
				out->ssrc = get32(p + 4);
			parse_reports(p + 8, plen - 8, count, out);
			break;
		case RTCP_SDES:
			if (parse_sdes(p + 4, plen - 4, count, out) < 0)
				return -EINVAL;
			break;
		case RTCP_BYE:
			out->bye = true;
			break;
		default:
			break;
		}
		out->n_packets++;
		off += plen;
	}
	return 0;
}

static void put_report(uint8_t *p, const struct rtcp_report *r)
{
	uint32_t lost = (uint32_t)r->cumulative_lost & 0xffffff;

	put32(p, r->ssrc);
	p[4] = r->fraction_lost;
	p[5] = (uint8_t)(lost >> 16);
	p[6] = (uint8_t)(lost >> 8);
	p[7] = (uint8_t)lost;
	put32(p + 8, r->ext_highest_seq);
	put32(p + 12, r->jitter);
	put32(p + 16, r->lsr);
	put32(p + 20, r->dlsr);
}

static void put_head(uint8_t *p, unsigned int count, unsigned int type, size_t len)
{
	p[0] = (uint8_t)(RTP_VERSION << 6 | count);
	p[1] = (uint8_t)type;
	p[2] = (uint8_t)((len / 4 - 1) >> 8);
	p[3] = (uint8_t)(len / 4 - 1);
}

size_t rtcp_build(uint8_t *buf, size_t size, uint32_t ssrc,
		  const struct rtcp_sender_info *sr, const struct rtcp_report *rb,
		  const char *cname, bool bye)
{
	size_t cn = cname ? strlen(cname) : 0, off = 0, plen, sdes;

	if (cn > 255)
		return 0;
	plen = (sr ? 28 : 8) + (rb ? 24 : 0);
	/* SDES: head, SSRC, CNAME item, at least one zero byte, padded */
	sdes = (4 + 4 + 2 + cn + 1 + 3) & ~(size_t)3;
	if (size < plen + sdes + (bye ? 8 : 0))
		return 0;
	memset(buf, 0, plen + sdes + (bye ? 8 : 0));
	put_head(buf, rb ? 1 : 0, sr ? RTCP_SR : RTCP_RR, plen);
	put32(buf + 4, ssrc);
	if (sr) {
		put32(buf + 8, (uint32_t)(sr->ntp >> 32));
		put32(buf + 12, (uint32_t)sr->ntp);
		put32(buf + 16, sr->rtp_ts);
		put32(buf + 20, sr->packets);
		put32(buf + 24, sr->octets);
	}
	if (rb)
		put_report(buf + (sr ? 28 : 8), rb);
	off = plen;
	put_head(buf + off, 1, RTCP_SDES, sdes);
	put32(buf + off + 4, ssrc);
	buf[off + 8] = 1;
	buf[off + 9] = (uint8_t)cn;
	memcpy(buf + off + 10, cname ? cname : "", cn);
	off += sdes;
	if (bye) {
		put_head(buf + off, 1, RTCP_BYE, 8);
		put32(buf + off + 4, ssrc);
		off += 8;
	}
	return off;
}
