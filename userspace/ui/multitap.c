// SPDX-License-Identifier: GPL-2.0-only
/*
 * Multi-tap entry. Key 1 carries what a sign-in address and a Windows
 * user name need besides letters and digits: ". @ - _ \".
 */
#include <ctype.h>
#include <string.h>

#include "lib/util/secret.h"
#include "ui/multitap.h"

static const char *const key_chars[10] = {
	"0 ", ".@-_\\1", "abc2", "def3", "ghi4",
	"jkl5", "mno6", "pqrs7", "tuv8", "wxyz9",
};

const char *multitap_chars(char key)
{
	if (key < '0' || key > '9')
		return NULL;
	return key_chars[key - '0'];
}

void multitap_init(struct multitap *m)
{
	memset(m, 0, sizeof(*m));
}

void multitap_clear(struct multitap *m)
{
	secret_zero(m, sizeof(*m));
}

void multitap_commit(struct multitap *m)
{
	m->pending = false;
	m->pending_key = 0;
	m->index = 0;
}

static char shown(const struct multitap *m, char c)
{
	return m->upper ? (char)toupper((unsigned char)c) : c;
}

bool multitap_key(struct multitap *m, char key, uint64_t now_usec)
{
	const char *chars;

	if (key == '*') {
		multitap_commit(m);
		if (m->len == 0)
			return false;
		m->text[--m->len] = '\0';
		return true;
	}
	chars = multitap_chars(key);
	if (!chars)
		return false;
	if (m->pending && m->pending_key == key &&
	    now_usec - m->since_usec < MULTITAP_TIMEOUT_USEC) {
		m->index = (m->index + 1) % (unsigned int)strlen(chars);
		m->text[m->len - 1] = shown(m, chars[m->index]);
		m->since_usec = now_usec;
		return true;
	}
	multitap_commit(m);
	if (m->len + 1 >= sizeof(m->text))
		return false;
	m->text[m->len++] = shown(m, chars[0]);
	m->text[m->len] = '\0';
	m->pending = true;
	m->pending_key = key;
	m->index = 0;
	m->since_usec = now_usec;
	return true;
}

bool multitap_tick(struct multitap *m, uint64_t now_usec)
{
	if (!m->pending || now_usec - m->since_usec < MULTITAP_TIMEOUT_USEC)
		return false;
	multitap_commit(m);
	return true;
}
