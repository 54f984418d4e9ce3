/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Text entry on a twelve-key pad, the way phones do it: each digit key
 * carries a few characters, pressing it again within MULTITAP_TIMEOUT_USEC
 * steps to the next one, another key or the timeout keeps the character.
 * '*' deletes the last character. The clock is the caller's (injected).
 */
#ifndef UCPHONE_UI_MULTITAP_H
#define UCPHONE_UI_MULTITAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MULTITAP_TIMEOUT_USEC 1000000ULL
/* Longest text with its NUL (the control socket's sign-in field limit). */
#define MULTITAP_MAX 256

struct multitap {
	char text[MULTITAP_MAX];
	size_t len;
	bool pending;		/* text[len - 1] may still change */
	char pending_key;	/* '0'..'9' while pending */
	unsigned int index;	/* which of the key's characters */
	uint64_t since_usec;	/* when the pending key was last pressed */
	bool upper;		/* letters in upper case */
};

void multitap_init(struct multitap *m);
/* Zeroes the text (a password's buffer is never left behind). */
void multitap_clear(struct multitap *m);

/* key: '0'..'9' or '*'. Returns true if the text changed. */
bool multitap_key(struct multitap *m, char key, uint64_t now_usec);
/* Keeps a pending character once its timeout passed; true if it did. */
bool multitap_tick(struct multitap *m, uint64_t now_usec);
/* Keeps the pending character at once (moving to another field). */
void multitap_commit(struct multitap *m);

/* The characters of a key, in the order presses cycle through them. */
const char *multitap_chars(char key);

#endif /* UCPHONE_UI_MULTITAP_H */
