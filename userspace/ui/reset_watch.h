/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The reset button's hard-reset window, read from ucphone-reset's sysfs
 * attribute power_on_hold ("held ELAPSED_MS WINDOW_MS", "hard", "none"),
 * so that the boot progress bar goes across the screen over exactly the
 * window the kernel counts: released before the bar is full = normal
 * start, held until it is full = hard reset.
 */
#ifndef UCPHONE_UI_RESET_WATCH_H
#define UCPHONE_UI_RESET_WATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ui/model.h"

enum ui_hold {
	UI_HOLD_NONE,
	UI_HOLD_HELD,
	UI_HOLD_HARD,
};

struct ui_hold_state {
	enum ui_hold hold;
	uint32_t elapsed_ms, window_ms;	/* UI_HOLD_HELD */
};

/* Parses the attribute's text; -EINVAL if it is none of the three. */
int ui_hold_parse(const char *text, size_t len, struct ui_hold_state *st);

/*
 * Feeds a reading to the model on a change of state (the window's start
 * is now - elapsed); *last is the previous reading, updated.
 */
void ui_hold_feed(struct ui_model *m, struct ui_hold_state *last,
		  const struct ui_hold_state *now, uint64_t now_usec);

/* The first bound ucphone-reset's attribute into path; false if none. */
bool ui_hold_find(char *path, size_t size);

/* Reads path; -errno if it cannot be read or parsed. */
int ui_hold_read(const char *path, struct ui_hold_state *st);

#endif /* UCPHONE_UI_RESET_WATCH_H */
