/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The sign-in identity as text, one format for both places it lives: the
 * stored <state dir>/signin (written by `ucphonectl signin`) and the file
 * given with --signin-config. Lines "key=value" with the keys address,
 * user and password, each exactly once; blank lines and lines starting
 * with '#' are ignored; the value is everything after the first '=' up to
 * the end of the line (a trailing CR is dropped).
 *
 *   address=alice@corp.test
 *   user=CORP\alice
 *   password=Alice!Pass1
 *
 * Error texts name the line and the key, never a value: the password must
 * not reach a log through them.
 */
#ifndef UCPHONED_IDENTITY_FILE_H
#define UCPHONED_IDENTITY_FILE_H

#include <stddef.h>

/* The three values, as the file, the control socket and identity.h hold them. */
struct signin_identity {
	char address[256];	/* sign-in address "alice@corp.test" (SIP URI user part @ SIP domain) */
	char user[256];		/* "CORP\\alice" (Domain\User) or "alice"; used for Digest username and LDAP bind */
	char password[256];	/* NUL-terminated; secret: never logged, zeroed on free (lib/util/secret.h) */
};

#define IDENTITY_ERROR_MAX 160
/* Longest file accepted: three full lines and some comments. */
#define IDENTITY_FILE_MAX 4096

/*
 * Checks that an identity can be used: address "user@domain" (one '@',
 * both sides non-empty, no spaces), user and password non-empty, no
 * control characters, each shorter than its field. 0 or -EINVAL + error.
 */
int identity_check(const struct signin_identity *id,
		   char error[IDENTITY_ERROR_MAX]);

/*
 * Parses the text (len bytes, need not be NUL-terminated) into out, then
 * identity_check()s it. 0, or -EINVAL with error; out is zeroed on error.
 */
int identity_parse(const char *text, size_t len, struct signin_identity *out,
		   char error[IDENTITY_ERROR_MAX]);

/*
 * Writes the stored form into buf. Returns its length, or -ENOSPC. The
 * caller zeroes buf (it holds the password).
 */
int identity_format(const struct signin_identity *id, char *buf, size_t size);

#endif /* UCPHONED_IDENTITY_FILE_H */
