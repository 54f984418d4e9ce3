/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The Exchange data kept across restarts: <state>/exchange.json, written
 * whole or not at all (temporary file, fsync, rename, directory fsync), so
 * a power cut leaves the old copy or the new one, never half of one. The
 * factory wipe of the state directory removes it with everything else.
 */
#ifndef UCPHONED_EXCHANGE_CACHE_FILE_H
#define UCPHONED_EXCHANGE_CACHE_FILE_H

#include <json-c/json.h>

#define EXCHANGE_CACHE_FILE "exchange.json"
/* A bigger file is not ours: it is not read. */
#define EXCHANGE_CACHE_MAX (16 * 1024 * 1024)

/* 0 or -errno; the old file stays when writing fails. */
int exchange_cache_write(int dir_fd, struct json_object *data);
/* The stored object (new reference), or NULL when absent or unusable. */
struct json_object *exchange_cache_read(int dir_fd);
/* 0, also when there was none. */
int exchange_cache_remove(int dir_fd);

#endif /* UCPHONED_EXCHANGE_CACHE_FILE_H */
