// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: datagrams arriving on a call's RTP port (lib/rtp).
 * Each input is taken as RTP (header, CSRC, extension, padding), as a
 * compound RTCP packet and as a telephone-event, as the media thread does.
 * Invariants: every view lies inside the input, the receiver statistics
 * stay consistent, and a report built from them parses back.
 */
#include <string.h>

#include "rtp.h"
#include "rtp_dtmf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void inside(const uint8_t *data, size_t size, const uint8_t *p, size_t len)
{
	if (len && (p < data || p + len > data + size))
		__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct rtp_source src;
	static struct rtp_dtmf_rx rx;
	struct rtp_dtmf_payload ev;
	uint8_t out[RTCP_COMPOUND_MAX];
	struct rtcp_report rb;
	struct rtcp_info info;
	struct rtp_packet p;
	size_t len;

	if (rtp_parse(data, size, &p) == 0) {
		inside(data, size, p.payload, p.payload_len);
		inside(data, size, p.csrc, (size_t)p.csrc_count * 4);
		inside(data, size, p.ext, p.ext_len);
		if (p.payload + p.payload_len + p.padding != data + size)
			__builtin_trap();
		if (!src.started || p.ssrc != src.ssrc)
			rtp_source_init(&src, p.ssrc, p.seq, p.ts, 0);
		else
			rtp_source_update(&src, p.seq, p.ts, p.ts ^ (uint32_t)size);
		if (rtp_dtmf_parse(p.payload, p.payload_len, &ev) == 0)
			rtp_dtmf_rx_packet(&rx, p.ts, &ev);
		rtp_source_report(&src, &rb, size);
		len = rtcp_build(out, sizeof(out), p.ssrc, NULL, &rb, "fuzz", true);
		if (!len || rtcp_parse(out, len, &info) != 0 || info.n_reports != 1)
			__builtin_trap();
	}
	if (rtcp_parse(data, size, &info) == 0) {
		if (info.n_reports > RTCP_REPORTS_MAX)
			__builtin_trap();
		if (info.has_cname && strlen(info.cname) >= RTCP_CNAME_MAX)
			__builtin_trap();
		for (unsigned int i = 0; i < info.n_reports; i++)
			rtcp_rtt_us(rtp_ntp_from_ns(size), info.reports[i].lsr,
				    info.reports[i].dlsr);
	}
	return 0;
}
