#!/bin/bash
# The vendor's update signing keys for a development or test build: a root
# CA (the keyring the image carries as /etc/rauc/keyring.pem, the root
# that signs update images) and the update signing certificate it issues
# (digitalSignature, emailProtection: what `rauc bundle` and a CMS
# signature over CPE.nbt need). Made once in the cache, never in the
# repository: a real vendor keeps its keys in its own signing service and
# points the build at its CA with UCPHONE_VENDOR_KEYS=DIR (DIR/ca.cert.pem,
# and DIR/sign.{cert,key}.pem where bundles are made).
#
#   scripts/vendor-keys.sh            make them if missing, print the folder
#   scripts/vendor-keys.sh --print-env   VENDOR_CA= VENDOR_CERT= VENDOR_KEY=
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
dir=${UCPHONE_VENDOR_KEYS:-${UCPHONE_CACHE:-$repo/.cache}/vendor-keys}
mkdir -p "$dir"
exec 9>"$dir/.lock"
flock 9
if ! [ -s "$dir/ca.cert.pem" ]; then
	[ -z "${UCPHONE_VENDOR_KEYS:-}" ] ||
		{ echo "vendor-keys: no $dir/ca.cert.pem" >&2; exit 1; }
	tmp=$(mktemp -d "$dir/.new.XXXXXX")
	# a failed run leaves no key behind
	trap 'rm -rf "$tmp"' EXIT
	umask 077
	cat >"$tmp/ext.cnf" <<'CNF'
[vendor_ca]
basicConstraints=critical,CA:true
keyUsage=critical,keyCertSign,cRLSign
subjectKeyIdentifier=hash
[vendor_sign]
basicConstraints=critical,CA:false
keyUsage=critical,digitalSignature
extendedKeyUsage=emailProtection
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid
CNF
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-keyout "$tmp/ca.key.pem" -out "$tmp/ca.cert.pem" -days 3650 \
		-subj "/O=ucphone test vendor/CN=ucphone test update root" \
		-extensions vendor_ca -config <(cat /etc/ssl/openssl.cnf "$tmp/ext.cnf") 2>"$tmp/err" || { cat "$tmp/err" >&2; exit 1; }
	openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-keyout "$tmp/sign.key.pem" -out "$tmp/sign.csr" \
		-subj "/O=ucphone test vendor/CN=ucphone test update signing" 2>"$tmp/err" || { cat "$tmp/err" >&2; exit 1; }
	openssl x509 -req -in "$tmp/sign.csr" -CA "$tmp/ca.cert.pem" -CAkey "$tmp/ca.key.pem" \
		-CAcreateserial -days 3650 -extfile "$tmp/ext.cnf" -extensions vendor_sign \
		-out "$tmp/sign.cert.pem" 2>"$tmp/err" || { cat "$tmp/err" >&2; exit 1; }
	rm -f "$tmp/sign.csr" "$tmp/ext.cnf" "$tmp/err" "$tmp"/*.srl
	chmod 644 "$tmp/ca.cert.pem" "$tmp/sign.cert.pem"
	# ca.cert.pem last: its presence says the set is complete
	mv "$tmp/sign.key.pem" "$tmp/sign.cert.pem" "$tmp/ca.key.pem" "$dir/"
	mv "$tmp/ca.cert.pem" "$dir/"
	rmdir "$tmp"
	trap - EXIT
fi
if [ "${1:-}" = --print-env ]; then
	printf 'VENDOR_CA=%q\nVENDOR_CERT=%q\nVENDOR_KEY=%q\n' \
		"$dir/ca.cert.pem" "$dir/sign.cert.pem" "$dir/sign.key.pem"
else
	echo "$dir"
fi
