// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "core/log.h"

/* A value longer than this is cut, inside its quotes, with "...". */
#define LOG_VALUE_MAX 256
/* Room kept at the end of every line for the truncation marker. */
#define LOG_TRUNCATED " truncated=true"

/* How a value is written. */
enum value_style {
	VALUE_RAW,	/* numbers and keywords we produce ourselves */
	VALUE_AUTO,	/* bare if safe, else quoted and escaped */
	VALUE_QUOTED,	/* always quoted (the message) */
};

struct log_ring {
	char lines[LOG_RING_LINES][LOG_RING_LINE_MAX];
	unsigned int next;		/* the slot the next line goes to */
	unsigned int count;
	unsigned long long total;
};

struct line {
	char *buf;
	size_t len;
	size_t cap;		/* usable bytes, marker and NUL excluded */
	bool truncated;
};

static const char *const level_names[] = {
	[LOG_LEVEL_ERROR] = "error",
	[LOG_LEVEL_WARNING] = "warning",
	[LOG_LEVEL_INFO] = "info",
	[LOG_LEVEL_DEBUG] = "debug",
};

static const int syslog_priorities[] = {
	[LOG_LEVEL_ERROR] = LOG_ERR,
	[LOG_LEVEL_WARNING] = LOG_WARNING,
	[LOG_LEVEL_INFO] = LOG_INFO,
	[LOG_LEVEL_DEBUG] = LOG_DEBUG,
};

