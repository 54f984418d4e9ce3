/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * DTMF as RFC 4733 telephone-events: the 4-byte payload both ways, the
 * sender's packet schedule for one digit, and the receiver's de-duplication
 * (the end packet comes three times; start and updates share a timestamp).
 *
 * Pure code with no clock: the sender is stepped once per packet time and
 * says what to send; the receiver is fed each packet and says what
 * happened. The media thread runs both; tests drive them directly.
 */
#ifndef UCPHONE_RTP_DTMF_H
#define UCPHONE_RTP_DTMF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RTP_DTMF_PAYLOAD_LEN 4
#define RTP_DTMF_VOLUME 10	/* -dBm0 the phone reports */

struct rtp_dtmf_payload {
	uint8_t event;		/* 0-9, 10 '*', 11 '#', 12-15 A-D */
	bool end;
	uint8_t volume;		/* 0-63, -dBm0 */
	uint16_t duration;	/* timestamp units since the event's start */
};

/* 0, or -EINVAL when shorter than 4 bytes. */
int rtp_dtmf_parse(const uint8_t *payload, size_t len, struct rtp_dtmf_payload *out);
void rtp_dtmf_write(uint8_t out[RTP_DTMF_PAYLOAD_LEN], const struct rtp_dtmf_payload *ev);

/* '0'..'9', '*', '#', 'A'..'D' (lower case too) to 0-15; -1 otherwise. */
int rtp_dtmf_event_of(char digit);
/* 0-15 to the digit; '\0' for other events. */
char rtp_dtmf_digit(uint8_t event);

/* Sender: one digit at a time. */
struct rtp_dtmf_tx {
	bool active;
	uint8_t event;
	uint32_t ts;		/* the event's timestamp (its start) */
	uint32_t total;		/* duration to reach, ts units */
	uint32_t step;		/* ts units per packet */
	uint32_t duration;	/* sent so far */
	unsigned int ends_left;	/* end packets still to send (3 at most) */
	bool first;
};

/* What to send this packet time. */
struct rtp_dtmf_packet {
	bool marker;		/* first packet of the event */
	uint32_t ts;
	uint8_t payload[RTP_DTMF_PAYLOAD_LEN];
	bool last;		/* the sender is done after this one */
};

/*
 * Starts a digit at timestamp ts lasting duration (ts units, e.g. 800 for
 * 100 ms at 8 kHz), one packet every step units (160 for 20 ms). Durations
 * over 0xffff are cut to 0xffff (one segment, RFC 4733 2.5.1.3 not used).
 * -EBUSY while a digit is still being sent, -EINVAL for a bad event.
 */
int rtp_dtmf_tx_start(struct rtp_dtmf_tx *tx, uint8_t event, uint32_t ts,
		      uint32_t duration, uint32_t step);
/*
 * The packet for this packet time: first with the M bit and duration one
 * step, growing by step each time, then the end bit set on three packets
 * with the final duration (RFC 4733 2.5.1.2, 2.5.1.4). false when idle.
 */
bool rtp_dtmf_tx_next(struct rtp_dtmf_tx *tx, struct rtp_dtmf_packet *out);

/* Receiver: one stream of events. */
struct rtp_dtmf_rx {
	bool active;		/* an event is in progress */
	bool have_last;
	uint32_t ts;		/* timestamp of the current/last event */
	bool ended;		/* its end was reported */
	uint8_t event;
};

enum rtp_dtmf_rx_result {
	RTP_DTMF_RX_NOTHING,	/* an update or a repeat */
	RTP_DTMF_RX_START,	/* a new digit began */
	RTP_DTMF_RX_END,	/* the digit ended (reported once) */
	RTP_DTMF_RX_START_END,	/* a new digit whose first packet is its end */
};

enum rtp_dtmf_rx_result rtp_dtmf_rx_packet(struct rtp_dtmf_rx *rx, uint32_t ts,
					   const struct rtp_dtmf_payload *ev);

#endif /* UCPHONE_RTP_DTMF_H */
