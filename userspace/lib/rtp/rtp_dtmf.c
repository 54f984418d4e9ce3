// SPDX-License-Identifier: GPL-2.0-only
/*
 * RFC 4733 telephone-events for DTMF: payload, sender schedule, receiver
 * de-duplication by timestamp.
 */
#include <errno.h>
#include <string.h>

#include "rtp_dtmf.h"

static const char digits[16] = "0123456789*#ABCD";

int rtp_dtmf_parse(const uint8_t *p, size_t len, struct rtp_dtmf_payload *out)
{
	if (len < RTP_DTMF_PAYLOAD_LEN)
		return -EINVAL;
	out->event = p[0];
	out->end = p[1] & 0x80;
	out->volume = p[1] & 0x3f;
	out->duration = (uint16_t)(p[2] << 8 | p[3]);
	return 0;
}

void rtp_dtmf_write(uint8_t out[RTP_DTMF_PAYLOAD_LEN], const struct rtp_dtmf_payload *ev)
{
	out[0] = ev->event;
	out[1] = (uint8_t)((ev->end ? 0x80 : 0) | (ev->volume & 0x3f));
	out[2] = (uint8_t)(ev->duration >> 8);
	out[3] = (uint8_t)ev->duration;
}

int rtp_dtmf_event_of(char digit)
{
	const char *p;

	if (digit >= 'a' && digit <= 'd')
		digit = (char)(digit - 'a' + 'A');
	if (!digit)
		return -1;
	p = memchr(digits, digit, sizeof(digits));
	return p ? (int)(p - digits) : -1;
}

char rtp_dtmf_digit(uint8_t event)
{
	return event < 16 ? digits[event] : '\0';
}

int rtp_dtmf_tx_start(struct rtp_dtmf_tx *tx, uint8_t event, uint32_t ts,
		      uint32_t duration, uint32_t step)
{
	if (tx->active)
		return -EBUSY;
	if (event > 15 || step == 0 || step > 0xffff || duration == 0)
		return -EINVAL;
	memset(tx, 0, sizeof(*tx));
	tx->active = true;
	tx->event = event;
	tx->ts = ts;
	tx->total = duration > 0xffff ? 0xffff : duration;
	tx->step = step;
	tx->ends_left = 3;
	tx->first = true;
	return 0;
}

bool rtp_dtmf_tx_next(struct rtp_dtmf_tx *tx, struct rtp_dtmf_packet *out)
{
	struct rtp_dtmf_payload ev = { .event = tx->event, .volume = RTP_DTMF_VOLUME };

	if (!tx->active)
		return false;
	memset(out, 0, sizeof(*out));
	out->ts = tx->ts;
	out->marker = tx->first;
	tx->first = false;
	if (tx->duration < tx->total) {
		tx->duration += tx->step;
		if (tx->duration > tx->total)
			tx->duration = tx->total;
	}
	ev.duration = (uint16_t)tx->duration;
	if (tx->duration >= tx->total && !out->marker) {
		ev.end = true;
		if (--tx->ends_left == 0) {
			out->last = true;
			tx->active = false;
		}
	}
	rtp_dtmf_write(out->payload, &ev);
	return true;
}

enum rtp_dtmf_rx_result rtp_dtmf_rx_packet(struct rtp_dtmf_rx *rx, uint32_t ts,
					   const struct rtp_dtmf_payload *ev)
{
	if (ev->event > 15)
		return RTP_DTMF_RX_NOTHING;
	if (rx->have_last && ts == rx->ts) {
		/* an update, or a repeated end, of the current event */
		if (ev->end && !rx->ended) {
			rx->ended = true;
			rx->active = false;
			return RTP_DTMF_RX_END;
		}
		return RTP_DTMF_RX_NOTHING;
	}
	/* a late packet of an older event */
	if (rx->have_last && (int32_t)(ts - rx->ts) < 0)
		return RTP_DTMF_RX_NOTHING;
	/* a new event (a new timestamp); one still open ended unseen */
	rx->have_last = true;
	rx->ts = ts;
	rx->event = ev->event;
	if (ev->end) {
		rx->ended = true;
		rx->active = false;
		return RTP_DTMF_RX_START_END;
	}
	rx->ended = false;
	rx->active = true;
	return RTP_DTMF_RX_START;
}
