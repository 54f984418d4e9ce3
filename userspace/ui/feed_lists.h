/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The daemon's replies to `contacts`, `calllog` and `voicemail`, and its
 * "calllog" event, into the lists the screen scrolls (lists.h). The JSON
 * is not trusted: an entry without a name or number is left out, text is
 * cut to fit and control characters shown as '?'.
 *
 *   contacts  {"total":N,"contacts":[{"name","company","email","sip",
 *              "work","mobile","home"},...]}
 *   calllog   {"missed":N,"calls":[{"start","duration_s",
 *              "kind":"placed|received|missed","name","uri"},...]}
 *   voicemail {"voicemail":[{"from","from_address","received",
 *              "duration_s","read"},...],"voicemail_total":N}
 */
#ifndef UCPHONE_UI_FEED_LISTS_H
#define UCPHONE_UI_FEED_LISTS_H

#include <json-c/json.h>

#include "ui/lists.h"

/* A reply's result into list (replaced whole); false if it is not one. */
bool ui_feed_list(enum ui_list_kind kind, struct json_object *result,
		  struct ui_list *list);
/* The call log's new entry ({"event":"calllog","call":{...}}) put first. */
void ui_feed_calllog_event(struct json_object *event, struct ui_list *list);

#endif /* UCPHONE_UI_FEED_LISTS_H */
