/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The public CA bundle (PEM, like Debian's ca-certificates.crt) as an
 * X509_LOOKUP of the trust store, read on demand: nothing is parsed at
 * start. When a verification finds no issuer for a name in the store
 * (the learned roots and what earlier look-ups brought), the bundle is
 * read through once for that subject; the certificates with it join the
 * store, and only those stay in memory.
 */
#ifndef UCPHONED_PUBLIC_ROOTS_H
#define UCPHONED_PUBLIC_ROOTS_H

#include <openssl/x509.h>

/* Certificates in the bundle (PEM blocks counted, none parsed); -errno. */
int public_roots_count(const char *path);
/* Adds the on-demand look-up of path to store; 0 or -ENOMEM. */
int public_roots_attach(X509_STORE *store, const char *path);

#endif /* UCPHONED_PUBLIC_ROOTS_H */
