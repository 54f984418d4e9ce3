// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "call/dialplan.h"
#include "call/forward.h"
#include "lib/util/atomic_file.h"

#define FILE_MAX 4096

static const char *const rule_names[__FORWARD_RULE_COUNT] = {
	[FORWARD_ALWAYS] = "always",
	[FORWARD_BUSY] = "busy",
	[FORWARD_NOANSWER] = "noanswer",
	[FORWARD_DND] = "dnd_target",
};

void forward_rules_init(struct forward_rules *r)
{
	memset(r, 0, sizeof(*r));
	r->noanswer_s = FORWARD_NOANSWER_DEFAULT_S;
}

enum forward_action forward_decide(const struct forward_rules *r, bool busy,
				   const char **target,
				   unsigned int *noanswer_s)
{
	*target = NULL;
	*noanswer_s = 0;
	if (r->target[FORWARD_ALWAYS][0]) {
		*target = r->target[FORWARD_ALWAYS];
		return FORWARD_REDIRECT;
	}
	if (r->dnd) {
		if (!r->target[FORWARD_DND][0])
			return FORWARD_REFUSE;
		*target = r->target[FORWARD_DND];
		return FORWARD_REDIRECT;
	}
	if (busy) {
		if (!r->target[FORWARD_BUSY][0])
			return FORWARD_REFUSE;
		*target = r->target[FORWARD_BUSY];
		return FORWARD_REDIRECT;
	}
	if (r->target[FORWARD_NOANSWER][0]) {
		*target = r->target[FORWARD_NOANSWER];
		*noanswer_s = r->noanswer_s;
	}
	return FORWARD_RING;
}

/* A target must be dialable: what the dial plan turns into a URI. */
static int check_target(const char *t, char *why, size_t why_len)
{
	char uri[FORWARD_TARGET_MAX + 64];

	if (strlen(t) >= FORWARD_TARGET_MAX ||
	    dialplan_uri(t, "domain.invalid", uri, sizeof(uri)) < 0) {
		snprintf(why, why_len,
			 "not a SIP URI, name or number (at most %d characters)",
			 FORWARD_TARGET_MAX - 1);
		return -EINVAL;
	}
	return 0;
}

/* Splits s (a copy) into at most max words; the count, or -1 for more. */
static int words(char *s, char **w, int max)
{
	int n = 0;

	for (char *save = NULL, *t = strtok_r(s, " \t", &save); t;
	     t = strtok_r(NULL, " \t", &save)) {
		if (n == max)
			return -1;
		w[n++] = t;
	}
	return n;
}

static int parse_seconds(const char *s, unsigned int *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || end == s || v < 1 || v > FORWARD_NOANSWER_MAX_S)
		return -EINVAL;
	*out = (unsigned int)v;
	return 0;
}

int forward_set(struct forward_rules *r, const char *setting, char *why,
		size_t why_len)
{
	static const char usage[] =
		"forward always|busy|noanswer URI [SECONDS], RULE off, or off";
	char copy[FORWARD_TARGET_MAX + 64], *w[3];
	int n, rule = -1;
	unsigned int secs = FORWARD_NOANSWER_DEFAULT_S;

	if (strlen(setting) >= sizeof(copy)) {
		snprintf(why, why_len, "%s", usage);
		return -EINVAL;
	}
	memcpy(copy, setting, strlen(setting) + 1);
	n = words(copy, w, 3);
	if (n == 1 && !strcmp(w[0], "off")) {
		for (int i = FORWARD_ALWAYS; i <= FORWARD_NOANSWER; i++)
			r->target[i][0] = '\0';
		return 0;
	}
	if (n >= 2)
		for (int i = FORWARD_ALWAYS; i <= FORWARD_NOANSWER; i++)
			if (!strcmp(w[0], rule_names[i]))
				rule = i;
	if (rule < 0 || (n == 3 && rule != FORWARD_NOANSWER)) {
		snprintf(why, why_len, "%s", usage);
		return -EINVAL;
	}
	if (n == 2 && !strcmp(w[1], "off")) {
		r->target[rule][0] = '\0';
		return 0;
	}
	if (check_target(w[1], why, why_len) < 0)
		return -EINVAL;
	if (n == 3 && parse_seconds(w[2], &secs) < 0) {
		snprintf(why, why_len, "no-answer time: 1-%d seconds",
			 FORWARD_NOANSWER_MAX_S);
		return -EINVAL;
	}
	snprintf(r->target[rule], sizeof(r->target[rule]), "%s", w[1]);
	if (rule == FORWARD_NOANSWER)
		r->noanswer_s = secs;
	return 0;
}

