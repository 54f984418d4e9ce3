/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * libcurl loaded on first use and unloaded when the daemon holds nothing
 * of it (net/curl_lazy.c defines the libcurl functions ucphoned calls, so
 * callers include <curl/curl.h> as usual). The state is process-wide, as
 * libcurl's own global state is; only the daemon's loop thread calls
 * libcurl.
 */
#ifndef UCPHONED_CURL_LAZY_H
#define UCPHONED_CURL_LAZY_H

#include <stdbool.h>

/* How many times libcurl was loaded, and whether it is loaded now. */
unsigned long curl_lazy_loads(void);
bool curl_lazy_loaded(void);

#endif /* UCPHONED_CURL_LAZY_H */
