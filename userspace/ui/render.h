/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A renderer draws views (view.h). Each keeps the view it drew last and
 * redraws only the parts that changed.
 */
#ifndef UCPHONE_UI_RENDER_H
#define UCPHONE_UI_RENDER_H

#include "ui/view.h"

struct ui_renderer {
	const char *name;
	/* Draws v; returns 0 or -errno. */
	int (*draw)(struct ui_renderer *r, const struct ui_view *v);
	void (*free)(struct ui_renderer *r);
};

/* ANSI terminal on fd, width x height characters (>= 32 x 10). */
struct ui_renderer *ui_term_new(int fd, unsigned int width, unsigned int height);

#endif /* UCPHONE_UI_RENDER_H */
