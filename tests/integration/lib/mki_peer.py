#!/usr/bin/env python3
# A scripted far end standing in for an OCS 2007 R2 / Lync endpoint (no Debian
# package plays one): registers as bob over TLS with Digest, calls the phone with
# an SDP offer whose a=crypto key carries a lifetime and a 1-byte MKI
# (inline:KEY|2^31|1:1), ACKs the 200, holds the call, then sends BYE.
#   mki_peer.py REGISTRAR_IP CA_PEM USER PASSWORD DOMAIN TARGET [HOLD_S [TONE_PEER OUT_RAW FREQ]]
# With TONE_PEER (tests/media/srtp_tone_peer), the call carries media while held: a PCMU
# tone at FREQ as SRTP with the MKI in every packet, and what the phone sends is
# decrypted with the key (and MKI) of its answer into OUT_RAW (8 kHz s16).
# Prints one line per step; the last line is the phone's SDP answer, base64'd
# keys hidden. Exit 0 when the call set up and ended cleanly.
import base64
import hashlib
import os
import re
import socket
import ssl
import subprocess
import sys
import time


def md5(s):
    return hashlib.md5(s.encode()).hexdigest()


class Flow:
    def __init__(self, ip, ca):
        ctx = ssl.create_default_context(cafile=ca)
        ctx.check_hostname = False
        raw = socket.create_connection((ip, 5061), timeout=10)
        self.s = ctx.wrap_socket(raw)
        self.buf = b""
        self.local = "%s:%d" % self.s.getsockname()[:2]

    def send(self, text):
        self.s.sendall(text.encode())

    def recv(self, timeout=10):
        end = time.time() + timeout
        while True:
            head_end = self.buf.find(b"\r\n\r\n")
            if head_end >= 0:
                head = self.buf[:head_end].decode(errors="replace")
                m = re.search(r"(?im)^(?:content-length|l)\s*:\s*(\d+)", head)
                n = int(m.group(1)) if m else 0
                if len(self.buf) >= head_end + 4 + n:
                    body = self.buf[head_end + 4:head_end + 4 + n].decode(errors="replace")
                    self.buf = self.buf[head_end + 4 + n:]
                    return head, body
            self.s.settimeout(max(0.1, end - time.time()))
            chunk = self.s.recv(65536)
            if not chunk:
                raise EOFError("registrar closed the connection")
            self.buf += chunk
            self.buf = self.buf.lstrip(b"\r\n")


def hdr(head, name):
    m = re.search(r"(?im)^%s\s*:\s*(.*)$" % name, head)
    return m.group(1).strip() if m else ""


def status(head):
    m = re.match(r"SIP/2\.0 (\d+)", head)
    return int(m.group(1)) if m else 0


def digest(head, method, uri, user, password):
    ch = hdr(head, "WWW-Authenticate") or hdr(head, "Proxy-Authenticate")
    realm = re.search(r'realm="([^"]*)"', ch).group(1)
    nonce = re.search(r'nonce="([^"]*)"', ch).group(1)
    cnonce = os.urandom(8).hex()
    ha1 = md5("%s:%s:%s" % (user, realm, password))
    ha2 = md5("%s:%s" % (method, uri))
    resp = md5("%s:%s:00000001:%s:auth:%s" % (ha1, nonce, cnonce, ha2))
    name = "Authorization" if status(head) == 401 else "Proxy-Authorization"
    return ('%s: Digest username="%s", realm="%s", nonce="%s", uri="%s", '
            'response="%s", algorithm=MD5, qop=auth, nc=00000001, cnonce="%s"\r\n'
            % (name, user, realm, nonce, uri, resp, cnonce))


SUITES = {"AES_CM_128_HMAC_SHA1_80": 80, "AES_CM_128_HMAC_SHA1_32": 32}


def key_line(suite, b64, params):
    # "SUITE KEY_SALT_HEX MKI MKI_LEN" for srtp_tone_peer; params: ["2^31", "1:1"]
    mki, mki_len = 0, 0
    for p in params:
        if ":" in p:
            mki, mki_len = (int(x) for x in p.split(":"))
    return "%d %s %d %d\n" % (SUITES[suite], base64.b64decode(b64).hex(), mki, mki_len)


