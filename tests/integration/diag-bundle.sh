#!/bin/bash
# The troubleshooting bundle after a real sign-in on the bed: `ucphonectl diag` in the
# phone's namespace writes a tar.gz whose certificates.json has the registrar's chain
# (sip.corp.test:5061, verified, the bed's CA at its end, SHA-256 as openssl computes it)
# and the root learned from AD, whose lease.json is the lease dnsmasq gave, whose
# registrars.json lists sip.corp.test; and which holds none of the bed's secrets in any
# spelling: alice's and bob's passwords, the AD administrator's, the phone's stored
# sign-in file, any private key of the bed's PKI (PEM body lines and DER bytes). Then a
# registrar with a certificate from an unknown CA: the refused chain is in the bundle.
#   diag-bundle.sh BUILD_DIR
set -uo pipefail
# shellcheck source=lib/phone-daemon.sh
. "$(dirname "$0")/lib/phone-daemon.sh"
# shellcheck source=lib/signin.sh
. "$(dirname "$0")/lib/signin.sh"
trap cleanup EXIT
echo "TAP version 13"

daemon_start
check "ucphonectl signin accepted" signin
check "signs in: registered" sip_is registered 40
PHONE_IP=$(phone_addr); PHONE_IP=${PHONE_IP%/*}
diag_to() { [ "$(ctl diag --output "$1")" = "$1" ] && [ -s "$1" ]; }
check "ucphonectl diag writes the bundle and prints its path" diag_to "$W/bundle.tar.gz"
version_ok() { [[ $(ctl version) =~ ucphoned\ [0-9]+\.[0-9]+\.[0-9]+\.[0-9]+\ \(UAPI ]]; }
check "ucphonectl version: the daemon's four-part version" version_ok
ca_fp=$(openssl x509 -in "$TB_CA_PEM" -noout -fingerprint -sha256 | sed 's/.*=//')
admin_pass=$(sed -n "s/.*TB_AD_ADMIN_PASS='\([^']*\)'.*/\1/p" "$TB_DIR/common.sh")

# One python run checks the bundle: TAP lines out, numbered from $n.
out=$(python3 - "$W/bundle.tar.gz" "$n" <<PY
import base64, binascii, glob, json, os, subprocess, sys, tarfile, urllib.parse
path, n = sys.argv[1], int(sys.argv[2])
fails = 0
def check(name, ok, detail=""):
    global n, fails
    n += 1
    print(("ok" if ok else "not ok") + f" {n} - {name}")
    if not ok:
        fails += 1
        for line in str(detail).splitlines()[:15]:
            print("# " + line)
m = {}
with tarfile.open(path, "r:gz") as tar:
    for e in tar.getmembers():
        m[e.name.split("/", 1)[1]] = tar.extractfile(e).read()
certs = json.loads(m["certificates.json"])
reg = [r for r in certs.get("registrars") or []
       if r.get("host") == "$TB_SIP_HOST" and r.get("port") == $TB_SIP_TLS_PORT]
reg = reg[0] if reg else {}
chain = reg.get("chain") or []
check("certificates.json: the registrar's chain, sip.corp.test:5061, verified",
      reg.get("verified") is True and "error" not in reg and len(chain) >= 2,
      certs.get("registrars"))
leaf = chain[0] if chain else {}
check("the chain's leaf names sip.corp.test, with subject, issuer, validity",
      "sip.corp.test" in leaf.get("subject", "") and leaf.get("issuer") and
      leaf.get("not_before", "?") != "?" and leaf.get("not_after", "?") != "?", leaf)
check("the chain ends at the bed's CA (SHA-256 as openssl computes it)",
      chain and chain[-1].get("sha256") == "$ca_fp" and chain[-1].get("self_signed"),
      chain[-1:] )
roots = certs.get("learned_roots") or []
check("the root learned from AD is listed with its fingerprint",
      any(r.get("sha256") == "$ca_fp" and r.get("source", "").startswith("ldap ")
          for r in roots), roots)
lease = json.loads(m["lease.json"])
check("lease.json: the lease dnsmasq gave (address, server, domain)",
      lease.get("address") == "$PHONE_IP" and lease.get("server") == "$TB_SRV_IP"
      and lease.get("domain") == "$TB_DOMAIN", lease)
regs = json.loads(m["registrars.json"]).get("registrars") or []
check("registrars.json: sip.corp.test found", any(r.get("host") == "$TB_SIP_HOST"
      for r in regs), regs)
check("daemon.log: the sign-in and the registration are in it",
      b'subsys=identity msg="signed in"' in m["daemon.log"] and
      b"sip.corp.test" in m["daemon.log"], m["daemon.log"][-600:])
check("status.json: identity is address + user only",
      set(json.loads(m["status.json"])["identity"]) <= {"signed_in", "address",
          "user", "source", "error"}, m["status.json"][:300])

def spellings(b):
    out = {b, base64.b64encode(b), binascii.hexlify(b), binascii.hexlify(b).upper(),
           urllib.parse.quote(b).encode(), json.dumps(b.decode(errors="replace"))[1:-1].encode()}
    return {s for s in out if len(s) >= 6}
needles = {}
for f in ("$TB_USER_PASS_FILE", "$TB_PEER_PASS_FILE"):
    pw = open(f, "rb").read().strip()
    for s in spellings(pw):
        needles[s] = os.path.basename(f)
for s in spellings(b"""$admin_pass"""):
    needles[s] = "AD administrator password"
signin_file = open("$W/state/signin", "rb").read()
needles[signin_file] = "the phone's signin file"
for key in glob.glob("$TB_RUN/pki/*.key"):
    pem = open(key, "rb").read()
    body = [l for l in pem.splitlines() if l and not l.startswith(b"-----")]
    for l in body:
        if len(l) >= 32:
            needles[l] = key
    der = subprocess.run(["openssl", "pkey", "-in", key, "-outform", "DER"],
                         capture_output=True).stdout
    for i in range(0, len(der) - 32, 64):
        needles[der[i:i + 32]] = key + " (DER)"
check(f"the secrets to look for were read ({len(needles)} needles)",
      len(needles) > 20 and any("alice" in v for v in needles.values()), len(needles))
found = sorted({(name, why) for name, data in m.items()
                for s, why in needles.items() if s in data})
check("no member holds a bed secret (passwords, signin file, private keys)",
      not found, found)
check("no member holds a PRIVATE KEY block",
      not [k for k, v in m.items() if b"PRIVATE KEY" in v])
import re
redacted = sorted({k.decode() for v in m.values()
                   for k in re.findall(rb'"([^"]+)": "\(redacted\)"', v)})
print(f"# values redacted by ucphonectl (the daemon's own JSON had them): {redacted or 'none'}")
print(f"#N {n} {fails}")
PY
)
echo "$out" | grep -v '^#N '
read -r _ n py_fails <<<"$(echo "$out" | grep '^#N ')"
fails=$((fails + ${py_fails:-1}))
n=${n:-0}

# A registrar the phone refuses: the bundle shows the chain it was offered, unverified,
# issued by the throw-away CA. The stored identity signs in again at start.
daemon_stop
"$TB_KAMAILIO_SH" untrusted >/dev/null || not_ok "kamailio.sh untrusted"
"$TB_KAMAILIO_SH" stop sip2 >/dev/null || not_ok "kamailio.sh stop sip2"
daemon_start
check "untrusted registrar: registration fails" sip_is failed 40
check "ucphonectl diag writes the bundle" diag_to "$W/refused.tar.gz"
untrusted_issuer=$(openssl x509 -in "$TB_UNTRUSTED_CA_PEM" -noout -subject -nameopt RFC2253 | sed 's/^subject=//')
refused_chain() {
  python3 - "$W/refused.tar.gz" "$TB_SIP_HOST" "$TB_SIP_TLS_PORT" "$untrusted_issuer" <<'PY'
import json, sys, tarfile
path, host, port, issuer = sys.argv[1:]
with tarfile.open(path, "r:gz") as tar:
    m = {e.name.split("/", 1)[1]: tar.extractfile(e).read() for e in tar.getmembers()}
regs = json.loads(m["certificates.json"]).get("registrars") or []
reg = [r for r in regs if r.get("host") == host and r.get("port") == int(port)]
reg = reg[0] if reg else {}
chain = reg.get("chain") or [{}]
ok = (reg.get("verified") is False and reg.get("error") and
      host in chain[0].get("subject", "") and chain[0].get("issuer") == issuer)
if not ok:
    print(f"# {regs}", file=sys.stderr)
sys.exit(0 if ok else 1)
PY
}
check "certificates.json: sip.corp.test:5061's refused chain, unverified, why, issued by the unknown CA" refused_chain
"$TB_KAMAILIO_SH" trusted >/dev/null
"$TB_KAMAILIO_SH" start sip2 >/dev/null
daemon_stop

echo "1..$n"
[ "$fails" -eq 0 ]
