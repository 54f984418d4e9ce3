/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Structured logging: one line per call, to stderr or syslog,
 *
 *   ucphoned: level=info subsys=kernel msg="ucphone family found" uapi=1
 *
 * The message is fixed text; what varies goes in typed fields, so lines
 * stay greppable and machine-readable. Fields take NUL-terminated char
 * strings, integers and booleans, and nothing else: there is no way to
 * print a raw buffer, and a struct secret's unsigned char bytes do not
 * compile as a string field (see lib/util/secret.h). String values are quoted
 * and escaped when needed, so no value can forge a field or a line.
 */
#ifndef UCPHONED_LOG_H
#define UCPHONED_LOG_H

#include <stdbool.h>
#include <stddef.h>

enum log_level {
	LOG_LEVEL_ERROR,
	LOG_LEVEL_WARNING,
	LOG_LEVEL_INFO,
	LOG_LEVEL_DEBUG,
};

struct log_ring;

struct log {
	const char *ident;		/* "ucphoned" */
	enum log_level max_level;	/* lines above it are dropped */
	bool use_syslog;
	struct log_ring *ring;		/* the recent lines, or NULL */
};

enum log_field_kind {
	LOG_FIELD_END,
	LOG_FIELD_STR,
	LOG_FIELD_INT,
	LOG_FIELD_UINT,
	LOG_FIELD_BOOL,
	LOG_FIELD_ERRNO,
};

struct log_field {
	enum log_field_kind kind;
	const char *key;
	union {
		const char *str;
		long long i;
		unsigned long long u;
		bool b;
		int err;
	};
};

/* Only char strings: unsigned char (secret bytes) is a compile error. */
#define LOG_STRING_ONLY(v) _Generic((v), char *: (v), const char *: (v))

#define LOG_STR(k, v) \
	((struct log_field){ .kind = LOG_FIELD_STR, .key = (k), \
			     .str = LOG_STRING_ONLY(v) })
#define LOG_INT(k, v) \
	((struct log_field){ .kind = LOG_FIELD_INT, .key = (k), \
			     .i = (long long)(v) })
#define LOG_UINT(k, v) \
	((struct log_field){ .kind = LOG_FIELD_UINT, .key = (k), \
			     .u = (unsigned long long)(v) })
#define LOG_BOOL(k, v) \
	((struct log_field){ .kind = LOG_FIELD_BOOL, .key = (k), .b = (v) })
/* error="No such file or directory"; takes errno or -errno. */
#define LOG_ERRNO(e) \
	((struct log_field){ .kind = LOG_FIELD_ERRNO, .key = "error", \
			     .err = (e) })
#define LOG_END ((struct log_field){ .kind = LOG_FIELD_END })

void log_init(struct log *log, const char *ident, enum log_level max_level,
	      bool use_syslog);
void log_close(struct log *log);

bool log_enabled(const struct log *log, enum log_level level);

void log_write(const struct log *log, enum log_level level,
	       const char *subsys, const char *msg,
	       const struct log_field *fields);

/* Longest line, with its NUL; longer ones end in " truncated=true". */
#define LOG_LINE_MAX 1024

/*
 * The line log_write() would print, without the "ident: " prefix or a
 * newline. Returns its length.
 */
size_t log_format(char buf[LOG_LINE_MAX], enum log_level level,
		  const char *subsys, const char *msg,
		  const struct log_field *fields);

/*
 * The recent lines kept in memory for the troubleshooting bundle
 * (`ucphonectl diag`): the last LOG_RING_LINES lines up to info level,
 * whatever max_level says, each with its UTC time in front:
 *
 *   2026-12-06T14:50:00.123Z level=info subsys=main msg="started" ...
 *
 * They hold what the log lines hold and nothing more: a secret cannot
 * reach a log line, so it cannot reach the ring.
 */
#define LOG_RING_LINES 256
/* A kept line: the timestamp, a space and the line. */
#define LOG_RING_LINE_MAX (LOG_LINE_MAX + 32)

/* Starts keeping lines. 0 or -ENOMEM (the log works without a ring). */
int log_ring_enable(struct log *log);
/* How many lines are kept (at most LOG_RING_LINES). */
unsigned int log_ring_count(const struct log *log);
/* The kept line age lines before the newest (0: the newest), or NULL. */
const char *log_ring_line(const struct log *log, unsigned int age);
/* Lines that went by since the start (kept or since pushed out). */
unsigned long long log_ring_total(const struct log *log);

#define LOG_FIELDS(...) \
	((const struct log_field[]){ __VA_ARGS__ __VA_OPT__(,) LOG_END })

#define log_error(log, subsys, msg, ...) \
	log_write(log, LOG_LEVEL_ERROR, subsys, msg, LOG_FIELDS(__VA_ARGS__))
#define log_warning(log, subsys, msg, ...) \
	log_write(log, LOG_LEVEL_WARNING, subsys, msg, LOG_FIELDS(__VA_ARGS__))
#define log_info(log, subsys, msg, ...) \
	log_write(log, LOG_LEVEL_INFO, subsys, msg, LOG_FIELDS(__VA_ARGS__))
#define log_debug(log, subsys, msg, ...) \
	log_write(log, LOG_LEVEL_DEBUG, subsys, msg, LOG_FIELDS(__VA_ARGS__))

#endif /* UCPHONED_LOG_H */
