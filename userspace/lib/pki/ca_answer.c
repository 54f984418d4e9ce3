// SPDX-License-Identifier: GPL-2.0-only
/* The root CA helper's answer, both ways (see ca_answer.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/evp.h>

#include "lib/pki/ca_answer.h"
#include "lib/pki/ca_bundle.h"

/* A DER certificate of a few KiB; a hostile one is refused beyond this. */
#define CERT_DER_MAX (16 * 1024)
#define CERT_B64_MAX ((CERT_DER_MAX + 2) / 3 * 4)

int ca_answer_init(struct ca_answer *a)
{
	memset(a, 0, sizeof(*a));
	a->roots = sk_X509_new_null();
	return a->roots ? 0 : -ENOMEM;
}

void ca_answer_clear(struct ca_answer *a)
{
	sk_X509_pop_free(a->roots, X509_free);
	X509_free(a->dc_cert);
	sk_X509_pop_free(a->dc_chain, X509_free);
	memset(a, 0, sizeof(*a));
}

char *ca_answer_cert_line(const char *key, X509 *cert)
{
	unsigned char *der = NULL;
	int der_len = i2d_X509(cert, &der);
	size_t klen = strlen(key), cap;
	char *line;
	int n;

	if (der_len <= 0 || der_len > CERT_DER_MAX) {
		OPENSSL_free(der);
		ERR_clear_error();
		return NULL;
	}
	cap = klen + 1 + ((size_t)der_len + 2) / 3 * 4 + 2;
	line = malloc(cap);
	if (line) {
		memcpy(line, key, klen);
		line[klen] = '=';
		n = EVP_EncodeBlock((unsigned char *)line + klen + 1, der, der_len);
		line[klen + 1 + (size_t)n] = '\n';
		line[klen + 2 + (size_t)n] = '\0';
	}
	OPENSSL_free(der);
	return line;
}

static bool is_b64(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       (c >= '0' && c <= '9') || c == '+' || c == '/';
}

X509 *ca_answer_cert_value(const char *value, size_t len)
{
	unsigned char *der;
	const unsigned char *p;
	size_t pad = 0, i;
	X509 *x = NULL;
	int n;

	if (!len || len % 4 || len > CERT_B64_MAX)
		return NULL;
	while (pad < 2 && value[len - 1 - pad] == '=')
		pad++;
	for (i = 0; i < len - pad; i++)
		if (!is_b64((unsigned char)value[i]))
			return NULL;
	der = malloc(len / 4 * 3);
	if (!der)
		return NULL;
	n = EVP_DecodeBlock(der, (const unsigned char *)value, (int)len);
	if (n >= 0 && (size_t)n >= pad) {
		long der_len = (long)((size_t)n - pad);

		p = der;
		x = d2i_X509(NULL, &p, der_len);
		/* One certificate, every byte of it: no trailing garbage. */
		if (x && p != der + der_len) {
			X509_free(x);
			x = NULL;
		}
	}
	free(der);
	ERR_clear_error();
	return x;
}

/* Every one of the n bytes at s is in set (s need not end in '\0'). */
static bool all_in(const char *s, size_t n, const char *set)
{
	for (size_t i = 0; i < n; i++)
		if (!s[i] || !strchr(set, s[i]))
			return false;
	return true;
}

static bool is_host_name(const char *s, size_t n)
{
	return n && n <= 253 && s[0] != '.' && s[0] != '-' &&
	       all_in(s, n, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			    "0123456789.-");
}

static bool is_flag(const char *v, size_t n)
{
	return n == 1 && v[0] == '1';
}

