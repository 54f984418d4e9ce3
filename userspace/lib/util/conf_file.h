/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The phone's configuration file format: one "key = value" per line.
 *
 *   # comment (a line whose first non-blank character is '#')
 *   interface = eth0
 *   sip-domain = "corp.test"      quotes keep surrounding blanks
 *   set-clock = yes               a switch: yes/no, true/false, on/off, 1/0
 *
 * Keys are lower-case letters, digits and '-' (the daemon's long option
 * names). Blank lines are skipped. The parser is pure: it hands each pair to
 * a callback and stops at the first error, reporting the line number and a
 * reason; it never allocates and never reads past len. A file with a NUL
 * byte, a line over CONF_LINE_MAX or more than CONF_SIZE_MAX bytes is
 * refused whole, so a half-read file never configures anything.
 */
#ifndef UCPHONE_CONF_FILE_H
#define UCPHONE_CONF_FILE_H

#include <stdbool.h>
#include <stddef.h>

#define CONF_SIZE_MAX (64u * 1024u)
#define CONF_LINE_MAX 1024u
#define CONF_KEY_MAX 64u
#define CONF_REASON_MAX 160u

struct conf_error {
	unsigned int line;		/* 1-based; 0: the file as a whole */
	char reason[CONF_REASON_MAX];
};

/*
 * Called for each pair with NUL-terminated copies (valid during the call).
 * Return 0 to go on, or -EINVAL with a reason written to err->reason (the
 * parser fills in the line).
 */
typedef int (*conf_pair_fn)(const char *key, const char *value,
			    struct conf_error *err, void *userdata);

/* 0, or -EINVAL with err filled in (line and reason). */
int conf_parse(const char *text, size_t len, conf_pair_fn fn, void *userdata,
	       struct conf_error *err);

/* "yes/no", "true/false", "on/off", "1/0" (any case): 0, or -EINVAL. */
int conf_parse_bool(const char *value, bool *out);

#endif /* UCPHONE_CONF_FILE_H */
