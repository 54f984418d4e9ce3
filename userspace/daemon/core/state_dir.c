// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/state_dir.h"

#define SUBSYS "state"

int state_dir_open(const char *path, const struct log *log)
{
	struct stat st;
	int fd, ret;

	if (mkdir(path, 0700) == 0)
		log_info(log, SUBSYS, "created state directory",
			 LOG_STR("path", path));
	else if (errno != EEXIST)
		goto fail_errno;

	/* O_NOFOLLOW: a symlink planted here must not redirect our secrets. */
	fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		goto fail_errno;
	if (fstat(fd, &st) < 0) {
		ret = -errno;
		close(fd);
		log_error(log, SUBSYS, "cannot use state directory",
			  LOG_STR("path", path), LOG_ERRNO(ret));
		return ret;
	}
	if (st.st_uid != geteuid()) {
		close(fd);
		log_error(log, SUBSYS, "state directory belongs to someone else",
			  LOG_STR("path", path), LOG_UINT("owner", st.st_uid));
		return -EPERM;
	}
	if ((st.st_mode & 07777) != 0700) {
		if (fchmod(fd, 0700) < 0) {
			ret = -errno;
			close(fd);
			log_error(log, SUBSYS, "cannot make state directory private",
				  LOG_STR("path", path), LOG_ERRNO(ret));
			return ret;
		}
		log_info(log, SUBSYS, "state directory mode set to 0700",
			 LOG_STR("path", path));
	}
	return fd;

fail_errno:
	ret = -errno;
	log_error(log, SUBSYS, "cannot use state directory",
		  LOG_STR("path", path), LOG_ERRNO(ret));
	return ret;
}
