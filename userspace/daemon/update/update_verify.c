// SPDX-License-Identifier: GPL-2.0-only
/* The image's CMS detached signature against the vendor root (update_verify.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <openssl/bio.h>
/* pem.h first: cms.h declares its PEM functions only after it */
#include <openssl/pem.h>
#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/x509.h>

#include "update/update_verify.h"

static X509_STORE *load_roots(const char *path, char *why, size_t why_len)
{
	X509_STORE *store = X509_STORE_new();
	X509_LOOKUP *lookup;

	if (!store)
		return NULL;
	lookup = X509_STORE_add_lookup(store, X509_LOOKUP_file());
	if (!lookup || X509_LOOKUP_load_file(lookup, path, X509_FILETYPE_PEM) <= 0) {
		snprintf(why, why_len, "cannot read the vendor signing root %.120s",
			 path);
		X509_STORE_free(store);
		return NULL;
	}
	/* A vendor signature outlives its certificate's validity period. */
	X509_STORE_set_flags(store, X509_V_FLAG_NO_CHECK_TIME);
	/* Any purpose: the root decides, not an extended key usage. */
	X509_STORE_set_purpose(store, X509_PURPOSE_ANY);
	return store;
}

static CMS_ContentInfo *read_signature(const char *path)
{
	CMS_ContentInfo *cms = NULL;
	BIO *in = BIO_new_file(path, "rb");

	if (!in)
		return NULL;
	cms = d2i_CMS_bio(in, NULL);
	if (!cms && BIO_reset(in) == 0)
		cms = PEM_read_bio_CMS(in, NULL, NULL, NULL);
	BIO_free(in);
	return cms;
}

int update_verify(const char *image_path, const char *signature_path,
		  const char *vendor_root_path, char *why, size_t why_len)
{
	CMS_ContentInfo *cms = NULL;
	X509_STORE *roots;
	BIO *data = NULL;
	const char *reason;
	unsigned long err;
	int ret;

	ERR_clear_error();
	roots = load_roots(vendor_root_path, why, why_len);
	if (!roots)
		return -ENOENT;
	cms = read_signature(signature_path);
	if (!cms || OBJ_obj2nid(CMS_get0_type(cms)) != NID_pkcs7_signed ||
	    !CMS_is_detached(cms)) {
		snprintf(why, why_len, "the signature file is not a CMS detached signature");
		ret = -EBADMSG;
		goto out;
	}
	data = BIO_new_file(image_path, "rb");
	if (!data) {
		snprintf(why, why_len, "cannot read the image");
		ret = -EIO;
		goto out;
	}
	if (CMS_verify(cms, NULL, roots, data, NULL, CMS_BINARY) == 1) {
		ret = 0;
		goto out;
	}
	err = ERR_peek_last_error();
	reason = err ? ERR_reason_error_string(err) : NULL;
	snprintf(why, why_len, "signature refused: %.120s",
		 reason ? reason : "verification failure");
	ret = -EKEYREJECTED;
out:
	ERR_clear_error();
	BIO_free(data);
	CMS_ContentInfo_free(cms);
	X509_STORE_free(roots);
	return ret;
}
