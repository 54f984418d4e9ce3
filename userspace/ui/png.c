// SPDX-License-Identifier: GPL-2.0-only
/*
 * The screen as PNG files, drawn exactly as on a display: DIR/SCREEN.png
 * is replaced (written aside, then renamed) each time the view changes.
 * Pictures of the phone without a display, for documentation and tests.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui/draw.h"
#include "ui/render.h"

struct png {
	struct ui_renderer r;
	char *dir;
	int width, height;
	cairo_surface_t *surface;
	bool drawn;
	struct ui_view last;
};

static int png_draw(struct ui_renderer *r, const struct ui_view *v)
{
	struct png *p = (struct png *)r;
	unsigned int parts = p->drawn ? ui_view_diff(&p->last, v) : UI_PART_ALL;
	char path[4096], tmp[4200];
	cairo_t *cr;

	if (!parts)
		return 0;
	cr = cairo_create(p->surface);
	ui_draw(cr, p->width, p->height, v, parts);
	cairo_destroy(cr);
	p->last = *v;
	p->drawn = true;
	snprintf(path, sizeof(path), "%s/%s.png", p->dir, ui_screen_name(v->screen));
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	if (cairo_surface_write_to_png(p->surface, tmp) != CAIRO_STATUS_SUCCESS)
		return -EIO;
	return rename(tmp, path) < 0 ? -errno : 1;
}

static void png_free(struct ui_renderer *r)
{
	struct png *p = (struct png *)r;

	if (!p)
		return;
	if (p->surface)
		cairo_surface_destroy(p->surface);
	free(p->dir);
	memset(&p->last, 0, sizeof(p->last));
	free(p);
}

struct ui_renderer *ui_png_new(const char *dir, unsigned int width,
			       unsigned int height)
{
	struct png *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	p->r.name = "png";
	p->r.draw = png_draw;
	p->r.free = png_free;
	p->width = (int)width;
	p->height = (int)height;
	p->dir = strdup(dir);
	p->surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, p->width, p->height);
	if (!p->dir || cairo_surface_status(p->surface) != CAIRO_STATUS_SUCCESS) {
		png_free(&p->r);
		return NULL;
	}
	return &p->r;
}
