// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/klog.h>
#include <unistd.h>

#include "ctl/kmsg.h"

#define SYSLOG_ACTION_READ_ALL 3
#define SYSLOG_ACTION_SIZE_BUFFER 10
/* A /dev/kmsg record is at most this long (the kernel's own limit). */
#define KMSG_RECORD_MAX 8192

struct text {
	char *buf;
	size_t len, cap;
};

/* Appends a line; past KMSG_KEEP_MAX the oldest lines make room. */
static int add_line(struct text *t, const char *line, size_t n)
{
	size_t need = n + 1;
	char *nl;

	if (need > KMSG_KEEP_MAX)
		return 0;
	while (t->len + need > KMSG_KEEP_MAX) {
		nl = memchr(t->buf, '\n', t->len);
		if (!nl)
			break;
		t->len -= (size_t)(nl + 1 - t->buf);
		memmove(t->buf, nl + 1, t->len);
	}
	if (t->len + need > t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 16384;
		char *b;

		while (cap < t->len + need)
			cap *= 2;
		b = realloc(t->buf, cap);
		if (!b)
			return -ENOMEM;
		t->buf = b;
		t->cap = cap;
	}
	memcpy(t->buf + t->len, line, n);
	t->buf[t->len + n] = '\n';
	t->len += need;
	return 0;
}

/*
 * One /dev/kmsg record, "prio,seq,usec,flags;text\n KEY=v\n...": the text
 * with its time when it matches. Non-printable bytes arrive escaped (\x..)
 * from the kernel already.
 */
static int add_record(struct text *t, const char *match, char *rec, size_t n)
{
	char line[KMSG_RECORD_MAX + 32], *text, *end;
	unsigned long long usec = 0;
	int len;

	rec[n] = '\0';
	text = strchr(rec, ';');
	if (!text)
		return 0;
	*text++ = '\0';
	end = strchr(text, '\n');
	if (end)
		*end = '\0';
	if (!strstr(text, match))
		return 0;
	sscanf(rec, "%*u,%*u,%llu", &usec);
	len = snprintf(line, sizeof(line), "[%5llu.%06llu] %s", usec / 1000000,
		       usec % 1000000, text);
	if (len < 0)
		return 0;
	return add_line(t, line, (size_t)len < sizeof(line) ?
			(size_t)len : sizeof(line) - 1);
}

static int read_kmsg(struct text *t, const char *match)
{
	char *rec = malloc(KMSG_RECORD_MAX + 1);
	int fd, ret = 0;
	ssize_t n;

	if (!rec)
		return -ENOMEM;
	fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		free(rec);
		return ret;
	}
	for (;;) {
		n = read(fd, rec, KMSG_RECORD_MAX);
		if (n < 0 && errno == EPIPE)
			continue;	/* overwritten while we read: go on */
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			break;		/* read it all */
		if (n < 0) {
			ret = -errno;
			break;
		}
		if (n == 0)
			break;
		ret = add_record(t, match, rec, (size_t)n);
		if (ret < 0)
			break;
	}
	close(fd);
	free(rec);
	return ret;
}

/* The older interface: "<prio>[ time] text" lines in one buffer. */
static int read_klogctl(struct text *t, const char *match)
{
	int size = klogctl(SYSLOG_ACTION_SIZE_BUFFER, NULL, 0), n, ret = 0;
	char *buf, *line, *save = NULL;

	if (size <= 0)
		return size < 0 ? -errno : -ENODATA;
	buf = malloc((size_t)size + 1);
	if (!buf)
		return -ENOMEM;
	n = klogctl(SYSLOG_ACTION_READ_ALL, buf, size);
	if (n < 0) {
		ret = -errno;
		free(buf);
		return ret;
	}
	buf[n] = '\0';
	for (line = strtok_r(buf, "\n", &save); line && ret == 0;
	     line = strtok_r(NULL, "\n", &save)) {
		if (line[0] == '<' && strchr(line, '>'))
			line = strchr(line, '>') + 1;
		if (strstr(line, match))
			ret = add_line(t, line, strlen(line));
	}
	free(buf);
	return ret;
}

int ctl_kmsg_read(const char *match, char **out, size_t *len)
{
	struct text t = { 0 };
	int ret = read_kmsg(&t, match);

	if (ret < 0 && ret != -ENOMEM) {
		t.len = 0;
		ret = read_klogctl(&t, match);
	}
	if (ret < 0) {
		free(t.buf);
		*out = NULL;
		*len = 0;
		return ret;
	}
	*out = t.buf;
	*len = t.len;
	return 0;
}
