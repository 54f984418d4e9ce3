/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Short lowercase names for the UAPI's enum values, as they appear in logs,
 * in control-socket JSON and in ucphonectl's output. Each returns NULL for
 * a value it does not know; the decoders never let one through.
 */
#ifndef UCPHONE_NAMES_H
#define UCPHONE_NAMES_H

#include <stdint.h>

const char *ucphone_driver_kind_name(uint32_t kind);
const char *ucphone_event_type_name(uint32_t type);
const char *ucphone_hook_state_name(uint32_t state);
const char *ucphone_reset_kind_name(uint32_t kind);
const char *ucphone_audio_route_name(uint32_t route);

#endif /* UCPHONE_NAMES_H */
