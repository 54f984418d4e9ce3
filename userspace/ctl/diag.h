/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * `ucphonectl diag [--output FILE]`: the troubleshooting bundle, one
 * gzip-compressed tar archive (libarchive) holding, under one directory
 * ucphone-diag-<UTC time>/:
 *
 *   README.txt         what each member is
 *   version.txt        the software version (daemon, ucphonectl, module)
 *   uname.txt          the kernel and machine
 *   info.json          the daemon's info (drivers, counters)
 *   counters.json      the counters alone
 *   status.json        the daemon's status: lease, DNS, time, trust, SIP
 *   lease.json         the DHCP lease
 *   registrars.json    the registrar list and how it was found
 *   certificates.json  learned roots, the DC's chain, each registrar's
 *                      chain as its last handshake saw it (refused ones
 *                      with why): SHA-256, subject, issuer, validity
 *   daemon.log         the daemon's recent log lines
 *   kernel.log         the ucphone modules' kernel log lines
 *
 * Every JSON object from the daemon goes through ctl_redact() first: no
 * password, key or private key is in the bundle. The file appears whole
 * or not at all (written to a temporary name beside it, then renamed).
 */
#ifndef UCPHONECTL_DIAG_H
#define UCPHONECTL_DIAG_H

#include <json-c/json.h>

struct diag_args {
	const char *output;	/* NULL: $TMPDIR or /tmp, named by the time */
};

/*
 * Parses the options after "diag" (argv[0] is "diag"). 0, -1 when it
 * printed the help (nothing more to do), or prints why to stderr and
 * returns 2 (usage).
 */
int ctl_diag_parse(int argc, char **argv, struct diag_args *a);

/* What the daemon answered, each a result object (or NULL if none). */
struct diag_inputs {
	struct json_object *info;
	struct json_object *status;
	struct json_object *diag;
};

/*
 * Writes the bundle and prints its path. Redacts the inputs in place.
 * 0, or prints why to stderr and returns 1.
 */
int ctl_diag_write(const struct diag_args *a, struct diag_inputs *in);

#endif /* UCPHONECTL_DIAG_H */
