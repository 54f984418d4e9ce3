// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/util/atomic_file.h"
#include "trust/trust_file.h"

#define SOURCE_TAG "# source: "
#define TAG_LEN (sizeof(SOURCE_TAG) - 1)

void trust_root_describe(struct trust_root *r)
{
	ca_fingerprint(r->cert, r->fingerprint);
	ca_subject(r->cert, r->subject);
}

/* "# source: ..." + PEM per root; NULL when out of memory. */
static char *file_text(const struct trust_root *roots, unsigned int n,
		       size_t *len)
{
	size_t used = 0, pem_len;
	char *out, *grown, *pem;
	STACK_OF(X509) *one;
	unsigned int i;

	out = calloc(1, 1);
	for (i = 0; out && i < n; i++) {
		one = sk_X509_new_null();
		pem = one && sk_X509_push(one, roots[i].cert) ?
		      ca_roots_to_pem(one, &pem_len) : NULL;
		sk_X509_free(one);
		grown = pem ? realloc(out, used + TAG_LEN + TRUST_SOURCE_MAX +
				      pem_len + 2) : NULL;
		if (!grown) {
			free(pem);
			free(out);
			return NULL;
		}
		out = grown;
		used += (size_t)sprintf(out + used, SOURCE_TAG "%s\n%s",
					roots[i].source, pem);
		free(pem);
	}
	*len = used;
	return out;
}

int trust_file_save(int state_dir_fd, const struct trust_root *roots,
		    unsigned int n)
{
	int dir = -1, ret;
	size_t len;
	char *text;

	text = file_text(roots, n, &len);
	if (!text)
		return -ENOMEM;
	if (mkdirat(state_dir_fd, TRUST_DIR, 0700) < 0 && errno != EEXIST)
		goto fail_errno;
	/* O_NOFOLLOW: a symlink planted here must not redirect the file. */
	dir = openat(state_dir_fd, TRUST_DIR,
		     O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dir < 0)
		goto fail_errno;
	ret = atomic_file_write(dir, TRUST_FILE, text, len, NULL);
	close(dir);
	free(text);
	return ret;

fail_errno:
	ret = -errno;
	free(text);
	return ret;
}

/* The n-th "# source: " line of text into out ("" when there is none). */
static void nth_source(const char *text, size_t len, unsigned int n,
		       char *out, size_t out_len)
{
	const char *p = text, *end = text + len, *eol;
	unsigned int seen = 0;
	size_t l;

	out[0] = '\0';
	while (p < end) {
		eol = memchr(p, '\n', (size_t)(end - p));
		if (!eol)
			eol = end;
		l = (size_t)(eol - p);
		if (l > TAG_LEN && !memcmp(p, SOURCE_TAG, TAG_LEN) && seen++ == n) {
			l -= TAG_LEN;
			if (l >= out_len)
				l = out_len - 1;
			memcpy(out, p + TAG_LEN, l);
			out[l] = '\0';
			return;
		}
		p = eol + 1;
	}
}

/* The whole file, up to CA_INPUT_MAX; -EMSGSIZE past it. */
static int read_file(int state_dir_fd, char **text, size_t *len)
{
	ssize_t n;
	int fd, ret = 0;

	*len = 0;
	fd = openat(state_dir_fd, TRUST_DIR "/" TRUST_FILE,
		    O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	*text = malloc(CA_INPUT_MAX + 1);
	if (!*text) {
		close(fd);
		return -ENOMEM;
	}
	while ((n = read(fd, *text + *len, CA_INPUT_MAX + 1 - *len)) > 0) {
		*len += (size_t)n;
		if (*len > CA_INPUT_MAX) {
			ret = -EMSGSIZE;
			break;
		}
	}
	if (n < 0)
		ret = -errno;
	close(fd);
	if (ret < 0) {
		free(*text);
		*text = NULL;
	}
	return ret;
}

int trust_file_load(int state_dir_fd, struct trust_root *out, unsigned int max)
{
	STACK_OF(X509) *certs;
	char *text = NULL;
	size_t len;
	int ret, i, n;

	ret = read_file(state_dir_fd, &text, &len);
	if (ret == -ENOENT)
		return 0;
	if (ret < 0)
		return ret;
	certs = sk_X509_new_null();
	ret = certs ? ca_roots_from_pem(text, len, certs) : -ENOMEM;
	/* We never save an empty file: one without a root is damaged. */
	if (ret == 0)
		ret = -EINVAL;
	n = ret < 0 ? 0 : sk_X509_num(certs);
	for (i = 0; i < n && (unsigned int)i < max; i++) {
		struct trust_root *r = &out[i];

		r->cert = sk_X509_value(certs, i);
		X509_up_ref(r->cert);
		nth_source(text, len, (unsigned int)i, r->source, sizeof(r->source));
		if (!r->source[0])
			snprintf(r->source, sizeof(r->source), "persisted");
		trust_root_describe(r);
	}
	sk_X509_pop_free(certs, X509_free);
	free(text);
	return ret < 0 ? ret : i;
}
