// SPDX-License-Identifier: GPL-2.0-only
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/wipe.h"

#define SUBSYS "wipe"
#define NEW_SUFFIX ".factory-new"
#define OLD_SUFFIX ".wiped"

/* Where a wipe of @path works: its parent, open, and the three names. */
struct wipe_names {
	int parent_fd;
	char base[NAME_MAX + 1];
	char fresh[NAME_MAX + 1];	/* .NAME.factory-new */
	char old[NAME_MAX + 1];		/* .NAME.wiped */
};

static int wipe_names_open(const char *path, struct wipe_names *n)
{
	char dir_buf[PATH_MAX], base_buf[PATH_MAX];
	const char *base;
	int len;

	if (strlen(path) >= sizeof(dir_buf))
		return -ENAMETOOLONG;
	strcpy(dir_buf, path);
	strcpy(base_buf, path);
	base = basename(base_buf);
	if (!*base || !strcmp(base, "/") || !strcmp(base, ".") ||
	    !strcmp(base, ".."))
		return -EINVAL;
	len = snprintf(n->base, sizeof(n->base), "%s", base);
	if (len < 0 || (size_t)len >= sizeof(n->base))
		return -ENAMETOOLONG;
	len = snprintf(n->fresh, sizeof(n->fresh), ".%s" NEW_SUFFIX, base);
	if (len < 0 || (size_t)len >= sizeof(n->fresh))
		return -ENAMETOOLONG;
	len = snprintf(n->old, sizeof(n->old), ".%s" OLD_SUFFIX, base);
	if (len < 0 || (size_t)len >= sizeof(n->old))
		return -ENAMETOOLONG;
	n->parent_fd = open(dirname(dir_buf), O_RDONLY | O_DIRECTORY |
			    O_CLOEXEC);
	return n->parent_fd < 0 ? -errno : 0;
}

static bool exists_at(int dir_fd, const char *name)
{
	struct stat st;

	return fstatat(dir_fd, name, &st, AT_SYMLINK_NOFOLLOW) == 0;
}

/* Deletes @name under @dir_fd and everything below it; never follows links. */
static int remove_tree_at(int dir_fd, const char *name)
{
	struct dirent *entry;
	int fd, ret = 0;
	DIR *dir;

	fd = openat(dir_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
		    O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOTDIR || errno == ELOOP)
			return unlinkat(dir_fd, name, 0) < 0 ? -errno : 0;
		return errno == ENOENT ? 0 : -errno;
	}
	dir = fdopendir(fd);
	if (!dir) {
		ret = -errno;
		close(fd);
		return ret;
	}
	while ((entry = readdir(dir))) {
		struct stat st;

		if (!strcmp(entry->d_name, ".") || !strcmp(entry->d_name, ".."))
			continue;
		if (fstatat(fd, entry->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
			ret = -errno;
			break;
		}
		if (S_ISDIR(st.st_mode))
			ret = remove_tree_at(fd, entry->d_name);
		else if (unlinkat(fd, entry->d_name, 0) < 0)
			ret = -errno;
		if (ret < 0)
			break;
	}
	closedir(dir);
	if (ret < 0)
		return ret;
	return unlinkat(dir_fd, name, AT_REMOVEDIR) < 0 ? -errno : 0;
}

static int fail(const struct log *log, const char *what, const char *path,
		int ret)
{
	log_error(log, SUBSYS, what, LOG_STR("path", path), LOG_ERRNO(ret));
	return ret;
}

int wipe_step_prepare(const char *path, const struct log *log)
{
	struct wipe_names n;
	int ret = wipe_names_open(path, &n);

	if (ret < 0)
		return fail(log, "cannot reach the state directory", path, ret);
	/* A leftover of an earlier, interrupted attempt holds nothing. */
	ret = remove_tree_at(n.parent_fd, n.fresh);
	if (ret == 0 && mkdirat(n.parent_fd, n.fresh, 0700) < 0)
		ret = -errno;
	if (ret == 0 && fsync(n.parent_fd) < 0)
		ret = -errno;
	close(n.parent_fd);
	return ret < 0 ? fail(log, "cannot make a factory-new directory",
			      path, ret) : 0;
}

