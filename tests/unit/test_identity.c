// SPDX-License-Identifier: GPL-2.0-only
/*
 * The sign-in identity (daemon/trust/identity.c, identity_file.c): its file
 * format, storing it 0600 and atomically, loading it at start-up, an
 * unusable stored file, the config file, sign-out and the factory wipe.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/daemon.h"
#include "core/wipe.h"
#include "kselftest_harness.h"
#include "trust/identity.h"
#include "trust/identity_file.h"

#define PASSWORD "Alice!Pass1 =x"

static int parse(const char *text, struct signin_identity *id, char *error)
{
	return identity_parse(text, strlen(text), id, error);
}

TEST(file_format)
{
	struct signin_identity id;
	char error[IDENTITY_ERROR_MAX], buf[1024];

	ASSERT_EQ(0, parse("# the phone's user\r\n\r\n  address=alice@corp.test\r\n"
			   "user=CORP\\alice\npassword=" PASSWORD, &id, error));
	EXPECT_STREQ("alice@corp.test", id.address);
	EXPECT_STREQ("CORP\\alice", id.user);
	EXPECT_STREQ(PASSWORD, id.password);
	ASSERT_LT(0, identity_format(&id, buf, sizeof(buf)));
	EXPECT_STREQ("address=alice@corp.test\nuser=CORP\\alice\npassword=" PASSWORD "\n", buf);
	EXPECT_EQ(-ENOSPC, identity_format(&id, buf, 20));
}

TEST(file_errors_name_the_line_never_the_value)
{
	static const struct { const char *text, *error; } bad[] = {
		{ "address=a@b\nuser=u\n", "missing password" },
		{ "address=a@b\nuser=u\npassword=" PASSWORD "\npasswd=x\n",
		  "line 4: unknown key (want address, user or password)" },
		{ "address=a@b\nuser=u\npassword=" PASSWORD "\npassword=" PASSWORD "\n",
		  "line 4: password given twice" },
		{ "address=alice\nuser=u\npassword=" PASSWORD, "address must be user@domain (the SIP sign-in address)" },
		{ "address=a@b@c\nuser=u\npassword=p", "address must be user@domain (the SIP sign-in address)" },
		{ "address=@b\nuser=u\npassword=p", "address must be user@domain (the SIP sign-in address)" },
		{ "address=a@b\nuser=\npassword=p", "user is empty" },
		{ "address=a@b\nuser=u\npassword=" PASSWORD "\x01", "password contains a control character" },
		{ "address=a@b\nuser=u\nAlice!Pass1\n", "line 3: expected key=value" },
	};
	struct signin_identity id;
	char error[IDENTITY_ERROR_MAX], text[600];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		EXPECT_EQ(-EINVAL, parse(bad[i].text, &id, error));
		EXPECT_STREQ(bad[i].error, error);
		EXPECT_EQ(NULL, strstr(error, "Alice!"));
		EXPECT_EQ('\0', id.password[0]);
	}
	snprintf(text, sizeof(text), "address=a@b\nuser=u\npassword=%0300d\n", 0);
	EXPECT_EQ(-EINVAL, parse(text, &id, error));
	EXPECT_STREQ("line 3: password is too long", error);
	EXPECT_EQ(-EINVAL, identity_parse("address=a@b\0\n", 13, &id, error));
	EXPECT_STREQ("file contains a NUL byte", error);
}

static int changes;

static void on_change(void *ctx)
{
	(*(int *)ctx)++;
}

FIXTURE(state) {
	struct ucphoned d;
	char dir[64];
	char path[PATH_MAX];
};

FIXTURE_SETUP(state)
{
	snprintf(self->dir, sizeof(self->dir), "/tmp/ucphone-identity-XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	log_init(&self->d.log, "test", LOG_LEVEL_DEBUG, false);
	self->d.state_dir_fd = open(self->dir, O_DIRECTORY | O_CLOEXEC);
	ASSERT_LE(0, self->d.state_dir_fd);
	changes = 0;
}

FIXTURE_TEARDOWN(state)
{
	char cmd[128];

	close(self->d.state_dir_fd);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", self->dir);
	if (system(cmd))
		TH_LOG("cannot remove %s", self->dir);
}

static const char *path_of(struct _test_data_state *self, const char *name)
{
	snprintf(self->path, sizeof(self->path), "%s/%s", self->dir, name);
	return self->path;
}

static void put(const char *path, const char *text, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);

	if (fd >= 0) {
		if (write(fd, text, strlen(text)) < 0)
			perror("write");
		fchmod(fd, mode);
		close(fd);
	}
}

static const struct signin_identity alice = {
	"alice@corp.test", "CORP\\alice", PASSWORD,
};

TEST_F(state, signin_stores_0600_and_survives_restart)
{
	char error[IDENTITY_SIGNIN_ERROR_MAX];
	struct identity *id;
	struct stat st;

	ASSERT_EQ(0, identity_new(&self->d, &id));
	EXPECT_EQ(NULL, identity_get(id));
	EXPECT_STREQ("", identity_domain(id));
	ASSERT_EQ(0, identity_watch(id, on_change, &changes));
	ASSERT_EQ(0, identity_signin(id, &alice, error));
	EXPECT_EQ(1, changes);
	EXPECT_STREQ("corp.test", identity_domain(id));
	EXPECT_STREQ("alice", identity_username(id));
	ASSERT_EQ(0, stat(path_of(self, "signin"), &st));
	EXPECT_EQ(0600, st.st_mode & 07777);
	EXPECT_NE(0, stat(path_of(self, "signin.tmp"), &st));
	identity_unwatch(id, &changes);
	identity_free(id);

	/* the restart */
	ASSERT_EQ(0, identity_new(&self->d, &id));
	ASSERT_NE(NULL, identity_get(id));
	EXPECT_STREQ(PASSWORD, identity_get(id)->password);
	EXPECT_STREQ("CORP\\alice", identity_get(id)->user);
	{
		struct json_object *s = identity_status(id);
		const char *text = json_object_to_json_string(s);

		EXPECT_NE(NULL, strstr(text, "alice@corp.test"));
		EXPECT_EQ(NULL, strstr(text, "Alice!"));
		json_object_put(s);
	}

	/* a refused sign-in changes nothing */
	{
		struct signin_identity bad = alice;

		bad.address[5] = '\0';
		EXPECT_EQ(-EINVAL, identity_signin(id, &bad, error));
		EXPECT_STREQ("alice@corp.test", identity_get(id)->address);
	}
	identity_free(id);
}