void log_init(struct log *log, const char *ident, enum log_level max_level,
	      bool use_syslog)
{
	log->ident = ident;
	log->max_level = max_level;
	log->use_syslog = use_syslog;
	log->ring = NULL;
	if (use_syslog)
		openlog(ident, LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

void log_close(struct log *log)
{
	if (log->use_syslog)
		closelog();
	log->use_syslog = false;
	free(log->ring);
	log->ring = NULL;
}

int log_ring_enable(struct log *log)
{
	if (log->ring)
		return 0;
	log->ring = calloc(1, sizeof(*log->ring));
	return log->ring ? 0 : -ENOMEM;
}

unsigned int log_ring_count(const struct log *log)
{
	return log->ring ? log->ring->count : 0;
}

unsigned long long log_ring_total(const struct log *log)
{
	return log->ring ? log->ring->total : 0;
}

const char *log_ring_line(const struct log *log, unsigned int age)
{
	const struct log_ring *r = log->ring;

	if (!r || age >= r->count)
		return NULL;
	return r->lines[(r->next + LOG_RING_LINES - 1 - age) % LOG_RING_LINES];
}

/* The line with its UTC time in front, over the oldest kept line. */
static void ring_add(struct log_ring *r, const char *line, size_t len)
{
	char *slot = r->lines[r->next];
	struct timespec ts;
	struct tm tm;
	size_t n = 0;

	clock_gettime(CLOCK_REALTIME, &ts);
	if (gmtime_r(&ts.tv_sec, &tm))
		n = strftime(slot, LOG_RING_LINE_MAX, "%Y-%m-%dT%H:%M:%S", &tm);
	n += (size_t)snprintf(slot + n, LOG_RING_LINE_MAX - n, ".%03ldZ ",
			      ts.tv_nsec / 1000000L);
	snprintf(slot + n, LOG_RING_LINE_MAX - n, "%.*s", (int)len, line);
	r->next = (r->next + 1) % LOG_RING_LINES;
	if (r->count < LOG_RING_LINES)
		r->count++;
	r->total++;
}

bool log_enabled(const struct log *log, enum log_level level)
{
	return level <= log->max_level;
}

/* A value printed bare must not look like a separator or a quote. */
static bool bare_char(unsigned char c)
{
	return c > 0x20 && c < 0x7f && c != '"' && c != '=' && c != '\\';
}

static bool needs_quotes(const char *s)
{
	if (*s == '\0')
		return true;
	for (; *s; s++)
		if (!bare_char((unsigned char)*s))
			return true;
	return false;
}

/* Writes s, quoted and escaped if needed, into out (LOG_VALUE_MAX + 8). */
static size_t format_value(char *out, const char *s, bool quote)
{
	size_t n = 0;

	if (!quote) {
		n = strnlen(s, LOG_VALUE_MAX);
		memcpy(out, s, n);
		if (s[n] != '\0') {
			memcpy(out + n, "...", 3);
			n += 3;
		}
		return n;
	}

	out[n++] = '"';
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (n >= LOG_VALUE_MAX) {
			memcpy(out + n, "...", 3);
			n += 3;
			break;
		}
		if (c == '"' || c == '\\') {
			out[n++] = '\\';
			out[n++] = (char)c;
		} else if (c == '\n') {
			out[n++] = '\\';
			out[n++] = 'n';
		} else if (c == '\t') {
			out[n++] = '\\';
			out[n++] = 't';
		} else if (c < 0x20 || c >= 0x7f) {
			n += (size_t)snprintf(out + n, 5, "\\x%02x", c);
		} else {
			out[n++] = (char)c;
		}
	}
	out[n++] = '"';
	return n;
}

/* Adds " key=value" whole, or marks the line truncated. */
static void add_field(struct line *l, const char *key, const char *value,
		      enum value_style style)
{
	char formatted[LOG_VALUE_MAX + 8];
	size_t klen = strlen(key);
	size_t vlen;

	if (l->truncated)
		return;
	switch (style) {
	case VALUE_RAW:
		vlen = strnlen(value, LOG_VALUE_MAX);
		memcpy(formatted, value, vlen);
		break;
	case VALUE_AUTO:
		vlen = format_value(formatted, value, needs_quotes(value));
		break;
	case VALUE_QUOTED:
	default:
		vlen = format_value(formatted, value, true);
		break;
	}

	if (l->len + 2 + klen + vlen > l->cap) {
		l->truncated = true;
		return;
	}
	if (l->len)
		l->buf[l->len++] = ' ';
	memcpy(l->buf + l->len, key, klen);
	l->len += klen;
	l->buf[l->len++] = '=';
	memcpy(l->buf + l->len, formatted, vlen);
	l->len += vlen;
}

size_t log_format(char buf[LOG_LINE_MAX], enum log_level level,
		  const char *subsys, const char *msg,
		  const struct log_field *fields)
{
	struct line l = {
		.buf = buf,
		.cap = LOG_LINE_MAX - sizeof(LOG_TRUNCATED),
	};
	char number[32];

	add_field(&l, "level", level_names[level], VALUE_RAW);
	add_field(&l, "subsys", subsys, VALUE_AUTO);
	add_field(&l, "msg", msg, VALUE_QUOTED);

	for (const struct log_field *f = fields; f->kind != LOG_FIELD_END;
	     f++) {
		switch (f->kind) {
		case LOG_FIELD_STR:
			add_field(&l, f->key, f->str ? f->str : "(null)",
				  VALUE_AUTO);
			break;
		case LOG_FIELD_INT:
			snprintf(number, sizeof(number), "%lld", f->i);
			add_field(&l, f->key, number, VALUE_RAW);
			break;
		case LOG_FIELD_UINT:
			snprintf(number, sizeof(number), "%llu", f->u);
			add_field(&l, f->key, number, VALUE_RAW);
			break;
		case LOG_FIELD_BOOL:
			add_field(&l, f->key, f->b ? "true" : "false",
				  VALUE_RAW);
			break;
		case LOG_FIELD_ERRNO:
			add_field(&l, f->key,
				  strerror(f->err < 0 ? -f->err : f->err),
				  VALUE_AUTO);
			break;
		case LOG_FIELD_END:
			break;
		}
	}

	if (l.truncated) {
		memcpy(l.buf + l.len, LOG_TRUNCATED, sizeof(LOG_TRUNCATED) - 1);
		l.len += sizeof(LOG_TRUNCATED) - 1;
	}
	l.buf[l.len] = '\0';
	return l.len;
}

void log_write(const struct log *log, enum log_level level,
	       const char *subsys, const char *msg,
	       const struct log_field *fields)
{
	bool keep = log->ring && level <= LOG_LEVEL_INFO;
	bool print = log_enabled(log, level);
	char line[LOG_LINE_MAX];
	char out[LOG_LINE_MAX + 64];
	int saved_errno = errno;
	size_t len;
	int n;

	if (!print && !keep)
		return;

	len = log_format(line, level, subsys, msg, fields);
	if (keep)
		ring_add(log->ring, line, len);
	if (!print) {
		/* kept for the bundle only */
	} else if (log->use_syslog) {
		syslog(syslog_priorities[level], "%s", line);
	} else {
		/* One write per line: lines from two writers never mix. */
		n = snprintf(out, sizeof(out), "%s: %.*s\n", log->ident,
			     (int)len, line);
		if (n > 0) {
			ssize_t ignored = write(STDERR_FILENO, out,
						(size_t)n < sizeof(out) ?
						(size_t)n : sizeof(out) - 1);
			(void)ignored;
		}
	}
	errno = saved_errno;
}
