// SPDX-License-Identifier: GPL-2.0-only
/*
 * libcurl, loaded only while the daemon uses it (see curl_lazy.h).
 *
 * ucphoned is not linked with libcurl: Debian's libcurl brings some thirty
 * libraries with it (libldap, SASL, GnuTLS with nettle, gmp, p11-kit and
 * libunistring, libssh2, librtmp, nghttp2, ...), several MiB of mappings
 * in a daemon that runs for months and makes an HTTP request (Exchange,
 * device update) every few minutes at most. The libcurl functions the
 * daemon calls are defined here: the first one loads libcurl.so.4 with
 * dlopen() and runs the curl_global_init_mem() the daemon asked for at
 * start (libcurl's memory zeroed when freed: net/curl_zeroing.c), each
 * forwards to libcurl's own; once the last object libcurl handed out (easy
 * and multi handles, URL handles, header lists, strings) is freed,
 * curl_global_cleanup() runs and libcurl is unloaded with its libraries.
 * Never while a call into libcurl is on the stack (a callback that frees
 * the last handle): the unload then waits for that call to return. The
 * heap pages the request and libcurl's libraries left free go back to the
 * system then too (malloc_trim), so that a sync every few minutes does not
 * leave the daemon larger than it was.
 *
 * Hidden symbols: libcurl's own calls to its exported functions (it calls
 * curl_easy_init and curl_slist_append itself) must reach libcurl's, never
 * these, so they are kept out of the daemon's dynamic symbol table.
 */
#define CURL_DISABLE_TYPECHECK
#include <dlfcn.h>
#include <malloc.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#pragma GCC visibility push(hidden)
#include <curl/curl.h>
#include "net/curl_lazy.h"

#define LIBCURL "libcurl.so.4"

static struct {
	void *dl;
	bool init_asked;		/* curl_global_init_mem() was called */
	long init_flags;
	curl_malloc_callback m;
	curl_free_callback f;
	curl_realloc_callback r;
	curl_strdup_callback s;
	curl_calloc_callback c;
	unsigned long live;		/* objects libcurl handed out */
	unsigned int depth;		/* calls into libcurl under way */
	unsigned long loads;
	char error[160];
	struct {
		CURLcode (*global_init_mem)(long, curl_malloc_callback,
					    curl_free_callback, curl_realloc_callback,
					    curl_strdup_callback, curl_calloc_callback);
		void (*global_cleanup)(void);
		CURL *(*easy_init)(void);
		CURLcode (*easy_setopt)(CURL *, CURLoption, ...);
		CURLcode (*easy_getinfo)(CURL *, CURLINFO, ...);
		void (*easy_cleanup)(CURL *);
		const char *(*easy_strerror)(CURLcode);
		void (*free)(void *);
		CURLM *(*multi_init)(void);
		CURLMcode (*multi_add_handle)(CURLM *, CURL *);
		CURLMcode (*multi_remove_handle)(CURLM *, CURL *);
		CURLMcode (*multi_cleanup)(CURLM *);
		CURLMsg *(*multi_info_read)(CURLM *, int *);
		CURLMcode (*multi_setopt)(CURLM *, CURLMoption, ...);
		CURLMcode (*multi_socket_action)(CURLM *, curl_socket_t, int, int *);
		CURLMcode (*multi_assign)(CURLM *, curl_socket_t, void *);
		struct curl_slist *(*slist_append)(struct curl_slist *, const char *);
		void (*slist_free_all)(struct curl_slist *);
		CURLU *(*url)(void);
		void (*url_cleanup)(CURLU *);
		CURLUcode (*url_set)(CURLU *, CURLUPart, const char *, unsigned int);
		CURLUcode (*url_get)(CURLU *, CURLUPart, char **, unsigned int);
	} fn;
} lazy;

static void unload(void)
{
	if (!lazy.dl)
		return;
	/* Also when curl_easy_init() set libcurl up on its own (no init asked). */
	lazy.fn.global_cleanup();
	dlclose(lazy.dl);
	lazy.dl = NULL;
	malloc_trim(0);
}

