/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The loss the phone's Opus encoder should expect, from the far end's
 * RTCP receiver reports (RFC 3550 6.4.1 fraction lost, /256): smoothed
 * (a rise counts half at once, a fall a quarter per report, so one
 * clean report after a bad patch does not switch protection off), as a
 * whole percentage for OPUS_SET_PACKET_LOSS_PERC, at most LOSS_EST_MAX.
 * With in-band FEC agreed it stays at LOSS_EST_FEC_FLOOR or more: libopus
 * 1.3 sends no FEC at all at 0 % expected loss, and a clean path's first
 * lost packet should still be rebuilt from the next one. Pure.
 */
#ifndef UCPHONE_LOSS_EST_H
#define UCPHONE_LOSS_EST_H

#include <stdbool.h>
#include <stdint.h>

#define LOSS_EST_START 10	/* before any report, with FEC */
#define LOSS_EST_FEC_FLOOR 5
#define LOSS_EST_MAX 30

struct loss_est {
	float smoothed;		/* percent */
	bool have;		/* a report arrived */
};

/* The expected loss before any report. */
unsigned int loss_est_initial(bool fec);
/* One report's fraction lost; returns the expected loss in percent. */
unsigned int loss_est_report(struct loss_est *l, uint8_t fraction_lost, bool fec);

#endif /* UCPHONE_LOSS_EST_H */
