#!/usr/bin/env python3
# ocs_registrar.py: stands in for the front end of Microsoft Office Communications Server
# 2007 R2 (no OCS exists in Debian): a small SIP registrar over TLS that authenticates with
# MS-SIPAE NTLM in connectionless mode and signs its answers, as OCS does.
#
# The password check is Samba's, never ours: the NTLM acceptor is gss-ntlmssp's (called
# straight, not through the GSSAPI mechglue, which cannot start a context from the empty
# token connectionless NTLM begins with), and gss-ntlmssp hands the AUTHENTICATE's
# responses to winbindd (libwbclient), which checks them against the AD DC's own database.
# Run it where /run/samba/winbindd is the DC's winbindd socket directory (ocs.sh does that
# with a private mount namespace).
#
# What it does, per [MS-SIPAE]:
#   REGISTER without credentials       -> 401 WWW-Authenticate: NTLM realm, targetname, version=3
#   NTLM gssapi-data=""                 -> 401 with the CHALLENGE (gssapi-data) and an opaque
#   NTLM gssapi-data=<AUTHENTICATE>     -> the DC's verdict: 200 signed (Authentication-Info
#                                          rspauth/srand/snum) or 401 again (refused)
#   any later request                   -> must carry opaque, crand, cnum and a response that
#                                          verifies (gss_verify_mic over the signature buffer):
#                                          a wrong signature gets 403, a missing one 401
#   an association older than --sa-lifetime -> 401 with a new challenge (re-authenticate)
# SUBSCRIBE for vnd-microsoft-provisioning-v2 gets 200 with --prov-body; other requests 200.
# Every verdict is one line on stdout (the log the tests read); the last signed request is
# kept in --last-request for the tests' tampering.
#
#   ocs_registrar.py --listen IP:PORT --cert CHAIN --key KEY --target sip.corp.test
#                    [--sa-lifetime S] [--max-expires S] [--bad-rspauth] [--prov-body FILE]
#                    [--last-request FILE] [--offer-kerberos]
# --offer-kerberos: the 401 offers Kerberos (targetname sip/<target>) before NTLM, as OCS does
# in a domain; this stand-in takes NTLM only and answers a Kerberos attempt with 401.
import argparse
import base64
import ctypes
import os
import re
import secrets
import socket
import ssl
import sys
import threading
import time

REALM = "SIP Communications Service"
NTLM_SEQ = 100      # OCS signs and checks with the NTLM sequence number fixed at 100
GSS_C_DATAGRAM_FLAG = 0x10000
SET_SEQ_OID = b"\x2b\x06\x01\x04\x01\xb7\x7d\x85\x0f\x01\x01"


class Buf(ctypes.Structure):
    _fields_ = [("length", ctypes.c_size_t), ("value", ctypes.c_void_p)]


class Oid(ctypes.Structure):
    _fields_ = [("length", ctypes.c_uint32), ("elements", ctypes.c_char_p)]


def buf(data):
    b = ctypes.create_string_buffer(data, len(data))
    return Buf(len(data), ctypes.cast(b, ctypes.c_void_p)), b


class Ntlm:
    """gss-ntlmssp as the acceptor, one context per security association."""

    def __init__(self):
        self.lib = ctypes.CDLL("/usr/lib/x86_64-linux-gnu/gssntlmssp/gssntlmssp.so")
        for f in ("gss_accept_sec_context", "gss_inquire_context", "gss_display_name",
                  "gss_set_sec_context_option", "gss_verify_mic", "gss_get_mic"):
            getattr(self.lib, f).restype = ctypes.c_uint32
        self.lock = threading.Lock()

    def bytes_of(self, b):
        return ctypes.string_at(b.value, b.length) if b.length else b""

    def accept(self, ctx, token):
        """(major, minor, output token); ctx is updated in place."""
        minor = ctypes.c_uint32()
        out = Buf()
        inb, keep = buf(token)
        with self.lock:
            maj = self.lib.gss_accept_sec_context(
                ctypes.byref(minor), ctypes.byref(ctx), None, ctypes.byref(inb), None,
                None, None, ctypes.byref(out), None, None, None)
        return maj, minor.value, self.bytes_of(out)

    def user(self, ctx):
        minor = ctypes.c_uint32()
        src = ctypes.c_void_p()
        if self.lib.gss_inquire_context(ctypes.byref(minor), ctx, ctypes.byref(src), None,
                                        None, None, None, None, None) != 0 or not src.value:
            return "?"
        disp = Buf()
        if self.lib.gss_display_name(ctypes.byref(minor), src, ctypes.byref(disp), None) != 0:
            return "?"
        return self.bytes_of(disp).rstrip(b"\0").decode(errors="replace")

    def set_seq(self, ctx):
        minor = ctypes.c_uint32()
        oid = Oid(len(SET_SEQ_OID), SET_SEQ_OID)
        v, keep = buf(NTLM_SEQ.to_bytes(4, "little"))
        return self.lib.gss_set_sec_context_option(ctypes.byref(minor), ctypes.byref(ctx),
                                                   ctypes.byref(oid), ctypes.byref(v)) == 0

    def verify(self, ctx, text, mic):
        minor = ctypes.c_uint32()
        with self.lock:
            if not self.set_seq(ctx):
                return False
            m, k1 = buf(text)
            t, k2 = buf(mic)
            return self.lib.gss_verify_mic(ctypes.byref(minor), ctx, ctypes.byref(m),
                                           ctypes.byref(t), None) == 0

    def sign(self, ctx, text):
        minor = ctypes.c_uint32()
        out = Buf()
        with self.lock:
            if not self.set_seq(ctx):
                return None
            m, k1 = buf(text)
            if self.lib.gss_get_mic(ctypes.byref(minor), ctx, 0, ctypes.byref(m),
                                    ctypes.byref(out)) != 0:
                return None
        return self.bytes_of(out)


