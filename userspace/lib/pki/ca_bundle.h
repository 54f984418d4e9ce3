/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Root certificates as the phone receives them from the network: the
 * cACertificate attribute of an Active Directory certificationAuthority
 * object (one DER certificate) and the body of a certsrv certnew.p7b
 * answer (a PKCS#7 certs-only bundle, base64 with or without PEM armour,
 * with Windows CRLF line ends, or plain DER). Only self-signed CA
 * certificates whose signature verifies with their own key are taken as
 * roots; intermediates and leaves that travel with them are dropped.
 * Also the PEM form of a root list, used to persist learned roots.
 * Every function takes hostile bytes and never reads past len.
 */
#ifndef UCPHONE_CA_BUNDLE_H
#define UCPHONE_CA_BUNDLE_H

#include <stdbool.h>
#include <stddef.h>

#include <openssl/x509.h>

/* Largest body or attribute accepted: real chains are a few KiB. */
#define CA_INPUT_MAX (256 * 1024)
/* "AB:CD:..." for SHA-256: 32 bytes * 3 characters. */
#define CA_FINGERPRINT_LEN 96
#define CA_SUBJECT_LEN 256

/*
 * True when cert is a root: subject equals issuer, the signature
 * verifies with its own public key and it is a CA (basicConstraints
 * cA=TRUE, or an X.509v1 self-signed certificate, which OpenSSL treats
 * as a CA too).
 */
bool ca_is_root(X509 *cert);

/*
 * Appends to roots every root found in a certsrv certnew.p7b body.
 * Returns the number added (0 when the bundle holds no root), or
 * -EINVAL when the body is neither base64/PEM nor DER PKCS#7 (nor a
 * single certificate), -EMSGSIZE when it is over CA_INPUT_MAX.
 * Roots already in the stack (same SHA-256) are not added twice.
 */
int ca_parse_certsrv(const void *body, size_t len, STACK_OF(X509) *roots);

/*
 * One cACertificate value (DER; some servers hand out base64 or PEM
 * text instead, accepted too). Appends the root and returns 1, returns 0
 * for a valid certificate that is not a root, -EINVAL for garbage.
 */
int ca_parse_ldap_value(const void *value, size_t len, STACK_OF(X509) *roots);

/* PEM text of certs, one after the other; NULL on allocation failure. */
char *ca_roots_to_pem(STACK_OF(X509) *certs, size_t *len);

/*
 * Parses a PEM file written by ca_roots_to_pem(): appends the roots.
 * -EINVAL when any block is not a certificate or not a root: a damaged
 * file is refused whole rather than half-believed.
 */
int ca_roots_from_pem(const void *pem, size_t len, STACK_OF(X509) *roots);

/* SHA-256 of the DER certificate as "AB:CD:..." (upper-case hex). */
void ca_fingerprint(X509 *cert, char out[CA_FINGERPRINT_LEN]);
/* The subject in RFC 2253 form ("CN=corp-DC1-CA,DC=corp,DC=test"). */
void ca_subject(X509 *cert, char out[CA_SUBJECT_LEN]);

/* True when a certificate with cert's SHA-256 is already in certs. */
bool ca_contains(STACK_OF(X509) *certs, X509 *cert);

#endif /* UCPHONE_CA_BUNDLE_H */
