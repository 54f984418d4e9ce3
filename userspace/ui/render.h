/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A renderer draws views (view.h). Each keeps the view it drew last and
 * redraws only the parts that changed.
 */
#ifndef UCPHONE_UI_RENDER_H
#define UCPHONE_UI_RENDER_H

#include <stdbool.h>
#include <stddef.h>

#include "ui/view.h"

struct ui_renderer {
	const char *name;
	/* Draws v: 1 if anything changed, 0 if not, or -errno. */
	int (*draw)(struct ui_renderer *r, const struct ui_view *v);
	void (*free)(struct ui_renderer *r);
};

/* ANSI terminal on fd, width x height characters (>= 32 x 10). */
struct ui_renderer *ui_term_new(int fd, unsigned int width, unsigned int height);
/* The terminal's next draw redraws everything (a console attached late). */
void ui_term_repaint(struct ui_renderer *r);
/*
 * The terminal is written non-blocking (the fd to watch: ui_term_fd()).
 * While ui_term_waiting(), a frame's rest waits or a frame was dropped:
 * call ui_term_writable() when the fd is writable; 1 means the screen must
 * be drawn again (whole), 0 nothing more to do or still waiting, -errno.
 */
int ui_term_fd(const struct ui_renderer *r);
bool ui_term_waiting(const struct ui_renderer *r);
int ui_term_writable(struct ui_renderer *r);
/* Frames dropped because the terminal took nothing. */
unsigned long ui_term_dropped(const struct ui_renderer *r);

/*
 * KMS display card (/dev/dri/cardN): the preferred mode, or width x height
 * when both are non-zero. NULL with the reason in why.
 */
struct ui_renderer *ui_drm_new(const char *card, unsigned int width,
			       unsigned int height, char *why, size_t why_size);
/* The display's size in pixels. */
unsigned int ui_drm_size(const struct ui_renderer *r, unsigned int *height);

/* PNG files DIR/SCREEN.png, width x height pixels (>= 160 x 120). */
struct ui_renderer *ui_png_new(const char *dir, unsigned int width,
			       unsigned int height);

#endif /* UCPHONE_UI_RENDER_H */
