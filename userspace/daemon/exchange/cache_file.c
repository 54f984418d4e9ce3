// SPDX-License-Identifier: GPL-2.0-only
/* <state>/exchange.json, replaced atomically (see cache_file.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cache_file.h"

#define TMP_NAME "." EXCHANGE_CACHE_FILE ".tmp"

static int write_all(int fd, const char *p, size_t len)
{
	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int exchange_cache_write(int dir_fd, struct json_object *data)
{
	const char *text = json_object_to_json_string_ext(data, JSON_C_TO_STRING_PLAIN);
	int fd, ret;

	if (!text)
		return -ENOMEM;
	fd = openat(dir_fd, TMP_NAME, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC |
		    O_NOFOLLOW, 0600);
	if (fd < 0)
		return -errno;
	ret = write_all(fd, text, strlen(text));
	if (!ret && fsync(fd) < 0)
		ret = -errno;
	if (close(fd) < 0 && !ret)
		ret = -errno;
	if (!ret && renameat(dir_fd, TMP_NAME, dir_fd, EXCHANGE_CACHE_FILE) < 0)
		ret = -errno;
	if (ret) {
		unlinkat(dir_fd, TMP_NAME, 0);
		return ret;
	}
	return fsync(dir_fd) < 0 ? -errno : 0;
}

struct json_object *exchange_cache_read(int dir_fd)
{
	struct json_object *o = NULL;
	struct stat st;
	char *buf;
	ssize_t n;
	int fd;

	fd = openat(dir_fd, EXCHANGE_CACHE_FILE, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size <= 0 ||
	    st.st_size > EXCHANGE_CACHE_MAX) {
		close(fd);
		return NULL;
	}
	buf = malloc((size_t)st.st_size + 1);
	n = buf ? read(fd, buf, (size_t)st.st_size) : -1;
	close(fd);
	if (n == st.st_size) {
		buf[n] = '\0';
		o = json_tokener_parse(buf);
	}
	free(buf);
	if (o && !json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		o = NULL;
	}
	return o;
}

int exchange_cache_remove(int dir_fd)
{
	if (unlinkat(dir_fd, EXCHANGE_CACHE_FILE, 0) < 0 && errno != ENOENT)
		return -errno;
	return 0;
}
