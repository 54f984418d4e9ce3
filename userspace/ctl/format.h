/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ucphonectl's human-readable output. The JSON comes from the daemon and
 * is not trusted to have the expected shape: missing or mistyped fields
 * print as "?", and control characters never reach the terminal.
 */
#ifndef UCPHONECTL_FORMAT_H
#define UCPHONECTL_FORMAT_H

#include <stdio.h>

#include <json-c/json.h>

/* The result of `info` as a short summary. */
void ctl_print_info(FILE *out, struct json_object *result);

/* The result of `status`: lease, DNS, registrars, time. */
void ctl_print_status(FILE *out, struct json_object *result);
/* The "identity" object of status (also the signin/signout result). */
void ctl_print_identity(FILE *out, struct json_object *identity);

/* One event as one line. */
void ctl_print_event(FILE *out, struct json_object *event);

#endif /* UCPHONECTL_FORMAT_H */
