#!/usr/bin/env python3
# A scripted far end sending the phone offers it must refuse (no Debian SIP client
# sends broken or unrunnable SDP on purpose): registers as bob over TLS with Digest
# (mki_peer.py's flow), then calls the phone once per case and prints, per case, the
# final status and the Warning header of the answer, ACKing each.
#   bad_offers.py REGISTRAR_IP CA_PEM USER PASSWORD DOMAIN TARGET
# Output lines: "CASE STATUS WARNING". Exit 0 when every INVITE got a final answer.
import base64
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from mki_peer import Flow, digest, hdr, status  # noqa: E402


def sdp(host, media, extra=""):
    return ("v=0\r\no=- 1 1 IN IP4 %s\r\ns=-\r\nc=IN IP4 %s\r\nt=0 0\r\n%s%s"
            % (host, host, media, extra))


def key():
    return base64.b64encode(os.urandom(30)).decode()


def cases(host):
    crypto = "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:%s\r\n" % key()
    return [
        ("no-m-line", sdp(host, "")),
        ("not-sdp", "hello, this is not SDP\r\n"),
        ("unknown-codecs-only", sdp(host, "m=audio 40000 RTP/SAVP 96 97\r\n",
                                    crypto + "a=rtpmap:96 x-msrta/16000\r\na=rtpmap:97 SIREN/16000\r\n")),
        ("aead-256-only", sdp(host, "m=audio 40000 RTP/SAVP 0\r\n",
                              "a=crypto:1 AEAD_AES_256_GCM inline:%s\r\n"
                              % base64.b64encode(os.urandom(44)).decode())),
        ("plain-rtp", sdp(host, "m=audio 40000 RTP/AVP 0 8\r\n")),
        ("bad-base64-key", sdp(host, "m=audio 40000 RTP/SAVP 0\r\n",
                               "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:@@@not*base64@@@\r\n")),
        ("short-key", sdp(host, "m=audio 40000 RTP/SAVP 0\r\n",
                          "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:%s\r\n"
                          % base64.b64encode(os.urandom(16)).decode())),
        ("fifty-crypto-lines", sdp(host, "m=audio 40000 RTP/SAVP 0\r\n",
                                   "".join("a=crypto:%d AES_CM_128_HMAC_SHA1_80 inline:%s\r\n"
                                           % (i + 1, key()) for i in range(50)))),
        ("port-0", sdp(host, "m=audio 0 RTP/SAVP 0\r\n", crypto)),
        ("video-only", sdp(host, "m=video 40000 RTP/SAVP 96\r\n", crypto + "a=rtpmap:96 H264/90000\r\n")),
        # over the phone's 4 KB limit for an offer, under kamailio's for a message
        ("huge-body", sdp(host, "m=audio 40000 RTP/SAVP 0\r\n", crypto + "a=x-pad:%s\r\n" % ("x" * 6000))),
    ]


def main():
    ip, ca, user, password, domain, target = sys.argv[1:7]
    f = Flow(ip, ca)
    aor = "sip:%s@%s" % (user, domain)
    contact = "<sip:%s@%s;transport=tls>" % (user, f.local)
    tag = os.urandom(4).hex()

    def send(method, uri, callid, cseq, extra="", body="", to=None, branch=None):
        branch = branch or "z9hG4bK" + os.urandom(6).hex()
        msg = ("%s %s SIP/2.0\r\nVia: SIP/2.0/TLS %s;branch=%s;rport\r\nMax-Forwards: 70\r\n"
               "From: <%s>;tag=%s\r\nTo: %s\r\nCall-ID: %s\r\nCSeq: %d %s\r\nContact: %s\r\n%s"
               % (method, uri, f.local, branch, aor, tag, to or "<%s>" % uri, callid, cseq,
                  method, contact, extra))
        if body:
            msg += "Content-Type: application/sdp\r\n"
        msg += "Content-Length: %d\r\n\r\n%s" % (len(body.encode()), body)
        f.send(msg)
        return branch

    def final():
        while True:
            head, _ = f.recv()
            if head.startswith("SIP/2.0") and status(head) >= 200:
                return head
            if not head.startswith("SIP/2.0"):
                # OPTIONS or the like relayed to us: answer 200
                f.send("SIP/2.0 200 OK\r\n%sFrom: %s\r\nTo: %s\r\nCall-ID: %s\r\nCSeq: %s\r\n"
                       "Content-Length: 0\r\n\r\n" % (
                           "".join("Via: %s\r\n" % v.strip() for v in
                                   re.findall(r"(?im)^via\s*:\s*(.*)$", head)),
                           hdr(head, "From"), hdr(head, "To"), hdr(head, "Call-ID"),
                           hdr(head, "CSeq")))

    def ack(head, callid, cseq, branch):
        f.send("ACK %s SIP/2.0\r\nVia: SIP/2.0/TLS %s;branch=%s;rport\r\nMax-Forwards: 70\r\n"
               "From: <%s>;tag=%s\r\nTo: %s\r\nCall-ID: %s\r\nCSeq: %d ACK\r\n"
               "Content-Length: 0\r\n\r\n" % (target, f.local, branch, aor, tag,
                                             hdr(head, "To"), callid, cseq))

    reg = "sip:%s" % domain
    send("REGISTER", reg, "reg-" + tag, 1, "Expires: 300\r\n", to="<%s>" % aor)
    head = final()
    if status(head) in (401, 407):
        send("REGISTER", reg, "reg-" + tag, 2, "Expires: 300\r\n" +
             digest(head, "REGISTER", reg, user, password), to="<%s>" % aor)
        head = final()
    print("registered %d" % status(head))
    if status(head) != 200:
        return 1
    host = f.local.split(":")[0]
    for name, body in cases(host):
        callid = os.urandom(8).hex()
        br = send("INVITE", target, callid, 1, body=body)
        head = final()
        cseq = 1
        if status(head) in (401, 407):
            ack(head, callid, 1, br)
            cseq = 2
            br = send("INVITE", target, callid, 2,
                      digest(head, "INVITE", target, user, password), body=body)
            head = final()
        ack(head, callid, cseq, br)
        print("%s %d %s" % (name, status(head), hdr(head, "Warning") or "-"))
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
