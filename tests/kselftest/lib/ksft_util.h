/* SPDX-License-Identifier: GPL-2.0 */
/* Small helpers every ucphone kernel test uses inside the VM. */
#ifndef UCPHONE_KSFT_UTIL_H
#define UCPHONE_KSFT_UTIL_H

#include <stdbool.h>

/* Runs a shell command; its exit status, or -1 if it did not exit. */
int ksft_sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Whether module @name (underscores, as in /sys/module) is loaded. */
bool ksft_module_loaded(const char *name);

#endif
