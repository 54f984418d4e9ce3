/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What a certificate is, for the troubleshooting bundle and nothing else:
 * SHA-256 fingerprint, subject, issuer, serial and validity, as JSON. Only
 * the public certificate is read; a private key has no way in here.
 */
#ifndef UCPHONED_CERT_INFO_H
#define UCPHONED_CERT_INFO_H

#include <json-c/json.h>
#include <openssl/x509.h>

/*
 * {"sha256":"AB:CD:...","subject":"CN=...","issuer":"CN=...",
 *  "serial":"0A1B...","not_before":"2026-01-01T00:00:00Z",
 *  "not_after":"...","self_signed":false}; NULL when out of memory.
 */
struct json_object *cert_info_json(X509 *cert);

/* The chain as an array of cert_info_json(), leaf first. */
struct json_object *cert_chain_json(STACK_OF(X509) *chain);

#endif /* UCPHONED_CERT_INFO_H */
