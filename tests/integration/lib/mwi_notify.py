#!/usr/bin/env python3
# A scripted voice-mail server (no Debian package serves RFC 3842 message summaries
# on its own): sends one NOTIFY for the message-summary event to the phone's address
# through the registrar over TLS, with the body given, and prints the phone's answer.
#   mwi_notify.py REGISTRAR_IP CA_PEM DOMAIN TARGET BODY-FILE
# Prints "NOTIFY answered <status>"; exit 0 when an answer came.
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from mki_peer import Flow, status  # noqa: E402


def main():
    ip, ca, domain, target, body_file = sys.argv[1:6]
    with open(body_file, "rb") as f:
        body = f.read().decode()
    fl = Flow(ip, ca)
    tag = os.urandom(4).hex()
    call_id = os.urandom(8).hex()
    fl.send("NOTIFY %s SIP/2.0\r\n"
            "Via: SIP/2.0/TLS %s;branch=z9hG4bK%s;rport\r\n"
            "Max-Forwards: 70\r\n"
            "From: <sip:voicemail@%s>;tag=%s\r\n"
            "To: <%s>\r\n"
            "Call-ID: %s\r\nCSeq: 1 NOTIFY\r\n"
            "Contact: <sip:voicemail@%s;transport=tls>\r\n"
            "Event: message-summary\r\n"
            "Subscription-State: active;expires=3600\r\n"
            "Content-Type: application/simple-message-summary\r\n"
            "Content-Length: %d\r\n\r\n%s"
            % (target, fl.local, os.urandom(6).hex(), domain, tag, target, call_id,
               fl.local, len(body.encode()), body))
    while True:
        head, _ = fl.recv(10)
        st = status(head)
        if st >= 200:
            print("NOTIFY answered %d" % st)
            return 0


if __name__ == "__main__":
    sys.exit(main())
