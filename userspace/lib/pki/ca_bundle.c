// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/pkcs7.h>
#include <openssl/x509v3.h>

#include "lib/pki/ca_bundle.h"

bool ca_is_root(X509 *cert)
{
	EVP_PKEY *key;
	int ca;
	bool ok;

	if (X509_NAME_cmp(X509_get_subject_name(cert),
			  X509_get_issuer_name(cert)))
		return false;
	/* 1: basicConstraints cA=TRUE; 3: self-signed X.509v1. */
	ca = X509_check_ca(cert);
	if (ca != 1 && ca != 3)
		return false;
	key = X509_get0_pubkey(cert);
	ok = key && X509_verify(cert, key) == 1;
	ERR_clear_error();
	return ok;
}

bool ca_contains(STACK_OF(X509) *certs, X509 *cert)
{
	unsigned char a[EVP_MAX_MD_SIZE], b[EVP_MAX_MD_SIZE];
	unsigned int an = 0, bn = 0;
	int i;

	if (!X509_digest(cert, EVP_sha256(), a, &an))
		return false;
	for (i = 0; i < sk_X509_num(certs); i++) {
		if (X509_digest(sk_X509_value(certs, i), EVP_sha256(), b, &bn) &&
		    an == bn && !memcmp(a, b, an))
			return true;
	}
	return false;
}

/* 1 when cert is a root (added unless already there), 0 when not. */
static int add_if_root(STACK_OF(X509) *roots, X509 *cert)
{
	if (!ca_is_root(cert))
		return 0;
	if (ca_contains(roots, cert))
		return 1;
	if (!X509_up_ref(cert))
		return -ENOMEM;
	if (!sk_X509_push(roots, cert)) {
		X509_free(cert);
		return -ENOMEM;
	}
	return 1;
}

static X509 *der_certificate(const unsigned char *der, size_t len)
{
	const unsigned char *p = der;
	X509 *cert;

	if (len > CA_INPUT_MAX)
		return NULL;
	cert = d2i_X509(NULL, &p, (long)len);
	/* Trailing bytes mean we misread what this is. */
	if (cert && p != der + len) {
		X509_free(cert);
		cert = NULL;
	}
	ERR_clear_error();
	return cert;
}

/* A DER PKCS#7 (signed, certs-only) or a single DER certificate. */
static int parse_der_bundle(const unsigned char *der, size_t len,
			    STACK_OF(X509) *roots)
{
	const unsigned char *p = der;
	STACK_OF(X509) *certs = NULL;
	PKCS7 *p7;
	X509 *cert;
	int i, ret, added = 0;

	p7 = d2i_PKCS7(NULL, &p, (long)len);
	ERR_clear_error();
	if (p7 && p == der + len) {
		if (PKCS7_type_is_signed(p7) && p7->d.sign) {
			certs = p7->d.sign->cert;
		} else if (PKCS7_type_is_signedAndEnveloped(p7) &&
			   p7->d.signed_and_enveloped) {
			certs = p7->d.signed_and_enveloped->cert;
		} else {
			PKCS7_free(p7);
			return -EINVAL;
		}
		for (i = 0; i < sk_X509_num(certs); i++) {
			ret = add_if_root(roots, sk_X509_value(certs, i));
			if (ret < 0) {
				PKCS7_free(p7);
				return ret;
			}
			added += ret;
		}
		PKCS7_free(p7);
		return added;
	}
	PKCS7_free(p7);

	cert = der_certificate(der, len);
	if (!cert)
		return -EINVAL;
	ret = add_if_root(roots, cert);
	X509_free(cert);
	return ret;
}

static bool is_b64(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       (c >= '0' && c <= '9') || c == '+' || c == '/' || c == '=';
}

/*
 * Decodes one base64 block (whitespace and CR/LF ignored, '=' padding only
 * at the end) into a new buffer.
 */
static int b64_decode(const char *text, size_t len, unsigned char **out,
		      size_t *out_len)
{
	char *clean;
	unsigned char *der;
	size_t n = 0, i, pad = 0;
	int got;

	clean = malloc(len + 1);
	if (!clean)
		return -ENOMEM;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)text[i];

		if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
			continue;
		if (!is_b64(c) || (pad && c != '=')) {
			free(clean);
			return -EINVAL;
		}
		if (c == '=')
			pad++;
		clean[n++] = (char)c;
	}
	if (!n || n % 4 || pad > 2) {
		free(clean);
		return -EINVAL;
	}
	der = malloc(n / 4 * 3);
	if (!der) {
		free(clean);
		return -ENOMEM;
	}
	got = EVP_DecodeBlock(der, (unsigned char *)clean, (int)n);
	free(clean);
	if (got < 0 || (size_t)got < pad) {
		free(der);
		return -EINVAL;
	}
	*out = der;
	*out_len = (size_t)got - pad;
	return 0;
}

typedef int (*der_parser)(const unsigned char *der, size_t len,
			  STACK_OF(X509) *roots);

/*
 * Base64 text, bare or in PEM armour: every "-----" line closes the block
 * before it, each block is decoded and handed to parse. Any block that
 * does not parse fails the whole text.
 */
