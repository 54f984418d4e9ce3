/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The status "software" section as text: the running version, each root
 * slot (good, on trial, bad, failed; its version), a trial in progress,
 * a reboot waiting for an installed update, and a failed update.
 */
#ifndef UCPHONECTL_FORMAT_SOFTWARE_H
#define UCPHONECTL_FORMAT_SOFTWARE_H

#include <stdio.h>

#include <json-c/json.h>

void ctl_print_software(FILE *out, struct json_object *sw);

#endif
