// SPDX-License-Identifier: GPL-2.0-only
/*
 * The phone's screen in cairo: a dark title bar (name, message light,
 * clock), the body (heading, lines, the boot progress bar, the SRTP lock)
 * on a light background, the soft key labels along the bottom. The
 * calibration screen is white with a large plus sign in the centre.
 */
#include <math.h>
#include <string.h>

#include <fontconfig/fontconfig.h>
#include <pango/pangocairo.h>

#include "ui/draw.h"

#define FONT "DejaVu Sans"
#define MONO "DejaVu Sans Mono"

struct rgb {
	double r, g, b;
};

static const struct rgb title_bg = { 0.11, 0.25, 0.43 };
static const struct rgb body_bg = { 0.96, 0.96, 0.94 };
static const struct rgb ink = { 0.08, 0.08, 0.08 };
static const struct rgb white = { 1, 1, 1 };
static const struct rgb red = { 0.75, 0.1, 0.1 };
static const struct rgb green = { 0.18, 0.6, 0.24 };
static const struct rgb amber = { 0.95, 0.6, 0.1 };
static const struct rgb grey = { 0.55, 0.55, 0.55 };

static void colour(cairo_t *cr, struct rgb c)
{
	cairo_set_source_rgb(cr, c.r, c.g, c.b);
}

struct ui_rect ui_draw_part_rect(unsigned int part, int width, int height)
{
	int bar = height / 10;

	switch (part) {
	case UI_PART_TITLE:
		return (struct ui_rect){ 0, 0, width, bar };
	case UI_PART_SOFTKEYS:
		return (struct ui_rect){ 0, height - bar, width, bar };
	default:
		return (struct ui_rect){ 0, bar, width, height - 2 * bar };
	}
}

struct ui_rect ui_draw_bar_rect(int width, int height)
{
	int margin = width / 24;

	return (struct ui_rect){ margin + 2, height * 55 / 100 + 2,
				 width - 2 * margin - 4, height / 12 - 4 };
}

/* Text in a box of width w at (x, y), cut with an ellipsis; returns its height. */
static int text(cairo_t *cr, const char *s, const char *family, double px, bool bold,
		double x, double y, double w, PangoAlignment align, struct rgb c)
{
	PangoLayout *layout = pango_cairo_create_layout(cr);
	PangoFontDescription *font = pango_font_description_from_string(family);
	int tw, th;

	pango_font_description_set_absolute_size(font, px * PANGO_SCALE);
	if (bold)
		pango_font_description_set_weight(font, PANGO_WEIGHT_BOLD);
	pango_layout_set_font_description(layout, font);
	pango_layout_set_width(layout, (int)(w * PANGO_SCALE));
	pango_layout_set_ellipsize(layout, PANGO_ELLIPSIZE_END);
	pango_layout_set_alignment(layout, align);
	pango_layout_set_text(layout, s, -1);
	pango_layout_get_pixel_size(layout, &tw, &th);
	colour(cr, c);
	cairo_move_to(cr, x, y);
	pango_cairo_show_layout(cr, layout);
	pango_font_description_free(font);
	g_object_unref(layout);
	return th;
}

static void fill_rect(cairo_t *cr, struct ui_rect r, struct rgb c)
{
	colour(cr, c);
	cairo_rectangle(cr, r.x, r.y, r.w, r.h);
	cairo_fill(cr);
}

static void draw_title(cairo_t *cr, int w, int h, const struct ui_view *v)
{
	struct ui_rect r = ui_draw_part_rect(UI_PART_TITLE, w, h);
	double px = r.h * 0.6, pad = w / 40.0, clock_w = px * 3.2;

	double flags_w = v->flags[0] ? px * 0.62 * (double)strlen(v->flags) + px : 0;

	fill_rect(cr, r, v->white ? white : title_bg);
	if (v->white)
		return;
	text(cr, v->title, FONT, px, false, pad, r.h * 0.15,
	     w - 2 * pad - clock_w - px * 1.5 - flags_w, PANGO_ALIGN_LEFT, white);
	/* DND, FWD, MUTE: bold, amber, left of the message light */
	if (v->flags[0])
		text(cr, v->flags, FONT, px * 0.8, true, w - pad - clock_w - px * 1.3 - flags_w,
		     r.h * 0.2, flags_w, PANGO_ALIGN_RIGHT, amber);
	text(cr, v->clock, FONT, px, false, w - pad - clock_w, r.h * 0.15, clock_w,
	     PANGO_ALIGN_RIGHT, white);
	if (v->message_light) {
		colour(cr, amber);
		cairo_arc(cr, w - pad - clock_w - px * 0.7, r.h / 2.0, px * 0.35, 0, 2 * M_PI);
		cairo_fill(cr);
	}
}

/* A padlock, the sign of an encrypted call, at (x, y) size s. */
static void lock_icon(cairo_t *cr, double x, double y, double s)
{
	colour(cr, green);
	cairo_new_path(cr);
	cairo_set_line_width(cr, s * 0.14);
	cairo_arc(cr, x + s / 2, y + s * 0.42, s * 0.26, M_PI, 0);
	cairo_stroke(cr);
	cairo_rectangle(cr, x + s * 0.12, y + s * 0.42, s * 0.76, s * 0.55);
	cairo_fill(cr);
}

