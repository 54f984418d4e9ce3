// SPDX-License-Identifier: GPL-2.0-only
/*
 * Root certificates from the network (lib/pki/ca_bundle.c): certsrv's
 * certnew.p7b as the testbed serves it (openssl crl2pkcs7 output with CRLF
 * line ends), the other spellings Windows servers use, chains with
 * intermediates, bundles without a root, garbage; LDAP cACertificate values;
 * the PEM file learned roots persist in.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/pkcs7.h>
#include <openssl/x509v3.h>

#include "kselftest_harness.h"
#include "lib/pki/ca_bundle.h"

static long next_serial = 1;

static EVP_PKEY *new_key(void)
{
	return EVP_EC_gen("P-256");
}

/* A certificate for cn with key, signed by signer_key (self when NULL). */
static X509 *make_cert(const char *cn, EVP_PKEY *key, X509 *issuer,
		       EVP_PKEY *signer_key, const char *basic_constraints)
{
	X509 *x = X509_new();
	X509_NAME *name = X509_get_subject_name(x);
	X509_EXTENSION *ext;
	X509V3_CTX ctx;

	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), next_serial++);
	X509_gmtime_adj(X509_getm_notBefore(x), 0);
	X509_gmtime_adj(X509_getm_notAfter(x), 3600);
	X509_set_pubkey(x, key);
	X509_NAME_add_entry_by_txt(name, "DC", MBSTRING_ASC,
				   (const unsigned char *)"test", -1, -1, 0);
	X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
				   (const unsigned char *)cn, -1, -1, 0);
	X509_set_issuer_name(x, issuer ? X509_get_subject_name(issuer) : name);
	X509V3_set_ctx_nodb(&ctx);
	X509V3_set_ctx(&ctx, issuer ? issuer : x, x, NULL, NULL, 0);
	if (basic_constraints) {
		ext = X509V3_EXT_conf_nid(NULL, &ctx, NID_basic_constraints,
					  basic_constraints);
		X509_add_ext(x, ext, -1);
		X509_EXTENSION_free(ext);
	}
	X509_sign(x, signer_key ? signer_key : key, EVP_sha256());
	return x;
}

/* What `openssl crl2pkcs7 -nocrl -certfile` writes: signed, certs only. */
static PKCS7 *certs_only(X509 **certs, int n)
{
	PKCS7 *p7 = PKCS7_new();
	int i;

	PKCS7_set_type(p7, NID_pkcs7_signed);
	PKCS7_content_new(p7, NID_pkcs7_data);
	for (i = 0; i < n; i++)
		PKCS7_add_certificate(p7, certs[i]);
	return p7;
}

/* PEM of p7 under label, every line ending in CRLF (certsrv's b64). */
static char *p7_text(PKCS7 *p7, const char *label, bool armour, size_t *len)
{
	unsigned char *der = NULL;
	int der_len = i2d_PKCS7(p7, &der);
	BIO *bio = BIO_new(BIO_s_mem());
	char *pem, *out;
	long n;
	size_t i, o = 0;

	if (armour)
		PEM_write_bio(bio, label, "", der, der_len);
	else {
		BIO *b64 = BIO_push(BIO_new(BIO_f_base64()), bio);

		BIO_write(b64, der, der_len);
		(void)BIO_flush(b64);
		BIO_pop(b64);
		BIO_free(b64);
	}
	OPENSSL_free(der);
	n = BIO_get_mem_data(bio, &pem);
	out = malloc((size_t)n * 2 + 1);
	for (i = 0; i < (size_t)n; i++) {
		if (pem[i] == '\n')
			out[o++] = '\r';
		out[o++] = pem[i];
	}
	out[o] = '\0';
	*len = o;
	BIO_free(bio);
	return out;
}

static bool same(X509 *a, X509 *b)
{
	char fa[CA_FINGERPRINT_LEN], fb[CA_FINGERPRINT_LEN];

	ca_fingerprint(a, fa);
	ca_fingerprint(b, fb);
	return !strcmp(fa, fb);
}

FIXTURE(pki) {
	EVP_PKEY *root_key, *int_key, *leaf_key, *other_key;
	X509 *root, *intermediate, *leaf, *not_ca, *forged, *root2;
	STACK_OF(X509) *roots;
};

