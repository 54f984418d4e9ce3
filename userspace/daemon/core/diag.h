/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The `diag` command: what the troubleshooting bundle (`ucphonectl diag`)
 * needs from the daemon beyond info and status:
 *
 *   {"version":"0.1.0.0",
 *    "log":{"total":N,"omitted":M,"lines":["<time> level=...",...]},
 *    "certificates":{"learned_roots":[...],"dc":{...},"registrars":[...]}}
 *
 * The log lines are the newest of the ring (core/log.h), oldest first, as
 * many as fit in one control message; omitted counts the kept lines left
 * out for room. Certificates are public ones only (trust/cert_info.h).
 */
#ifndef UCPHONED_DIAG_H
#define UCPHONED_DIAG_H

#include <json-c/json.h>

#include "core/daemon.h"

/* The result object of a `diag` reply; NULL when out of memory. */
struct json_object *diag_build(struct ucphoned *d);

#endif /* UCPHONED_DIAG_H */
