// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: the bytes a certsrv web server or a domain controller
 * hands the phone (lib/pki/ca_bundle.c): each input goes through the certnew.p7b
 * body parser, the LDAP cACertificate value parser and the persisted-roots
 * PEM reader. Every root they accept must really be a root, and whatever
 * was accepted must survive the PEM round trip the daemon persists it with.
 */
#include <stdint.h>
#include <stdlib.h>

#include "lib/pki/ca_bundle.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_roots(STACK_OF(X509) *roots, int ret)
{
	STACK_OF(X509) *back;
	size_t len;
	char *pem;
	int i;

	if (ret > sk_X509_num(roots))
		__builtin_trap();
	for (i = 0; i < sk_X509_num(roots); i++)
		if (!ca_is_root(sk_X509_value(roots, i)))
			__builtin_trap();
	if (!sk_X509_num(roots))
		return;
	pem = ca_roots_to_pem(roots, &len);
	if (!pem)
		return;
	back = sk_X509_new_null();
	if (back && ca_roots_from_pem(pem, len, back) != sk_X509_num(roots))
		__builtin_trap();
	sk_X509_pop_free(back, X509_free);
	free(pem);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	STACK_OF(X509) *roots = sk_X509_new_null();
	int ret;

	if (!roots)
		return 0;
	ret = ca_parse_certsrv(data, size, roots);
	check_roots(roots, ret);
	ret = ca_parse_ldap_value(data, size, roots);
	if (ret > 1)
		__builtin_trap();
	check_roots(roots, 0);
	sk_X509_pop_free(roots, X509_free);

	roots = sk_X509_new_null();
	if (!roots)
		return 0;
	ret = ca_roots_from_pem(data, size, roots);
	check_roots(roots, ret);
	sk_X509_pop_free(roots, X509_free);
	return 0;
}
