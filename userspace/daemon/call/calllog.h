/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The call log: every placed, received and missed call, newest last, at
 * most CALLLOG_MAX (the oldest goes first). Each entry: when it started
 * (wall clock), how long it was connected, the far end (display name and
 * URI) and how it ended. A count of missed calls not yet looked at feeds
 * the screen's missed-call indicator; looking at the log (`calllog`)
 * clears it.
 *
 * The log is the file "calllog.json" of the state directory, rewritten
 * whole through atomic_file_write after every call: a power cut or a
 * kill at any instant leaves the previous log or the new one, so it
 * survives restarts and soft resets, and a hard reset wipes it. A file
 * that does not parse (written by something else) is set aside as
 * "calllog.json.bad" and the log starts empty.
 */
#ifndef UCPHONED_CALL_CALLLOG_H
#define UCPHONED_CALL_CALLLOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#define CALLLOG_FILE "calllog.json"
#define CALLLOG_MAX 500
/* Largest file read back: 500 entries of the longest fields fit. */
#define CALLLOG_FILE_MAX (1024 * 1024)

enum calllog_kind {
	CALLLOG_PLACED,
	CALLLOG_RECEIVED,
	CALLLOG_MISSED,
};

struct calllog_entry {
	int64_t start;			/* seconds since the epoch */
	uint32_t duration_s;		/* connected time; 0 if never */
	enum calllog_kind kind;
	char name[128];			/* display name, may be "" */
	char uri[256];
	char outcome[96];		/* "answered", "busy (486 Busy Here)"... */
};

struct calllog;

/*
 * Loads dirfd/CALLLOG_FILE (a missing file: an empty log). 0, or -errno
 * when the file could not be read or parsed: the log then starts empty
 * and *out is set all the same (-ENOMEM before that: *out untouched).
 */
int calllog_new(int dirfd, struct calllog **out);
void calllog_free(struct calllog *log);

/* Appends (and counts a missed call), then saves: 0 or the save's -errno. */
int calllog_add(struct calllog *log, const struct calllog_entry *e);
size_t calllog_count(const struct calllog *log);
/* i = 0 is the oldest. */
const struct calllog_entry *calllog_get(const struct calllog *log, size_t i);
/* The newest placed call (the redial key's target), or NULL. */
const struct calllog_entry *calllog_last_placed(const struct calllog *log);
unsigned int calllog_missed(const struct calllog *log);
/* The user looked at the log: the missed count goes to 0 (saved). */
int calllog_seen(struct calllog *log);

struct call_record;
/*
 * A call the call manager reports, as a log entry; wall_end_s is the wall
 * clock when it ended (its monotonic times give the start and duration).
 */
void calllog_entry_from_call(struct calllog_entry *e,
			     const struct call_record *r, int64_t wall_end_s);

const char *calllog_kind_name(enum calllog_kind kind);
/* {"start":..., "duration_s":..., "kind":..., "name":..., "uri":..., "outcome":...} */
struct json_object *calllog_entry_json(const struct calllog_entry *e);
/* {"missed":N,"calls":[{...}, newest first]} */
struct json_object *calllog_json(const struct calllog *log);

#endif /* UCPHONED_CALL_CALLLOG_H */