/* libcurl loaded and initialised; false (and why in lazy.error) if not. */
static bool load(void)
{
	const struct {
		const char *name;
		void **slot;
	} syms[] = {
#define S(n) { "curl_" #n, (void **)&lazy.fn.n }
		S(global_init_mem), S(global_cleanup), S(easy_init),
		S(easy_setopt), S(easy_getinfo), S(easy_cleanup),
		S(easy_strerror), S(free), S(multi_init), S(multi_add_handle),
		S(multi_remove_handle), S(multi_cleanup), S(multi_info_read),
		S(multi_setopt), S(multi_socket_action), S(multi_assign),
		S(slist_append), S(slist_free_all), S(url), S(url_cleanup),
		S(url_set), S(url_get),
#undef S
	};

	if (lazy.dl)
		return true;
	lazy.dl = dlopen(LIBCURL, RTLD_NOW | RTLD_LOCAL);
	if (!lazy.dl) {
		snprintf(lazy.error, sizeof(lazy.error), "cannot load %s: %s",
			 LIBCURL, dlerror());
		return false;
	}
	for (size_t i = 0; i < sizeof(syms) / sizeof(syms[0]); i++) {
		*syms[i].slot = dlsym(lazy.dl, syms[i].name);
		if (!*syms[i].slot) {
			snprintf(lazy.error, sizeof(lazy.error), "%s has no %s",
				 LIBCURL, syms[i].name);
			dlclose(lazy.dl);
			lazy.dl = NULL;
			return false;
		}
	}
	if (lazy.init_asked &&
	    lazy.fn.global_init_mem(lazy.init_flags, lazy.m, lazy.f, lazy.r,
				    lazy.s, lazy.c) != CURLE_OK) {
		snprintf(lazy.error, sizeof(lazy.error),
			 "libcurl's global set-up failed");
		dlclose(lazy.dl);
		lazy.dl = NULL;
		return false;
	}
	lazy.loads++;
	return true;
}

/* Around every call into libcurl: the unload waits for the outermost. */
static void enter(void)
{
	lazy.depth++;
}

static void leave(void)
{
	if (--lazy.depth == 0 && lazy.live == 0)
		unload();
}

static void got(const void *p)
{
	if (p)
		lazy.live++;
}

static void gone(const void *p)
{
	if (p && lazy.live)
		lazy.live--;
}

unsigned long curl_lazy_loads(void)
{
	return lazy.loads;
}

bool curl_lazy_loaded(void)
{
	return lazy.dl != NULL;
}

CURLcode curl_global_init_mem(long flags, curl_malloc_callback m,
			      curl_free_callback f, curl_realloc_callback r,
			      curl_strdup_callback s, curl_calloc_callback c)
{
	lazy.init_asked = true;
	lazy.init_flags = flags;
	lazy.m = m;
	lazy.f = f;
	lazy.r = r;
	lazy.s = s;
	lazy.c = c;
	return CURLE_OK;	/* run by load(), when libcurl is first needed */
}

void curl_global_cleanup(void)
{
	if (lazy.depth == 0)
		unload();
	lazy.init_asked = false;
}

CURL *curl_easy_init(void)
{
	CURL *e;

	if (!load())
		return NULL;
	enter();
	e = lazy.fn.easy_init();
	got(e);
	leave();
	return e;
}

/* The argument's type follows from the option's number, as in libcurl. */
CURLcode curl_easy_setopt(CURL *curl, CURLoption option, ...)
{
	CURLcode ret;
	va_list ap;

	if (!lazy.dl)
		return CURLE_FAILED_INIT;
	enter();
	va_start(ap, option);
	if (option < CURLOPTTYPE_OBJECTPOINT)
		ret = lazy.fn.easy_setopt(curl, option, va_arg(ap, long));
	else if (option < CURLOPTTYPE_OFF_T)
		ret = lazy.fn.easy_setopt(curl, option, va_arg(ap, void *));
	else if (option < CURLOPTTYPE_BLOB)
		ret = lazy.fn.easy_setopt(curl, option, va_arg(ap, curl_off_t));
	else
		ret = lazy.fn.easy_setopt(curl, option, va_arg(ap, void *));
	va_end(ap);
	leave();
	return ret;
}

/* Every CURLINFO takes a pointer to where the answer goes. */
CURLcode curl_easy_getinfo(CURL *curl, CURLINFO info, ...)
{
	CURLcode ret;
	va_list ap;

	if (!lazy.dl)
		return CURLE_FAILED_INIT;
	enter();
	va_start(ap, info);
	ret = lazy.fn.easy_getinfo(curl, info, va_arg(ap, void *));
	va_end(ap);
	leave();
	return ret;
}

void curl_easy_cleanup(CURL *curl)
{
	if (!lazy.dl || !curl)
		return;
	enter();
	lazy.fn.easy_cleanup(curl);
	gone(curl);
	leave();
}

/* A copy: libcurl's own string would go with libcurl. */
const char *curl_easy_strerror(CURLcode code)
{
	static char text[128];

	if (!lazy.dl)
		return lazy.error[0] ? lazy.error : "libcurl is not loaded";
	enter();
	snprintf(text, sizeof(text), "%s", lazy.fn.easy_strerror(code));
	leave();
	return text;
}

