/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * `ucphonectl signin --address A --user U (--password-stdin | --password-file F)`:
 * the password is never a command-line argument (every user could read it
 * in /proc), and goes to the daemon as its own message (control_proto.h).
 */
#ifndef UCPHONECTL_SIGNIN_H
#define UCPHONECTL_SIGNIN_H

#include "lib/control/control_proto.h"

struct signin_args {
	const char *address;
	const char *user;
	char password[CONTROL_SIGNIN_FIELD_MAX];	/* zeroed by ctl_signin_clear() */
	size_t password_len;
};

/*
 * Parses the options after "signin" (argv[0] is "signin") and reads the
 * password. 0, or prints why to stderr and returns 2 (usage) or 1 (the
 * password could not be read).
 */
int ctl_signin_parse(int argc, char **argv, struct signin_args *a);

/* Sends the request and the password message on fd. 0 or -errno. */
int ctl_signin_send(int fd, const struct signin_args *a);

void ctl_signin_clear(struct signin_args *a);

#endif /* UCPHONECTL_SIGNIN_H */
