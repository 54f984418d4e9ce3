// SPDX-License-Identifier: GPL-2.0-only
/*
 * The root CA helper's answer (lib/pki/ca_answer.c) as the daemon reads
 * it: roots learned over Kerberos LDAP, an enrollment host, the DC's LDAPS
 * certificate and chain, each kind of failure; and what it refuses whole:
 * unknown keys, a "root" that is no self-signed CA, bad base64, trailing
 * bytes after a certificate, a failure flag without its reason, NULs.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/x509v3.h>

#include "kselftest_harness.h"
#include "lib/pki/ca_answer.h"
#include "lib/pki/ca_bundle.h"

static X509 *make_cert(const char *cn, EVP_PKEY *key, X509 *issuer,
		       EVP_PKEY *signer_key, const char *bc)
{
	X509 *x = X509_new();
	X509_NAME *name = X509_get_subject_name(x);
	X509_EXTENSION *ext;
	X509V3_CTX ctx;

	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), 7);
	X509_gmtime_adj(X509_getm_notBefore(x), 0);
	X509_gmtime_adj(X509_getm_notAfter(x), 3600);
	X509_set_pubkey(x, key);
	X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
				   (const unsigned char *)cn, -1, -1, 0);
	X509_set_issuer_name(x, issuer ? X509_get_subject_name(issuer) : name);
	X509V3_set_ctx_nodb(&ctx);
	X509V3_set_ctx(&ctx, issuer ? issuer : x, x, NULL, NULL, 0);
	ext = X509V3_EXT_conf_nid(NULL, &ctx, NID_basic_constraints, bc);
	X509_add_ext(x, ext, -1);
	X509_EXTENSION_free(ext);
	X509_sign(x, signer_key ? signer_key : key, EVP_sha256());
	return x;
}

static bool same(X509 *a, X509 *b)
{
	return a && b && !X509_cmp(a, b);
}

FIXTURE(answer) {
	EVP_PKEY *root_key, *leaf_key;
	X509 *root, *leaf;
	char *root_line, *leaf_line;
	struct ca_answer a;
};

FIXTURE_SETUP(answer)
{
	self->root_key = EVP_EC_gen("P-256");
	self->leaf_key = EVP_EC_gen("P-256");
	self->root = make_cert("corp-DC1-CA", self->root_key, NULL, NULL,
			       "critical,CA:TRUE");
	self->leaf = make_cert("dc1.corp.test", self->leaf_key, self->root,
			       self->root_key, "CA:FALSE");
	self->root_line = ca_answer_cert_line("root", self->root);
	self->leaf_line = ca_answer_cert_line("dc", self->leaf);
	ASSERT_NE(NULL, self->root_line);
	ASSERT_NE(NULL, self->leaf_line);
	ASSERT_EQ(0, ca_answer_init(&self->a));
}

FIXTURE_TEARDOWN(answer)
{
	ca_answer_clear(&self->a);
	free(self->root_line);
	free(self->leaf_line);
	X509_free(self->root);
	X509_free(self->leaf);
	EVP_PKEY_free(self->root_key);
	EVP_PKEY_free(self->leaf_key);
}

static int parse(struct ca_answer *a, const char *text)
{
	return ca_answer_parse(text, strlen(text), a);
}

TEST_F(answer, roots_over_kerberos)
{
	char text[8192];

	snprintf(text, sizeof(text), "how=kerberos\n%s%s", self->root_line,
		 self->root_line);
	ASSERT_EQ(0, parse(&self->a, text));
	EXPECT_EQ(0, self->a.status);
	EXPECT_STREQ("kerberos", self->a.how);
	/* The same root twice is one root. */
	ASSERT_EQ(1, sk_X509_num(self->a.roots));
	EXPECT_TRUE(same(self->root, sk_X509_value(self->a.roots, 0)));
	EXPECT_EQ(NULL, self->a.dc_cert);
}

TEST_F(answer, enrollment_host_last_line_without_newline)
{
	ASSERT_EQ(0, parse(&self->a, "how=ntlm\nenrollment=web.corp.test"));
	EXPECT_EQ(0, self->a.status);
	EXPECT_STREQ("ntlm", self->a.how);
	EXPECT_STREQ("web.corp.test", self->a.enrollment_host);
	EXPECT_EQ(0, sk_X509_num(self->a.roots));
}