int forward_set_dnd(struct forward_rules *r, const char *setting, char *why,
		    size_t why_len)
{
	char copy[FORWARD_TARGET_MAX + 64], *w[2];
	int n = -1;

	if (strlen(setting) < sizeof(copy)) {
		memcpy(copy, setting, strlen(setting) + 1);
		n = words(copy, w, 2);
	}
	if (n == 1 && !strcmp(w[0], "off")) {
		r->dnd = false;
		return 0;
	}
	if (n >= 1 && !strcmp(w[0], "on")) {
		if (n == 2 && check_target(w[1], why, why_len) < 0)
			return -EINVAL;
		r->dnd = true;
		snprintf(r->target[FORWARD_DND], sizeof(r->target[FORWARD_DND]),
			 "%s", n == 2 ? w[1] : "");
		return 0;
	}
	snprintf(why, why_len, "dnd on [URI] or dnd off");
	return -EINVAL;
}

static int load_line(struct forward_rules *r, char *line)
{
	char *eq = strchr(line, '='), *val, why[160];

	if (!eq)
		return -EINVAL;
	*eq = '\0';
	val = eq + 1;
	for (int i = 0; i < __FORWARD_RULE_COUNT; i++) {
		if (strcmp(line, rule_names[i]))
			continue;
		if (*val && check_target(val, why, sizeof(why)) < 0)
			return -EINVAL;
		snprintf(r->target[i], sizeof(r->target[i]), "%s", val);
		return 0;
	}
	if (!strcmp(line, "noanswer_s"))
		return parse_seconds(val, &r->noanswer_s);
	if (!strcmp(line, "dnd")) {
		if (strcmp(val, "on") && strcmp(val, "off"))
			return -EINVAL;
		r->dnd = !strcmp(val, "on");
		return 0;
	}
	return -EINVAL;
}

int forward_load(struct forward_rules *out, int dirfd)
{
	struct forward_rules r;
	char *buf = malloc(FILE_MAX + 1), *save = NULL;
	ssize_t n;
	int fd, ret = 0;

	forward_rules_init(out);
	if (!buf)
		return -ENOMEM;
	fd = openat(dirfd, FORWARD_FILE, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0) {
		ret = -errno;
		free(buf);
		return ret;
	}
	n = read(fd, buf, FILE_MAX + 1);
	ret = n < 0 ? -errno : n > FILE_MAX ? -EINVAL : 0;
	close(fd);
	forward_rules_init(&r);
	if (!ret && n >= 0 && n <= FILE_MAX) {
		buf[n] = '\0';
		if (strlen(buf) != (size_t)n)
			ret = -EINVAL;
		for (char *l = strtok_r(buf, "\n", &save); !ret && l;
		     l = strtok_r(NULL, "\n", &save))
			ret = load_line(&r, l);
	}
	free(buf);
	if (!ret)
		*out = r;
	return ret;
}

int forward_save(const struct forward_rules *r, int dirfd)
{
	char buf[FILE_MAX];
	size_t len = 0;

	for (int i = 0; i < __FORWARD_RULE_COUNT; i++)
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s=%s\n",
					rule_names[i], r->target[i]);
	len += (size_t)snprintf(buf + len, sizeof(buf) - len,
				"noanswer_s=%u\ndnd=%s\n", r->noanswer_s,
				r->dnd ? "on" : "off");
	if (len >= sizeof(buf))
		return -ENOSPC;
	return atomic_file_write(dirfd, FORWARD_FILE, buf, len, NULL);
}

static struct json_object *str_or_null(const char *s)
{
	return s[0] ? json_object_new_string(s) : NULL;
}

struct json_object *forward_status(const struct forward_rules *r)
{
	struct json_object *o = json_object_new_object();

	if (!o)
		return NULL;
	json_object_object_add(o, "always", str_or_null(r->target[FORWARD_ALWAYS]));
	json_object_object_add(o, "busy", str_or_null(r->target[FORWARD_BUSY]));
	json_object_object_add(o, "noanswer", str_or_null(r->target[FORWARD_NOANSWER]));
	json_object_object_add(o, "noanswer_s", json_object_new_int((int)r->noanswer_s));
	json_object_object_add(o, "dnd", json_object_new_boolean(r->dnd));
	json_object_object_add(o, "dnd_target", str_or_null(r->target[FORWARD_DND]));
	return o;
}
