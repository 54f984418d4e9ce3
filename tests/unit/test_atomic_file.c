// SPDX-License-Identifier: GPL-2.0-only
/*
 * State files replaced whole (userspace/lib/util/atomic_file.c): a writer
 * SIGKILLed after each step leaves the old file or the new, byte for
 * byte, and the next write cleans up after it; a write that fails (file
 * size limit, a directory in the way) keeps the old file and leaves no
 * temporary; symlinks at the file or its temporary are never followed.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "lib/util/atomic_file.h"

#define OLD_LEN 4000
#define NEW_LEN 6000

FIXTURE(dir) {
	char path[64];
	int fd;
	char old_data[OLD_LEN], new_data[NEW_LEN];
};

static void rm_tree(const char *path)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", path);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", path);
}

FIXTURE_SETUP(dir)
{
	snprintf(self->path, sizeof(self->path), "/tmp/ucphone-test-atomic-XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->path));
	self->fd = open(self->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ASSERT_LE(0, self->fd);
	memset(self->old_data, 'o', OLD_LEN);
	memset(self->new_data, 'n', NEW_LEN);
}

FIXTURE_TEARDOWN(dir)
{
	close(self->fd);
	rm_tree(self->path);
}

/* The whole file, or -1 when it does not exist. */
static ssize_t slurp(int dirfd, const char *name, char *buf, size_t max)
{
	ssize_t n, total = 0;
	int fd;

	fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -1;
	while ((n = read(fd, buf + total, max - (size_t)total)) > 0)
		total += n;
	close(fd);
	return total;
}

static bool exists(int dirfd, const char *name)
{
	struct stat st;

	return fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0;
}