def log(*a):
    print(time.strftime("%H:%M:%S"), *a, flush=True)


class Msg:
    def __init__(self, raw):
        head, _, self.body = raw.partition(b"\r\n\r\n")
        lines = head.decode(errors="replace").split("\r\n")
        self.start = lines[0]
        self.headers = []
        for ln in lines[1:]:
            if ln[:1] in (" ", "\t") and self.headers:
                n, v = self.headers[-1]
                self.headers[-1] = (n, v + " " + ln.strip())
            elif ":" in ln:
                n, v = ln.split(":", 1)
                self.headers.append((n.strip(), v.strip()))
        parts = self.start.split(" ")
        self.method = parts[0]
        self.raw = raw

    def get(self, name, short=None):
        for n, v in self.headers:
            if n.lower() == name.lower() or (short and n.lower() == short):
                return v
        return None

    def all(self, name, short=None):
        return [v for n, v in self.headers if n.lower() == name.lower() or
                (short and n.lower() == short)]


def uri_tag(value):
    """(uri, tag) of a From/To value."""
    if value is None:
        return "", ""
    m = re.search(r"<([^>]*)>(.*)", value)
    if m:
        uri, params = m.group(1), m.group(2)
    else:
        uri, _, params = value.partition(";")
        params = ";" + params
    t = re.search(r";\s*tag=([^;\s]+)", params)
    return uri.strip(), (t.group(1) if t else "")


def sig_text(mech, rand, num, target, fields):
    """The MS-SIPAE signature buffer (authentication protocol version 3)."""
    call_id, cseq_num, method, from_uri, from_tag, to_uri, to_tag, pai_sip, pai_tel, expires, \
        status = fields
    parts = [mech, rand, num, REALM, target, call_id, cseq_num, method, from_uri, from_tag,
             to_uri, to_tag, pai_sip, pai_tel, expires]
    text = "".join("<%s>" % p for p in parts)
    if status:
        text += "<%d>" % status
    return text.encode()


def fields_of(call_id, cseq, from_v, to_v, pai, expires, status):
    num, _, method = (cseq or "").partition(" ")
    fu, ft = uri_tag(from_v)
    tu, tt = uri_tag(to_v)
    ps = pt = ""
    for item in (pai or "").split(","):
        u = re.search(r"<([^>]*)>", item)
        u = u.group(1) if u else item.strip()
        if u.lower().startswith("sip:"):
            ps = u
        elif u.lower().startswith("tel:"):
            pt = u
    return (call_id or "", num.strip(), method.strip(), fu, ft, tu, tt, ps, pt,
            (expires or "").strip(), status)


def auth_params(value):
    scheme, _, rest = value.partition(" ")
    params = {}
    for m in re.finditer(r'([A-Za-z][\w-]*)\s*=\s*("([^"]*)"|[^,\s]*)', rest):
        params[m.group(1).lower()] = m.group(3) if m.group(3) is not None else m.group(2)
    return scheme, params


class Sa:
    def __init__(self):
        self.ctx = ctypes.c_void_p()
        self.done = False
        self.user = None
        self.created = time.monotonic()
        self.snum = 0
        self.opaque = ""