static int parse_text(const char *text, size_t len, STACK_OF(X509) *roots,
		      der_parser parse)
{
	size_t pos = 0, block = 0;
	int total = 0, blocks = 0, ret;

	while (pos <= len) {
		const char *eol = pos < len ? memchr(text + pos, '\n', len - pos) : NULL;
		size_t line_end = eol ? (size_t)(eol - text) : len;
		bool armour = line_end - pos >= 5 && !memcmp(text + pos, "-----", 5);

		if (armour || line_end == len) {
			size_t block_end = armour ? pos : len;
			size_t k;
			bool blank = true;

			for (k = block; k < block_end; k++)
				if (!strchr(" \t\r\n", text[k]) || !text[k])
					blank = false;
			if (!blank) {
				unsigned char *der;
				size_t der_len;

				ret = b64_decode(text + block, block_end - block,
						 &der, &der_len);
				if (ret < 0)
					return ret;
				ret = parse(der, der_len, roots);
				free(der);
				if (ret < 0)
					return ret;
				total += ret;
				blocks++;
			}
			block = line_end + 1;
		}
		if (line_end == len)
			break;
		pos = line_end + 1;
	}
	return blocks ? total : -EINVAL;
}

int ca_parse_certsrv(const void *body, size_t len, STACK_OF(X509) *roots)
{
	int ret;

	if (len > CA_INPUT_MAX)
		return -EMSGSIZE;
	if (!len)
		return -EINVAL;
	/* DER starts with a SEQUENCE (0x30); base64 of DER starts with 'M'. */
	if (((const unsigned char *)body)[0] == 0x30) {
		ret = parse_der_bundle(body, len, roots);
		if (ret != -EINVAL)
			return ret;
	}
	return parse_text(body, len, roots, parse_der_bundle);
}

static int parse_der_certificate(const unsigned char *der, size_t len,
				 STACK_OF(X509) *roots)
{
	X509 *cert = der_certificate(der, len);
	int ret;

	if (!cert)
		return -EINVAL;
	ret = add_if_root(roots, cert);
	X509_free(cert);
	return ret;
}

int ca_parse_ldap_value(const void *value, size_t len, STACK_OF(X509) *roots)
{
	int ret;

	if (len > CA_INPUT_MAX)
		return -EMSGSIZE;
	if (!len)
		return -EINVAL;
	if (((const unsigned char *)value)[0] == 0x30) {
		ret = parse_der_certificate(value, len, roots);
		if (ret != -EINVAL)
			return ret;
	}
	ret = parse_text(value, len, roots, parse_der_certificate);
	return ret > 1 ? 1 : ret;
}

char *ca_roots_to_pem(STACK_OF(X509) *certs, size_t *len)
{
	BIO *bio = BIO_new(BIO_s_mem());
	char *data, *out = NULL;
	long n;
	int i;

	if (!bio)
		return NULL;
	for (i = 0; i < sk_X509_num(certs); i++)
		if (!PEM_write_bio_X509(bio, sk_X509_value(certs, i)))
			goto out;
	n = BIO_get_mem_data(bio, &data);
	out = malloc((size_t)n + 1);
	if (!out)
		goto out;
	memcpy(out, data, (size_t)n);
	out[n] = '\0';
	*len = (size_t)n;
out:
	BIO_free(bio);
	return out;
}

int ca_roots_from_pem(const void *pem, size_t len, STACK_OF(X509) *roots)
{
	BIO *bio;
	char *name = NULL, *header = NULL;
	unsigned char *data = NULL;
	long data_len;
	int ret = 0, added = 0;
	unsigned long err;

	if (len > CA_INPUT_MAX)
		return -EMSGSIZE;
	bio = BIO_new_mem_buf(pem, (int)len);
	if (!bio)
		return -ENOMEM;
	ERR_clear_error();
	while (PEM_read_bio(bio, &name, &header, &data, &data_len)) {
		if (strcmp(name, PEM_STRING_X509))
			ret = -EINVAL;
		else
			ret = parse_der_certificate(data, (size_t)data_len, roots);
		OPENSSL_free(name);
		OPENSSL_free(header);
		OPENSSL_free(data);
		if (ret <= 0) {
			ret = ret < 0 ? ret : -EINVAL;	/* not a root */
			goto out;
		}
		added++;
	}
	/* The loop ends at the end of the text, or at a damaged block. */
	err = ERR_peek_last_error();
	if (ERR_GET_LIB(err) != ERR_LIB_PEM ||
	    ERR_GET_REASON(err) != PEM_R_NO_START_LINE)
		ret = -EINVAL;
out:
	ERR_clear_error();
	BIO_free(bio);
	return ret < 0 ? ret : added;
}

void ca_fingerprint(X509 *cert, char out[CA_FINGERPRINT_LEN])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0, i;

	out[0] = '\0';
	if (!X509_digest(cert, EVP_sha256(), md, &n))
		return;
	for (i = 0; i < n && i * 3 + 3 <= CA_FINGERPRINT_LEN; i++)
		snprintf(out + i * 3, 4, "%02X%s", md[i], i + 1 < n ? ":" : "");
}

void ca_subject(X509 *cert, char out[CA_SUBJECT_LEN])
{
	BIO *bio = BIO_new(BIO_s_mem());
	char *data;
	long n;

	out[0] = '\0';
	if (!bio)
		return;
	if (X509_NAME_print_ex(bio, X509_get_subject_name(cert), 0,
			       XN_FLAG_RFC2253) >= 0) {
		n = BIO_get_mem_data(bio, &data);
		if (n >= CA_SUBJECT_LEN)
			n = CA_SUBJECT_LEN - 1;
		memcpy(out, data, (size_t)n);
		out[n] = '\0';
	}
	BIO_free(bio);
}
