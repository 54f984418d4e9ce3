#!/bin/bash
# samba-ca.sh: take the root CA's certificationAuthority object out of Active Directory, or
# put it back, so that a test can leave the phone only the second way to its root CA
# (pKIEnrollmentService -> dNSHostName -> certsrv/certnew.p7b, protocols brief 5).
#   samba-ca.sh remove    delete CN=corp-DC1-CA,CN=Certification Authorities,... (idempotent)
#   samba-ca.sh restore   add it back as up.sh loaded it (idempotent)
#   samba-ca.sh status    print "present" or "absent"
# Over LDAP as the domain Administrator against the running DC: Samba caches nothing of it.
set -euo pipefail
. "$(dirname "$0")/common.sh"
CA_BASE="CN=Certification Authorities,CN=Public Key Services,CN=Services,$TB_CONFIG_DN"
CA_DN="CN=corp-DC1-CA,$CA_BASE"
# LDAPS: the DC refuses a simple bind on plain LDAP (strong auth required, AD's default)
export LDAPTLS_CACERT=$TB_RUN/pki/ca.pem
ADMIN=(-x -H "ldaps://$TB_AD_IP" -D "Administrator@$TB_DOMAIN" -w "$TB_AD_ADMIN_PASS")
AD() { ip netns exec "$TB_NS_AD" "$@"; }

present() {
  AD ldapsearch -LLL "${ADMIN[@]}" -b "$CA_BASE" '(objectCategory=certificationAuthority)' dn |
    grep -q '^dn: '
}

case ${1:-} in
  remove)
    present || exit 0
    AD ldapdelete "${ADMIN[@]}" "$CA_DN" ;;
  restore)
    present && exit 0
    # the object's stanza from the LDIF populate.sh loaded (first stanza, up to a blank line)
    awk 'NF == 0 { exit } /^#/ { next } { print }' "$TB_RUN/samba/pki-objects.ldif" |
      AD ldapadd "${ADMIN[@]}" >/dev/null ;;
  status) if present; then echo present; else echo absent; fi ;;
  *) echo "usage: samba-ca.sh remove|restore|status" >&2; exit 2 ;;
esac
