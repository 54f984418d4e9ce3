// SPDX-License-Identifier: GPL-2.0-only
/*
 * The hard reset's factory wipe (userspace/daemon/core/wipe.c): it empties the
 * state directory, and a wipe cut at any step leaves the directory with
 * all of the old state or none of it, which wipe_recover() then settles.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/log.h"
#include "core/wipe.h"
#include "kselftest_harness.h"

static void put_file(const char *dir, const char *name, const char *text)
{
	char path[PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

static bool exists(const char *dir, const char *name)
{
	char path[PATH_MAX];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return lstat(path, &st) == 0;
}

/* Entries in @path other than . and ..; -1 when it is missing. */
static int count_entries(const char *path)
{
	char cmd[PATH_MAX + 64];
	FILE *p;
	int n = -1;
	struct stat st;

	if (stat(path, &st))
		return -1;
	snprintf(cmd, sizeof(cmd), "ls -A '%s' | wc -l", path);
	p = popen(cmd, "r");
	if (p) {
		if (fscanf(p, "%d", &n) != 1)
			n = -1;
		pclose(p);
	}
	return n;
}

FIXTURE(wipe) {
	char root[64];		/* the state directory's parent */
	char state[96];
	char outside[96];
	struct log log;
};

FIXTURE_SETUP(wipe)
{
	char cert_dir[128];

	snprintf(self->root, sizeof(self->root), "/tmp/ucphone-wipe-XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->root));
	snprintf(self->state, sizeof(self->state), "%s/state", self->root);
	snprintf(self->outside, sizeof(self->outside), "%s/outside",
		 self->root);
	ASSERT_EQ(0, mkdir(self->state, 0700));
	ASSERT_EQ(0, mkdir(self->outside, 0700));
	/* What provisioning leaves: credentials, a CA chain, configuration. */
	put_file(self->state, "credentials", "sip:alice secret");
	put_file(self->state, "config.xml", "<phone/>");
	snprintf(cert_dir, sizeof(cert_dir), "%s/certs", self->state);
	ASSERT_EQ(0, mkdir(cert_dir, 0700));
	put_file(cert_dir, "root-ca.pem", "-----BEGIN CERTIFICATE-----");
	put_file(self->outside, "keep", "not ours");
	log_init(&self->log, "test", LOG_LEVEL_ERROR, false);
}

FIXTURE_TEARDOWN(wipe)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", self->root);
	if (system(cmd))
		TH_LOG("cannot clean %s", self->root);
	log_close(&self->log);
}

static void expect_old_state(struct __test_metadata *_metadata,
			     FIXTURE_DATA(wipe) *self)
{
	EXPECT_TRUE(exists(self->state, "credentials"));
	EXPECT_TRUE(exists(self->state, "config.xml"));
	EXPECT_TRUE(exists(self->state, "certs/root-ca.pem"));
}

static void expect_no_leftovers(struct __test_metadata *_metadata,
				FIXTURE_DATA(wipe) *self)
{
	EXPECT_FALSE(exists(self->root, ".state.factory-new"));
	EXPECT_FALSE(exists(self->root, ".state.wiped"));
	EXPECT_TRUE(exists(self->outside, "keep"));
}

TEST_F(wipe, empties_the_state_directory)
{
	struct stat st;

	ASSERT_EQ(0, wipe_state_dir(self->state, &self->log));
	EXPECT_EQ(0, count_entries(self->state));
	ASSERT_EQ(0, stat(self->state, &st));
	EXPECT_EQ(0700, st.st_mode & 07777);
	expect_no_leftovers(_metadata, self);
	/* Nothing to finish afterwards. */
	EXPECT_EQ(0, wipe_recover(self->state, &self->log));
}

TEST_F(wipe, cut_before_the_swap_keeps_the_old_state)
{
	ASSERT_EQ(0, wipe_step_prepare(self->state, &self->log));
	EXPECT_TRUE(exists(self->root, ".state.factory-new"));
	expect_old_state(_metadata, self);
	EXPECT_EQ(1, wipe_recover(self->state, &self->log));
	expect_old_state(_metadata, self);
	expect_no_leftovers(_metadata, self);
}

TEST_F(wipe, cut_after_the_swap_is_already_factory_new)
{
	ASSERT_EQ(0, wipe_step_prepare(self->state, &self->log));
	ASSERT_EQ(0, wipe_step_swap(self->state, &self->log));
	/* The commit point: nothing of the old state is left in place. */
	EXPECT_EQ(0, count_entries(self->state));
	EXPECT_TRUE(exists(self->root, ".state.wiped/credentials"));
	EXPECT_EQ(1, wipe_recover(self->state, &self->log));
	EXPECT_EQ(0, count_entries(self->state));
	expect_no_leftovers(_metadata, self);
}

