/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The control socket's call commands: dial, answer, hangup, calls, dtmf,
 * press, forward, dnd, mute, volume, calllog. Returns the result object, or NULL with the reason in error.
 */
#ifndef UCPHONED_CALL_CONTROL_H
#define UCPHONED_CALL_CONTROL_H

#include <json-c/json.h>

#include "lib/control/control_proto.h"
#include "core/daemon.h"

struct json_object *call_control(struct ucphoned *d,
				 const struct control_request *req,
				 char error[CONTROL_ERROR_MAX]);

#endif /* UCPHONED_CALL_CONTROL_H */