TEST_F(answer, ldaps_with_the_dcs_certificate_and_chain)
{
	char text[16384], *chain = ca_answer_cert_line("chain", self->root);

	snprintf(text, sizeof(text), "how=ldaps\n%s%srejected=2\n%s",
		 self->leaf_line, chain, self->root_line);
	free(chain);
	ASSERT_EQ(0, parse(&self->a, text));
	EXPECT_EQ(0, self->a.status);
	EXPECT_STREQ("ldaps", self->a.how);
	EXPECT_TRUE(same(self->leaf, self->a.dc_cert));
	ASSERT_EQ(1, sk_X509_num(self->a.dc_chain));
	EXPECT_TRUE(same(self->root, sk_X509_value(self->a.dc_chain, 0)));
	EXPECT_EQ(2, self->a.rejected_values);
	EXPECT_EQ(1, sk_X509_num(self->a.roots));
}

TEST_F(answer, failures_and_their_kinds)
{
	ASSERT_EQ(0, parse(&self->a, "how=kerberos\nerror=Kerberos sign-in failed\nbind_refused=1\n"));
	EXPECT_EQ(-EACCES, self->a.status);
	EXPECT_TRUE(self->a.bind_refused);
	EXPECT_STREQ("Kerberos sign-in failed", self->a.error);
	ca_answer_clear(&self->a);

	ASSERT_EQ(0, ca_answer_init(&self->a));
	ASSERT_EQ(0, parse(&self->a, "how=ldaps\nerror=cannot connect\ntransport_failed=1\n"));
	EXPECT_EQ(-EIO, self->a.status);
	EXPECT_TRUE(self->a.transport_failed);
	ca_answer_clear(&self->a);

	ASSERT_EQ(0, ca_answer_init(&self->a));
	ASSERT_EQ(0, parse(&self->a, "error=no root CA in the directory\nno_root=1\n"));
	EXPECT_EQ(-ENOENT, self->a.status);
	EXPECT_STREQ("", self->a.how);
}

TEST_F(answer, an_answer_that_says_nothing)
{
	EXPECT_EQ(-ENODATA, parse(&self->a, ""));
	EXPECT_EQ(-ENODATA, parse(&self->a, "how=kerberos\n"));
}

TEST_F(answer, malformed_answers_are_refused_whole)
{
	static const char *const bad[] = {
		"how=basic\n",			/* no such way */
		"how=kerberos\nroot=AAAA\n",	/* not a certificate */
		"how=kerberos\nroot=@@@@\n",	/* not base64 */
		"how=kerberos\nroot=QUJD\n",
		"how=kerberos\nroot=\n",
		"how=kerberos\npassword=x\n",	/* unknown key */
		"how=kerberos\n\nenrollment=web.corp.test\n",	/* empty line */
		"how=kerberos\nenrollment=-web\n",
		"how=kerberos\nenrollment=web corp\n",
		"how=kerberos\nenrollment\n",	/* no '=' */
		"=x\n",
		"transport_failed=1\n",		/* a failure without its reason */
		"error=x\nbind_refused=yes\n",
		"error=\n",
		"rejected=12345\nenrollment=a\n",
	};
	char text[16384], *leaf_as_root = ca_answer_cert_line("root", self->leaf);
	size_t n;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		EXPECT_EQ(-EINVAL, parse(&self->a, bad[i])) {
			TH_LOG("accepted: %s", bad[i]);
		}
		EXPECT_EQ(0, sk_X509_num(self->a.roots));
	}
	/* A server's certificate is no root, even from our own helper. */
	snprintf(text, sizeof(text), "how=kerberos\n%s", leaf_as_root);
	free(leaf_as_root);
	EXPECT_EQ(-EINVAL, parse(&self->a, text));
	/* Two DC certificates. */
	snprintf(text, sizeof(text), "how=ldaps\n%s%s", self->leaf_line, self->leaf_line);
	EXPECT_EQ(-EINVAL, parse(&self->a, text));
	EXPECT_EQ(NULL, self->a.dc_cert);
	/* Bytes after the certificate inside one value. */
	snprintf(text, sizeof(text), "how=kerberos\n%s", self->root_line);
	n = strlen(text);
	memcpy(text + n - 1, "AAAA\n", 6);
	EXPECT_EQ(-EINVAL, parse(&self->a, text));
	/* A NUL inside a line. */
	EXPECT_EQ(-EINVAL, ca_answer_parse("how=kerb\0ros\n", 13, &self->a));
	/* The good root still parses after all that. */
	EXPECT_EQ(0, parse(&self->a, self->root_line));
	EXPECT_EQ(1, sk_X509_num(self->a.roots));
}

TEST_F(answer, cert_value_round_trip)
{
	const char *v = strchr(self->leaf_line, '=') + 1;
	X509 *x = ca_answer_cert_value(v, strlen(v) - 1);

	EXPECT_TRUE(same(self->leaf, x));
	X509_free(x);
	EXPECT_EQ(NULL, ca_answer_cert_value(v, strlen(v)));	/* the newline */
	EXPECT_EQ(NULL, ca_answer_cert_value(v, 0));
}

TEST_HARNESS_MAIN
