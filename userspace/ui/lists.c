// SPDX-License-Identifier: GPL-2.0-only
/* The phone's lists and the dialled digits' matches (lists.h). */
#include <ctype.h>
#include <string.h>

#include "ui/lists.h"

static const char *const titles[] = {
	[UI_LIST_NONE] = "",
	[UI_LIST_CONTACTS] = "Contacts",
	[UI_LIST_CALLLOG] = "Call log",
	[UI_LIST_VOICEMAIL] = "Voice mail",
};

const char *ui_list_title(enum ui_list_kind kind)
{
	return (unsigned int)kind < __UI_LIST_COUNT ? titles[kind] : "";
}

char ui_list_key_of(char c)
{
	static const char *const keys = "22233344455566677778889999";

	if (c >= '0' && c <= '9')
		return c;
	c = (char)tolower((unsigned char)c);
	return c >= 'a' && c <= 'z' ? keys[c - 'a'] : 0;
}

/* The digits of a number or of a SIP URI's user part ("sip:2001@x" -> 2001). */
static void number_digits(const char *target, char *out, size_t size)
{
	size_t n = 0;

	if (!strncmp(target, "sip:", 4) || !strncmp(target, "tel:", 4))
		target += 4;
	else if (!strncmp(target, "sips:", 5))
		target += 5;
	for (; *target && *target != '@' && *target != ';' && n + 1 < size; target++)
		if (*target >= '0' && *target <= '9')
			out[n++] = *target;
	out[n] = '\0';
}

/* A word of the name spelt with the keys pressed (2 = ABC ...). */
static bool name_matches(const char *name, const char *digits)
{
	size_t want = strlen(digits);

	for (const char *w = name; *w; w++) {
		size_t i = 0;

		if (w != name && isalnum((unsigned char)w[-1]))
			continue;
		while (i < want && w[i] && ui_list_key_of(w[i]) == digits[i])
			i++;
		if (i == want)
			return true;
	}
	return false;
}

static bool entry_matches(const struct ui_entry *e, const char *digits)
{
	char num[UI_ENTRY_TARGET];

	if (!e->target[0])
		return false;
	number_digits(e->target, num, sizeof(num));
	if (num[0] && strstr(num, digits))
		return true;
	return strspn(digits, "0123456789") == strlen(digits) &&
	       name_matches(e->name, digits);
}

static bool seen(const struct ui_entry **out, unsigned int n, const char *target)
{
	for (unsigned int i = 0; i < n; i++)
		if (!strcmp(out[i]->target, target))
			return true;
	return false;
}

unsigned int ui_list_match(const struct ui_list *contacts,
			   const struct ui_list *calllog, const char *digits,
			   const struct ui_entry **out, unsigned int max)
{
	const struct ui_list *from[] = { contacts, calllog };
	unsigned int n = 0;

	if (!digits || !digits[0])
		return 0;
	for (size_t l = 0; l < 2; l++) {
		if (!from[l])
			continue;
		for (unsigned int i = 0; i < from[l]->n && n < max; i++) {
			const struct ui_entry *e = &from[l]->e[i];

			if (entry_matches(e, digits) && !seen(out, n, e->target))
				out[n++] = e;
		}
	}
	return n;
}
