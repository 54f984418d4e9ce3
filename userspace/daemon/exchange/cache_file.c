// SPDX-License-Identifier: GPL-2.0-only
/* <state>/exchange.json, replaced atomically (see cache_file.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "exchange/cache_file.h"
#include "lib/util/atomic_file.h"

int exchange_cache_write(int dir_fd, struct json_object *data)
{
	const char *text = json_object_to_json_string_ext(data, JSON_C_TO_STRING_PLAIN);

	if (!text)
		return -ENOMEM;
	return atomic_file_write(dir_fd, EXCHANGE_CACHE_FILE, text, strlen(text),
				 NULL);
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