FIXTURE_SETUP(pki)
{
	self->root_key = new_key();
	self->int_key = new_key();
	self->leaf_key = new_key();
	self->other_key = new_key();
	self->root = make_cert("corp-DC1-CA", self->root_key, NULL, NULL,
			       "critical,CA:TRUE");
	self->intermediate = make_cert("corp-Issuing-CA", self->int_key,
				       self->root, self->root_key,
				       "critical,CA:TRUE,pathlen:0");
	self->leaf = make_cert("sip.corp.test", self->leaf_key,
			       self->intermediate, self->int_key, "CA:FALSE");
	/* Self-signed but not a CA: a server's own certificate. */
	self->not_ca = make_cert("web.corp.test", self->leaf_key, NULL, NULL,
				 "CA:FALSE");
	/* Names itself as issuer, signed by someone else's key. */
	self->forged = make_cert("forged-CA", self->leaf_key, NULL,
				 self->other_key, "critical,CA:TRUE");
	self->root2 = make_cert("second-root", self->other_key, NULL, NULL,
				"critical,CA:TRUE");
	self->roots = sk_X509_new_null();
	ASSERT_NE(NULL, self->root);
	ASSERT_NE(NULL, self->leaf);
}

FIXTURE_TEARDOWN(pki)
{
	sk_X509_pop_free(self->roots, X509_free);
	X509_free(self->root);
	X509_free(self->intermediate);
	X509_free(self->leaf);
	X509_free(self->not_ca);
	X509_free(self->forged);
	X509_free(self->root2);
	EVP_PKEY_free(self->root_key);
	EVP_PKEY_free(self->int_key);
	EVP_PKEY_free(self->leaf_key);
	EVP_PKEY_free(self->other_key);
}

TEST_F(pki, root_test)
{
	EXPECT_TRUE(ca_is_root(self->root));
	EXPECT_TRUE(ca_is_root(self->root2));
	EXPECT_FALSE(ca_is_root(self->intermediate));
	EXPECT_FALSE(ca_is_root(self->leaf));
	EXPECT_FALSE(ca_is_root(self->not_ca));
	EXPECT_FALSE(ca_is_root(self->forged));
}

TEST_F(pki, certsrv_p7b_as_the_testbed_serves_it)
{
	PKCS7 *p7 = certs_only(&self->root, 1);
	size_t len;
	char *body = p7_text(p7, "PKCS7", true, &len);

	ASSERT_NE(NULL, strstr(body, "-----BEGIN PKCS7-----\r\n"));
	EXPECT_EQ(1, ca_parse_certsrv(body, len, self->roots));
	ASSERT_EQ(1, sk_X509_num(self->roots));
	EXPECT_TRUE(same(self->root, sk_X509_value(self->roots, 0)));
	/* The same root again is not added twice. */
	EXPECT_EQ(1, ca_parse_certsrv(body, len, self->roots));
	EXPECT_EQ(1, sk_X509_num(self->roots));
	free(body);
	PKCS7_free(p7);
}

TEST_F(pki, windows_spellings_bare_base64_certificate_label_der)
{
	PKCS7 *p7 = certs_only(&self->root, 1);
	unsigned char *der = NULL;
	int der_len;
	size_t len;
	char *body;

	body = p7_text(p7, "CERTIFICATE", true, &len);
	EXPECT_EQ(1, ca_parse_certsrv(body, len, self->roots));
	free(body);
	body = p7_text(p7, NULL, false, &len);
	EXPECT_EQ(1, ca_parse_certsrv(body, len, self->roots));
	free(body);
	der_len = i2d_PKCS7(p7, &der);
	EXPECT_EQ(1, ca_parse_certsrv(der, (size_t)der_len, self->roots));
	OPENSSL_free(der);
	EXPECT_EQ(1, sk_X509_num(self->roots));
	PKCS7_free(p7);
}

TEST_F(pki, chain_with_intermediates_gives_the_root_only)
{
	X509 *chain[] = { self->leaf, self->intermediate, self->root,
			  self->root2 };
	PKCS7 *p7 = certs_only(chain, 4);
	size_t len;
	char *body = p7_text(p7, "PKCS7", true, &len);

	EXPECT_EQ(2, ca_parse_certsrv(body, len, self->roots));
	ASSERT_EQ(2, sk_X509_num(self->roots));
	EXPECT_TRUE(same(self->root, sk_X509_value(self->roots, 0)));
	EXPECT_TRUE(same(self->root2, sk_X509_value(self->roots, 1)));
	free(body);
	PKCS7_free(p7);
}

TEST_F(pki, bundle_without_a_root_gives_nothing)
{
	X509 *chain[] = { self->leaf, self->intermediate, self->not_ca,
			  self->forged };
	PKCS7 *p7 = certs_only(chain, 4);
	size_t len;
	char *body = p7_text(p7, "PKCS7", true, &len);

	EXPECT_EQ(0, ca_parse_certsrv(body, len, self->roots));
	EXPECT_EQ(0, sk_X509_num(self->roots));
	free(body);
	PKCS7_free(p7);
}

