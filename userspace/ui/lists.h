/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The lists the phone scrolls through: contacts (Exchange), the call log
 * (placed, received, missed) and voice mail (Exchange messages), each a
 * page of entries fetched from the daemon when shown, and the matches of
 * the digits being dialled among contacts' numbers and names (letters on
 * the keypad: 2 = ABC ... 9 = WXYZ) and the call log. Pure, no I/O.
 */
#ifndef UCPHONE_UI_LISTS_H
#define UCPHONE_UI_LISTS_H

#include <stdbool.h>
#include <stddef.h>

enum ui_list_kind {
	UI_LIST_NONE,
	UI_LIST_CONTACTS,
	UI_LIST_CALLLOG,
	UI_LIST_VOICEMAIL,
	__UI_LIST_COUNT
};

/* One page: the daemon sends contacts and messages fifty and thirty at a time. */
#define UI_LIST_MAX 64
#define UI_ENTRY_NAME 64
#define UI_ENTRY_TARGET 128
#define UI_MATCHES_MAX 3

struct ui_entry {
	char name[UI_ENTRY_NAME];	/* shown first */
	char detail[UI_ENTRY_NAME];	/* shown after: number, when, length */
	char target[UI_ENTRY_TARGET];	/* what OK dials; empty: nothing */
	bool marked;			/* a missed call, an unheard message */
};

struct ui_list {
	struct ui_entry e[UI_LIST_MAX];
	unsigned int n;
	unsigned int total;		/* the daemon's count (may exceed n) */
	bool loaded;
	char error[96];			/* the daemon's refusal, shown instead */
};

const char *ui_list_title(enum ui_list_kind kind);

/*
 * Up to max entries matching the digits dialled: a number containing them,
 * or a name whose letters on the keypad start with them (a word of it).
 * Contacts first, then the call log, no target twice. Returns how many.
 */
unsigned int ui_list_match(const struct ui_list *contacts,
			   const struct ui_list *calllog, const char *digits,
			   const struct ui_entry **out, unsigned int max);

/* The keypad digit of a letter or digit ('2' for 'a'..'c'), 0 if none. */
char ui_list_key_of(char c);

#endif /* UCPHONE_UI_LISTS_H */
