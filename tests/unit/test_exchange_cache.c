// SPDX-License-Identifier: GPL-2.0-only
/*
 * <state>/exchange.json (daemon/exchange/cache_file.c): written whole, 0600,
 * read back; a damaged or foreign file is not believed; a failed write
 * keeps the old copy.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "exchange/cache_file.h"
#include "lib/util/atomic_file.h"
#include "kselftest_harness.h"

FIXTURE(cache) {
	char dir[64];
	int fd;
};

FIXTURE_SETUP(cache)
{
	snprintf(self->dir, sizeof(self->dir), "/tmp/ucphone-cache.XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	self->fd = open(self->dir, O_DIRECTORY | O_RDONLY);
	ASSERT_LE(0, self->fd);
}

FIXTURE_TEARDOWN(cache)
{
	unlinkat(self->fd, EXCHANGE_CACHE_FILE, 0);
	unlinkat(self->fd, "." EXCHANGE_CACHE_FILE ".tmp", AT_REMOVEDIR);
	close(self->fd);
	rmdir(self->dir);
}

static void put(int fd, const char *text)
{
	int f = openat(fd, EXCHANGE_CACHE_FILE, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	if (f >= 0) {
		if (write(f, text, strlen(text)) < 0)
			perror("write");
		close(f);
	}
}

TEST_F(cache, round_trip_0600)
{
	struct json_object *o = json_tokener_parse(
		"{\"address\":\"alice@corp.test\",\"contacts\":[{\"name\":\"Zoë\"}]}"), *back, *v;
	struct stat st;

	ASSERT_EQ(0, exchange_cache_write(self->fd, o));
	ASSERT_EQ(0, fstatat(self->fd, EXCHANGE_CACHE_FILE, &st, 0));
	EXPECT_EQ(0600, st.st_mode & 0777);
	back = exchange_cache_read(self->fd);
	ASSERT_NE(NULL, back);
	ASSERT_TRUE(json_object_object_get_ex(back, "contacts", &v));
	EXPECT_STREQ("Zoë", json_object_get_string(json_object_object_get(
		json_object_array_get_idx(v, 0), "name")));
	json_object_put(back);
	json_object_put(o);
	EXPECT_EQ(0, exchange_cache_remove(self->fd));
	EXPECT_EQ(NULL, exchange_cache_read(self->fd));
	EXPECT_EQ(0, exchange_cache_remove(self->fd));	/* none: fine */
}

TEST_F(cache, damaged_not_believed)
{
	put(self->fd, "{\"contacts\":[{\"name\":");
	EXPECT_EQ(NULL, exchange_cache_read(self->fd));
	put(self->fd, "[1,2,3]");
	EXPECT_EQ(NULL, exchange_cache_read(self->fd));
	put(self->fd, "");
	EXPECT_EQ(NULL, exchange_cache_read(self->fd));
}

/* A write that cannot finish (the temporary name taken by a directory) keeps the old file. */
TEST_F(cache, failed_write_keeps_old)
{
	struct json_object *old = json_tokener_parse("{\"v\":1}"), *new = json_tokener_parse("{\"v\":2}"), *back;

	ASSERT_EQ(0, exchange_cache_write(self->fd, old));
	ASSERT_EQ(0, mkdirat(self->fd, EXCHANGE_CACHE_FILE ATOMIC_FILE_SUFFIX, 0700));
	EXPECT_GT(0, exchange_cache_write(self->fd, new));
	back = exchange_cache_read(self->fd);
	ASSERT_NE(NULL, back);
	EXPECT_EQ(1, json_object_get_int(json_object_object_get(back, "v")));
	json_object_put(back);
	json_object_put(old);
	json_object_put(new);
}

TEST_HARNESS_MAIN
