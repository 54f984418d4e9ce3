// SPDX-License-Identifier: GPL-2.0-only
/*
 * The screen in a terminal, with ANSI escapes only: a title bar, the
 * heading, four lines, the progress bar as [#####-----], the soft keys on
 * the last line. Rows of a part that changed are rewritten in place, and
 * the cursor is put back where it was (DECSC/DECRC), so the screen can sit
 * at the top of a terminal something else writes below (scripts/phone.sh).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ui/render.h"

#define ROW_TITLE 1
#define ROW_HEADING 3
#define ROW_LINES 4
#define ROW_BAR (ROW_LINES + UI_VIEW_LINES + 1)

struct term {
	struct ui_renderer r;
	int fd;
	unsigned int width, height;
	bool drawn;
	struct ui_view last;
	char buf[8192];
	size_t len;
};

static void out(struct term *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void out(struct term *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (t->len >= sizeof(t->buf))
		return;
	va_start(ap, fmt);
	n = vsnprintf(t->buf + t->len, sizeof(t->buf) - t->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		t->len += (size_t)n < sizeof(t->buf) - t->len ? (size_t)n :
			  sizeof(t->buf) - t->len - 1;
}

static int flush(struct term *t)
{
	size_t off = 0;
	ssize_t n;

	while (off < t->len) {
		n = write(t->fd, t->buf + off, t->len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		off += (size_t)n;
	}
	t->len = 0;
	return 0;
}

/* Row r, cleared, then text cut to the width. */
static void row(struct term *t, unsigned int r, const char *style, const char *text)
{
	out(t, "\033[%u;1H%s\033[2K%-*.*s\033[0m", r, style, (int)t->width,
	    (int)t->width, text);
}

static void draw_title(struct term *t, const struct ui_view *v)
{
	char line[256];
	int right = (int)strlen(v->clock) + (v->message_light ? 4 : 0) +
		    (v->flags[0] ? (int)strlen(v->flags) + 1 : 0);

	if (v->white) {
		row(t, ROW_TITLE, "\033[30;47m", "");
		return;
	}
	if (right > (int)t->width - 4)
		right = (int)t->width - 4;
	snprintf(line, sizeof(line), " %-*.*s%s%s%s%s ", (int)t->width - right - 2,
		 (int)t->width - right - 2, v->title, v->flags,
		 v->flags[0] ? " " : "", v->message_light ? "[M] " : "", v->clock);
	row(t, ROW_TITLE, "\033[7m", line);
}

static void draw_body(struct term *t, const struct ui_view *v)
{
	const char *plain = v->white ? "\033[30;47m" : "";
	char bar[256];
	unsigned int r;

	for (r = ROW_TITLE + 1; r < t->height; r++)
		row(t, r, plain, "");
	if (v->heading[0])
		row(t, ROW_HEADING, "\033[1m", v->heading);
	for (int i = 0; i < UI_VIEW_LINES; i++) {
		static const char *const styles[] = {
			[UI_LINE_NORMAL] = "", [UI_LINE_LARGE] = "\033[1m",
			[UI_LINE_ERROR] = "\033[1;31m", [UI_LINE_FIELD] = "",
			[UI_LINE_FIELD_ACTIVE] = "\033[4m",
			[UI_LINE_SELECTED] = "\033[7m", [UI_LINE_MARKED] = "\033[31m",
			[UI_LINE_PROMPT] = "\033[1;33m",
		};
		const struct ui_view_line *l = &v->line[i];
		char text[256];
		int w = (int)t->width - (int)strlen(l->right) - 3;

		if (!l->text[0])
			continue;
		/* a list entry: ">" marks the chosen one, its detail to the right */
		if (l->right[0] && w > 4)
			snprintf(text, sizeof(text), "%c%-*.*s %s",
				 l->style == UI_LINE_SELECTED ? '>' : ' ', w, w, l->text,
				 l->right);
		else
			snprintf(text, sizeof(text), "%s%s",
				 l->style == UI_LINE_SELECTED ? ">" : "", l->text);
		row(t, ROW_LINES + (unsigned int)i, v->white ? plain : styles[l->style], text);
	}
	if (v->progress >= 0) {
		unsigned int inner = t->width > 12 ? t->width - 8 : 4;
		unsigned int fill = (unsigned int)v->progress * inner / 1000;

		bar[0] = '[';
		memset(bar + 1, '#', fill);
		memset(bar + 1 + fill, '-', inner - fill);
		snprintf(bar + 1 + inner, sizeof(bar) - 1 - inner, "] %3d%%",
			 v->progress / 10);
		row(t, ROW_BAR, "", bar);
	}
	if (v->lock)
		row(t, ROW_BAR, "\033[1;32m", "[LOCK] secure call");
	/* the calibration target: a plus sign in the middle of the white */
	if (v->cross) {
		unsigned int mid = t->height / 2 - 1, col = t->width / 2;

		out(t, "\033[30;47m\033[%u;%uH|\033[%u;%uH--+--\033[%u;%uH|\033[0m",
		    mid - 1, col + 1, mid, col - 1, mid + 1, col + 1);
	}
}

static void draw_softkeys(struct term *t, const struct ui_view *v)
{
	char line[256];
	int w = (int)t->width / UI_VIEW_SOFTKEYS;

	snprintf(line, sizeof(line), "%-*.*s%-*.*s%-*.*s%-*.*s",
		 w, w - 1, v->softkey[0], w, w - 1, v->softkey[1],
		 w, w - 1, v->softkey[2], w, w - 1, v->softkey[3]);
	row(t, t->height, v->white ? "\033[30;47m" : "\033[2m", line);
}

static int term_draw(struct ui_renderer *r, const struct ui_view *v)
{
	struct term *t = (struct term *)r;
	unsigned int parts = t->drawn ? ui_view_diff(&t->last, v) : UI_PART_ALL;

	if (!parts)
		return 0;
	out(t, "\0337\033[?25l");
	if (parts & UI_PART_TITLE)
		draw_title(t, v);
	if (parts & UI_PART_BODY)
		draw_body(t, v);
	if (parts & UI_PART_SOFTKEYS || parts & UI_PART_BODY)
		draw_softkeys(t, v);
	out(t, "\0338");
	t->last = *v;
	t->drawn = true;
	return flush(t) < 0 ? -EIO : 1;
}

static void term_free(struct ui_renderer *r)
{
	struct term *t = (struct term *)r;

	if (!t)
		return;
	t->len = 0;
	out(t, "\033[0m\033[%u;1H\033[?25h\n", t->height);
	flush(t);
	/* the last view may hold a password character being chosen */
	memset(t, 0, sizeof(*t));
	free(t);
}

void ui_term_repaint(struct ui_renderer *r)
{
	((struct term *)r)->drawn = false;
}

struct ui_renderer *ui_term_new(int fd, unsigned int width, unsigned int height)
{
	struct term *t;

	if (width < 32 || height < 10 || width > 200 || height > 100)
		return NULL;
	t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->r.name = "terminal";
	t->r.draw = term_draw;
	t->r.free = term_free;
	t->fd = fd;
	t->width = width;
	t->height = height;
	out(t, "\033[2J");
	return &t->r;
}
