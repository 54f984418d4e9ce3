// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "lib/update/boot_state.h"

int boot_slot_index(char name)
{
	return name == 'a' ? 0 : name == 'b' ? 1 : -1;
}

char boot_slot_name(int index)
{
	return index == 1 ? 'b' : 'a';
}

const char *boot_slot_state_name(enum boot_slot_state s)
{
	switch (s) {
	case BOOT_SLOT_GOOD:
		return "good";
	case BOOT_SLOT_TRIAL:
		return "trial";
	case BOOT_SLOT_BAD:
		break;
	}
	return "bad";
}

/* One line of the file: key and value, without the newline. */
static int set_field(struct boot_state *st, unsigned int *seen,
		     const char *key, size_t klen, const char *v, size_t vlen)
{
	int slot;

	if (klen == 5 && !memcmp(key, "ORDER", 5)) {
		if (vlen != 3 || v[1] != ' ' || boot_slot_index(v[0]) < 0 ||
		    boot_slot_index(v[2]) < 0 || v[0] == v[2])
			return -EINVAL;
		st->order[0] = boot_slot_index(v[0]);
		st->order[1] = boot_slot_index(v[2]);
		*seen |= 1u;
		return 0;
	}
	if (klen == 6 && !memcmp(key, "FAILED", 6)) {
		if (vlen == 0)
			st->failed = -1;
		else if (vlen == 1 && boot_slot_index(v[0]) >= 0)
			st->failed = boot_slot_index(v[0]);
		else
			return -EINVAL;
		return 0;
	}
	if (klen < 4 || key[1] != '_' || boot_slot_index(key[0]) < 0)
		return 0;	/* the shell ignores other keys */
	slot = boot_slot_index(key[0]);
	if (klen == 4 && !memcmp(key + 2, "OK", 2)) {
		if (vlen != 1 || v[0] < '0' || v[0] > '2')
			return -EINVAL;
		st->state[slot] = (enum boot_slot_state)(v[0] - '0');
		*seen |= 2u << slot;
	} else if (klen == 5 && !memcmp(key + 2, "TRY", 3)) {
		if (vlen != 1 || v[0] < '0' || v[0] > '9')
			return -EINVAL;
		st->tries[slot] = (unsigned int)(v[0] - '0');
		*seen |= 8u << slot;
	}
	return 0;
}

int boot_state_parse(const char *text, size_t len, struct boot_state *out)
{
	struct boot_state st = { .order = { 0, 1 }, .failed = -1 };
	unsigned int seen = 0;
	size_t i = 0;

	while (i < len) {
		const char *line = text + i, *eol = memchr(line, '\n', len - i);
		size_t n = eol ? (size_t)(eol - line) : len - i;
		const char *eq = memchr(line, '=', n);

		i += n + (eol ? 1 : 0);
		if (!eq)
			continue;	/* read -r with IFS='=': no key */
		if (set_field(&st, &seen, line, (size_t)(eq - line), eq + 1,
			      n - (size_t)(eq - line) - 1) < 0)
			return -EINVAL;
	}
	/* ORDER, both OK and both TRY, as the shell's checks demand. */
	if (seen != 0x1f)
		return -EINVAL;
	*out = st;
	return 0;
}

int boot_state_primary(const struct boot_state *st)
{
	for (int i = 0; i < 2; i++) {
		int s = st->order[i];

		if (st->state[s] == BOOT_SLOT_GOOD ||
		    (st->state[s] == BOOT_SLOT_TRIAL && st->tries[s] > 0))
			return s;
	}
	return st->order[0];
}

int rauc_status_slot_version(const char *text, size_t len, int index,
			     char *out, size_t out_len)
{
	char section[32];
	bool in = false;
	size_t i = 0;

	snprintf(section, sizeof(section), "[slot.rootfs.%d]", index);
	while (i < len) {
		const char *line = text + i, *eol = memchr(line, '\n', len - i);
		size_t n = eol ? (size_t)(eol - line) : len - i;
		static const char key[] = "bundle.version=";

		i += n + (eol ? 1 : 0);
		if (n && line[0] == '[') {
			in = n == strlen(section) && !memcmp(line, section, n);
			continue;
		}
		if (!in || n < sizeof(key) - 1 || memcmp(line, key, sizeof(key) - 1))
			continue;
		line += sizeof(key) - 1;
		n -= sizeof(key) - 1;
		if (n == 0 || n >= out_len)
			return -EINVAL;
		for (size_t k = 0; k < n; k++)
			if (!strchr("0123456789abcdefghijklmnopqrstuvwxyz"
				    "ABCDEFGHIJKLMNOPQRSTUVWXYZ.+~-", line[k]) ||
			    !line[k])
				return -EINVAL;
		memcpy(out, line, n);
		out[n] = '\0';
		return 0;
	}
	return -ENOENT;
}
