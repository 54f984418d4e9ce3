#!/bin/bash
# samba/populate.sh: load the run's root CA (certificationAuthority + pKIEnrollmentService)
# and user alice into the provisioned sam.ldb. Done offline with ldbadd before samba starts:
# 0.3 s, where samba-tool/ldapadd against the running DC cost seconds of Python.
set -euo pipefail
. "$(dirname "$0")/../common.sh"
ca=$(base64 -w0 "$TB_RUN/pki/ca.der")
pw=$(printf '"%s"' "$(cat "$TB_RUN/secrets/alice.pass")" | iconv -f UTF-8 -t UTF-16LE | base64 -w0)
svc=$(printf '"%s"' "Svc-$(openssl rand -hex 16)" | iconv -f UTF-8 -t UTF-16LE | base64 -w0)
sed -e "s|@CA_B64@|$ca|g" -e "s|@ALICE_PWD_B64@|$pw|" -e "s|@SVC_PWD_B64@|$svc|" \
  "$TB_DIR/samba/pki-objects.ldif.in" > "$TB_RUN/samba/pki-objects.ldif"
ldbadd -H "tdb://$TB_RUN/samba/dc/private/sam.ldb" "$TB_RUN/samba/pki-objects.ldif" >/dev/null
# The DC's LDAP service principals, as a Windows DC registers them (Samba's samba_spnupdate
# would, from the dnsupdate service this bed does not run): the phone binds with Kerberos
# (SASL GSSAPI) to ldap/dc1.corp.test.
ldbmodify -H "tdb://$TB_RUN/samba/dc/private/sam.ldb" >/dev/null <<EOL
dn: CN=DC1,OU=Domain Controllers,$TB_BASE_DN
changetype: modify
add: servicePrincipalName
servicePrincipalName: ldap/dc1.$TB_DOMAIN
servicePrincipalName: ldap/dc1.$TB_DOMAIN/$TB_DOMAIN
servicePrincipalName: ldap/DC1
EOL
# The services' keys (websvc: HTTP/web and sip/sip) for the stand-ins that accept Kerberos,
# exported in the background while samba starts (samba-tool's Python costs ~1 s each); a
# stand-in offers Kerberos once the file is there.
(
  for spn in "HTTP/web.$TB_DOMAIN" "sip/sip.$TB_DOMAIN"; do
    samba-tool domain exportkeytab "$TB_RUN/samba/keytab.${spn%%/*}" --principal="$spn" \
      -s "$TB_RUN/samba/dc/etc/smb.conf" >/dev/null 2>"$TB_RUN/log/keytab-${spn%%/*}.log" &
  done
  wait
  printf 'rkt %s\nrkt %s\nwkt %s\n' "$TB_RUN/samba/keytab.HTTP" "$TB_RUN/samba/keytab.sip" \
    "$TB_RUN/samba/services.keytab.new" | ktutil >/dev/null 2>&1
  mv "$TB_RUN/samba/services.keytab.new" "$TB_RUN/samba/services.keytab"
) </dev/null >/dev/null 2>&1 &