int wipe_step_swap(const char *path, const struct log *log)
{
	struct wipe_names n;
	int ret = wipe_names_open(path, &n);

	if (ret < 0)
		return fail(log, "cannot reach the state directory", path, ret);
	/* A previous old tree still being deleted goes first. */
	ret = remove_tree_at(n.parent_fd, n.old);
	if (ret == 0 && renameat2(n.parent_fd, n.base, n.parent_fd, n.fresh,
				  RENAME_EXCHANGE) == 0) {
		/* The swap is the commit: the state directory is empty. */
		if (renameat(n.parent_fd, n.fresh, n.parent_fd, n.old) < 0)
			ret = -errno;
	} else if (ret == 0 && (errno == EINVAL || errno == ENOSYS)) {
		/* No RENAME_EXCHANGE here: wipe_recover() covers the gap. */
		if (renameat(n.parent_fd, n.base, n.parent_fd, n.old) < 0 ||
		    renameat(n.parent_fd, n.fresh, n.parent_fd, n.base) < 0)
			ret = -errno;
	} else if (ret == 0) {
		ret = -errno;
	}
	if (ret == 0 && fsync(n.parent_fd) < 0)
		ret = -errno;
	close(n.parent_fd);
	return ret < 0 ? fail(log, "cannot swap in a factory-new state directory",
			      path, ret) : 0;
}

int wipe_step_purge(const char *path, const struct log *log)
{
	struct wipe_names n;
	int ret = wipe_names_open(path, &n);

	if (ret < 0)
		return fail(log, "cannot reach the state directory", path, ret);
	ret = remove_tree_at(n.parent_fd, n.old);
	if (ret == 0 && fsync(n.parent_fd) < 0)
		ret = -errno;
	close(n.parent_fd);
	return ret < 0 ? fail(log, "cannot delete the wiped state", path, ret) : 0;
}

int wipe_state_dir(const char *path, const struct log *log)
{
	int ret;

	log_warning(log, SUBSYS, "wiping credentials, certificates and configuration",
		    LOG_STR("path", path));
	ret = wipe_step_prepare(path, log);
	if (ret == 0)
		ret = wipe_step_swap(path, log);
	/* Once swapped the phone is factory-new; a failed purge is retried. */
	if (ret == 0)
		wipe_step_purge(path, log);
	return ret;
}

int wipe_recover(const char *path, const struct log *log)
{
	struct wipe_names n;
	bool fresh, old, state;
	int ret = wipe_names_open(path, &n);

	if (ret < 0)
		return ret == -ENOENT ? 0 : fail(log, "cannot reach the state directory",
						 path, ret);
	fresh = exists_at(n.parent_fd, n.fresh);
	old = exists_at(n.parent_fd, n.old);
	state = exists_at(n.parent_fd, n.base);
	if (!fresh && !old) {
		close(n.parent_fd);
		return 0;
	}
	log_warning(log, SUBSYS, "finishing an interrupted factory wipe",
		    LOG_STR("path", path), LOG_BOOL("swapped", old));
	if (fresh && !state) {
		/* Cut between the two fallback renames: complete the swap. */
		if (renameat(n.parent_fd, n.fresh, n.parent_fd, n.base) < 0)
			ret = -errno;
	} else if (fresh) {
		/* Cut before the swap: the old state is whole; keep it. */
		ret = remove_tree_at(n.parent_fd, n.fresh);
	}
	if (ret == 0 && old)
		ret = remove_tree_at(n.parent_fd, n.old);
	if (ret == 0 && fsync(n.parent_fd) < 0)
		ret = -errno;
	close(n.parent_fd);
	return ret < 0 ? fail(log, "cannot finish the interrupted wipe", path,
			      ret) : 1;
}
