// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: one control-socket message, as a client sends it, into
 * the daemon's request parser. Whatever the input, the error text must be
 * fit to send back: short, printable, NUL-terminated.
 */
#include <stdint.h>
#include <string.h>

#include "lib/control/control_proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char error[CONTROL_ERROR_MAX];
	struct control_request req;
	size_t n;

	memset(error, 0x7f, sizeof(error));
	if (control_request_parse(data, size, &req, error) == 0) {
		if (!control_command_name(req.command))
			__builtin_trap();
		return 0;
	}

	n = strnlen(error, sizeof(error));
	if (n == 0 || n == sizeof(error))
		__builtin_trap();
	for (size_t i = 0; i < n; i++)
		if (error[i] < 0x20 || error[i] > 0x7e)
			__builtin_trap();
	return 0;
}
