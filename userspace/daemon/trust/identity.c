// SPDX-License-Identifier: GPL-2.0-only
/*
 * The sign-in identity: loaded at start-up, changed by sign-in/sign-out,
 * stored atomically (see identity.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/util/atomic_file.h"
#include "lib/util/secret.h"
#include "trust/identity.h"
#include "trust/identity_file.h"

#define SUBSYS "identity"
#define SIGNIN_FILE "signin"
#define SIGNIN_CORRUPT "signin.corrupt"
#define WATCHERS_MAX 8

enum identity_source { SOURCE_NONE, SOURCE_STORED, SOURCE_CONFIG };

struct identity_watcher {
	identity_changed_cb cb;
	void *ctx;
};

struct identity {
	struct ucphoned *d;
	struct signin_identity cur;
	enum identity_source source;
	bool stored_corrupt;		/* <state>/signin exists but is unusable */
	char error[IDENTITY_ERROR_MAX + 48];	/* why, for the status */
	struct identity_watcher watchers[WATCHERS_MAX];
	unsigned int n_watchers;
};

/*
 * Reads a whole identity file from fd (closed here) and parses it. A file
 * that others may read is tightened (ours) or reported (the config's).
 */
static int read_identity(struct identity *id, int fd, const char *name,
			 bool ours, struct signin_identity *out,
			 char error[IDENTITY_ERROR_MAX])
{
	char buf[IDENTITY_FILE_MAX + 1];
	size_t len = 0;
	struct stat st;
	ssize_t n;
	int ret;

	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		snprintf(error, IDENTITY_ERROR_MAX, "not a regular file");
		return -EINVAL;
	}
	if (st.st_mode & 077) {
		if (ours && fchmod(fd, 0600) == 0)
			log_warning(&id->d->log, SUBSYS,
				    "stored sign-in was readable by others; mode set to 0600",
				    LOG_STR("file", name));
		else if (!ours)
			log_warning(&id->d->log, SUBSYS,
				    "sign-in config holds a password and is readable by others",
				    LOG_STR("file", name));
	}
	while (len < sizeof(buf)) {
		n = read(fd, buf + len, sizeof(buf) - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	ret = n < 0 ? -errno : 0;
	close(fd);
	if (ret < 0) {
		snprintf(error, IDENTITY_ERROR_MAX, "cannot read: %s",
			 strerror(-ret));
	} else {
		ret = identity_parse(buf, len, out, error);
	}
	secret_zero(buf, sizeof(buf));
	return ret;
}

static int load_stored(struct identity *id)
{
	struct signin_identity tmp;
	char error[IDENTITY_ERROR_MAX];
	int fd, ret;

	fd = openat(id->d->state_dir_fd, SIGNIN_FILE,
		    O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0 && errno == ENOENT)
		return -ENOENT;
	if (fd < 0) {
		snprintf(error, sizeof(error), "cannot open: %s", strerror(errno));
		ret = -EINVAL;
	} else {
		ret = read_identity(id, fd, SIGNIN_FILE, true, &tmp, error);
	}
	if (ret < 0) {
		/* Kept for inspection: nothing overwrites it without a sign-in. */
		id->stored_corrupt = true;
		snprintf(id->error, sizeof(id->error),
			 "stored sign-in unusable (%s); signed out", error);
		log_error(&id->d->log, SUBSYS,
			  "stored sign-in unusable; signed out until the next sign-in",
			  LOG_STR("file", SIGNIN_FILE), LOG_STR("reason", error));
		return 0;
	}
	id->cur = tmp;
	id->source = SOURCE_STORED;
	secret_zero(&tmp, sizeof(tmp));
	return 0;
}

static int load_config(struct identity *id, const char *path)
{
	struct signin_identity tmp;
	char error[IDENTITY_ERROR_MAX];
	int fd, ret;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		log_error(&id->d->log, SUBSYS, "cannot open the sign-in config",
			  LOG_STR("file", path), LOG_ERRNO(ret));
		return ret;
	}
	ret = read_identity(id, fd, path, false, &tmp, error);
	if (ret < 0) {
		log_error(&id->d->log, SUBSYS, "sign-in config rejected",
			  LOG_STR("file", path), LOG_STR("reason", error));
		return ret;
	}
	id->cur = tmp;
	id->source = SOURCE_CONFIG;
	secret_zero(&tmp, sizeof(tmp));
	return 0;
}

int identity_new(struct ucphoned *d, struct identity **out)
{
	struct identity *id = calloc(1, sizeof(*id));
	int ret;

	if (!id)
		return -ENOMEM;
	id->d = d;
	ret = load_stored(id);
	if (ret == -ENOENT && d->options.signin_config)
		ret = load_config(id, d->options.signin_config);
	else if (ret == -ENOENT)
		ret = 0;
	if (ret < 0) {
		identity_free(id);
		return ret;
	}
	if (id->source != SOURCE_NONE)
		log_info(&d->log, SUBSYS, "signed in",
			 LOG_STR("address", id->cur.address),
			 LOG_STR("user", id->cur.user),
			 LOG_STR("from", id->source == SOURCE_STORED ?
				 "stored sign-in" : d->options.signin_config));
	*out = id;
	return 0;
}

void identity_free(struct identity *id)
{
	secret_zero_free(id, sizeof(*id));
}

const struct signin_identity *identity_get(const struct identity *id)
{
	return id && id->source != SOURCE_NONE ? &id->cur : NULL;
}

