#!/usr/bin/env python3
# A scripted far end the phone calls (no Debian SIP peer can be told to answer this way):
# registers as bob over TLS (mki_peer.py's flow) and answers the phone's INVITE with
#   422 Session Interval Too Small (Min-SE: 3600)     -> the phone must retry once;
#   183 from fork A, reliable (Require: 100rel, RSeq) -> the phone must PRACK it;
#   180 from fork B, then 200 from A, then 200 from B -> the phone must ACK both, BYE B
#                                                        and keep the call with A;
# then waits for the phone's BYE to A. Prints one line per step for the test to check.
#   uas_corners.py REGISTRAR_IP CA_PEM USER PASSWORD DOMAIN
import base64
import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from mki_peer import Flow, digest, hdr, status  # noqa: E402


def tag_of(value):
    m = re.search(r";\s*tag=([^;>\s]+)", value)
    return m.group(1) if m else ""


def main():
    ip, ca, user, password, domain = sys.argv[1:6]
    f = Flow(ip, ca)
    aor = "sip:%s@%s" % (user, domain)
    contact = "<sip:%s@%s;transport=tls>" % (user, f.local)
    host = f.local.split(":")[0]

    def out(line):
        print(line, flush=True)

    def reply_to(head, code, reason, totag="", extra="", body=""):
        to = hdr(head, "To")
        if totag and not tag_of(to):
            to += ";tag=" + totag
        msg = ("SIP/2.0 %d %s\r\n%s%sFrom: %s\r\nTo: %s\r\nCall-ID: %s\r\nCSeq: %s\r\n"
               "Contact: %s\r\n%s" % (
                   code, reason, "".join("Via: %s\r\n" % v.strip() for v in re.findall(r"(?im)^(?:via|v)\s*:\s*(.*)$", head)),
                   "".join("Record-Route: %s\r\n" % v.strip() for v in re.findall(r"(?im)^record-route\s*:\s*(.*)$", head)),
                   hdr(head, "From"), to, hdr(head, "Call-ID"), hdr(head, "CSeq"), contact, extra))
        if body:
            msg += "Content-Type: application/sdp\r\n"
        msg += "Content-Length: %d\r\n\r\n%s" % (len(body.encode()), body)
        f.send(msg)

    def request(method, timeout=15):
        # the next request METHOD; anything else asked of us (OPTIONS...) gets 200
        end = time.time() + timeout
        while True:
            head, body = f.recv(max(0.5, end - time.time()))
            if head.startswith("SIP/2.0"):
                continue
            if head.startswith(method + " "):
                return head, body
            if not head.startswith("ACK "):
                reply_to(head, 200, "OK")

    # register: first drop bob's stale bindings (earlier scripted peers), then ours
    cseq = 1
    for attempt in range(2):
        msg = ("REGISTER sip:%s SIP/2.0\r\nVia: SIP/2.0/TLS %s;branch=z9hG4bK%s;rport\r\n"
               "Max-Forwards: 70\r\nFrom: <%s>;tag=r1\r\nTo: <%s>\r\nCall-ID: reg-%s\r\n"
               "CSeq: %d REGISTER\r\nContact: *\r\nExpires: 0\r\n%sContent-Length: 0\r\n\r\n"
               % (domain, f.local, os.urandom(6).hex(), aor, aor, f.local, cseq,
                  digest(head, "REGISTER", "sip:" + domain, user, password) if attempt else ""))
        f.send(msg)
        while True:
            head, _ = f.recv()
            if head.startswith("SIP/2.0") and status(head) >= 200:
                break
        cseq += 1
        if status(head) not in (401, 407):
            break
    out("stale bindings removed %d" % status(head))
    for attempt in range(2):
        msg = ("REGISTER sip:%s SIP/2.0\r\nVia: SIP/2.0/TLS %s;branch=z9hG4bK%s;rport\r\n"
               "Max-Forwards: 70\r\nFrom: <%s>;tag=r1\r\nTo: <%s>\r\nCall-ID: reg-%s\r\n"
               "CSeq: %d REGISTER\r\nContact: %s\r\nExpires: 300\r\n%sContent-Length: 0\r\n\r\n"
               % (domain, f.local, os.urandom(6).hex(), aor, aor, f.local, cseq, contact,
                  digest(head, "REGISTER", "sip:" + domain, user, password) if attempt else ""))
        f.send(msg)
        while True:
            head, _ = f.recv()
            if head.startswith("SIP/2.0") and status(head) >= 200:
                break
        cseq += 1
        if status(head) not in (401, 407):
            break
    out("registered %d" % status(head))
    if status(head) != 200:
        return 1

    head, _ = request("INVITE")
    out("invite1 se=%s minse=%s supported=%s" % (hdr(head, "Session-Expires"), hdr(head, "Min-SE"),
                                               hdr(head, "Supported") or hdr(head, "k")))
    reply_to(head, 422, "Session Interval Too Small", "t422", "Min-SE: 3600\r\n")
    inv, offer = request("INVITE")
    out("invite2 se=%s minse=%s cseq=%s" % (hdr(inv, "Session-Expires"), hdr(inv, "Min-SE"),
                                          hdr(inv, "CSeq")))
    m = re.search(r"(?m)^a=crypto:(\d+) AES_CM_128_HMAC_SHA1_80 ", offer)
    if not m:
        out("no AES_CM_128_HMAC_SHA1_80 in the offer")
        return 1
    answer = ("v=0\r\no=- 5 5 IN IP4 %s\r\ns=-\r\nc=IN IP4 %s\r\nt=0 0\r\n"
              "m=audio 40000 RTP/SAVP 0\r\na=rtpmap:0 PCMU/8000\r\n"
              "a=crypto:%s AES_CM_128_HMAC_SHA1_80 inline:%s\r\na=sendrecv\r\n"
              % (host, host, m.group(1), base64.b64encode(os.urandom(30)).decode()))
    reply_to(inv, 183, "Session Progress", "forkA", "Require: 100rel\r\nRSeq: 1\r\n")
    pr, _ = request("PRACK")
    out("prack rack=%s totag=%s" % (hdr(pr, "RAck"), tag_of(hdr(pr, "To"))))
    reply_to(pr, 200, "OK")
    reply_to(inv, 180, "Ringing", "forkB")
    reply_to(inv, 200, "OK", "forkA", "", answer)
    ack, _ = request("ACK")
    out("ack totag=%s" % tag_of(hdr(ack, "To")))
    reply_to(inv, 200, "OK", "forkB", "", answer)
    for _ in range(2):
        head, _ = f.recv()
        while head.startswith("SIP/2.0"):
            head, _ = f.recv()
        method = head.split(" ", 1)[0]
        out("%s totag=%s cseq=%s" % (method.lower(), tag_of(hdr(head, "To")), hdr(head, "CSeq")))
        if method == "BYE":
            reply_to(head, 200, "OK")
        elif method != "ACK":
            reply_to(head, 200, "OK")
    bye, _ = request("BYE", 30)
    out("bye totag=%s (the call's end)" % tag_of(hdr(bye, "To")))
    reply_to(bye, 200, "OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
