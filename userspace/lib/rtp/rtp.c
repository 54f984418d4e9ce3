// SPDX-License-Identifier: GPL-2.0-only
/*
 * RTP headers (RFC 3550 5.1): parsing hostile input without reading past
 * the end, and the phone's 12-byte header.
 */
#include <errno.h>
#include <string.h>

#include "rtp.h"

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

int rtp_parse(const uint8_t *buf, size_t len, struct rtp_packet *out)
{
	size_t off = RTP_HEADER_LEN, end = len;

	memset(out, 0, sizeof(*out));
	if (len < RTP_HEADER_LEN || buf[0] >> 6 != RTP_VERSION)
		return -EINVAL;
	out->marker = buf[1] & 0x80;
	out->pt = buf[1] & 0x7f;
	out->seq = get16(buf + 2);
	out->ts = get32(buf + 4);
	out->ssrc = get32(buf + 8);
	out->csrc_count = buf[0] & 0x0f;
	if (len - off < (size_t)out->csrc_count * 4)
		return -EINVAL;
	out->csrc = buf + off;
	off += (size_t)out->csrc_count * 4;
	if (buf[0] & 0x10) {
		size_t words;

		if (len - off < 4)
			return -EINVAL;
		out->has_ext = true;
		out->ext_profile = get16(buf + off);
		words = get16(buf + off + 2);
		off += 4;
		if (len - off < words * 4)
			return -EINVAL;
		out->ext = buf + off;
		out->ext_len = words * 4;
		off += words * 4;
	}
	if (buf[0] & 0x20) {
		uint8_t pad = buf[len - 1];

		if (pad == 0 || pad > len - off)
			return -EINVAL;
		out->padding = pad;
		end = len - pad;
	}
	out->payload = buf + off;
	out->payload_len = end - off;
	return 0;
}

void rtp_write_header(uint8_t *buf, bool marker, uint8_t pt, uint16_t seq,
		      uint32_t ts, uint32_t ssrc)
{
	buf[0] = RTP_VERSION << 6;
	buf[1] = (uint8_t)((marker ? 0x80 : 0) | (pt & 0x7f));
	buf[2] = (uint8_t)(seq >> 8);
	buf[3] = (uint8_t)seq;
	buf[4] = (uint8_t)(ts >> 24);
	buf[5] = (uint8_t)(ts >> 16);
	buf[6] = (uint8_t)(ts >> 8);
	buf[7] = (uint8_t)ts;
	buf[8] = (uint8_t)(ssrc >> 24);
	buf[9] = (uint8_t)(ssrc >> 16);
	buf[10] = (uint8_t)(ssrc >> 8);
	buf[11] = (uint8_t)ssrc;
}

bool rtp_is_rtcp(const uint8_t *buf, size_t len)
{
	return len >= 2 && buf[1] >= 192 && buf[1] <= 223;
}