/* How many entries the directory holds (no "." or ".."). */
static int entries(const char *path)
{
	struct dirent *e;
	DIR *d = opendir(path);
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

TEST_F(dir, writes_a_new_file_0600_and_no_temporary)
{
	char buf[64];
	struct stat st;

	umask(022);
	ASSERT_EQ(0, atomic_file_write(self->fd, "epid", "0123456789", 10, NULL));
	ASSERT_EQ(10, slurp(self->fd, "epid", buf, sizeof(buf)));
	EXPECT_EQ(0, memcmp(buf, "0123456789", 10));
	ASSERT_EQ(0, fstatat(self->fd, "epid", &st, 0));
	EXPECT_EQ(0600, st.st_mode & 07777);
	EXPECT_EQ(1, entries(self->path));
}

TEST_F(dir, mode_is_exact_whatever_the_umask)
{
	struct atomic_file_opts opts = { .mode = 0640 };
	struct stat st;

	umask(077);
	ASSERT_EQ(0, atomic_file_write(self->fd, "f", "x", 1, &opts));
	ASSERT_EQ(0, fstatat(self->fd, "f", &st, 0));
	EXPECT_EQ(0640, st.st_mode & 07777);
}

TEST_F(dir, replaces_the_old_content_whole)
{
	char buf[NEW_LEN + 1];

	ASSERT_EQ(0, atomic_file_write(self->fd, "lease", self->old_data,
				       OLD_LEN, NULL));
	ASSERT_EQ(0, atomic_file_write(self->fd, "lease", self->new_data,
				       NEW_LEN, NULL));
	ASSERT_EQ(NEW_LEN, slurp(self->fd, "lease", buf, sizeof(buf)));
	EXPECT_EQ(0, memcmp(buf, self->new_data, NEW_LEN));
	EXPECT_EQ(1, entries(self->path));
}

static void kill_at(enum atomic_file_step step, void *ctx)
{
	if (step == *(enum atomic_file_step *)ctx)
		kill(getpid(), SIGKILL);
}

/*
 * For each step: a child writing the new content is SIGKILLed right after
 * it; the file then holds exactly the old bytes (before the rename) or
 * exactly the new ones (after), and the next write leaves one file.
 */
TEST_F(dir, killed_after_each_step_old_or_new_never_torn)
{
	static const char *const names[] = {
		"created", "half", "written", "synced", "renamed",
	};
	char buf[NEW_LEN + 1];
	enum atomic_file_step step;
	int status;
	ssize_t n;
	pid_t pid;

	for (step = ATOMIC_FILE_CREATED; step <= ATOMIC_FILE_RENAMED; step++) {
		struct atomic_file_opts opts = {
			.after_step = kill_at, .ctx = &step,
		};

		TH_LOG("killed after: %s", names[step]);
		ASSERT_EQ(0, atomic_file_write(self->fd, "roots.pem",
					       self->old_data, OLD_LEN, NULL));
		pid = fork();
		ASSERT_LE(0, pid);
		if (pid == 0) {
			atomic_file_write(self->fd, "roots.pem", self->new_data,
					  NEW_LEN, &opts);
			_exit(3);	/* not reached: the hook kills */
		}
		ASSERT_EQ(pid, waitpid(pid, &status, 0));
		ASSERT_TRUE(WIFSIGNALED(status));
		ASSERT_EQ(SIGKILL, WTERMSIG(status));

		n = slurp(self->fd, "roots.pem", buf, sizeof(buf));
		if (step < ATOMIC_FILE_RENAMED) {
			ASSERT_EQ(OLD_LEN, n);
			EXPECT_EQ(0, memcmp(buf, self->old_data, OLD_LEN));
			/* The temporary it could not remove... */
			EXPECT_TRUE(exists(self->fd, "roots.pem" ATOMIC_FILE_SUFFIX));
		} else {
			ASSERT_EQ(NEW_LEN, n);
			EXPECT_EQ(0, memcmp(buf, self->new_data, NEW_LEN));
			EXPECT_EQ(1, entries(self->path));
		}
		/* ...goes with the next write, which is whole. */
		ASSERT_EQ(0, atomic_file_write(self->fd, "roots.pem",
					       self->new_data, NEW_LEN, NULL));
		ASSERT_EQ(NEW_LEN, slurp(self->fd, "roots.pem", buf, sizeof(buf)));
		EXPECT_EQ(0, memcmp(buf, self->new_data, NEW_LEN));
		EXPECT_EQ(1, entries(self->path));
	}
}

/*
 * A reader beside a writer that replaces the file again and again sees,
 * every time, one whole version: all 'o' of OLD_LEN or all 'n' of NEW_LEN.
 */
TEST_F(dir, a_concurrent_reader_sees_one_whole_version)
{
	char buf[NEW_LEN + 1];
	int status, seen_old = 0, seen_new = 0;
	ssize_t n;
	pid_t pid;

	ASSERT_EQ(0, atomic_file_write(self->fd, "lease", self->old_data,
				       OLD_LEN, NULL));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		for (int i = 0; i < 300; i++)
			if (atomic_file_write(self->fd, "lease",
					      i % 2 ? self->old_data : self->new_data,
					      i % 2 ? OLD_LEN : NEW_LEN, NULL) < 0)
				_exit(1);
		_exit(0);
	}
	while (waitpid(pid, &status, WNOHANG) == 0) {
		n = slurp(self->fd, "lease", buf, sizeof(buf));
		if (n == OLD_LEN && !memcmp(buf, self->old_data, OLD_LEN)) {
			seen_old++;
		} else if (n == NEW_LEN && !memcmp(buf, self->new_data, NEW_LEN)) {
			seen_new++;
		} else {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			ASSERT_TRUE(false) {
				TH_LOG("torn read: %zd bytes", n);
			}
		}
	}
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(0, WEXITSTATUS(status));
	TH_LOG("%d reads of the old version, %d of the new", seen_old, seen_new);
	EXPECT_LT(0, seen_old + seen_new);
	EXPECT_EQ(1, entries(self->path));
}