void curl_free(void *p)
{
	if (!lazy.dl || !p)
		return;
	enter();
	lazy.fn.free(p);
	gone(p);
	leave();
}

CURLM *curl_multi_init(void)
{
	CURLM *m;

	if (!load())
		return NULL;
	enter();
	m = lazy.fn.multi_init();
	got(m);
	leave();
	return m;
}

CURLMcode curl_multi_add_handle(CURLM *multi, CURL *easy)
{
	CURLMcode ret;

	if (!lazy.dl)
		return CURLM_BAD_HANDLE;
	enter();
	ret = lazy.fn.multi_add_handle(multi, easy);
	leave();
	return ret;
}

CURLMcode curl_multi_remove_handle(CURLM *multi, CURL *easy)
{
	CURLMcode ret;

	if (!lazy.dl)
		return CURLM_BAD_HANDLE;
	enter();
	ret = lazy.fn.multi_remove_handle(multi, easy);
	leave();
	return ret;
}

CURLMcode curl_multi_cleanup(CURLM *multi)
{
	CURLMcode ret;

	if (!lazy.dl || !multi)
		return CURLM_BAD_HANDLE;
	enter();
	ret = lazy.fn.multi_cleanup(multi);
	gone(multi);
	leave();
	return ret;
}

CURLMsg *curl_multi_info_read(CURLM *multi, int *left)
{
	CURLMsg *msg;

	if (!lazy.dl) {
		*left = 0;
		return NULL;
	}
	enter();
	msg = lazy.fn.multi_info_read(multi, left);
	leave();
	return msg;
}

CURLMcode curl_multi_setopt(CURLM *multi, CURLMoption option, ...)
{
	CURLMcode ret;
	va_list ap;

	if (!lazy.dl)
		return CURLM_BAD_HANDLE;
	enter();
	va_start(ap, option);
	if (option < CURLOPTTYPE_OBJECTPOINT)
		ret = lazy.fn.multi_setopt(multi, option, va_arg(ap, long));
	else if (option < CURLOPTTYPE_OFF_T)
		ret = lazy.fn.multi_setopt(multi, option, va_arg(ap, void *));
	else
		ret = lazy.fn.multi_setopt(multi, option, va_arg(ap, curl_off_t));
	va_end(ap);
	leave();
	return ret;
}

CURLMcode curl_multi_socket_action(CURLM *multi, curl_socket_t s, int ev,
				   int *running)
{
	CURLMcode ret;

	if (!lazy.dl)
		return CURLM_BAD_HANDLE;
	enter();
	ret = lazy.fn.multi_socket_action(multi, s, ev, running);
	leave();
	return ret;
}

CURLMcode curl_multi_assign(CURLM *multi, curl_socket_t s, void *p)
{
	CURLMcode ret;

	if (!lazy.dl)
		return CURLM_BAD_HANDLE;
	enter();
	ret = lazy.fn.multi_assign(multi, s, p);
	leave();
	return ret;
}

/* A new list is one object; appending to a list is not another. */
struct curl_slist *curl_slist_append(struct curl_slist *list, const char *s)
{
	struct curl_slist *ret;

	if (!load())
		return NULL;
	enter();
	ret = lazy.fn.slist_append(list, s);
	if (!list)
		got(ret);
	leave();
	return ret;
}

void curl_slist_free_all(struct curl_slist *list)
{
	if (!lazy.dl || !list)
		return;
	enter();
	lazy.fn.slist_free_all(list);
	gone(list);
	leave();
}

CURLU *curl_url(void)
{
	CURLU *u;

	if (!load())
		return NULL;
	enter();
	u = lazy.fn.url();
	got(u);
	leave();
	return u;
}

void curl_url_cleanup(CURLU *u)
{
	if (!lazy.dl || !u)
		return;
	enter();
	lazy.fn.url_cleanup(u);
	gone(u);
	leave();
}

CURLUcode curl_url_set(CURLU *u, CURLUPart what, const char *part,
		       unsigned int flags)
{
	CURLUcode ret;

	if (!lazy.dl)
		return CURLUE_BAD_HANDLE;
	enter();
	ret = lazy.fn.url_set(u, what, part, flags);
	leave();
	return ret;
}

/* The string handed out is one more object, until curl_free(). */
CURLUcode curl_url_get(CURLU *u, CURLUPart what, char **part,
		       unsigned int flags)
{
	CURLUcode ret;

	if (!lazy.dl)
		return CURLUE_BAD_HANDLE;
	enter();
	ret = lazy.fn.url_get(u, what, part, flags);
	if (ret == CURLUE_OK && part)
		got(*part);
	leave();
	return ret;
}

#pragma GCC visibility pop
