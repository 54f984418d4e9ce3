#!/bin/bash
# up.sh: start the whole test bed from scratch (see README.md for the picture).
# Idempotent by tearing down: if a bed (of this prefix) is up, down.sh stops it first and
# everything starts fresh, with new keys. Waits until each server really answers; on a
# server that does not, prints "TIMEOUT: <what>" and exits non-zero (logs in $TB_RUN/log).
set -euo pipefail
. "$(dirname "$0")/common.sh"
T0=$(now)
[ "$(id -u)" = 0 ] || { echo "up: needs root (network namespaces)" >&2; exit 1; }

"$TB_DIR/down.sh" | sed 's/^/up: /'

# The run directory is wiped: refuse to wipe a directory that is not a former run directory
# (down.sh refuses one that belongs to a bed of another prefix).
if [ -d "$TB_RUN" ] && [ -n "$(ls -A "$TB_RUN")" ] && [ ! -f "$TB_RUN/$TB_MARK" ]; then
  echo "up: $TB_RUN exists, is not empty and is not a testbed run directory; not wiping it" >&2
  exit 1
fi
rm -rf "$TB_RUN"; mkdir -p "$TB_RUN/log" "$TB_RUN/secrets"; echo "$TB_PREFIX" > "$TB_RUN/$TB_MARK"
chmod 700 "$TB_RUN/secrets"
printf '%s' "$TB_USER_PASS" > "$TB_RUN/secrets/$TB_USER.pass"     # no newline: ldapsearch -y
printf '%s' "$TB_PEER_PASS" > "$TB_RUN/secrets/$TB_PEER_USER.pass"
printf '%s' "$TB_PEER2_PASS" > "$TB_RUN/secrets/$TB_PEER2_USER.pass"
chmod 600 "$TB_RUN"/secrets/*
: > "$TB_RUN/pids"

# start NAME NS CMD...: run a server in the foreground of its own session inside NS;
# record "NAME PID STARTTIME" (start time guards down.sh against a recycled PID).
start() {
  local name=$1 ns=$2; shift 2
  setsid ip netns exec "$ns" "$@" </dev/null >"$TB_RUN/log/$name.log" 2>&1 &
  local st; st=$(cut -d')' -f2- "/proc/$!/stat" | awk '{print $20}')
  echo "$name $! $st" >> "$TB_RUN/pids"
  TB_WATCH=$!                       # waitfor gives up early if this server dies
}
# on any failure: say so and show the end of every server's log
on_exit() {
  local rc=$?; [ $rc = 0 ] && return
  echo "up: FAILED (rc $rc); logs in $TB_RUN/log" >&2
  tail -n 5 "$TB_RUN"/log/*.log >&2 2>/dev/null
}
trap on_exit EXIT

# --- namespaces: bridge br0 in its own namespace, one veth per host. The veths are created
# directly inside the namespaces, so the host's interface list never changes.
T=$(now)
mountpoint -q /run/netns || touch "$TB_RUN/netns-mount-ours"
ip netns add "$TB_NS_SW"
ip -n "$TB_NS_SW" link add br0 type bridge
ip -n "$TB_NS_SW" link set lo up
ip -n "$TB_NS_SW" link set br0 up
for h in $TB_HOSTS; do
  ns=$TB_PREFIX-$h
  ip netns add "$ns"
  ip -n "$TB_NS_SW" link add name "$h" type veth peer name eth0 netns "$ns"
  ip -n "$TB_NS_SW" link set dev "$h" master br0 up
  ip -n "$ns" link set lo up
  ip -n "$ns" link set eth0 up
done
ip -n "$TB_NS_SRV"  addr add "$TB_SRV_IP/24"  dev eth0
ip -n "$TB_NS_SRV"  addr add "$TB_SIP2_IP/24" dev eth0    # the second registrar
ip -n "$TB_NS_AD"   addr add "$TB_AD_IP/24"   dev eth0
ip -n "$TB_NS_PEER" addr add "$TB_PEER_IP/24" dev eth0
# tb-phone's eth0 stays without an address: the phone's daemon runs DHCP there
lap "namespaces + bridge" "$T"

# --- Samba provisioning is 6-13 s of pure CPU here: run it on the other core meanwhile
TP=$(now)
start samba-provision "$TB_NS_AD" "$TB_DIR/samba/provision.sh"
PROV_PID=$! TB_WATCH=''

T=$(now); "$TB_DIR/pki.sh" "$TB_RUN/pki"; lap "pki (2 CAs + 5 server certs)" "$T"

# --- dnsmasq: DHCP + DNS
T=$(now)
render "$TB_DIR/dnsmasq/dnsmasq.conf.in" "$TB_RUN/dnsmasq/dnsmasq.conf"
start dnsmasq "$TB_NS_SRV" dnsmasq -C "$TB_RUN/dnsmasq/dnsmasq.conf"
waitfor "dnsmasq DNS on $TB_SRV_IP:53" ip netns exec "$TB_NS_SRV" \
  dig +short +time=1 +tries=1 "@$TB_SRV_IP" sip.corp.test A
lap "dnsmasq (DHCP+DNS)" "$T"

# --- chrony: NTP server, -x = never touch the clock
T=$(now)
render "$TB_DIR/chrony/chrony.conf.in" "$TB_RUN/chrony/chrony.conf"
start chronyd "$TB_NS_SRV" chronyd -x -d -u root -f "$TB_RUN/chrony/chrony.conf"
waitfor "chronyd NTP on $TB_SRV_IP:123" ip netns exec "$TB_NS_SRV" sntp -t 1 "$TB_SRV_IP"
lap "chronyd (NTP)" "$T"

# --- the Exchange 2007 SP1 CAS fixture (Autodiscover + EWS), behind nginx on 127.0.0.1:8088
T=$(now)
mkdir -p "$TB_RUN/exchange"; echo default > "$TB_RUN/exchange/case"
# Basic credentials are checked by a bind over LDAPS: the DC requires strong
# authentication (no simple bind on plain LDAP), as AD does by default.
# NTLM goes to the DC's winbindd through ntlm_auth (winbind-ns.sh: its socket directory,
# made here, before samba starts and creates the pipe in it).
mkdir -m 755 "$TB_RUN/winbindd"
start exchange "$TB_NS_SRV" /usr/bin/env LDAPTLS_CACERT="$TB_RUN/pki/ca.pem" \
  "$TB_DIR/winbind-ns.sh" /usr/bin/python3 "$TB_DIR/exchange/exchange_fixture.py" \
  --case-file "$TB_RUN/exchange/case" --ldap "ldaps://$TB_AD_IP" \
  --smb-conf "$TB_RUN/samba/dc/etc/smb.conf" --certsrv-p7b "$TB_RUN/nginx/www/certsrv/certnew.p7b"
waitfor "Exchange fixture on 127.0.0.1:8088" ip netns exec "$TB_NS_SRV" \
  curl -s -o /dev/null http://127.0.0.1:8088/
lap "exchange fixture" "$T"

# --- nginx: certsrv p7b (HTTP+HTTPS), Autodiscover + EWS (the fixture, HTTPS)
T=$(now)
render "$TB_DIR/nginx/nginx.conf.in" "$TB_RUN/nginx/nginx.conf"
render "$TB_DIR/nginx/exchange-proxy.conf.in" "$TB_RUN/nginx/exchange-proxy.conf"
render "$TB_DIR/nginx/devupdate-proxy.conf.in" "$TB_RUN/nginx/devupdate-proxy.conf"
cp "$TB_RUN/pki/apex-chain.pem" "$TB_RUN/nginx/apex-chain.pem"
cp "$TB_RUN/pki/apex.key" "$TB_RUN/nginx/apex.key"
echo trusted > "$TB_RUN/exchange/cert"
mkdir -p "$TB_RUN/nginx/tmp" "$TB_RUN/nginx/www/certsrv"
# CA "chain" as base64 PKCS#7, CRLF line ends (Windows style: the phone must accept them)
openssl crl2pkcs7 -nocrl -certfile "$TB_RUN/pki/ca.pem" | sed 's/$/\r/' > "$TB_RUN/nginx/www/certsrv/certnew.p7b"
start nginx "$TB_NS_SRV" nginx -e "$TB_RUN/nginx/error.log" -p "$TB_RUN/nginx" \
  -c "$TB_RUN/nginx/nginx.conf" -g 'daemon off;'
# (certsrv asks for NTLM, so the TLS handshake is what is checked here)
waitfor "nginx HTTPS on $TB_SRV_IP:443" ip netns exec "$TB_NS_SRV" curl -s -o /dev/null \
  --cacert "$TB_RUN/pki/ca.pem" --resolve "web.corp.test:443:$TB_SRV_IP" \
  "https://web.corp.test/certsrv/certnew.p7b?ReqID=CACert"
lap "nginx (HTTP+HTTPS)" "$T"

# --- baresip bob's config and tone (kamailio.sh starts him once sip is up)
render "$TB_DIR/baresip/bob/config.in" "$TB_RUN/baresip/bob/config"
render "$TB_DIR/baresip/bob/accounts.in" "$TB_RUN/baresip/bob/accounts"
mkdir -p "$TB_RUN/baresip/rec-bob"
sox -q -n -r 8000 -c 1 -b 16 "$TB_RUN/baresip/tone.wav" synth 120 sine 1000 vol 0.5
# carol: the same, her own tone (1500 Hz) so a conference's parties can be told apart
render "$TB_DIR/baresip/carol/config.in" "$TB_RUN/baresip/carol/config"
render "$TB_DIR/baresip/carol/accounts.in" "$TB_RUN/baresip/carol/accounts"
mkdir -p "$TB_RUN/baresip/rec-carol"
sox -q -n -r 8000 -c 1 -b 16 "$TB_RUN/baresip/tone-carol.wav" synth 120 sine 1500 vol 0.5

# --- kamailio: two registrars (sip, and sip2 for failover), TLS 5061 + UDP/TCP 5060; then
# baresip bob, the far-end phone, registered over TLS on sip (kamailio.sh: all three)
T=$(now)
"$TB_DIR/kamailio.sh" start sip2
"$TB_DIR/kamailio.sh" start sip     # starts bob and carol too
lap "kamailio x2 + baresip bob, carol" "$T"

# --- Samba AD DC: wait for provisioning, load the CA objects + alice offline, start
# (bounded wait first: `wait` alone would hang forever on a stuck provision)
TB_WATCH='' TB_WAIT=120 waitfor "samba provisioning" bash -c "! kill -0 $PROV_PID 2>/dev/null || grep -q ' Z ' /proc/$PROV_PID/stat"
wait "$PROV_PID" || { echo "up: samba provisioning failed" >&2; exit 1; }
lap "samba provision (parallel)" "$TP"
T=$(now)
"$TB_DIR/samba/populate.sh"
start samba "$TB_NS_AD" samba -F --no-process-group -M single -s "$TB_RUN/samba/dc/etc/smb.conf"
TB_WAIT=60 waitfor "samba LDAP bind as $TB_USER on $TB_AD_IP:389" ip netns exec "$TB_NS_AD" \
  env LDAPTLS_CACERT="$TB_RUN/pki/ca.pem" ldapsearch -x -H "ldaps://$TB_AD_IP" \
  -D "$TB_USER@$TB_DOMAIN" -y "$TB_RUN/secrets/$TB_USER.pass" \
  -s base -b "$TB_CONFIG_DN" dn
lap "samba AD DC (LDAP bind)" "$T"

# --- run/env: what other scripts (smoke.sh, the daemon's tests) source. Single-quoted
# values, so plain sh can source it too.
q() { while [ $# -gt 0 ]; do printf "%s='%s'\n" "$1" "${2//\'/\'\\\'\'}"; shift 2; done; }
{
  for v in TB_PREFIX TB_RUN TB_DIR TB_NS_SW TB_NS_PHONE TB_NS_SRV TB_NS_AD TB_NS_PEER \
           TB_SUBNET TB_SRV_IP TB_AD_IP TB_PEER_IP TB_DOMAIN TB_REALM TB_BASE_DN TB_CONFIG_DN \
           TB_USER TB_PEER_USER TB_PEER_CTRL TB_PEER2_USER TB_PEER2_CTRL; do
    q "$v" "${!v}"
  done
  q TB_PHONE_IF eth0 TB_DNS "$TB_SRV_IP" TB_NTP "$TB_SRV_IP" TB_VENDOR_CLASS MS-UC-Client \
    TB_USER_URI "sip:$TB_USER@$TB_DOMAIN" TB_USER_PASS_FILE "$TB_RUN/secrets/$TB_USER.pass" \
    TB_PEER_URI "sip:$TB_PEER_USER@$TB_DOMAIN" TB_PEER_PASS_FILE "$TB_RUN/secrets/$TB_PEER_USER.pass" \
    TB_PEER2_URI "sip:$TB_PEER2_USER@$TB_DOMAIN" TB_PEER2_PASS_FILE "$TB_RUN/secrets/$TB_PEER2_USER.pass" \
    TB_SIP_HOST sip.corp.test TB_SIP_TLS_PORT 5061 TB_SIP_IP "$TB_SRV_IP" \
    TB_SIP2_HOST sip2.corp.test TB_SIP2_IP "$TB_SIP2_IP" \
    TB_SIP_SRV "_sipinternaltls._tcp.$TB_DOMAIN" \
    TB_KAMAILIO_LOG "$TB_RUN/log/kamailio.log" TB_KAMAILIO2_LOG "$TB_RUN/log/kamailio2.log" \
    TB_KAMAILIO_SH "$TB_DIR/kamailio.sh" TB_SAMBA_CA_SH "$TB_DIR/samba-ca.sh" \
    TB_UNTRUSTED_CA_PEM "$TB_RUN/pki/untrusted-ca.pem" \
    TB_USER_ADDRESS "$TB_USER@$TB_DOMAIN" TB_USER_DOMAIN_USER "CORP\\$TB_USER" \
    TB_USER_SMTP "$TB_USER@$TB_DOMAIN" TB_PROV_BODY "$TB_DIR/kamailio/provisioning.xml" \
    TB_PROV_CONTENT_TYPE application/vnd-microsoft-roaming-provisioning-v2+xml \
    TB_LDAP_URI "ldap://$TB_AD_IP" TB_LDAPS_URI "ldaps://$TB_AD_IP" \
    TB_LDAP_CA_BASE "CN=Certification Authorities,CN=Public Key Services,CN=Services,$TB_CONFIG_DN" \
    TB_CA_PEM "$TB_RUN/pki/ca.pem" TB_CA_DER "$TB_RUN/pki/ca.der" \
    TB_CERTNEW_URL "http://web.corp.test/certsrv/certnew.p7b?ReqID=CACert&Renewal=-1&Enc=b64" \
    TB_AUTODISCOVER_URL "https://autodiscover.corp.test/autodiscover/autodiscover.xml" \
    TB_EXCHANGE_SH "$TB_DIR/exchange.sh" TB_EXCHANGE_LOG "$TB_RUN/log/exchange.log" \
    TB_NGINX_ACCESS_LOG "$TB_RUN/nginx/access.log" \
    TB_CERTPROV_URL "https://web.corp.test:443/CertProv/CertProvisioningService.svc" \
    TB_LOG_DIR "$TB_RUN/log" TB_PIDS "$TB_RUN/pids"
} > "$TB_RUN/env"

lap "TOTAL up" "$T0"
