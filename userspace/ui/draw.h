/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A view drawn with cairo and pango (DejaVu Sans) on any size from
 * 320x240 up: every measure is a fraction of the screen. Shared by the
 * KMS renderer and the PNG renderer that makes pictures without a display.
 */
#ifndef UCPHONE_UI_DRAW_H
#define UCPHONE_UI_DRAW_H

#include <cairo.h>

#include "ui/view.h"

struct ui_rect {
	int x, y, w, h;
};

/* Where part (one UI_PART_* bit) is on a width x height screen. */
struct ui_rect ui_draw_part_rect(unsigned int part, int width, int height);
/* The progress bar's inside (filled from the left), for tests. */
struct ui_rect ui_draw_bar_rect(int width, int height);

/* Draws the parts of v in parts (UI_PART_*) on cr, a width x height screen. */
void ui_draw(cairo_t *cr, int width, int height, const struct ui_view *v,
	     unsigned int parts);

/* At exit: releases pango's, cairo's and fontconfig's caches. */
void ui_draw_shutdown(void);

#endif /* UCPHONE_UI_DRAW_H */