TEST_F(state, signout_removes_the_file_and_tells_watchers)
{
	char error[IDENTITY_SIGNIN_ERROR_MAX];
	struct identity *id;
	struct stat st;

	ASSERT_EQ(0, identity_new(&self->d, &id));
	ASSERT_EQ(0, identity_signin(id, &alice, error));
	ASSERT_EQ(0, identity_watch(id, on_change, &changes));
	ASSERT_EQ(0, identity_signout(id, error));
	EXPECT_EQ(1, changes);
	EXPECT_EQ(NULL, identity_get(id));
	EXPECT_NE(0, stat(path_of(self, "signin"), &st));
	/* again: not an error, nobody told */
	ASSERT_EQ(0, identity_signout(id, error));
	EXPECT_EQ(1, changes);
	identity_free(id);
}

TEST_F(state, unusable_stored_file_is_reported_kept_then_moved_aside)
{
	char error[IDENTITY_SIGNIN_ERROR_MAX];
	struct json_object *s, *v;
	struct identity *id;
	struct stat st;

	put(path_of(self, "signin"), "address=alice@corp.test\nuser=x\n", 0600);
	ASSERT_EQ(0, identity_new(&self->d, &id));
	EXPECT_EQ(NULL, identity_get(id));
	s = identity_status(id);
	ASSERT_TRUE(json_object_object_get_ex(s, "error", &v));
	EXPECT_STREQ("stored sign-in unusable (missing password); signed out",
		     json_object_get_string(v));
	json_object_put(s);
	EXPECT_EQ(0, stat(path_of(self, "signin"), &st));
	identity_free(id);

	/* still there after another start: nothing overwrote it */
	ASSERT_EQ(0, identity_new(&self->d, &id));
	EXPECT_EQ(0, stat(path_of(self, "signin"), &st));
	ASSERT_EQ(0, identity_signin(id, &alice, error));
	EXPECT_EQ(0, stat(path_of(self, "signin.corrupt"), &st));
	s = identity_status(id);
	EXPECT_FALSE(json_object_object_get_ex(s, "error", &v));
	json_object_put(s);
	/* sign-out takes every copy */
	ASSERT_EQ(0, identity_signout(id, error));
	EXPECT_NE(0, stat(path_of(self, "signin.corrupt"), &st));
	identity_free(id);
}

