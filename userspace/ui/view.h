/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * One screen as both renderers draw it: a title bar (name, indicators,
 * clock, the message light), a heading, a few lines, maybe a progress bar or the
 * calibration cross, and the soft key labels. Pure: built from the model.
 * Renderers compare two views part by part and redraw only what changed.
 */
#ifndef UCPHONE_UI_VIEW_H
#define UCPHONE_UI_VIEW_H

#include <stdbool.h>

#include "ui/model.h"

#define UI_VIEW_LINES 4
#define UI_VIEW_TEXT 96
#define UI_VIEW_SOFTKEYS 4
#define UI_VIEW_SOFTKEY 12

enum ui_line_style {
	UI_LINE_NORMAL,
	UI_LINE_LARGE,		/* the number dialled, the far end */
	UI_LINE_ERROR,
	UI_LINE_FIELD,		/* a sign-in field */
	UI_LINE_FIELD_ACTIVE,	/* the field being typed into */
	UI_LINE_SELECTED,	/* a list's entry or match OK acts on */
	UI_LINE_MARKED,		/* a missed call, an unheard message */
	UI_LINE_PROMPT,		/* call waiting, transfer: what to press */
};

struct ui_view_line {
	enum ui_line_style style;
	char text[UI_VIEW_TEXT];
	char right[32];		/* a list entry's number, time or length */
};

struct ui_view {
	enum ui_screen screen;
	bool white;		/* calibration: white screen, no bars */
	bool cross;		/* calibration: the large plus sign */
	char title[UI_VIEW_TEXT];
	char clock[16];
	bool message_light;
	char flags[32];		/* indicators: "DND FWD MUTE" */
	char heading[UI_VIEW_TEXT];
	struct ui_view_line line[UI_VIEW_LINES];
	int progress;		/* thousandths, or -1 for no bar */
	bool lock;		/* SRTP: the call is encrypted */
	char softkey[UI_VIEW_SOFTKEYS][UI_VIEW_SOFTKEY];
};

void ui_view_build(const struct ui_model *m, struct ui_view *v);

/* Which parts differ (for renderers that redraw only what changed). */
enum ui_view_part {
	UI_PART_TITLE = 1 << 0,
	UI_PART_BODY = 1 << 1,
	UI_PART_SOFTKEYS = 1 << 2,
	UI_PART_ALL = 7,
};
unsigned int ui_view_diff(const struct ui_view *a, const struct ui_view *b);

#endif /* UCPHONE_UI_VIEW_H */