/* A write cut short by the file size limit (EFBIG): old file, no temporary. */
TEST_F(dir, failed_write_keeps_the_old_file_and_no_temporary)
{
	char buf[NEW_LEN + 1];
	int status;
	pid_t pid;

	ASSERT_EQ(0, atomic_file_write(self->fd, "signin", self->old_data,
				       OLD_LEN, NULL));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct rlimit lim = { .rlim_cur = 1000, .rlim_max = 1000 };

		signal(SIGXFSZ, SIG_IGN);
		if (setrlimit(RLIMIT_FSIZE, &lim) < 0)
			_exit(2);
		_exit(atomic_file_write(self->fd, "signin", self->new_data,
					NEW_LEN, NULL) == -EFBIG ? 0 : 1);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(0, WEXITSTATUS(status));
	ASSERT_EQ(OLD_LEN, slurp(self->fd, "signin", buf, sizeof(buf)));
	EXPECT_EQ(0, memcmp(buf, self->old_data, OLD_LEN));
	EXPECT_EQ(1, entries(self->path));
}

/* The rename fails (a directory holds the name): no temporary left. */
TEST_F(dir, failed_rename_leaves_no_temporary)
{
	ASSERT_EQ(0, mkdirat(self->fd, "sip-epid", 0700));
	ASSERT_EQ(0, mkdirat(self->fd, "sip-epid/inside", 0700));
	EXPECT_GT(0, atomic_file_write(self->fd, "sip-epid", "0123456789", 10,
				       NULL));
	EXPECT_FALSE(exists(self->fd, "sip-epid" ATOMIC_FILE_SUFFIX));
	EXPECT_EQ(1, entries(self->path));
}

/* Symlinks planted at the name or the temporary never redirect a write. */
TEST_F(dir, symlinks_are_not_followed)
{
	char victim[128], buf[64];
	struct stat st;
	int fd;

	snprintf(victim, sizeof(victim), "%s/victim", self->path);
	fd = open(victim, O_WRONLY | O_CREAT | O_EXCL, 0600);
	ASSERT_LE(0, fd);
	ASSERT_EQ(6, write(fd, "victim", 6));
	close(fd);

	ASSERT_EQ(0, symlinkat(victim, self->fd, "a" ATOMIC_FILE_SUFFIX));
	ASSERT_EQ(0, symlinkat(victim, self->fd, "b"));
	ASSERT_EQ(0, atomic_file_write(self->fd, "a", "new-a", 5, NULL));
	ASSERT_EQ(0, atomic_file_write(self->fd, "b", "new-b", 5, NULL));

	ASSERT_EQ(6, slurp(self->fd, "victim", buf, sizeof(buf)));
	EXPECT_EQ(0, memcmp(buf, "victim", 6));
	ASSERT_EQ(0, fstatat(self->fd, "b", &st, AT_SYMLINK_NOFOLLOW));
	EXPECT_TRUE(S_ISREG(st.st_mode));
	ASSERT_EQ(5, slurp(self->fd, "a", buf, sizeof(buf)));
	EXPECT_EQ(0, memcmp(buf, "new-a", 5));
	EXPECT_FALSE(exists(self->fd, "a" ATOMIC_FILE_SUFFIX));
	EXPECT_EQ(3, entries(self->path));
}

TEST_F(dir, bad_names_are_refused_and_create_nothing)
{
	char lng[300];

	memset(lng, 'x', sizeof(lng) - 1);
	lng[sizeof(lng) - 1] = '\0';
	EXPECT_EQ(-EINVAL, atomic_file_write(self->fd, "", "x", 1, NULL));
	EXPECT_EQ(-EINVAL, atomic_file_write(self->fd, "a/b", "x", 1, NULL));
	EXPECT_EQ(-EINVAL, atomic_file_write(self->fd, "..", "x", 1, NULL));
	EXPECT_EQ(-ENAMETOOLONG, atomic_file_write(self->fd, lng, "x", 1, NULL));
	EXPECT_EQ(0, entries(self->path));
}

TEST_HARNESS_MAIN
