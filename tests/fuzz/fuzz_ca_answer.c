// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: the answer the root CA helper writes to the daemon
 * (lib/pki/ca_answer.c). Whatever the parser accepts must hold: every
 * root a self-signed CA, a status that matches the flags, strings that
 * end inside their arrays; a refused answer keeps nothing.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "lib/pki/ca_answer.h"
#include "lib/pki/ca_bundle.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ca_answer a;
	int ret, i;

	if (ca_answer_init(&a) < 0)
		return 0;
	ret = ca_answer_parse((const char *)data, size, &a);
	if (ret == -EINVAL) {
		if (sk_X509_num(a.roots) || a.dc_cert || a.dc_chain || a.error[0])
			__builtin_trap();
	} else if (ret == 0 || ret == -ENODATA) {
		for (i = 0; i < sk_X509_num(a.roots); i++)
			if (!ca_is_root(sk_X509_value(a.roots, i)))
				__builtin_trap();
		if (sk_X509_num(a.roots) > CA_ANSWER_ROOTS_MAX)
			__builtin_trap();
		if (a.error[0] ? a.status >= 0 : a.status != 0)
			__builtin_trap();
		if (a.bind_refused && a.status != -EACCES)
			__builtin_trap();
		if (memchr(a.error, '\0', sizeof(a.error)) == NULL ||
		    memchr(a.how, '\0', sizeof(a.how)) == NULL ||
		    memchr(a.enrollment_host, '\0', sizeof(a.enrollment_host)) == NULL ||
		    memchr(a.error, '\n', strlen(a.error)))
			__builtin_trap();
	} else {
		__builtin_trap();
	}
	ca_answer_clear(&a);
	return 0;
}
