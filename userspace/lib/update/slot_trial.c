// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stddef.h>
#include <stdio.h>

#include "lib/update/slot_trial.h"

static int parse_hhmm(const char *s, uint16_t *out)
{
	unsigned int h, m;

	if (s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9' || s[2] != ':' ||
	    s[3] < '0' || s[3] > '9' || s[4] < '0' || s[4] > '9')
		return -EINVAL;
	h = (unsigned int)(s[0] - '0') * 10 + (unsigned int)(s[1] - '0');
	m = (unsigned int)(s[3] - '0') * 10 + (unsigned int)(s[4] - '0');
	if (h > 23 || m > 59)
		return -EINVAL;
	*out = (uint16_t)(h * 60 + m);
	return 0;
}

int maint_window_parse(const char *s, struct maint_window *out)
{
	struct maint_window w = { 0 };

	if (!s)
		return -EINVAL;
	if (s[0] == 'a' && s[1] == 'n' && s[2] == 'y' && !s[3]) {
		*out = (struct maint_window){ .any = true };
		return 0;
	}
	/* HH:MM-HH:MM exactly */
	for (int i = 0; i < 11; i++)
		if (!s[i])
			return -EINVAL;
	if (s[11] || s[5] != '-' || parse_hhmm(s, &w.from_min) < 0 ||
	    parse_hhmm(s + 6, &w.to_min) < 0 || w.from_min == w.to_min)
		return -EINVAL;
	*out = w;
	return 0;
}

bool maint_window_contains(const struct maint_window *w, unsigned int minute)
{
	if (w->any)
		return true;
	if (w->from_min < w->to_min)
		return minute >= w->from_min && minute < w->to_min;
	return minute >= w->from_min || minute < w->to_min;
}

void maint_window_format(const struct maint_window *w, char *buf, size_t len)
{
	if (w->any)
		snprintf(buf, len, "any");
	else
		snprintf(buf, len, "%02u:%02u-%02u:%02u", w->from_min / 60u,
			 w->from_min % 60u, w->to_min / 60u, w->to_min % 60u);
}

void slot_trial_init(struct slot_trial *t, uint64_t trial_usec,
		     const struct maint_window *window, bool on_trial,
		     uint64_t now_usec)
{
	*t = (struct slot_trial){
		.trial_usec = trial_usec,
		.window = *window,
		.phase = on_trial ? SLOT_TRIAL_WAITING : SLOT_TRIAL_GOOD,
		.started_usec = now_usec,
	};
}

enum slot_trial_action slot_trial_step(struct slot_trial *t,
				       const struct slot_trial_input *in)
{
	if (t->rebooting)
		return SLOT_TRIAL_NOTHING;
	switch (t->phase) {
	case SLOT_TRIAL_WAITING:
		if (in->healthy) {
			t->phase = SLOT_TRIAL_CONFIRMING;
			return SLOT_TRIAL_MARK_GOOD;
		}
		if (in->now_usec - t->started_usec < t->trial_usec)
			return SLOT_TRIAL_NOTHING;
		t->phase = SLOT_TRIAL_EXPIRED;
		/* fall through: reboot at once if idle */
		__attribute__((fallthrough));
	case SLOT_TRIAL_EXPIRED:
		/* Not the window's business: this slot does not work. */
		if (in->busy)
			return SLOT_TRIAL_NOTHING;
		t->rebooting = true;
		return SLOT_TRIAL_REBOOT_EXPIRED;
	case SLOT_TRIAL_CONFIRMING:
		return SLOT_TRIAL_NOTHING;
	case SLOT_TRIAL_GOOD:
	case SLOT_TRIAL_CONFIRMED:
		break;
	}
	if (!in->update_waiting || in->busy ||
	    !maint_window_contains(&t->window, in->minute_of_day))
		return SLOT_TRIAL_NOTHING;
	t->rebooting = true;
	return SLOT_TRIAL_REBOOT_UPDATE;
}

void slot_trial_marked(struct slot_trial *t, bool ok)
{
	if (t->phase == SLOT_TRIAL_CONFIRMING)
		t->phase = ok ? SLOT_TRIAL_CONFIRMED : SLOT_TRIAL_WAITING;
}

void slot_trial_reboot_failed(struct slot_trial *t)
{
	t->rebooting = false;
}

uint64_t slot_trial_left_usec(const struct slot_trial *t, uint64_t now_usec)
{
	uint64_t used = now_usec - t->started_usec;

	if (t->phase != SLOT_TRIAL_WAITING || used >= t->trial_usec)
		return 0;
	return t->trial_usec - used;
}

const char *slot_trial_phase_name(enum slot_trial_phase p)
{
	switch (p) {
	case SLOT_TRIAL_GOOD:
		return "good";
	case SLOT_TRIAL_WAITING:
		return "on trial";
	case SLOT_TRIAL_CONFIRMING:
		return "confirming";
	case SLOT_TRIAL_CONFIRMED:
		return "confirmed";
	case SLOT_TRIAL_EXPIRED:
		break;
	}
	return "trial expired";
}
