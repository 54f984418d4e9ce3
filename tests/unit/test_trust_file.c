// SPDX-License-Identifier: GPL-2.0-only
/*
 * The learned roots on disk (daemon/trust/trust_file.c): what is saved loads back
 * with its sources, 0600, no temporary left; a damaged or foreign file is
 * refused whole and a failed save keeps the old file; a planted symlink is
 * not followed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/x509v3.h>

#include "kselftest_harness.h"
#include "trust/trust_file.h"

static X509 *make_cert(const char *cn, bool ca)
{
	EVP_PKEY *key = EVP_EC_gen("P-256");
	X509 *x = X509_new();
	X509_NAME *name = X509_get_subject_name(x);
	X509_EXTENSION *ext;
	X509V3_CTX ctx;

	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
	X509_gmtime_adj(X509_getm_notBefore(x), 0);
	X509_gmtime_adj(X509_getm_notAfter(x), 3600);
	X509_set_pubkey(x, key);
	X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
				   (const unsigned char *)cn, -1, -1, 0);
	X509_set_issuer_name(x, name);
	X509V3_set_ctx_nodb(&ctx);
	X509V3_set_ctx(&ctx, x, x, NULL, NULL, 0);
	ext = X509V3_EXT_conf_nid(NULL, &ctx, NID_basic_constraints,
				  ca ? "critical,CA:TRUE" : "CA:FALSE");
	X509_add_ext(x, ext, -1);
	X509_EXTENSION_free(ext);
	X509_sign(x, key, EVP_sha256());
	EVP_PKEY_free(key);
	return x;
}

static void put_file(int dir, const char *name, const char *text, size_t len)
{
	int fd = openat(dir, name, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	if (fd >= 0) {
		if (write(fd, text, len) != (ssize_t)len)
			perror("write");
		close(fd);
	}
}

FIXTURE(store) {
	char path[64];
	int dir;
	struct trust_root roots[2], back[4];
};

FIXTURE_SETUP(store)
{
	snprintf(self->path, sizeof(self->path), "/tmp/test_trust_file.XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->path));
	self->dir = open(self->path, O_RDONLY | O_DIRECTORY);
	ASSERT_LE(0, self->dir);
	memset(self->roots, 0, sizeof(self->roots));
	memset(self->back, 0, sizeof(self->back));
	self->roots[0].cert = make_cert("corp-DC1-CA", true);
	snprintf(self->roots[0].source, TRUST_SOURCE_MAX, "ldap dc1.corp.test");
	self->roots[1].cert = make_cert("corp-Other-CA", true);
	snprintf(self->roots[1].source, TRUST_SOURCE_MAX, "certsrv web.corp.test");
	trust_root_describe(&self->roots[0]);
	trust_root_describe(&self->roots[1]);
}

FIXTURE_TEARDOWN(store)
{
	char cmd[96];
	unsigned int i;

	for (i = 0; i < 2; i++)
		X509_free(self->roots[i].cert);
	for (i = 0; i < 4; i++)
		X509_free(self->back[i].cert);
	close(self->dir);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", self->path);
	if (system(cmd))
		TH_LOG("cannot remove %s", self->path);
}

TEST_F(store, no_file_is_no_root)
{
	EXPECT_EQ(0, trust_file_load(self->dir, self->back, 4));
}

TEST_F(store, saved_roots_load_back_with_their_sources)
{
	struct stat st;

	ASSERT_EQ(0, trust_file_save(self->dir, self->roots, 2));
	ASSERT_EQ(2, trust_file_load(self->dir, self->back, 4));
	EXPECT_STREQ(self->roots[0].fingerprint, self->back[0].fingerprint);
	EXPECT_STREQ("ldap dc1.corp.test", self->back[0].source);
	EXPECT_STREQ("CN=corp-DC1-CA", self->back[0].subject);
	EXPECT_STREQ(self->roots[1].fingerprint, self->back[1].fingerprint);
	EXPECT_STREQ("certsrv web.corp.test", self->back[1].source);
	ASSERT_EQ(0, fstatat(self->dir, "trust/roots.pem", &st, 0));
	EXPECT_EQ(0600, st.st_mode & 07777);
	ASSERT_EQ(0, fstatat(self->dir, "trust", &st, 0));
	EXPECT_EQ(0700, st.st_mode & 07777);
	EXPECT_EQ(-1, fstatat(self->dir, "trust/roots.pem.tmp", &st, 0));
}

TEST_F(store, more_roots_than_room_loads_the_first)
{
	ASSERT_EQ(0, trust_file_save(self->dir, self->roots, 2));
	ASSERT_EQ(1, trust_file_load(self->dir, self->back, 1));
	EXPECT_STREQ(self->roots[0].fingerprint, self->back[0].fingerprint);
}

/* The saved file's text, for the tests that damage it. */
static size_t file_text(int dir, char *buf, size_t cap)
{
	int fd = openat(dir, "trust/roots.pem", O_RDONLY);
	ssize_t n = fd >= 0 ? read(fd, buf, cap - 1) : -1;

	if (fd >= 0)
		close(fd);
	buf[n > 0 ? n : 0] = '\0';
	return n > 0 ? (size_t)n : 0;
}

