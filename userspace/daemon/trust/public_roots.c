// SPDX-License-Identifier: GPL-2.0-only
/*
 * The public bundle looked up by subject (see public_roots.h). OpenSSL
 * asks a store's look-up methods only on a cache miss for that subject,
 * and keeps what they add: each subject is read from the file at most once
 * per store.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/pem.h>

#include "trust/public_roots.h"

#define PEM_BEGIN "-----BEGIN CERTIFICATE-----"

int public_roots_count(const char *path)
{
	char line[128];
	FILE *f = fopen(path, "re");
	int n = 0;

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, PEM_BEGIN, sizeof(PEM_BEGIN) - 1))
			n++;
	fclose(f);
	return n;
}

/*
 * Every certificate of the bundle whose subject is name joins the store;
 * the answer is the store's own copy, as OpenSSL's hashed-directory
 * look-up gives it (the caller takes its reference right away).
 */
static int by_subject(X509_LOOKUP *lu, X509_LOOKUP_TYPE type,
		      const X509_NAME *name, X509_OBJECT *ret)
{
	const char *path = X509_LOOKUP_get_method_data(lu);
	X509_STORE *store = X509_LOOKUP_get_store(lu);
	X509_OBJECT *obj;
	X509 *x;
	BIO *bio;
	int ok;

	if (type != X509_LU_X509 || !path || !store)
		return 0;
	bio = BIO_new_file(path, "r");
	if (!bio) {
		ERR_clear_error();
		return 0;
	}
	while ((x = PEM_read_bio_X509(bio, NULL, NULL, NULL))) {
		if (!X509_NAME_cmp(X509_get_subject_name(x), name))
			X509_STORE_add_cert(store, x);
		X509_free(x);	/* the store keeps its own reference */
	}
	BIO_free(bio);
	ERR_clear_error();
	if (!X509_STORE_lock(store))
		return 0;
	obj = X509_OBJECT_retrieve_by_subject(X509_STORE_get0_objects(store),
					      X509_LU_X509, name);
	x = obj ? X509_OBJECT_get0_X509(obj) : NULL;
	/* set1 takes a reference; the store's keeps x alive once it is dropped. */
	ok = x && X509_OBJECT_set1_X509(ret, x);
	X509_STORE_unlock(store);
	if (ok)
		X509_free(x);
	return ok;
}

static int lookup_init(X509_LOOKUP *lu)
{
	(void)lu;
	return 1;
}

static void lookup_free(X509_LOOKUP *lu)
{
	free(X509_LOOKUP_get_method_data(lu));
}

/* The method table: built once, never changed, shared by every store. */
static X509_LOOKUP_METHOD *method;
static pthread_once_t method_once = PTHREAD_ONCE_INIT;

static void method_make(void)
{
	X509_LOOKUP_METHOD *m = X509_LOOKUP_meth_new("ucphone public CA bundle");

	if (m && X509_LOOKUP_meth_set_init(m, lookup_init) &&
	    X509_LOOKUP_meth_set_free(m, lookup_free) &&
	    X509_LOOKUP_meth_set_get_by_subject(m, by_subject)) {
		method = m;
		return;
	}
	X509_LOOKUP_meth_free(m);
}

int public_roots_attach(X509_STORE *store, const char *path)
{
	X509_LOOKUP *lu;
	char *copy;

	pthread_once(&method_once, method_make);
	if (!method)
		return -ENOMEM;
	copy = strdup(path);
	if (!copy)
		return -ENOMEM;
	lu = X509_STORE_add_lookup(store, method);
	if (!lu || !X509_LOOKUP_set_method_data(lu, copy)) {
		free(copy);
		return -ENOMEM;
	}
	return 0;
}