/* One line (key, value of n bytes, no '\0' or '\n' in it) into a. */
static int take_line(struct ca_answer *a, const char *key, size_t klen,
		     const char *v, size_t n)
{
	X509 *x;

#define KEY(k) (klen == sizeof(k) - 1 && !memcmp(key, k, klen))
	if (KEY("how")) {
		if (!((n == 8 && !memcmp(v, "kerberos", 8)) ||
		      (n == 4 && !memcmp(v, "ntlm", 4)) ||
		      (n == 4 && !memcmp(v, "none", 4)) ||
		      (n == 5 && !memcmp(v, "ldaps", 5))))
			return -EINVAL;
		memcpy(a->how, v, n);
		a->how[n] = '\0';
	} else if (KEY("error")) {
		if (!n || n >= sizeof(a->error))
			return -EINVAL;
		memcpy(a->error, v, n);
		a->error[n] = '\0';
	} else if (KEY("bind_refused")) {
		if (!is_flag(v, n))
			return -EINVAL;
		a->bind_refused = true;
	} else if (KEY("transport_failed")) {
		if (!is_flag(v, n))
			return -EINVAL;
		a->transport_failed = true;
	} else if (KEY("no_root")) {
		if (!is_flag(v, n))
			return -EINVAL;
		a->no_root = true;
	} else if (KEY("enrollment")) {
		if (n >= sizeof(a->enrollment_host) || !is_host_name(v, n))
			return -EINVAL;
		memcpy(a->enrollment_host, v, n);
		a->enrollment_host[n] = '\0';
	} else if (KEY("rejected")) {
		if (!n || n > 4 || !all_in(v, n, "0123456789"))
			return -EINVAL;
		a->rejected_values = 0;
		for (size_t i = 0; i < n; i++)
			a->rejected_values = a->rejected_values * 10 +
					     (unsigned int)(v[i] - '0');
	} else if (KEY("root")) {
		x = ca_answer_cert_value(v, n);
		if (!x || !ca_is_root(x) ||
		    sk_X509_num(a->roots) >= CA_ANSWER_ROOTS_MAX) {
			X509_free(x);
			return -EINVAL;
		}
		if (ca_contains(a->roots, x) || !sk_X509_push(a->roots, x))
			X509_free(x);
	} else if (KEY("dc")) {
		x = ca_answer_cert_value(v, n);
		if (!x || a->dc_cert) {
			X509_free(x);
			return -EINVAL;
		}
		a->dc_cert = x;
	} else if (KEY("chain")) {
		x = ca_answer_cert_value(v, n);
		if (!a->dc_chain)
			a->dc_chain = sk_X509_new_null();
		if (!x || !a->dc_chain ||
		    sk_X509_num(a->dc_chain) >= CA_ANSWER_CHAIN_MAX ||
		    !sk_X509_push(a->dc_chain, x)) {
			X509_free(x);
			return -EINVAL;
		}
	} else {
		return -EINVAL;
	}
#undef KEY
	return 0;
}

int ca_answer_parse(const char *text, size_t len, struct ca_answer *a)
{
	const char *line = text, *end = text + len, *nl, *eq;
	int ret;

	if (len > CA_INPUT_MAX)
		return -EINVAL;
	while (line < end) {
		nl = memchr(line, '\n', (size_t)(end - line));
		if (!nl)
			nl = end;	/* the last line may lack its newline */
		if (nl == line || memchr(line, '\0', (size_t)(nl - line))) {
			ret = -EINVAL;	/* an empty line or a NUL: not ours */
			goto bad;
		}
		eq = memchr(line, '=', (size_t)(nl - line));
		if (!eq || eq == line) {
			ret = -EINVAL;
			goto bad;
		}
		ret = take_line(a, line, (size_t)(eq - line), eq + 1,
				(size_t)(nl - eq - 1));
		if (ret < 0)
			goto bad;
		line = nl + 1;
	}
	if (a->error[0]) {
		a->status = a->bind_refused ? -EACCES :
			    a->no_root ? -ENOENT : -EIO;
		return 0;
	}
	if (a->bind_refused || a->transport_failed || a->no_root) {
		ret = -EINVAL;		/* a failure without its reason */
		goto bad;
	}
	a->status = 0;
	return sk_X509_num(a->roots) || a->enrollment_host[0] ? 0 : -ENODATA;
bad:
	sk_X509_pop_free(a->roots, X509_free);
	X509_free(a->dc_cert);
	sk_X509_pop_free(a->dc_chain, X509_free);
	memset(a, 0, sizeof(*a));
	a->roots = sk_X509_new_null();
	return ret;
}