TEST_F(state, stored_file_readable_by_others_is_tightened)
{
	struct identity *id;
	struct stat st;

	put(path_of(self, "signin"), "address=a@b\nuser=u\npassword=p\n", 0644);
	ASSERT_EQ(0, identity_new(&self->d, &id));
	EXPECT_NE(NULL, identity_get(id));
	ASSERT_EQ(0, stat(path_of(self, "signin"), &st));
	EXPECT_EQ(0600, st.st_mode & 07777);
	identity_free(id);
}

TEST_F(state, config_file_when_nothing_is_stored)
{
	char error[IDENTITY_SIGNIN_ERROR_MAX], conf[PATH_MAX];
	struct json_object *s, *v;
	struct identity *id;

	snprintf(conf, sizeof(conf), "%s.conf", self->dir);
	put(conf, "# provisioned\naddress=bob@corp.test\nuser=bob\npassword=Bob!Pass1\n", 0600);
	self->d.options.signin_config = conf;
	ASSERT_EQ(0, identity_new(&self->d, &id));
	ASSERT_NE(NULL, identity_get(id));
	EXPECT_STREQ("bob", identity_username(id));
	s = identity_status(id);
	ASSERT_TRUE(json_object_object_get_ex(s, "source", &v));
	EXPECT_STREQ("config", json_object_get_string(v));
	json_object_put(s);
	/* a sign-in is stored and wins at the next start */
	ASSERT_EQ(0, identity_signin(id, &alice, error));
	identity_free(id);
	ASSERT_EQ(0, identity_new(&self->d, &id));
	EXPECT_STREQ("alice@corp.test", identity_get(id)->address);
	identity_free(id);

	/* a bad config stops the start, with the reason logged */
	unlink(path_of(self, "signin"));
	put(conf, "address=bob@corp.test\nuser=bob\n", 0600);
	EXPECT_EQ(-EINVAL, identity_new(&self->d, &id));
	unlink(conf);
	EXPECT_EQ(-ENOENT, identity_new(&self->d, &id));
}

TEST_F(state, factory_wipe_removes_the_identity)
{
	char error[IDENTITY_SIGNIN_ERROR_MAX];
	struct identity *id;

	ASSERT_EQ(0, identity_new(&self->d, &id));
	ASSERT_EQ(0, identity_signin(id, &alice, error));
	identity_free(id);
	close(self->d.state_dir_fd);
	ASSERT_EQ(0, wipe_state_dir(self->dir, &self->d.log));
	self->d.state_dir_fd = open(self->dir, O_DIRECTORY | O_CLOEXEC);
	ASSERT_LE(0, self->d.state_dir_fd);
	ASSERT_EQ(0, identity_new(&self->d, &id));
	EXPECT_EQ(NULL, identity_get(id));
	identity_free(id);
}

TEST_HARNESS_MAIN
