/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ucphoned's settings: built-in defaults, then /etc/ucphone/ucphoned.conf
 * (or --config FILE), then the command line, each overriding the one
 * before. Every long option is also a configuration key of the same name
 * (ucphoned.conf(5)); a switch takes yes/no in the file. A bad key or value
 * is an error naming file:line, and the daemon does not start on it.
 *
 * Reload (SIGHUP or `ucphonectl reload`) reads the file again with the same
 * command line. A file that does not parse changes nothing. Settings the
 * running daemon reads at each use (log level, reset button, clock
 * stepping, the NTP wait, DHCPRELEASE at exit) apply at once; the others
 * are reported as needing a restart and keep their running value.
 */
#ifndef UCPHONED_OPTIONS_H
#define UCPHONED_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>

#include "core/daemon.h"

#define OPTIONS_DEFAULT_CONFIG "/etc/ucphone/ucphoned.conf"
#define OPTIONS_ERROR_MAX 512

enum options_result {
	OPTIONS_RUN = -1,	/* go on and run the daemon */
	OPTIONS_EXIT_OK = 0,	/* --help or --version printed */
	OPTIONS_EXIT_USAGE = 2,	/* bad option, key or value: message printed */
};

/* Fills opt from defaults, the file and argv (kept: reload reads them). */
enum options_result options_parse(int argc, char **argv,
				  struct ucphoned_options *opt);

/* Frees the strings the file gave. */
void options_release(struct ucphoned_options *opt);

struct options_reload_result {
	unsigned int applied;		/* settings changed in place */
	unsigned int restart;		/* changed, kept until a restart */
	char applied_keys[OPTIONS_ERROR_MAX];	/* space-separated */
	char restart_keys[OPTIONS_ERROR_MAX];
	char error[OPTIONS_ERROR_MAX];	/* "" unless the reload failed */
};

/*
 * Reads the file again with the original argv. 0 (result says what
 * changed), or -EINVAL with result->error set and cur untouched.
 */
int options_reload(struct ucphoned_options *cur,
		   struct options_reload_result *result);

#endif /* UCPHONED_OPTIONS_H */
