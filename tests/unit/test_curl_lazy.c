// SPDX-License-Identifier: GPL-2.0-only
/*
 * libcurl loaded on first use and unloaded with its libraries once the
 * daemon holds nothing of it (daemon/net/curl_lazy.c): not mapped at
 * start, mapped while an easy handle, a multi handle, a URL, a header list
 * or a string from it lives, gone after the last is freed; loaded again
 * with the allocator the daemon set at start (libcurl's memory zeroed when
 * freed) each time; options of each argument type reach libcurl.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "kselftest_harness.h"
#include "net/curl_lazy.h"

static unsigned long allocs;

static void *count_malloc(size_t n)
{
	allocs++;
	return malloc(n);
}

static void *count_calloc(size_t n, size_t size)
{
	allocs++;
	return calloc(n, size);
}

static void *count_realloc(void *p, size_t n)
{
	allocs++;
	return realloc(p, n);
}

static char *count_strdup(const char *s)
{
	allocs++;
	return strdup(s);
}

/* True when a library whose file name holds name is mapped. */
static bool mapped(const char *name)
{
	char line[512];
	bool found = false;
	FILE *f = fopen("/proc/self/maps", "re");

	while (f && !found && fgets(line, sizeof(line), f))
		found = strstr(line, name) != NULL;
	if (f)
		fclose(f);
	return found;
}

TEST(not_loaded_until_used_and_unloaded_after)
{
	struct curl_slist *list;
	char *host = NULL;
	long code = -1;
	CURLU *url;
	CURLM *multi;
	CURL *easy;

	ASSERT_FALSE(mapped("libcurl"));
	ASSERT_EQ(CURLE_OK, curl_global_init_mem(CURL_GLOBAL_DEFAULT, count_malloc,
						 free, count_realloc,
						 count_strdup, count_calloc));
	EXPECT_FALSE(curl_lazy_loaded());
	EXPECT_FALSE(mapped("libcurl"));

	easy = curl_easy_init();
	ASSERT_NE(NULL, easy);
	EXPECT_TRUE(curl_lazy_loaded());
	EXPECT_TRUE(mapped("libcurl"));
	EXPECT_EQ(1, curl_lazy_loads());
	/* One option of each argument type: a long, a pointer, a curl_off_t. */
	EXPECT_EQ(CURLE_OK, curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, 1500L));
	EXPECT_EQ(CURLE_OK, curl_easy_setopt(easy, CURLOPT_URL, "https://web.corp.test/x"));
	EXPECT_EQ(CURLE_OK, curl_easy_setopt(easy, CURLOPT_MAXFILESIZE_LARGE,
					     (curl_off_t)65536));
	EXPECT_EQ(CURLE_UNKNOWN_OPTION, curl_easy_setopt(easy, (CURLoption)9999, 1L));
	EXPECT_EQ(CURLE_OK, curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &code));
	EXPECT_EQ(0, code);
	EXPECT_STREQ("Timeout was reached", curl_easy_strerror(CURLE_OPERATION_TIMEDOUT));

	multi = curl_multi_init();
	ASSERT_NE(NULL, multi);
	EXPECT_EQ(CURLM_OK, curl_multi_setopt(multi, CURLMOPT_MAXCONNECTS, 2L));
	list = curl_slist_append(NULL, "Accept: text/xml");
	list = curl_slist_append(list, "Content-Type: text/xml");
	ASSERT_NE(NULL, list);
	url = curl_url();
	ASSERT_NE(NULL, url);
	EXPECT_EQ(CURLUE_OK, curl_url_set(url, CURLUPART_URL, "https://autodiscover.corp.test:443/a", 0));
	EXPECT_EQ(CURLUE_OK, curl_url_get(url, CURLUPART_HOST, &host, 0));
	EXPECT_STREQ("autodiscover.corp.test", host);
	/* libcurl allocates with what the daemon set at start. */
	EXPECT_LT(0, allocs);

	/* Freed in any order: libcurl stays until the last one goes. */
	curl_easy_cleanup(easy);
	curl_url_cleanup(url);
	curl_multi_cleanup(multi);
	curl_slist_free_all(list);
	EXPECT_TRUE(curl_lazy_loaded());
	curl_free(host);
	EXPECT_FALSE(curl_lazy_loaded());
	EXPECT_FALSE(mapped("libcurl"));
	EXPECT_FALSE(mapped("libgnutls"));
	EXPECT_FALSE(mapped("libldap"));

	/* Needed again: loaded again, set up again with the same allocator. */
	allocs = 0;
	easy = curl_easy_init();
	ASSERT_NE(NULL, easy);
	EXPECT_EQ(2, curl_lazy_loads());
	EXPECT_LT(0, allocs);
	curl_easy_cleanup(easy);
	EXPECT_FALSE(mapped("libcurl"));
	curl_global_cleanup();
}

TEST(nothing_loaded_calls_fail_cleanly)
{
	EXPECT_FALSE(curl_lazy_loaded());
	EXPECT_EQ(CURLE_FAILED_INIT, curl_easy_setopt(NULL, CURLOPT_URL, "x"));
	EXPECT_EQ(CURLM_BAD_HANDLE, curl_multi_cleanup(NULL));
	curl_easy_cleanup(NULL);
	curl_free(NULL);
	curl_slist_free_all(NULL);
	EXPECT_FALSE(curl_lazy_loaded());
}

/* Without curl_global_init_mem(): libcurl sets itself up, and is still unloaded. */
TEST(used_without_global_init)
{
	CURL *easy = curl_easy_init();

	ASSERT_NE(NULL, easy);
	EXPECT_TRUE(mapped("libcurl"));
	curl_easy_cleanup(easy);
	EXPECT_FALSE(curl_lazy_loaded());
	EXPECT_FALSE(mapped("libcurl"));
}

TEST_HARNESS_MAIN
