// SPDX-License-Identifier: GPL-2.0-only
/*
 * The public CA bundle read on demand (daemon/trust/public_roots.c): a
 * bundle file of two roots is counted without parsing; a store with only
 * the look-up verifies a leaf of either root, holding afterwards only the
 * root that chain needed; a leaf of a root outside the bundle fails; a
 * bundle gone after start loads nothing and verifies nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "kselftest_harness.h"
#include "trust/public_roots.h"

static long next_serial = 1;

static X509 *make_cert(const char *cn, EVP_PKEY *key, X509 *issuer,
		       EVP_PKEY *signer_key, bool ca)
{
	X509 *x = X509_new();
	X509_NAME *name = X509_get_subject_name(x);
	X509_EXTENSION *ext;
	X509V3_CTX ctx;

	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), next_serial++);
	X509_gmtime_adj(X509_getm_notBefore(x), -60);
	X509_gmtime_adj(X509_getm_notAfter(x), 3600);
	X509_set_pubkey(x, key);
	X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
				   (const unsigned char *)cn, -1, -1, 0);
	X509_set_issuer_name(x, issuer ? X509_get_subject_name(issuer) : name);
	X509V3_set_ctx_nodb(&ctx);
	X509V3_set_ctx(&ctx, issuer ? issuer : x, x, NULL, NULL, 0);
	ext = X509V3_EXT_conf_nid(NULL, &ctx, NID_basic_constraints,
				  ca ? "critical,CA:TRUE" : "CA:FALSE");
	X509_add_ext(x, ext, -1);
	X509_EXTENSION_free(ext);
	X509_sign(x, signer_key ? signer_key : key, EVP_sha256());
	return x;
}

static int verify(X509_STORE *store, X509 *leaf)
{
	X509_STORE_CTX *ctx = X509_STORE_CTX_new();
	int ok = X509_STORE_CTX_init(ctx, store, leaf, NULL) == 1 &&
		 X509_verify_cert(ctx) == 1;

	X509_STORE_CTX_free(ctx);
	return ok;
}

static int store_certs(X509_STORE *store)
{
	STACK_OF(X509) *all = X509_STORE_get1_all_certs(store);
	int n = sk_X509_num(all);

	sk_X509_pop_free(all, X509_free);
	return n;
}

FIXTURE(public_roots) {
	EVP_PKEY *k1, *k2, *k3, *kl;
	X509 *root1, *root2, *outside, *leaf1, *leaf2, *leaf3;
	char path[64];
};

FIXTURE_SETUP(public_roots)
{
	FILE *f;
	int fd;

	self->k1 = EVP_EC_gen("P-256");
	self->k2 = EVP_EC_gen("P-256");
	self->k3 = EVP_EC_gen("P-256");
	self->kl = EVP_EC_gen("P-256");
	self->root1 = make_cert("Public Root One", self->k1, NULL, NULL, true);
	self->root2 = make_cert("Public Root Two", self->k2, NULL, NULL, true);
	self->outside = make_cert("Nobody's Root", self->k3, NULL, NULL, true);
	self->leaf1 = make_cert("a.example", self->kl, self->root1, self->k1, false);
	self->leaf2 = make_cert("b.example", self->kl, self->root2, self->k2, false);
	self->leaf3 = make_cert("c.example", self->kl, self->outside, self->k3, false);
	snprintf(self->path, sizeof(self->path), "/tmp/ucphone-public-XXXXXX");
	fd = mkstemp(self->path);
	ASSERT_GE(fd, 0);
	f = fdopen(fd, "w");
	ASSERT_NE(NULL, f);
	fputs("# a comment line, as in Debian's bundle\n", f);
	PEM_write_X509(f, self->root1);
	PEM_write_X509(f, self->root2);
	fclose(f);
}

FIXTURE_TEARDOWN(public_roots)
{
	unlink(self->path);
	X509_free(self->root1);
	X509_free(self->root2);
	X509_free(self->outside);
	X509_free(self->leaf1);
	X509_free(self->leaf2);
	X509_free(self->leaf3);
	EVP_PKEY_free(self->k1);
	EVP_PKEY_free(self->k2);
	EVP_PKEY_free(self->k3);
	EVP_PKEY_free(self->kl);
}

TEST_F(public_roots, counted_not_parsed)
{
	EXPECT_EQ(2, public_roots_count(self->path));
	EXPECT_GT(0, public_roots_count("/nonexistent/bundle.pem"));
}

TEST_F(public_roots, loads_only_the_root_a_chain_needs)
{
	X509_STORE *store = X509_STORE_new();

	ASSERT_EQ(0, public_roots_attach(store, self->path));
	EXPECT_EQ(0, store_certs(store));
	EXPECT_TRUE(verify(store, self->leaf1));
	EXPECT_EQ(1, store_certs(store));
	/* Again: from the store's cache, still one. */
	EXPECT_TRUE(verify(store, self->leaf1));
	EXPECT_EQ(1, store_certs(store));
	EXPECT_TRUE(verify(store, self->leaf2));
	EXPECT_EQ(2, store_certs(store));
	EXPECT_FALSE(verify(store, self->leaf3));
	EXPECT_EQ(2, store_certs(store));
	X509_STORE_free(store);
}

TEST_F(public_roots, learned_roots_first)
{
	X509_STORE *store = X509_STORE_new();

	ASSERT_EQ(0, public_roots_attach(store, self->path));
	X509_STORE_add_cert(store, self->outside);
	EXPECT_TRUE(verify(store, self->leaf3));
	EXPECT_EQ(1, store_certs(store));	/* the bundle not needed */
	X509_STORE_free(store);
}

TEST_F(public_roots, bundle_gone)
{
	X509_STORE *store = X509_STORE_new();

	ASSERT_EQ(0, public_roots_attach(store, self->path));
	unlink(self->path);
	EXPECT_FALSE(verify(store, self->leaf1));
	EXPECT_EQ(0, store_certs(store));
	X509_STORE_free(store);
}

TEST_HARNESS_MAIN
