// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: one message from the daemon, as ucphonectl receives
 * it, through the reply and event parsers and the human-readable printers
 * (a daemon impostor on the socket path controls every byte).
 */
#include <stdint.h>
#include <stdio.h>

#include "ctl/format.h"
#include "lib/control/control_proto.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static FILE *devnull;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	devnull = fopen("/dev/null", "w");
	return devnull ? 0 : -1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char error[CONTROL_ERROR_MAX];
	struct control_reply reply;
	struct json_object *event;

	if (control_reply_parse(data, size, &reply, error) == 0) {
		if (reply.ok) {
			ctl_print_info(devnull, reply.result);
			ctl_print_status(devnull, reply.result);
		}
		else if (!reply.error)
			__builtin_trap();
		control_reply_release(&reply);
	}
	if (control_event_parse(data, size, &event, error) == 0) {
		ctl_print_event(devnull, event);
		json_object_put(event);
	}
	return 0;
}