const char *identity_domain(const struct identity *id)
{
	const char *at;

	if (!identity_get(id))
		return "";
	at = strchr(id->cur.address, '@');
	return at ? at + 1 : "";
}

const char *identity_username(const struct identity *id)
{
	const char *slash;

	if (!identity_get(id))
		return "";
	slash = strrchr(id->cur.user, '\\');
	return slash ? slash + 1 : id->cur.user;
}

int identity_watch(struct identity *id, identity_changed_cb cb, void *ctx)
{
	if (id->n_watchers >= WATCHERS_MAX)
		return -ENOSPC;
	id->watchers[id->n_watchers++] = (struct identity_watcher){ cb, ctx };
	return 0;
}

void identity_unwatch(struct identity *id, void *ctx)
{
	for (unsigned int i = 0; i < id->n_watchers; i++) {
		if (id->watchers[i].ctx != ctx)
			continue;
		memmove(&id->watchers[i], &id->watchers[i + 1],
			(id->n_watchers - i - 1) * sizeof(id->watchers[0]));
		id->n_watchers--;
		i--;
	}
}

static void notify(struct identity *id)
{
	/* A copy: a callback may unwatch (itself or another) while we walk. */
	struct identity_watcher w[WATCHERS_MAX];
	unsigned int n = id->n_watchers;

	memcpy(w, id->watchers, sizeof(w));
	for (unsigned int i = 0; i < n; i++)
		w[i].cb(w[i].ctx);
}

struct json_object *identity_status(const struct identity *id)
{
	struct json_object *o = json_object_new_object();
	const struct signin_identity *cur = identity_get(id);

	if (!o)
		return NULL;
	json_object_object_add(o, "signed_in", json_object_new_boolean(!!cur));
	if (cur) {
		json_object_object_add(o, "address",
				       json_object_new_string(cur->address));
		json_object_object_add(o, "user",
				       json_object_new_string(cur->user));
		json_object_object_add(o, "source", json_object_new_string(
			id->source == SOURCE_STORED ? "stored" : "config"));
	}
	if (id && id->stored_corrupt)
		json_object_object_add(o, "error",
				       json_object_new_string(id->error));
	return o;
}

/* Replaced whole, 0600 (lib/util/atomic_file.h): the old file or the new. */
static int store(struct identity *id, const struct signin_identity *in)
{
	char buf[IDENTITY_FILE_MAX];
	int n, ret;

	n = identity_format(in, buf, sizeof(buf));
	if (n < 0)
		return n;
	ret = atomic_file_write(id->d->state_dir_fd, SIGNIN_FILE, buf,
				(size_t)n, NULL);
	secret_zero(buf, sizeof(buf));
	return ret;
}

int identity_signin(struct identity *id, const struct signin_identity *in,
		    char error[IDENTITY_SIGNIN_ERROR_MAX])
{
	char reason[IDENTITY_ERROR_MAX];
	int dirfd = id->d->state_dir_fd, ret;

	ret = identity_check(in, reason);
	if (ret) {
		snprintf(error, IDENTITY_SIGNIN_ERROR_MAX, "%s", reason);
		return ret;
	}
	if (id->stored_corrupt) {
		if (renameat(dirfd, SIGNIN_FILE, dirfd, SIGNIN_CORRUPT) == 0)
			log_warning(&id->d->log, SUBSYS,
				    "unusable stored sign-in moved aside",
				    LOG_STR("file", SIGNIN_CORRUPT));
	}
	errno = 0;
	ret = store(id, in);
	if (ret < 0) {
		snprintf(error, IDENTITY_SIGNIN_ERROR_MAX,
			 "cannot store the sign-in: %s", strerror(-ret));
		log_error(&id->d->log, SUBSYS, "cannot store the sign-in",
			  LOG_ERRNO(ret));
		return ret;
	}
	secret_zero(&id->cur, sizeof(id->cur));
	id->cur = *in;
	id->source = SOURCE_STORED;
	id->stored_corrupt = false;
	id->error[0] = '\0';
	log_info(&id->d->log, SUBSYS, "signed in",
		 LOG_STR("address", id->cur.address),
		 LOG_STR("user", id->cur.user));
	notify(id);
	return 0;
}

int identity_signout(struct identity *id,
		     char error[IDENTITY_SIGNIN_ERROR_MAX])
{
	static const char *const files[] = { SIGNIN_FILE, SIGNIN_CORRUPT };
	int dirfd = id->d->state_dir_fd;
	bool was = identity_get(id) != NULL;

	/* Every copy of the credentials goes, the unusable ones included. */
	for (size_t i = 0; i < 2; i++) {
		if (unlinkat(dirfd, files[i], 0) < 0 && errno != ENOENT) {
			int ret = -errno;

			snprintf(error, IDENTITY_SIGNIN_ERROR_MAX,
				 "cannot remove the stored sign-in: %s",
				 strerror(-ret));
			log_error(&id->d->log, SUBSYS,
				  "cannot remove the stored sign-in",
				  LOG_STR("file", files[i]), LOG_ERRNO(ret));
			return ret;
		}
	}
	fsync(dirfd);
	secret_zero(&id->cur, sizeof(id->cur));
	id->source = SOURCE_NONE;
	id->stored_corrupt = false;
	id->error[0] = '\0';
	log_info(&id->d->log, SUBSYS, was ? "signed out" : "sign-out while signed out");
	if (was)
		notify(id);
	return 0;
}