TEST_F(store, damaged_file_is_refused_whole)
{
	char text[8192];
	size_t len;
	int trust;

	ASSERT_EQ(0, trust_file_save(self->dir, self->roots, 2));
	len = file_text(self->dir, text, sizeof(text));
	ASSERT_GT(len, 100);
	trust = openat(self->dir, "trust", O_RDONLY | O_DIRECTORY);
	ASSERT_LE(0, trust);
	/* Cut inside the second block: no half-believed file. */
	put_file(trust, "roots.pem", text, len - 60);
	EXPECT_EQ(-EINVAL, trust_file_load(self->dir, self->back, 4));
	EXPECT_EQ(NULL, self->back[0].cert);
	/* One flipped base64 character. */
	text[len / 4] = text[len / 4] == 'A' ? 'B' : 'A';
	put_file(trust, "roots.pem", text, len);
	EXPECT_EQ(-EINVAL, trust_file_load(self->dir, self->back, 4));
	put_file(trust, "roots.pem", "garbage\n", 8);
	EXPECT_EQ(-EINVAL, trust_file_load(self->dir, self->back, 4));
	put_file(trust, "roots.pem", "", 0);
	EXPECT_EQ(-EINVAL, trust_file_load(self->dir, self->back, 4));
	close(trust);
}

TEST_F(store, a_non_root_in_the_file_is_refused)
{
	struct trust_root leaf = { .cert = make_cert("sip.corp.test", false) };

	snprintf(leaf.source, TRUST_SOURCE_MAX, "ldap dc1.corp.test");
	ASSERT_EQ(0, trust_file_save(self->dir, &leaf, 1));
	EXPECT_EQ(-EINVAL, trust_file_load(self->dir, self->back, 4));
	X509_free(leaf.cert);
}

TEST_F(store, oversized_file_is_refused)
{
	char *big = calloc(1, CA_INPUT_MAX + 2);
	int trust;

	ASSERT_EQ(0, trust_file_save(self->dir, self->roots, 1));
	trust = openat(self->dir, "trust", O_RDONLY | O_DIRECTORY);
	memset(big, '#', CA_INPUT_MAX + 1);
	put_file(trust, "roots.pem", big, CA_INPUT_MAX + 1);
	EXPECT_EQ(-EMSGSIZE, trust_file_load(self->dir, self->back, 4));
	close(trust);
	free(big);
}

TEST_F(store, a_new_save_replaces_the_old_file)
{
	ASSERT_EQ(0, trust_file_save(self->dir, self->roots, 2));
	ASSERT_EQ(0, trust_file_save(self->dir, &self->roots[1], 1));
	ASSERT_EQ(1, trust_file_load(self->dir, self->back, 4));
	EXPECT_STREQ(self->roots[1].fingerprint, self->back[0].fingerprint);
}

TEST_F(store, a_planted_symlink_is_not_followed)
{
	char outside[96];
	struct stat st;

	snprintf(outside, sizeof(outside), "%s/outside", self->path);
	ASSERT_EQ(0, mkdir(outside, 0700));
	ASSERT_EQ(0, symlinkat(outside, self->dir, "trust"));
	EXPECT_GT(0, trust_file_save(self->dir, self->roots, 1));
	EXPECT_EQ(-1, fstatat(self->dir, "outside/roots.pem", &st, 0));
	EXPECT_EQ(-1, fstatat(self->dir, "outside/roots.pem.tmp", &st, 0));
}

TEST_HARNESS_MAIN