class Server:
    def __init__(self, args):
        self.args = args
        self.ntlm = Ntlm()
        self.sas = {}           # opaque -> Sa
        self.lock = threading.Lock()
        self.prov = open(args.prov_body, "rb").read() if args.prov_body else b""

    def challenges(self):
        c = []
        if self.args.offer_kerberos:
            c.append(("WWW-Authenticate", 'Kerberos realm="%s", targetname="sip/%s", version=3'
                      % (REALM, self.args.target)))
        return c + [("WWW-Authenticate", self.challenge_hdr())]

    def challenge_hdr(self, sa_opaque=None, token=None):
        v = 'NTLM realm="%s", targetname="%s", version=3' % (REALM, self.args.target)
        if sa_opaque:
            v += ', opaque="%s", gssapi-data="%s"' % (sa_opaque, base64.b64encode(token).decode())
        return v

    def respond(self, conn, req, status, reason, extra=(), body=b"", ctype=None, sa=None):
        to = req.get("To", "t")
        if status != 100 and "tag=" not in to:
            to += ";tag=" + secrets.token_hex(8)
        hdrs = [("Via", v) for v in req.all("Via", "v")]
        hdrs += [("From", req.get("From", "f")), ("To", to), ("Call-ID", req.get("Call-ID", "i")),
                 ("CSeq", req.get("CSeq"))]
        hdrs += list(extra)
        if sa is not None:
            sa.snum += 1
            srand = secrets.token_hex(4)
            fields = fields_of(req.get("Call-ID", "i"), req.get("CSeq"), req.get("From", "f"), to,
                               None, dict(hdrs).get("Expires"), status)
            mic = self.ntlm.sign(sa.ctx, sig_text("NTLM", srand, str(sa.snum), self.args.target,
                                                  fields))
            rspauth = mic.hex() if mic else ""
            if self.args.bad_rspauth and rspauth:
                rspauth = rspauth[:-1] + ("1" if rspauth[-1] == "0" else "0")
            hdrs.append(("Authentication-Info",
                         'NTLM rspauth="%s", srand="%s", snum="%d", opaque="%s", qop="auth", '
                         'targetname="%s", realm="%s"' % (rspauth, srand, sa.snum, sa.opaque,
                                                          self.args.target, REALM)))
        hdrs.append(("Server", "RTC/3.5 (ucphone test stand-in for OCS 2007 R2)"))
        if ctype:
            hdrs.append(("Content-Type", ctype))
        hdrs.append(("Content-Length", str(len(body))))
        out = "SIP/2.0 %d %s\r\n" % (status, reason)
        out += "".join("%s: %s\r\n" % (n, v) for n, v in hdrs) + "\r\n"
        conn.sendall(out.encode() + body)

    def handle(self, conn, req):
        if req.method in ("ACK",):
            return
        auth = req.get("Authorization") or req.get("Proxy-Authorization")
        scheme, p = auth_params(auth) if auth else ("", {})
        challenge = self.challenges()
        if scheme.upper() == "KERBEROS":
            log("%s with Kerberos: not taken here, 401" % req.method)
            self.respond(conn, req, 401, "Unauthorized", challenge)
            return
        if scheme.upper() != "NTLM":
            log("%s unsigned: 401 %s challenge" % (req.method, "Kerberos+NTLM" if
                                                   self.args.offer_kerberos else "NTLM"))
            self.respond(conn, req, 401, "Unauthorized", challenge)
            return
        opaque = p.get("opaque", "")
        if "gssapi-data" in p:
            self.handshake(conn, req, p)
            return
        with self.lock:
            sa = self.sas.get(opaque)
        if not sa or not sa.done:
            log("%s signed for an unknown association: 401" % req.method)
            self.respond(conn, req, 401, "Unauthorized", challenge)
            return
        if time.monotonic() - sa.created > self.args.sa_lifetime:
            with self.lock:
                self.sas.pop(opaque, None)
            log("%s: association %s expired: 401, re-authenticate" % (req.method, opaque))
            self.respond(conn, req, 401, "Unauthorized", challenge)
            return
        fields = fields_of(req.get("Call-ID", "i"), req.get("CSeq"), req.get("From", "f"),
                           req.get("To", "t"), req.get("P-Asserted-Identity") or
                           req.get("P-Preferred-Identity"), req.get("Expires"), 0)
        text = sig_text("NTLM", p.get("crand", ""), p.get("cnum", ""), self.args.target, fields)
        try:
            mic = bytes.fromhex(p.get("response", ""))
        except ValueError:
            mic = b""
        if not mic or not self.ntlm.verify(sa.ctx, text, mic):
            log("%s signature does not verify (cnum %s): 403" % (req.method, p.get("cnum")))
            self.respond(conn, req, 403, "Forbidden")
            return
        log("%s signed by %s verified (cnum %s)" % (req.method, sa.user, p.get("cnum")))
        if self.args.last_request:
            with open(self.args.last_request + ".tmp", "wb") as f:
                f.write(req.raw)
            os.replace(self.args.last_request + ".tmp", self.args.last_request)
        self.answer(conn, req, sa)

    def handshake(self, conn, req, p):
        data = p.get("gssapi-data", "")
        opaque = p.get("opaque", "")
        challenge = self.challenges()
        if not data:
            sa = Sa()
            maj, minor, token = self.ntlm.accept(sa.ctx, b"")
            if maj != 1 or not token:     # GSS_S_CONTINUE_NEEDED with the CHALLENGE
                log("NTLM acceptor failed to start (major %#x minor %#x): is winbindd reachable?"
                    % (maj, minor))
                self.respond(conn, req, 500, "Server Internal Error")
                return
            sa.opaque = secrets.token_hex(4).upper()
            with self.lock:
                self.sas[sa.opaque] = sa
            log("%s: NTLM CHALLENGE sent (opaque %s)" % (req.method, sa.opaque))
            self.respond(conn, req, 401, "Unauthorized",
                         [("WWW-Authenticate", self.challenge_hdr(sa.opaque, token))])
            return
        with self.lock:
            sa = self.sas.get(opaque)
        if not sa or sa.done:
            log("AUTHENTICATE for an unknown handshake: 401")
            self.respond(conn, req, 401, "Unauthorized", challenge)
            return
        try:
            token = base64.b64decode(data, validate=True)
        except ValueError:
            token = b""
        maj, minor, _ = self.ntlm.accept(sa.ctx, token)
        if maj != 0:
            with self.lock:
                self.sas.pop(opaque, None)
            log("NTLM refused by the DC (major %#x minor %#x): 401" % (maj, minor))
            self.respond(conn, req, 401, "Unauthorized", challenge)
            return
        sa.done = True
        sa.created = time.monotonic()
        sa.user = self.ntlm.user(sa.ctx)
        log("%s: NTLM sign-in of %s checked by the DC's winbindd (opaque %s)" %
            (req.method, sa.user, opaque))
        self.answer(conn, req, sa)

    def answer(self, conn, req, sa):
        if req.method == "REGISTER":
            asked = req.get("Expires")
            asked = int(asked) if asked and asked.isdigit() else 3600
            granted = min(asked, self.args.max_expires)
            contact = req.get("Contact", "m") or ""
            extra = [("Contact", "%s;expires=%d" % (contact, granted)), ("Expires", str(granted))]
            log("REGISTER %s: 200 (expires %d)" % ("removed" if granted == 0 else "bound", granted))
            self.respond(conn, req, 200, "OK", extra, sa=sa)
        elif req.method == "SUBSCRIBE" and "provisioning" in (req.get("Event", "o") or ""):
            self.respond(conn, req, 200, "OK", [("Expires", "0")], self.prov,
                         "application/vnd-microsoft-roaming-provisioning-v2+xml", sa=sa)
        else:
            self.respond(conn, req, 200, "OK", sa=sa)

    def serve_conn(self, conn):
        data = b""
        try:
            while True:
                chunk = conn.recv(65536)
                if not chunk:
                    return
                data += chunk
                while True:
                    data = data.lstrip(b"\r\n")
                    end = data.find(b"\r\n\r\n")
                    if end < 0:
                        break
                    m = re.search(rb"\r\n(Content-Length|l)\s*:\s*(\d+)", data[:end + 2], re.I)
                    blen = int(m.group(2)) if m else 0
                    if len(data) < end + 4 + blen:
                        break
                    raw, data = data[:end + 4 + blen], data[end + 4 + blen:]
                    req = Msg(raw)
                    if req.start.startswith("SIP/2.0"):
                        continue
                    self.handle(conn, req)
        except (OSError, ssl.SSLError) as e:
            log("connection closed: %s" % e)
        finally:
            conn.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--listen", required=True)
    ap.add_argument("--cert", required=True)
    ap.add_argument("--key", required=True)
    ap.add_argument("--target", required=True)
    ap.add_argument("--sa-lifetime", type=float, default=8 * 3600)
    ap.add_argument("--max-expires", type=int, default=3600)
    ap.add_argument("--bad-rspauth", action="store_true")
    ap.add_argument("--prov-body")
    ap.add_argument("--last-request")
    ap.add_argument("--offer-kerberos", action="store_true")
    args = ap.parse_args()
    host, port = args.listen.rsplit(":", 1)
    tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    tls.load_cert_chain(args.cert, args.key)
    srv = Server(args)
    ls = socket.create_server((host, int(port)), reuse_port=False)
    log("OCS stand-in listening on %s (NTLM, SA lifetime %.0f s)" % (args.listen, args.sa_lifetime))
    while True:
        c, _ = ls.accept()
        try:
            c = tls.wrap_socket(c, server_side=True)
        except (OSError, ssl.SSLError) as e:
            log("TLS handshake failed: %s" % e)
            c.close()
            continue
        threading.Thread(target=srv.serve_conn, args=(c,), daemon=True).start()


if __name__ == "__main__":
    sys.exit(main())
