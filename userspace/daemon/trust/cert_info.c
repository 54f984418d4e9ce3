// SPDX-License-Identifier: GPL-2.0-only
#include <string.h>
#include <time.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/x509v3.h>

#include "lib/pki/ca_bundle.h"
#include "trust/cert_info.h"

/* A distinguished name in RFC 2253 form. */
static void name_text(const X509_NAME *name, char out[CA_SUBJECT_LEN])
{
	BIO *bio = BIO_new(BIO_s_mem());
	char *data;
	long n;

	out[0] = '\0';
	if (!bio)
		return;
	if (X509_NAME_print_ex(bio, name, 0, XN_FLAG_RFC2253) >= 0) {
		n = BIO_get_mem_data(bio, &data);
		if (n >= CA_SUBJECT_LEN)
			n = CA_SUBJECT_LEN - 1;
		if (n > 0)
			memcpy(out, data, (size_t)n);
		out[n > 0 ? n : 0] = '\0';
	}
	BIO_free(bio);
}

/* "2026-01-01T00:00:00Z", or "?" for a time OpenSSL cannot read. */
static struct json_object *time_json(const ASN1_TIME *t)
{
	char buf[32] = "?";
	struct tm tm;

	if (t && ASN1_TIME_to_tm(t, &tm) == 1)
		strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
	return json_object_new_string(buf);
}

static struct json_object *serial_json(X509 *cert)
{
	BIGNUM *bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert), NULL);
	char *hex = bn ? BN_bn2hex(bn) : NULL;
	struct json_object *s = json_object_new_string(hex ? hex : "?");

	OPENSSL_free(hex);
	BN_free(bn);
	return s;
}

struct json_object *cert_info_json(X509 *cert)
{
	struct json_object *o = json_object_new_object();
	char fp[CA_FINGERPRINT_LEN], name[CA_SUBJECT_LEN];

	if (!o)
		return NULL;
	ca_fingerprint(cert, fp);
	json_object_object_add(o, "sha256", json_object_new_string(fp));
	name_text(X509_get_subject_name(cert), name);
	json_object_object_add(o, "subject", json_object_new_string(name));
	name_text(X509_get_issuer_name(cert), name);
	json_object_object_add(o, "issuer", json_object_new_string(name));
	json_object_object_add(o, "serial", serial_json(cert));
	json_object_object_add(o, "not_before", time_json(X509_get0_notBefore(cert)));
	json_object_object_add(o, "not_after", time_json(X509_get0_notAfter(cert)));
	json_object_object_add(o, "self_signed", json_object_new_boolean(
		X509_check_issued(cert, cert) == X509_V_OK));
	return o;
}

struct json_object *cert_chain_json(STACK_OF(X509) *chain)
{
	struct json_object *arr = json_object_new_array();

	if (!arr)
		return NULL;
	for (int i = 0; chain && i < sk_X509_num(chain); i++)
		json_object_array_add(arr, cert_info_json(sk_X509_value(chain, i)));
	return arr;
}
