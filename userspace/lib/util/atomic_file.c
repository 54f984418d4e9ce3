// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/util/atomic_file.h"

static void step_done(const struct atomic_file_opts *opts,
		      enum atomic_file_step step)
{
	if (opts && opts->after_step)
		opts->after_step(step, opts->ctx);
}

static int write_all(int fd, const char *p, size_t len)
{
	ssize_t n;

	while (len) {
		n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -EIO;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int atomic_file_write(int dirfd, const char *name, const void *data,
		      size_t len, const struct atomic_file_opts *opts)
{
	mode_t mode = opts && opts->mode ? opts->mode : 0600;
	char tmp[NAME_MAX + 1];
	size_t half = len / 2;
	int fd, ret;

	if (!name[0] || strchr(name, '/') || !strcmp(name, ".") ||
	    !strcmp(name, ".."))
		return -EINVAL;
	if ((size_t)snprintf(tmp, sizeof(tmp), "%s" ATOMIC_FILE_SUFFIX, name) >=
	    sizeof(tmp))
		return -ENAMETOOLONG;
	/* A writer killed mid-way could not remove its temporary. */
	if (unlinkat(dirfd, tmp, 0) < 0 && errno != ENOENT)
		return -errno;
	fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
		    O_CLOEXEC, mode);
	if (fd < 0)
		return -errno;
	step_done(opts, ATOMIC_FILE_CREATED);
	/* The umask may have taken bits away; the caller's mode is exact. */
	if (fchmod(fd, mode) < 0) {
		ret = -errno;
		goto fail;
	}
	ret = write_all(fd, data, half);
	if (ret < 0)
		goto fail;
	step_done(opts, ATOMIC_FILE_HALF);
	ret = write_all(fd, (const char *)data + half, len - half);
	if (ret < 0)
		goto fail;
	step_done(opts, ATOMIC_FILE_WRITTEN);
	if (fsync(fd) < 0) {
		ret = -errno;
		goto fail;
	}
	ret = close(fd);
	fd = -1;
	if (ret < 0) {
		ret = -errno;
		goto fail;
	}
	step_done(opts, ATOMIC_FILE_SYNCED);
	if (renameat(dirfd, tmp, dirfd, name) < 0) {
		ret = -errno;
		goto fail;
	}
	step_done(opts, ATOMIC_FILE_RENAMED);
	if (fsync(dirfd) < 0)
		return -errno;
	return 0;

fail:
	if (fd >= 0)
		close(fd);
	unlinkat(dirfd, tmp, 0);
	return ret;
}
