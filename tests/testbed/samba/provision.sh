#!/bin/bash
# samba/provision.sh: provision a fresh AD domain CORP.TEST (DC dc1, 10.77.0.2) into
# $TB_RUN/samba. Pure CPU (6-13 s here: schema + display specifiers), so up.sh runs it in the
# background while the other servers start. Every path Samba would otherwise take from
# /var, /run or /etc is pointed into the run directory.
set -euo pipefail
. "$(dirname "$0")/../common.sh"
s=$TB_RUN/samba; rm -rf "$s"; mkdir -p "$s/run" "$s/log"
samba-tool domain provision --targetdir="$s/dc" --realm=CORP.TEST --domain=CORP \
  --server-role=dc --dns-backend=SAMBA_INTERNAL --host-name=dc1 --host-ip=10.77.0.2 \
  --adminpass="$TB_AD_ADMIN_PASS" \
  --option="interfaces=lo eth0" --option="bind interfaces only=yes" \
  --option="pid directory=$s/run" --option="ncalrpc dir=$s/run/ncalrpc" \
  --option="winbindd socket directory=$TB_RUN/winbindd" \
  --option="ntp signd socket directory=$s/run/ntp_signd" \
  --option="log file=$s/log/samba.log" \
  --option="dns forwarder=10.77.0.1"
# AD's default `ldap server require strong auth = yes` stays: a simple bind only over TLS,
# else SASL with signing (the phone binds with Kerberos, SASL GSSAPI).
# Only the services the phone can reach are started, and winbindd: the OCS stand-in
# (ocs/ocs_registrar.py) has NTLM answers checked through it, as a domain member would
# (no smbd/nbt children). Its socket directory is outside the folder provisioning wipes:
# up.sh makes it before the servers that mount it (winbind-ns.sh) start.
# The DC's TLS certificate comes from the test CA (pki.sh), as an enterprise CA would issue.
sed -i "s|^\[global\]\$|[global]\n\tserver services = ldap cldap kdc dns rpc winbindd\n\ttls enabled = yes\n\ttls keyfile = $TB_RUN/pki/dc1.key\n\ttls certfile = $TB_RUN/pki/dc1-chain.pem\n\ttls cafile = $TB_RUN/pki/ca.pem|" "$s/dc/etc/smb.conf"