TEST_F(pki, garbage_is_refused)
{
	static const char *const bad[] = {
		"hello",
		"-----BEGIN PKCS7-----\r\nMIIB\r\n-----END PKCS7-----\r\n",
		"-----BEGIN PKCS7-----\r\n-----END PKCS7-----\r\n",
		"aGVsbG8gd29ybGQh",		/* base64 of text */
		"MII=B===",
		"<html>404</html>",
		"\r\n\r\n",
	};
	unsigned char der[] = { 0x30, 0x82, 0xff, 0xff, 0x02, 0x01 };
	char *big = calloc(1, CA_INPUT_MAX + 1);
	unsigned int i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		EXPECT_EQ(-EINVAL, ca_parse_certsrv(bad[i], strlen(bad[i]),
						    self->roots)) {
			TH_LOG("input %u", i);
		}
	EXPECT_EQ(-EINVAL, ca_parse_certsrv(der, sizeof(der), self->roots));
	EXPECT_EQ(-EINVAL, ca_parse_certsrv("", 0, self->roots));
	EXPECT_EQ(-EMSGSIZE, ca_parse_certsrv(big, CA_INPUT_MAX + 1, self->roots));
	EXPECT_EQ(0, sk_X509_num(self->roots));
	free(big);
}

TEST_F(pki, truncated_p7b_is_refused)
{
	PKCS7 *p7 = certs_only(&self->root, 1);
	unsigned char *der = NULL;
	int der_len = i2d_PKCS7(p7, &der);

	EXPECT_EQ(-EINVAL, ca_parse_certsrv(der, (size_t)der_len - 10,
					    self->roots));
	EXPECT_EQ(0, sk_X509_num(self->roots));
	OPENSSL_free(der);
	PKCS7_free(p7);
}

TEST_F(pki, ldap_cacertificate_values)
{
	unsigned char *der = NULL, *tail;
	int len = i2d_X509(self->root, &der);

	EXPECT_EQ(1, ca_parse_ldap_value(der, (size_t)len, self->roots));
	EXPECT_EQ(1, sk_X509_num(self->roots));
	tail = malloc((size_t)len + 1);
	memcpy(tail, der, (size_t)len);
	tail[len] = 0;
	EXPECT_EQ(-EINVAL, ca_parse_ldap_value(tail, (size_t)len + 1, self->roots));
	EXPECT_EQ(-EINVAL, ca_parse_ldap_value(der, (size_t)len - 1, self->roots));
	free(tail);
	OPENSSL_free(der);
	der = NULL;
	len = i2d_X509(self->intermediate, &der);
	EXPECT_EQ(0, ca_parse_ldap_value(der, (size_t)len, self->roots));
	OPENSSL_free(der);
	EXPECT_EQ(-EINVAL, ca_parse_ldap_value("\x30garbage", 8, self->roots));
	EXPECT_EQ(1, sk_X509_num(self->roots));
}

TEST_F(pki, persisted_pem_round_trip_and_damage)
{
	STACK_OF(X509) *back = sk_X509_new_null();
	size_t len;
	char *pem;

	sk_X509_push(self->roots, X509_dup(self->root));
	sk_X509_push(self->roots, X509_dup(self->root2));
	pem = ca_roots_to_pem(self->roots, &len);
	ASSERT_NE(NULL, pem);
	EXPECT_EQ(2, ca_roots_from_pem(pem, len, back));
	ASSERT_EQ(2, sk_X509_num(back));
	EXPECT_TRUE(same(self->root, sk_X509_value(back, 0)));
	EXPECT_TRUE(same(self->root2, sk_X509_value(back, 1)));
	sk_X509_pop_free(back, X509_free);

	back = sk_X509_new_null();
	EXPECT_EQ(0, ca_roots_from_pem("", 0, back));
	EXPECT_EQ(-EINVAL, ca_roots_from_pem(pem, len - 40, back));
	pem[40] ^= 0x01;
	EXPECT_EQ(-EINVAL, ca_roots_from_pem(pem, len, back));
	free(pem);

	/* A file holding a non-root is refused whole. */
	sk_X509_pop_free(back, X509_free);
	back = sk_X509_new_null();
	sk_X509_push(back, X509_dup(self->leaf));
	pem = ca_roots_to_pem(back, &len);
	sk_X509_pop_free(back, X509_free);
	back = sk_X509_new_null();
	EXPECT_EQ(-EINVAL, ca_roots_from_pem(pem, len, back));
	EXPECT_EQ(0, sk_X509_num(back));
	free(pem);
	sk_X509_pop_free(back, X509_free);
}

TEST_F(pki, fingerprint_and_subject)
{
	char fp[CA_FINGERPRINT_LEN], subject[CA_SUBJECT_LEN];

	ca_fingerprint(self->root, fp);
	EXPECT_EQ(95, strlen(fp));
	EXPECT_EQ(':', fp[2]);
	ca_subject(self->root, subject);
	EXPECT_STREQ("CN=corp-DC1-CA,DC=test", subject);
}

TEST_HARNESS_MAIN
