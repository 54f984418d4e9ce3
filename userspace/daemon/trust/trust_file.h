/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The learned roots on disk: <state dir>/trust/roots.pem, each root as a
 * "# source: ldap dc1.corp.test" line and its PEM block (readable with
 * openssl tools), written atomically (tmp + fsync + rename + fsync of the
 * directory), mode 0600. A hard reset wipes the state directory, and the
 * roots with it (wipe.c).
 */
#ifndef UCPHONED_TRUST_FILE_H
#define UCPHONED_TRUST_FILE_H

#include <openssl/x509.h>

#include "lib/dhcp/dhcp_msg.h"
#include "lib/pki/ca_bundle.h"

#define TRUST_DIR "trust"
#define TRUST_FILE "roots.pem"
#define TRUST_SOURCE_MAX (DHCP_NAME_MAX + 16)

struct trust_root {
	X509 *cert;
	char source[TRUST_SOURCE_MAX];		/* "ldap dc1.corp.test" */
	char subject[CA_SUBJECT_LEN];
	char fingerprint[CA_FINGERPRINT_LEN];	/* SHA-256 */
};

/*
 * Fills out[] (at most max; the caller X509_free()s each cert) from the
 * file. Returns how many, 0 when there is no file, -EINVAL when it is
 * damaged or holds anything but roots, -EMSGSIZE when it is too big, or
 * -errno; on error out[] is untouched.
 */
int trust_file_load(int state_dir_fd, struct trust_root *out, unsigned int max);

/* Replaces the file with roots[0..n-1]. 0 or -errno (the old file stays). */
int trust_file_save(int state_dir_fd, const struct trust_root *roots,
		    unsigned int n);

/* Fills subject and fingerprint from cert. */
void trust_root_describe(struct trust_root *r);

#endif /* UCPHONED_TRUST_FILE_H */
