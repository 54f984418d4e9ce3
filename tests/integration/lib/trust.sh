# shellcheck shell=bash
# Sourced by the trust-*.sh tests after phone-daemon.sh: signing alice in and reading the
# trust section. The bed's root CA fingerprint is what every learned root must match.
CA_FP=$(openssl x509 -in "$TB_CA_PEM" -noout -fingerprint -sha256 | cut -d= -f2)
ROOTS=$W/state/trust/roots.pem

ctl() { ip netns exec "$TB_NS_PHONE" "$BUILD/userspace/ctl/ucphonectl" -c "$W/control" "$@"; }
# signin [PASSWORD_FILE]: alice as the bed knows her (Domain\User for the LDAP bind)
signin() {
  ctl signin --address "$TB_USER_ADDRESS" --user "$TB_USER_DOMAIN_USER" \
    --password-file "${1:-$TB_USER_PASS_FILE}" >/dev/null
}
# file_fp FILE: SHA-256 fingerprint of the (first) certificate in a PEM file
file_fp() { openssl x509 -in "$1" -noout -fingerprint -sha256 2>/dev/null | cut -d= -f2; }
# no_secret FILE...: the password appears nowhere in them
no_secret() { ! grep -qF -- "$(cat "$TB_USER_PASS_FILE")" "$@"; }
