// SPDX-License-Identifier: GPL-2.0-only
/*
 * The screen in a terminal, with ANSI escapes only: a title bar, the
 * heading, four lines, the progress bar as [#####-----], the soft keys on
 * the last line. Rows of a part that changed are rewritten in place, and
 * the cursor is put back where it was (DECSC/DECRC), so the screen can sit
 * at the top of a terminal something else writes below (scripts/phone.sh).
 *
 * The terminal may be a console nobody reads (the dev board's screen
 * console with no host attached), so the screen never waits for it: frames
 * go out non-blocking, one that cannot go out at all is dropped (and the
 * next is the whole screen), and one that went out in part is finished
 * before anything else, so the terminal never gets half a frame.
 */
#include <errno.h>
#include <fcntl.h>
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
	int fd;			/* non-blocking */
	bool own_fd;		/* our own open of the terminal: closed at the end */
	int restore_flags;	/* else the flags to put back, or -1 */
	unsigned int width, height;
	bool drawn;		/* last is on the terminal: draw what changed */
	bool shown;		/* a frame went out (the first clears the terminal) */
	struct ui_view last;
	/* the frame being built, then written: buf[off..len) still to go */
	char buf[32768];
	size_t len, off;
	bool overflow;		/* the frame did not fit: it is not sent */
	bool dropped;		/* a frame was dropped: redraw when writable */
	unsigned long frames_dropped;
};

static void out(struct term *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void out(struct term *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (t->overflow)
		return;
	va_start(ap, fmt);
	n = vsnprintf(t->buf + t->len, sizeof(t->buf) - t->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(t->buf) - t->len)
		t->overflow = true;
	else
		t->len += (size_t)n;
}

/*
 * Writes what is left of the frame: 1 when all of it went out, 0 when the
 * terminal takes no more now, or -errno.
 */
static int write_rest(struct term *t)
{
	ssize_t n;

	while (t->off < t->len) {
		n = write(t->fd, t->buf + t->off, t->len - t->off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return 0;
		if (n < 0)
			return -errno;
		t->off += (size_t)n;
	}
	t->len = t->off = 0;
	return 1;
}

/* The frame just built: 1 sent (or under way), 0 dropped whole, or -errno. */
static int send_frame(struct term *t)
{
	int ret;

	if (t->overflow) {
		t->len = t->off = 0;
		t->overflow = false;
		return -EMSGSIZE;
	}
	ret = write_rest(t);
	if (ret == 0 && t->off == 0) {
		/* nothing went out: the frame goes, the next one is whole */
		t->len = 0;
		t->drawn = false;
		t->dropped = true;
		t->frames_dropped++;
		return 0;
	}
	return ret < 0 ? ret : 1;
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
	unsigned int parts;
	int ret;

	if (t->off < t->len) {
		/* the rest of a frame waits for the terminal: this view waits
		 * too, and the screen is redrawn whole when it is free */
		t->drawn = false;
		t->dropped = true;
		t->frames_dropped++;
		return 0;
	}
	parts = t->drawn ? ui_view_diff(&t->last, v) : UI_PART_ALL;
	if (!parts)
		return 0;
	/* the first frame clears the terminal; later ones rewrite their rows */
	out(t, "%s\0337\033[?25l", t->shown ? "" : "\033[2J");
	if (parts & UI_PART_TITLE)
		draw_title(t, v);
	if (parts & UI_PART_BODY)
		draw_body(t, v);
	if (parts & UI_PART_SOFTKEYS || parts & UI_PART_BODY)
		draw_softkeys(t, v);
	out(t, "\0338");
	ret = send_frame(t);
	if (ret <= 0)
		return ret;
	t->last = *v;
	t->drawn = true;
	t->shown = true;
	return 1;
}

int ui_term_writable(struct ui_renderer *r)
{
	struct term *t = (struct term *)r;
	int ret = write_rest(t);

	if (ret <= 0)
		return ret;
	if (!t->dropped)
		return 0;
	t->dropped = false;
	return 1;
}

bool ui_term_waiting(const struct ui_renderer *r)
{
	const struct term *t = (const struct term *)r;

	return t->off < t->len || t->dropped;
}

int ui_term_fd(const struct ui_renderer *r)
{
	return ((const struct term *)r)->fd;
}

unsigned long ui_term_dropped(const struct ui_renderer *r)
{
	return ((const struct term *)r)->frames_dropped;
}

static void term_free(struct ui_renderer *r)
{
	struct term *t = (struct term *)r;

	if (!t)
		return;
	/* a frame under way is finished (the terminal's state stays sane), then
	 * the cursor goes back below the screen, if the terminal takes it */
	write_rest(t);
	t->len = t->off = 0;
	out(t, "\033[0m\033[%u;1H\033[?25h\n", t->height);
	write_rest(t);
	if (t->own_fd)
		close(t->fd);
	else if (t->restore_flags >= 0)
		fcntl(t->fd, F_SETFL, t->restore_flags);
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
	char path[64];
	struct term *t;
	int flags;

	if (width < 32 || height < 10 || width > 200 || height > 100)
		return NULL;
	t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->r.name = "terminal";
	t->r.draw = term_draw;
	t->r.free = term_free;
	t->width = width;
	t->height = height;
	t->restore_flags = -1;
	/*
	 * Non-blocking, on an open of our own where the terminal can be opened
	 * again (a tty, a pipe): the flag then stays off the file description
	 * a shell shares with us.
	 */
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	t->fd = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (t->fd >= 0) {
		t->own_fd = true;
	} else {
		t->fd = fd;
		flags = fcntl(fd, F_GETFL);
		if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0) {
			free(t);
			return NULL;
		}
		t->restore_flags = flags;
	}
	return &t->r;
}
