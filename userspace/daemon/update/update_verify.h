/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The outer signature of a downloaded image: CPE.cat is a CMS (PKCS#7)
 * detached signature, DER or PEM, over CPE.nbt's bytes, and must chain to
 * the vendor signing root built into the image (--update-vendor-root),
 * never to the enterprise trust store: whoever runs the network does not
 * get to say what the phone installs. Read with OpenSSL; the image is
 * streamed from its file, never held in memory.
 */
#ifndef UCPHONED_UPDATE_VERIFY_H
#define UCPHONED_UPDATE_VERIFY_H

#include <stddef.h>

/*
 * 0 when signature_path holds a signature over image_path by a
 * certificate chaining to a root in vendor_root_path (PEM, one or more);
 * -EKEYREJECTED (wrong signer, tampered image, bad signature), -EBADMSG
 * (not a CMS signature), -ENOENT (no vendor root) or -EIO, with the
 * reason in why.
 */
int update_verify(const char *image_path, const char *signature_path,
		  const char *vendor_root_path, char *why, size_t why_len);

#endif /* UCPHONED_UPDATE_VERIFY_H */
