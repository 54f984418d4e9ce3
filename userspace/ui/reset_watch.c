// SPDX-License-Identifier: GPL-2.0-only
/* The reset button's hard-reset window from sysfs (reset_watch.h). */
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ui/reset_watch.h"

#define HOLD_GLOB "/sys/bus/platform/drivers/ucphone-reset/*/power_on_hold"

static int parse_u32(const char *s, const char **end, uint32_t *v)
{
	unsigned long n;
	char *e;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	n = strtoul(s, &e, 10);
	if (errno || n > UINT32_MAX)
		return -EINVAL;
	*v = (uint32_t)n;
	*end = e;
	return 0;
}

int ui_hold_parse(const char *text, size_t len, struct ui_hold_state *st)
{
	char buf[64];
	const char *p;

	while (len > 0 && (text[len - 1] == '\n' || text[len - 1] == ' '))
		len--;
	if (len == 0 || len >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, text, len);
	buf[len] = '\0';
	if (strlen(buf) != len)
		return -EINVAL;
	memset(st, 0, sizeof(*st));
	if (!strcmp(buf, "none"))
		return 0;
	if (!strcmp(buf, "hard")) {
		st->hold = UI_HOLD_HARD;
		return 0;
	}
	if (strncmp(buf, "held ", 5))
		return -EINVAL;
	p = buf + 5;
	if (parse_u32(p, &p, &st->elapsed_ms) < 0 || *p++ != ' ' ||
	    parse_u32(p, &p, &st->window_ms) < 0 || *p)
		return -EINVAL;
	st->hold = UI_HOLD_HELD;
	return 0;
}

void ui_hold_feed(struct ui_model *m, struct ui_hold_state *last,
		  const struct ui_hold_state *now, uint64_t now_usec)
{
	uint64_t since = now_usec;

	switch (now->hold) {
	case UI_HOLD_HELD:
		/* every reading: the kernel's elapsed time is the truth */
		if ((uint64_t)now->elapsed_ms * 1000 <= now_usec)
			since = now_usec - (uint64_t)now->elapsed_ms * 1000;
		ui_model_reset_held(m, now->window_ms, since, now_usec);
		break;
	case UI_HOLD_HARD:
		if (last->hold != UI_HOLD_HARD)
			ui_model_hard_reset(m, now_usec);
		break;
	case UI_HOLD_NONE:
		if (last->hold == UI_HOLD_HELD)
			ui_model_reset_released(m, now_usec);
		break;
	}
	*last = *now;
}

bool ui_hold_find(char *path, size_t size)
{
	glob_t g;
	bool found = false;

	if (glob(HOLD_GLOB, 0, NULL, &g) == 0 && g.gl_pathc > 0 &&
	    strlen(g.gl_pathv[0]) < size) {
		memcpy(path, g.gl_pathv[0], strlen(g.gl_pathv[0]) + 1);
		found = true;
	}
	globfree(&g);
	return found;
}

int ui_hold_read(const char *path, struct ui_hold_state *st)
{
	char buf[64];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf));
	close(fd);
	if (n < 0)
		return -errno;
	return ui_hold_parse(buf, (size_t)n, st);
}
