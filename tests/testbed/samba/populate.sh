#!/bin/bash
# samba/populate.sh: load the run's root CA (certificationAuthority + pKIEnrollmentService)
# and user alice into the provisioned sam.ldb. Done offline with ldbadd before samba starts:
# 0.3 s, where samba-tool/ldapadd against the running DC cost seconds of Python.
set -euo pipefail
. "$(dirname "$0")/../common.sh"
ca=$(base64 -w0 "$TB_RUN/pki/ca.der")
pw=$(printf '"%s"' "$(cat "$TB_RUN/secrets/alice.pass")" | iconv -f UTF-8 -t UTF-16LE | base64 -w0)
sed -e "s|@CA_B64@|$ca|g" -e "s|@ALICE_PWD_B64@|$pw|" "$TB_DIR/samba/pki-objects.ldif.in" > "$TB_RUN/samba/pki-objects.ldif"
ldbadd -H "tdb://$TB_RUN/samba/dc/private/sam.ldb" "$TB_RUN/samba/pki-objects.ldif" >/dev/null