TEST_F(wipe, cut_halfway_through_deleting_is_finished)
{
	char old[160];

	ASSERT_EQ(0, wipe_step_prepare(self->state, &self->log));
	ASSERT_EQ(0, wipe_step_swap(self->state, &self->log));
	/* Part of the old tree already gone. */
	snprintf(old, sizeof(old), "%s/.state.wiped/credentials", self->root);
	ASSERT_EQ(0, unlink(old));
	EXPECT_EQ(1, wipe_recover(self->state, &self->log));
	EXPECT_EQ(0, count_entries(self->state));
	expect_no_leftovers(_metadata, self);
}

TEST_F(wipe, cut_between_fallback_renames_completes)
{
	char to[160];

	/* Without RENAME_EXCHANGE: state moved aside, new not yet in place. */
	ASSERT_EQ(0, wipe_step_prepare(self->state, &self->log));
	snprintf(to, sizeof(to), "%s/.state.wiped", self->root);
	ASSERT_EQ(0, rename(self->state, to));
	EXPECT_EQ(1, wipe_recover(self->state, &self->log));
	EXPECT_EQ(0, count_entries(self->state));
	expect_no_leftovers(_metadata, self);
}

TEST_F(wipe, links_are_removed_not_followed)
{
	char link[128];

	snprintf(link, sizeof(link), "%s/escape", self->state);
	ASSERT_EQ(0, symlink(self->outside, link));
	ASSERT_EQ(0, wipe_state_dir(self->state, &self->log));
	EXPECT_EQ(0, count_entries(self->state));
	EXPECT_TRUE(exists(self->outside, "keep"));
	expect_no_leftovers(_metadata, self);
}

/*
 * What a phone in service may hold besides plain files: hidden files and
 * directories (names starting with '.' or ".."), trees several levels
 * deep, empty directories, a FIFO and a link deep inside. All of it goes.
 */
static void fill_odd_tree(struct __test_metadata *_metadata,
			  FIXTURE_DATA(wipe) *self)
{
	static const char *const dirs[] = {
		".trust", ".trust/.old", "trust", "trust/a", "trust/a/b",
		"trust/a/b/c", "trust/a/b/c/d", "empty", "..dots", "calls",
		"calls/.partial",
	};
	static const char *const files[] = {
		".identity", ".trust/roots.pem", ".trust/.old/roots.pem.1",
		"trust/a/b/c/d/deep.pem", "trust/a/.tmp-XXXX", "..hidden",
		"..dots/.x", "calls/.partial/history.tmp",
	};
	char path[PATH_MAX];

	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", self->state, dirs[i]);
		ASSERT_EQ(0, mkdir(path, 0700));
	}
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		put_file(self->state, files[i], "state");
		ASSERT_TRUE(exists(self->state, files[i]));
	}
	snprintf(path, sizeof(path), "%s/trust/a/b/fifo", self->state);
	ASSERT_EQ(0, mkfifo(path, 0600));
	snprintf(path, sizeof(path), "%s/trust/a/b/c/escape", self->state);
	ASSERT_EQ(0, symlink(self->outside, path));
	/* a read-only directory with content */
	snprintf(path, sizeof(path), "%s/.trust/.old", self->state);
	ASSERT_EQ(0, chmod(path, 0500));
	/* the fixture's three and seven more at the top */
	ASSERT_EQ(10, count_entries(self->state));
}

TEST_F(wipe, hidden_files_and_nested_directories_are_all_gone)
{
	fill_odd_tree(_metadata, self);
	ASSERT_EQ(0, wipe_state_dir(self->state, &self->log));
	EXPECT_EQ(0, count_entries(self->state));
	expect_no_leftovers(_metadata, self);
	EXPECT_EQ(1, count_entries(self->outside));
	EXPECT_EQ(0, wipe_recover(self->state, &self->log));
}

/* The same tree left half-wiped by a power cut: the next start deletes it. */
TEST_F(wipe, hidden_and_nested_entries_are_purged_after_a_cut)
{
	fill_odd_tree(_metadata, self);
	ASSERT_EQ(0, wipe_step_prepare(self->state, &self->log));
	ASSERT_EQ(0, wipe_step_swap(self->state, &self->log));
	EXPECT_EQ(0, count_entries(self->state));
	EXPECT_TRUE(exists(self->root, ".state.wiped/.trust/.old/roots.pem.1"));
	EXPECT_EQ(1, wipe_recover(self->state, &self->log));
	EXPECT_EQ(0, count_entries(self->state));
	expect_no_leftovers(_metadata, self);
}

TEST_F(wipe, a_second_wipe_and_recover_are_harmless)
{
	ASSERT_EQ(0, wipe_state_dir(self->state, &self->log));
	ASSERT_EQ(0, wipe_state_dir(self->state, &self->log));
	EXPECT_EQ(0, count_entries(self->state));
	EXPECT_EQ(0, wipe_recover(self->state, &self->log));
	expect_no_leftovers(_metadata, self);
}

TEST_F(wipe, bad_paths_are_refused)
{
	EXPECT_EQ(-EINVAL, wipe_state_dir("/", &self->log));
	EXPECT_GT(0, wipe_state_dir("/nonexistent-ucphone/state", &self->log));
	expect_old_state(_metadata, self);
}

TEST_HARNESS_MAIN