static void draw_body(cairo_t *cr, int w, int h, const struct ui_view *v)
{
	struct ui_rect r = ui_draw_part_rect(UI_PART_BODY, w, h);
	double pad = w / 24.0, y = r.y + h / 30.0, line_px = h * 0.055;

	fill_rect(cr, r, v->white ? white : body_bg);
	if (v->cross) {
		double cx = w / 2.0, cy = h / 2.0, arm = h / 6.0;

		colour(cr, ink);
		cairo_set_line_width(cr, h / 80.0 > 2 ? h / 80.0 : 2);
		cairo_move_to(cr, cx - arm, cy);
		cairo_line_to(cr, cx + arm, cy);
		cairo_move_to(cr, cx, cy - arm);
		cairo_line_to(cr, cx, cy + arm);
		cairo_stroke(cr);
	}
	if (v->heading[0])
		y += text(cr, v->heading, FONT, h * 0.07, false, pad, y,
			  w - 2 * pad - (v->lock ? h * 0.09 : 0), PANGO_ALIGN_LEFT, ink);
	if (v->lock)
		lock_icon(cr, w - pad - h * 0.07, r.y + h / 30.0, h * 0.07);
	y += h / 60.0;
	for (int i = 0; i < UI_VIEW_LINES; i++) {
		const struct ui_view_line *l = &v->line[i];
		bool large = l->style == UI_LINE_LARGE;
		bool field = l->style == UI_LINE_FIELD || l->style == UI_LINE_FIELD_ACTIVE;
		int th;

		if (!l->text[0]) {
			y += line_px * 1.2;
			continue;
		}
		if (v->cross) {
			/* the calibration hint sits under the cross */
			text(cr, l->text, FONT, line_px, false, 0, h * 0.75, w,
			     PANGO_ALIGN_CENTER, grey);
			continue;
		}
		if (l->style == UI_LINE_SELECTED || l->style == UI_LINE_PROMPT) {
			/* the chosen entry, a prompt: a band behind the line */
			fill_rect(cr, (struct ui_rect){ (int)(pad / 2), (int)(y - h / 200.0),
							(int)(w - pad), (int)(line_px * 1.3) },
				  l->style == UI_LINE_SELECTED ? title_bg : amber);
		}
		if (l->right[0])
			text(cr, l->right, FONT, line_px, false, w / 2.0, y, w / 2.0 - pad,
			     PANGO_ALIGN_RIGHT, l->style == UI_LINE_SELECTED ? white : grey);
		th = text(cr, l->text, field ? MONO : FONT, large ? h * 0.1 : line_px, large,
			  pad, y, l->right[0] ? w * 0.6 - pad : w - 2 * pad, PANGO_ALIGN_LEFT,
			  l->style == UI_LINE_ERROR || l->style == UI_LINE_MARKED ? red :
			  l->style == UI_LINE_SELECTED ? white : ink);
		if (l->style == UI_LINE_FIELD_ACTIVE) {
			colour(cr, title_bg);
			cairo_rectangle(cr, pad, y + th, w - 2 * pad, h / 120.0 + 1);
			cairo_fill(cr);
		}
		y += th + h / 80.0;
	}
	if (v->progress >= 0) {
		struct ui_rect in = ui_draw_bar_rect(w, h);
		int fill = in.w * (v->progress > 1000 ? 1000 : v->progress) / 1000;

		colour(cr, grey);
		cairo_set_line_width(cr, 1);
		cairo_rectangle(cr, in.x - 1.5, in.y - 1.5, in.w + 3, in.h + 3);
		cairo_stroke(cr);
		fill_rect(cr, (struct ui_rect){ in.x, in.y, fill, in.h }, green);
	}
}

static void draw_softkeys(cairo_t *cr, int w, int h, const struct ui_view *v)
{
	struct ui_rect r = ui_draw_part_rect(UI_PART_SOFTKEYS, w, h);
	double cell = w / (double)UI_VIEW_SOFTKEYS;

	fill_rect(cr, r, v->white ? white : body_bg);
	for (int i = 0; i < UI_VIEW_SOFTKEYS && !v->white; i++)
		if (v->softkey[i][0])
			text(cr, v->softkey[i], FONT, r.h * 0.5, false, i * cell + w / 40.0,
			     r.y + r.h * 0.2, cell - w / 40.0, PANGO_ALIGN_LEFT, ink);
}

void ui_draw(cairo_t *cr, int width, int height, const struct ui_view *v,
	     unsigned int parts)
{
	if (parts & UI_PART_TITLE)
		draw_title(cr, width, height, v);
	if (parts & UI_PART_BODY)
		draw_body(cr, width, height, v);
	if (parts & UI_PART_SOFTKEYS)
		draw_softkeys(cr, width, height, v);
}

void ui_draw_shutdown(void)
{
	pango_cairo_font_map_set_default(NULL);
	cairo_debug_reset_static_data();
	FcFini();
}
