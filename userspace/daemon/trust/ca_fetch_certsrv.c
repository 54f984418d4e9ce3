// SPDX-License-Identifier: GPL-2.0-only
/*
 * ucphone-ca-fetch's certsrv GET (see ca_fetch.c): one blocking libcurl
 * transfer of http://<web>/certsrv/certnew.p7b?ReqID=CACert&Renewal=-1&
 * Enc=b64 from an enterprise CA's web enrollment (IIS with Windows
 * authentication), to the address the daemon resolved (libcurl resolves
 * nothing itself). Plain HTTP, as the seed asks: the phone does not know
 * the root yet, so HTTPS could not be verified either; what comes back is
 * only believed as far as ca_bundle.c's checks go (self-signed CA roots).
 *
 *   with a TGT: HTTP Negotiate only (SPNEGO with Kerberos for HTTP/<web>,
 *   mutual authentication); the password is already zeroed.
 *   no KDC answered: HTTP NTLM only (the password goes into libcurl,
 *   never out: NTLMv2 answers to the server's challenge).
 * Basic is never allowed, so a server asking for it gets nothing. A server
 * that serves the file without asking is reported as how=none.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>
#include <openssl/pem.h>

#include "config.h"
#include "lib/pki/ca_bundle.h"
#include "lib/util/secret.h"
#include "net/curl_zeroing.h"
#include "trust/ca_fetch.h"

struct body {
	char *data;
	size_t len;
	bool too_big;
	bool asked;		/* a 401 asked for Negotiate or NTLM */
};

/* Every response's headers: did the server ask for the user at all? */
static size_t on_header(char *data, size_t size, size_t nmemb, void *ud)
{
	static const char name[] = "WWW-Authenticate:";
	struct body *b = ud;
	size_t n = size * nmemb, k = sizeof(name) - 1;

	if (n > k && !strncasecmp(data, name, k)) {
		while (k < n && (data[k] == ' ' || data[k] == '\t'))
			k++;
		if ((n - k >= 9 && !strncasecmp(data + k, "Negotiate", 9)) ||
		    (n - k >= 4 && !strncasecmp(data + k, "NTLM", 4)))
			b->asked = true;
	}
	return n;
}

static size_t on_body(char *data, size_t size, size_t nmemb, void *ud)
{
	struct body *b = ud;
	size_t n = size * nmemb;
	char *grown;

	if (b->len + n > CA_INPUT_MAX) {
		b->too_big = true;
		return 0;	/* aborts the transfer */
	}
	grown = realloc(b->data, b->len + n + 1);
	if (!grown)
		return 0;
	b->data = grown;
	memcpy(b->data + b->len, data, n);
	b->len += n;
	return n;
}

void ca_fetch_certsrv(struct ca_fetch_req *r, STACK_OF(X509) *roots)
{
	char url[600], resolve[600], curl_error[CURL_ERROR_SIZE] = "";
	const char *scheme = r->auth == CA_FETCH_KERBEROS ? "Negotiate (Kerberos)" : "NTLM";
	struct curl_slist *rs;
	struct body b = { 0 };
	long code = 0;
	CURLcode res;
	CURL *easy;
	int ret;

	/* libcurl's copies (the NTLM password, its hashes) zeroed when freed */
	if (curl_zeroing_init() < 0 || !(easy = curl_easy_init()))
		ca_fetch_fail(r, NULL, "cannot set up libcurl");
	snprintf(url, sizeof(url),
		 "http://%s/certsrv/certnew.p7b?ReqID=CACert&Renewal=-1&Enc=b64",
		 r->web);
	snprintf(resolve, sizeof(resolve), "%s:80:%s", r->web, r->web_addr);
	rs = curl_slist_append(NULL, resolve);
	if (!rs ||
	    curl_easy_setopt(easy, CURLOPT_URL, url) ||
	    curl_easy_setopt(easy, CURLOPT_RESOLVE, rs) ||
	    curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http") ||
	    curl_easy_setopt(easy, CURLOPT_NOPROXY, "*") ||
	    curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L) ||
	    curl_easy_setopt(easy, CURLOPT_FOLLOWLOCATION, 0L) ||
	    curl_easy_setopt(easy, CURLOPT_TIMEOUT, (long)CA_FETCH_STEP_TIMEOUT_S) ||
	    curl_easy_setopt(easy, CURLOPT_USERAGENT, "ucphone/" UCPHONE_VERSION) ||
	    curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, curl_error) ||
	    curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, on_body) ||
	    curl_easy_setopt(easy, CURLOPT_WRITEDATA, &b) ||
	    curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, on_header) ||
	    curl_easy_setopt(easy, CURLOPT_HEADERDATA, &b))
		ca_fetch_fail(r, NULL, "cannot set up libcurl");
	if (r->auth == CA_FETCH_KERBEROS) {
		/* The ticket is in this process's ccache; no name, no password. */
		if (curl_easy_setopt(easy, CURLOPT_HTTPAUTH, CURLAUTH_NEGOTIATE) ||
		    curl_easy_setopt(easy, CURLOPT_USERPWD, ":"))
			ca_fetch_fail(r, NULL, "libcurl has no Negotiate");
	} else {
		/* libcurl keeps its own copy; ours is zeroed below. */
		if (curl_easy_setopt(easy, CURLOPT_HTTPAUTH, CURLAUTH_NTLM) ||
		    curl_easy_setopt(easy, CURLOPT_USERNAME, r->user) ||
		    curl_easy_setopt(easy, CURLOPT_PASSWORD, r->password))
			ca_fetch_fail(r, NULL, "libcurl has no NTLM");
		secret_zero(r->password, r->password_len);
		r->password = NULL;
	}
	res = curl_easy_perform(easy);
	curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &code);
	/* The password's copy inside libcurl goes with the handle. */
	curl_easy_cleanup(easy);
	curl_slist_free_all(rs);
	if (res != CURLE_OK)
		ca_fetch_fail(r, res == CURLE_COULDNT_CONNECT ||
			      res == CURLE_OPERATION_TIMEDOUT ? "transport_failed" : NULL,
			      "certsrv GET from %s failed: %.200s", r->web,
			      b.too_big ? "answer over 256 KiB" :
			      curl_error[0] ? curl_error : curl_easy_strerror(res));
	if (code != 200)
		/* Not the DC's refusal: a 401 here is no reason to stop trying. */
		ca_fetch_fail(r, NULL, "certsrv answered HTTP %ld%s%s", code,
			      code == 401 ? " to " : "", code == 401 ? scheme : "");
	ret = ca_parse_certsrv(b.data ? b.data : "", b.len, roots);
	if (ret < 0)
		ca_fetch_fail(r, NULL, "certsrv answer (%zu bytes) is no PKCS#7 or certificate",
			      b.len);
	if (!ret)
		ca_fetch_fail(r, NULL, "certsrv answer holds no self-signed root CA");
	free(b.data);
	/* Authenticated only if the server asked for the scheme we answered. */
	printf("how=%s\n", b.asked ? ca_fetch_how(r) : "none");
	for (int i = 0; i < sk_X509_num(roots); i++)
		ca_fetch_put_cert("root", sk_X509_value(roots, i));
	curl_zeroing_cleanup();
}
