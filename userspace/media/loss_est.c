// SPDX-License-Identifier: GPL-2.0-only
/*
 * The Opus encoder's expected loss from RTCP reports; see loss_est.h.
 */
#include <math.h>

#include "media/loss_est.h"

unsigned int loss_est_initial(bool fec)
{
	return fec ? LOSS_EST_START : 0;
}

unsigned int loss_est_report(struct loss_est *l, uint8_t fraction_lost, bool fec)
{
	float pct = (float)fraction_lost * 100.0f / 256.0f;
	unsigned int out;

	if (!l->have) {
		l->smoothed = pct;
		l->have = true;
	} else if (pct > l->smoothed) {
		l->smoothed += (pct - l->smoothed) / 2.0f;
	} else {
		l->smoothed += (pct - l->smoothed) / 4.0f;
	}
	out = (unsigned int)ceilf(l->smoothed - 0.05f);
	if (fec && out < LOSS_EST_FEC_FLOOR)
		out = LOSS_EST_FEC_FLOOR;
	return out > LOSS_EST_MAX ? LOSS_EST_MAX : out;
}