def run_media(media, host, our_key, answer, seconds):
    # Our key is the one we send with (RFC 4568 5.1.1); the answer's is the phone's.
    prog, out, freq = media
    ip = re.search(r"(?m)^c=IN IP4 (\S+)", answer).group(1)
    port = re.search(r"(?m)^m=audio (\d+) ", answer).group(1)
    m = re.search(r"(?m)^a=crypto:\d+ (\S+) inline:([A-Za-z0-9+/=]+)((?:\|[^|\s;]+)*)", answer)
    if not m or m.group(1) not in SUITES:
        print("media: no usable crypto line in the answer")
        return False
    suite = m.group(1)
    keys = (key_line(suite, our_key, ["2^31", "1:1"]) +
            key_line(suite, m.group(2), [p for p in m.group(3).split("|") if p]))
    peer = subprocess.Popen([prog, host, "40000", ip, port, str(freq), str(int(seconds)), out],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    res, _ = peer.communicate(keys, timeout=seconds + 30)
    print("media: " + res.strip())
    return peer.returncode == 0


def main():
    ip, ca, user, password, domain, target = sys.argv[1:7]
    hold = float(sys.argv[7]) if len(sys.argv) > 7 else 3.0
    media = sys.argv[8:11] if len(sys.argv) > 10 else None
    f = Flow(ip, ca)
    aor = "sip:%s@%s" % (user, domain)
    tag, callid = os.urandom(4).hex(), os.urandom(8).hex()
    contact = "<sip:%s@%s;transport=tls>" % (user, f.local)

    def request(method, uri, cseq, extra="", body="", to=None, branch=None, ctype="application/sdp"):
        branch = branch or "z9hG4bK" + os.urandom(6).hex()
        msg = ("%s %s SIP/2.0\r\nVia: SIP/2.0/TLS %s;branch=%s;rport\r\nMax-Forwards: 70\r\n"
               "From: <%s>;tag=%s\r\nTo: %s\r\nCall-ID: %s-%s\r\nCSeq: %d %s\r\n"
               "Contact: %s\r\n%s" % (method, uri, f.local, branch, aor, tag,
                                      to or "<%s>" % uri, callid, method.lower()
                                      if method == "REGISTER" else "c", cseq, method,
                                      contact, extra))
        if body:
            msg += "Content-Type: %s\r\n" % ctype
        msg += "Content-Length: %d\r\n\r\n%s" % (len(body.encode()), body)
        f.send(msg)
        return branch

    def final():
        while True:
            head, body = f.recv()
            if head.startswith("SIP/2.0") and status(head) >= 200:
                return head, body
            if not head.startswith("SIP/2.0"):
                answer_request(head)
            elif status(head) >= 180:
                print("provisional %d" % status(head))

    def answer_request(head):
        # OPTIONS, or anything else the registrar relays while we wait
        f.send("SIP/2.0 200 OK\r\n%sFrom: %s\r\nTo: %s\r\nCall-ID: %s\r\nCSeq: %s\r\n"
               "Content-Length: 0\r\n\r\n" % (
                   "".join("Via: %s\r\n" % v.strip() for v in re.findall(r"(?im)^via\s*:\s*(.*)$", head)),
                   hdr(head, "From"), hdr(head, "To"), hdr(head, "Call-ID"), hdr(head, "CSeq")))

    reg_uri = "sip:%s" % domain
    request("REGISTER", reg_uri, 1, "Expires: 300\r\n", to="<%s>" % aor)
    head, _ = final()
    if status(head) in (401, 407):
        request("REGISTER", reg_uri, 2, "Expires: 300\r\n" +
                digest(head, "REGISTER", reg_uri, user, password), to="<%s>" % aor)
        head, _ = final()
    print("registered %d" % status(head))
    if status(head) != 200:
        return 1

    host = f.local.split(":")[0]
    key = base64.b64encode(os.urandom(30)).decode()
    sdp = ("v=0\r\no=- 1 1 IN IP4 %s\r\ns=session\r\nc=IN IP4 %s\r\nt=0 0\r\n"
           "m=audio 40000 RTP/SAVP 0 8 101\r\n"
           "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:%s|2^31|1:1\r\n"
           "a=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\n"
           "a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\na=ptime:20\r\n"
           "a=sendrecv\r\n" % (host, host, key))
    br = request("INVITE", target, 1, body=sdp)
    head, body = final()
    cseq = 1
    if status(head) in (401, 407):
        f.send("ACK %s SIP/2.0\r\nVia: SIP/2.0/TLS %s;branch=%s;rport\r\nFrom: <%s>;tag=%s\r\n"
               "To: %s\r\nCall-ID: %s-c\r\nCSeq: 1 ACK\r\nContent-Length: 0\r\n\r\n"
               % (target, f.local, br, aor, tag, hdr(head, "To"), callid))
        cseq = 2
        request("INVITE", target, cseq, digest(head, "INVITE", target, user, password), body=sdp)
        head, body = final()
    print("INVITE answered %d" % status(head))
    if status(head) != 200:
        return 1
    to = hdr(head, "To")
    remote = re.search(r"<([^>]*)>", hdr(head, "Contact")).group(1)
    routes = [r.strip() for r in ",".join(re.findall(r"(?im)^record-route\s*:\s*(.*)$", head)).split(",") if r.strip()]
    route = "".join("Route: %s\r\n" % r for r in reversed(routes))
    f.send("ACK %s SIP/2.0\r\nVia: SIP/2.0/TLS %s;branch=z9hG4bK%s;rport\r\n%s"
           "From: <%s>;tag=%s\r\nTo: %s\r\nCall-ID: %s-c\r\nCSeq: %d ACK\r\n"
           "Content-Length: 0\r\n\r\n" % (remote, f.local, os.urandom(6).hex(), route,
                                         aor, tag, to, callid, cseq))
    crypto = re.findall(r"(?m)^a=crypto:.*$", body)
    print("answer crypto: " + " ".join(re.sub(r"inline:[A-Za-z0-9+/=]+", "inline:KEY", c)
                                        for c in crypto))
    if media:
        if not run_media(media, host, key, body, hold):
            return 1
    else:
        time.sleep(hold)
    f.send("BYE %s SIP/2.0\r\nVia: SIP/2.0/TLS %s;branch=z9hG4bK%s;rport\r\n%sMax-Forwards: 70\r\n"
           "From: <%s>;tag=%s\r\nTo: %s\r\nCall-ID: %s-c\r\nCSeq: %d BYE\r\n"
           "Content-Length: 0\r\n\r\n" % (remote, f.local, os.urandom(6).hex(), route,
                                         aor, tag, to, callid, cseq + 1))
    head, _ = final()
    print("BYE answered %d" % status(head))
    return 0 if status(head) == 200 else 1


if __name__ == "__main__":
    sys.exit(main())
