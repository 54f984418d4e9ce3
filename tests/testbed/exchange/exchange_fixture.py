#!/usr/bin/python3
# Stands in for a Microsoft Exchange Server 2007 SP1 Client Access Server: the
# Autodiscover service (POX, [MS-OXDSCLI]) and Exchange Web Services (SOAP 1.1,
# FindItem with IndexedPageItemView, [MS-OXWSCORE]/[MS-OXWSSRCH]; ResolveNames,
# [MS-OXWSRSLNM]; GetItem/GetAttachment of a voice message's recording,
# [MS-OXWSATT]). No Exchange
# exists in Debian; this is the one fixture server of the bed. It listens on
# 127.0.0.1 in the server namespace behind nginx, which terminates TLS with the
# bed's certificates and passes Host and X-Forwarded-Proto.
#
# Answers are shaped like Exchange 2007 SP1's (ServerVersionInfo 8.1.240.6):
# Autodiscover response per MS-OXDSCLI 4.2 ("Sample Response"), FindItem responses
# per MS-OXWSSRCH 4.1 / the EWS reference "FindItem operation (contact)".
# Credentials: HTTP Basic checked by a simple LDAP bind (over LDAPS) as that user against the
# bed's Samba AD DC. NTLM with --smb-conf naming the smb.conf of a DC that runs winbindd,
# once `wbinfo -p` answers: ntlm_auth (squid-2.5-ntlmssp) then makes the challenge and
# winbindd checks the answer. The bed runs winbindd on the DC and starts this fixture through
# winbind-ns.sh, which shows libwbclient the DC's socket directory (it ignores smb.conf's).
# With --certsrv-p7b it also stands in for AD CS web enrollment under IIS with Windows
# authentication: GET /certsrv/certnew.p7b?ReqID=CACert answers that file only after an NTLM
# handshake checked by the DC; Basic is never offered and a Basic header is refused. With
# --keytab (HTTP/web.corp.test's keys, exported from the DC with samba-tool) it offers
# Negotiate too, as IIS does: a Kerberos ticket from the DC's KDC is accepted by GSSAPI
# (python3-gssapi, MIT krb5) and answered with the mutual-authentication token.
#
# Behaviour switches with the one word in RUN/exchange/case (read on every request):
#   default            corp.test answers 404 (a web site), autodiscover.corp.test settings
#   apex               corp.test answers settings itself
#   redirect-addr      autodiscover.corp.test: alice@ -> redirectAddr alice.exch@corp.test
#   redirect-url       autodiscover.corp.test -> redirectUrl https://web.corp.test/...
#   redirect-loop      autodiscover.corp.test <-> web.corp.test redirectUrl forever
#   redirect-many      web.corp.test/...?n=K -> ?n=K+1, never settings (limit of 10)
#   redirect-http-url  redirectUrl to an http:// URL (must be refused)
#   http-redirect      both https URLs 404; http GET -> 302 https://web.corp.test/...
#   http-no-redirect   both https URLs 404; http GET -> 200 with settings (must be refused)
#   none               every Autodiscover URL answers 404
#   password-changed   every credential refused (401), as after a password change
#   basic-only         only HTTP Basic offered (NTLM is offered too otherwise, with --smb-conf)
#   certsrv-basic      certsrv asks for HTTP Basic only (a rogue fishing for the password)
#   certsrv-open       certsrv serves the file without asking for credentials
# Log: one line per request on stdout: "ad|ews HOST METHOD PATH case=... -> CODE what".
import argparse
import base64
import hashlib
import os
import subprocess
import sys
import threading
import time
import xml.etree.ElementTree as ET
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit, parse_qs

NS_ADREQ = "http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006"
NS_T = "http://schemas.microsoft.com/exchange/services/2006/types"
NS_M = "http://schemas.microsoft.com/exchange/services/2006/messages"
NS_SOAP = "http://schemas.xmlsoap.org/soap/envelope/"
AD_PATH = "/autodiscover/autodiscover.xml"
EWS_URL = "https://web.corp.test/EWS/Exchange.asmx"

FIRST = ["Adam", "Beatriz", "Chen", "Dagný", "Émile", "Fatima", "Göran", "Hana", "Ivan",
         "Jürgen", "Kofi", "Lucía", "Mette", "Nuno", "Olga", "Pádraig", "Quentin", "Renée",
         "Sanjay", "Tomáš"]
LAST = ["Andersen", "Brontë", "Castillo", "Dvořák", "Eriksson", "Fernández", "Grünewald",
        "Hoang", "Iyer", "Jovanović", "Kowalski", "Łukasiewicz", "Müller"]


def esc(s):
    return (s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;"))


def make_contacts():
    """260 contacts: Bob (the bed's far-end phone), one without any phone number,
    names beyond ASCII, and a generated crowd for paging."""
    c = [{"name": "Bob Builder", "company": "Corp", "email": "bob@corp.test",
          "sip": "sip:bob@corp.test", "work": "+1 (425) 555-0101", "mobile": "+1 425 555 0199"},
         {"name": "Nadia Nophone", "company": "Corp", "email": "nadia@corp.test"},
         {"name": "Zoë Łukasiewicz", "email": "zoe@corp.test", "mobile": "+48 22 555 01 23"},
         {"name": "山田 太郎", "company": "株式会社コープ", "work": "+81 3-5555-0100"}]
    for i in range(256):
        first, last = FIRST[i % len(FIRST)], LAST[(i * 7) % len(LAST)]
        c.append({"name": "%s %s %03d" % (first, last, i), "company": "Corp",
                  "email": "user%03d@corp.test" % i, "work": "+1 425 555 %04d" % (1000 + i)})
    return sorted(c, key=lambda x: x["name"])


CONTACTS = make_contacts()
MESSAGES = [  # newest first, as the phone asks (DateTimeReceived descending)
    {"cls": "IPM.Note.Microsoft.Voicemail.UM.CA", "from": "Bob Builder", "addr": "bob@corp.test",
     "subject": "Voice Mail from Bob Builder (32 seconds)", "time": "2026-12-06T09:15:02Z",
     "duration": 32, "read": False},
    {"cls": "IPM.Note.Microsoft.Missed.Voice", "from": "Zoë Łukasiewicz", "addr": "zoe@corp.test",
     "subject": "Missed call from Zoë Łukasiewicz", "time": "2026-12-06T08:01:44Z", "read": False},
    {"cls": "IPM.Note.Microsoft.Voicemail.UM", "from": "山田 太郎", "addr": "",
     "subject": "Voice Mail from 山田 太郎 (7 seconds)", "time": "2026-12-05T17:42:10Z",
     "duration": 7, "read": True},
    {"cls": "IPM.Note.Microsoft.Missed.Voice", "from": "+14255550123", "addr": "",
     "subject": "Missed call from +14255550123", "time": "2026-12-05T11:00:00Z", "read": True},
]


# Office Communicator's call log in "Conversation History" (IPM.Note.Microsoft.Conversation.Voice)
CALLS = [
    {"cls": "IPM.Note.Microsoft.Conversation.Voice", "from": "Bob Builder", "addr": "bob@corp.test",
     "subject": "Conversation with Bob Builder", "time": "2026-12-06T10:02:11Z", "read": True},
    {"cls": "IPM.Note.Microsoft.Conversation.Voice", "from": "Søren Kierkegård", "addr": "soren@corp.test",
     "subject": "Conversation with Søren Kierkegård", "time": "2026-12-05T15:30:00Z", "read": True},
]
CONV_FOLDER_ID = base64.b64encode(b"conversation-history-folder-id-0001").decode()

# The Global Address List beyond the user's own contacts: people ResolveNames finds.
GAL = [
    {"name": "Carol Carter", "company": "Corp", "email": "carol@corp.test",
     "sip": "sip:carol@corp.test", "work": "2002"},
    {"name": "Bobbie Ørsted", "company": "Corp", "email": "bobbie@corp.test", "work": "+45 33 55 01 02"},
]

# Each voice message's recording: 8 kHz 16-bit mono PCM WAV (what Exchange 2007 UM stores
# when the dial plan's audio codec is "Linear PCM"), a tone per message so a test can tell
# which one it got; 3 s long whatever the message claims, to keep the bed small.
RECORDING_TONE_HZ = {0: 800, 2: 1200}


def recording(index):
    import io, math, struct, wave
    hz = RECORDING_TONE_HZ[index]
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(8000)
        w.writeframes(b"".join(struct.pack("<h", int(12000 * math.sin(2 * math.pi * hz * n / 8000)))
                               for n in range(3 * 8000)))
    return buf.getvalue()


def attachment_id(index):
    return base64.b64encode(hashlib.sha1(f"att{index}".encode()).digest()).decode()


def ad_settings(email):
    name = {"alice@corp.test": "Alice Ängström", "alice.exch@corp.test": "Alice Ängström"}.get(
        email, email)
    return f"""<?xml version="1.0" encoding="utf-8"?>
<Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006">
  <Response xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a">
    <User>
      <DisplayName>{esc(name)}</DisplayName>
      <LegacyDN>/o=Corp/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn={esc(email.split('@')[0])}</LegacyDN>
      <DeploymentId>5c5f4b0a-8d3e-4c1f-9a55-0d3f0a6c7e11</DeploymentId>
    </User>
    <Account>
      <AccountType>email</AccountType>
      <Action>settings</Action>
      <Protocol>
        <Type>EXCH</Type>
        <Server>web.corp.test</Server>
        <ServerDN>/o=Corp/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Configuration/cn=Servers/cn=WEB</ServerDN>
        <ServerVersion>720180F0</ServerVersion>
        <MdbDN>/o=Corp/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Configuration/cn=Servers/cn=WEB/cn=Microsoft Private MDB</MdbDN>
        <ASUrl>{EWS_URL}</ASUrl>
        <OOFUrl>{EWS_URL}</OOFUrl>
        <UMUrl>https://web.corp.test/UnifiedMessaging/Service.asmx</UMUrl>
        <OABUrl>https://web.corp.test/OAB/2f4e6d1c-0c0f-4d8b-9c5e-2f8e2c9f7a10/</OABUrl>
        <EwsUrl>{EWS_URL}</EwsUrl>
      </Protocol>
      <Protocol>
        <Type>EXPR</Type>
        <Server>web.corp.test</Server>
        <SSL>On</SSL>
        <AuthPackage>Basic</AuthPackage>
        <ASUrl>{EWS_URL}</ASUrl>
        <OOFUrl>{EWS_URL}</OOFUrl>
        <UMUrl>https://web.corp.test/UnifiedMessaging/Service.asmx</UMUrl>
        <OABUrl>https://web.corp.test/OAB/2f4e6d1c-0c0f-4d8b-9c5e-2f8e2c9f7a10/</OABUrl>
        <EwsUrl>{EWS_URL}</EwsUrl>
      </Protocol>
    </Account>
  </Response>
</Autodiscover>
"""


def ad_redirect(kind, target):
    tag = "RedirectAddr" if kind == "redirectAddr" else "RedirectUrl"
    return f"""<?xml version="1.0" encoding="utf-8"?>
<Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006">
  <Response xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a">
    <Account>
      <Action>{kind}</Action>
      <{tag}>{esc(target)}</{tag}>
    </Account>
  </Response>
</Autodiscover>
"""


SOAP_HEAD = f"""<?xml version="1.0" encoding="utf-8"?>
<soap:Envelope xmlns:soap="{NS_SOAP}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema">
  <soap:Header>
    <t:ServerVersionInfo MajorVersion="8" MinorVersion="1" MajorBuildNumber="240" MinorBuildNumber="6" xmlns:t="{NS_T}" />
  </soap:Header>
  <soap:Body>
"""
SOAP_TAIL = "  </soap:Body>\n</soap:Envelope>\n"


def find_item_page(items, offset, maxn, render):
    page = items[offset:offset + maxn]
    nxt = offset + len(page)
    body = "".join(render(i, x) for i, x in enumerate(page, offset))
    return (SOAP_HEAD +
            f"""    <m:FindItemResponse xmlns:m="{NS_M}" xmlns:t="{NS_T}">
      <m:ResponseMessages>
        <m:FindItemResponseMessage ResponseClass="Success">
          <m:ResponseCode>NoError</m:ResponseCode>
          <m:RootFolder IndexedPagingOffset="{nxt}" TotalItemsInView="{len(items)}" IncludesLastItemInRange="{'true' if nxt >= len(items) else 'false'}">
            <t:Items>
{body}            </t:Items>
          </m:RootFolder>
        </m:FindItemResponseMessage>
      </m:ResponseMessages>
    </m:FindItemResponse>
""" + SOAP_TAIL)


def item_id(kind, i):
    return base64.b64encode(hashlib.sha1(f"{kind}{i}".encode()).digest() * 2).decode()


def render_contact(i, c):
    out = [f'              <t:Contact>\n                <t:ItemId Id="{item_id("c", i)}" ChangeKey="EQAAABYAAAA{i}" />\n',
           f"                <t:DisplayName>{esc(c['name'])}</t:DisplayName>\n"]
    if c.get("company"):
        out.append(f"                <t:CompanyName>{esc(c['company'])}</t:CompanyName>\n")
    if c.get("email"):
        out.append(f'                <t:EmailAddresses><t:Entry Key="EmailAddress1">{esc(c["email"])}</t:Entry></t:EmailAddresses>\n')
    if c.get("sip"):
        out.append(f'                <t:ImAddresses><t:Entry Key="ImAddress1">{esc(c["sip"])}</t:Entry></t:ImAddresses>\n')
    phones = [(k, c[f]) for k, f in (("BusinessPhone", "work"), ("MobilePhone", "mobile"),
                                     ("HomePhone", "home")) if c.get(f)]
    if phones:
        out.append("                <t:PhoneNumbers>\n" + "".join(
            f'                  <t:Entry Key="{k}">{esc(v)}</t:Entry>\n' for k, v in phones) +
            "                </t:PhoneNumbers>\n")
    out.append("              </t:Contact>\n")
    return "".join(out)


def render_message(i, m):
    dur = ""
    if "duration" in m:
        dur = (f'                <t:ExtendedProperty><t:ExtendedFieldURI PropertyTag="0x6801" '
               f'PropertyType="Integer" /><t:Value>{m["duration"]}</t:Value></t:ExtendedProperty>\n')
    addr = f"<t:EmailAddress>{esc(m['addr'])}</t:EmailAddress><t:RoutingType>SMTP</t:RoutingType>" if m["addr"] else ""
    return (f'              <t:Message>\n                <t:ItemId Id="{item_id("m", i)}" ChangeKey="CQAAAB{i}" />\n'
            f"                <t:ItemClass>{m['cls']}</t:ItemClass>\n"
            f"                <t:Subject>{esc(m['subject'])}</t:Subject>\n"
            f"                <t:DateTimeReceived>{m['time']}</t:DateTimeReceived>\n{dur}"
            f"                <t:From><t:Mailbox><t:Name>{esc(m['from'])}</t:Name>{addr}</t:Mailbox></t:From>\n"
            f"                <t:IsRead>{'true' if m['read'] else 'false'}</t:IsRead>\n"
            "              </t:Message>\n")


def find_folder_answer(found):
    folder = (f"""              <t:Folder>
                <t:FolderId Id="{CONV_FOLDER_ID}" ChangeKey="AQAAABYAAAA" />
                <t:DisplayName>Conversation History</t:DisplayName>
              </t:Folder>
""" if found else "")
    return (SOAP_HEAD + f"""    <m:FindFolderResponse xmlns:m="{NS_M}" xmlns:t="{NS_T}">
      <m:ResponseMessages>
        <m:FindFolderResponseMessage ResponseClass="Success">
          <m:ResponseCode>NoError</m:ResponseCode>
          <m:RootFolder TotalItemsInView="{1 if found else 0}" IncludesLastItemInRange="true">
            <t:Folders>
{folder}            </t:Folders>
          </m:RootFolder>
        </m:FindFolderResponseMessage>
      </m:ResponseMessages>
    </m:FindFolderResponse>
""" + SOAP_TAIL)


def response(op, cls, code, inner):
    text = {"ErrorNameResolutionMultipleResults": "Multiple results were found.",
            "ErrorNameResolutionNoResults": "No results were found.",
            "ErrorItemNotFound": "The specified object was not found in the store."}.get(code, "")
    msg = f"          <m:MessageText>{text}</m:MessageText>\n" if text else ""
    return (SOAP_HEAD + f"""    <m:{op}Response xmlns:m="{NS_M}" xmlns:t="{NS_T}">
      <m:ResponseMessages>
        <m:{op}ResponseMessage ResponseClass="{cls}">
{msg}          <m:ResponseCode>{code}</m:ResponseCode>
{inner}        </m:{op}ResponseMessage>
      </m:ResponseMessages>
    </m:{op}Response>
""" + SOAP_TAIL)


def resolve_names(entry):
    q = entry.casefold()
    hits = [c for c in CONTACTS + GAL
            if q in c["name"].casefold() or q in c.get("email", "").casefold()][:100]
    if not hits:
        return response("ResolveNames", "Error", "ErrorNameResolutionNoResults", ""), 0
    res = []
    for c in hits:
        box = (f"              <t:Mailbox><t:Name>{esc(c['name'])}</t:Name>"
               f"<t:EmailAddress>{esc(c.get('email', ''))}</t:EmailAddress>"
               "<t:RoutingType>SMTP</t:RoutingType><t:MailboxType>Mailbox</t:MailboxType></t:Mailbox>\n")
        contact = render_contact(0, c).replace(
            f'                <t:ItemId Id="{item_id("c", 0)}" ChangeKey="EQAAABYAAAA0" />\n', "")
        res.append(f"            <t:Resolution>\n{box}{contact}            </t:Resolution>\n")
    inner = (f'          <m:ResolutionSet TotalItemsInView="{len(hits)}" IncludesLastItemInRange="true">\n'
             + "".join(res) + "          </m:ResolutionSet>\n")
    if len(hits) > 1:
        return response("ResolveNames", "Warning", "ErrorNameResolutionMultipleResults", inner), len(hits)
    return response("ResolveNames", "Success", "NoError", inner), 1


def message_index(item):
    for i in range(len(MESSAGES)):
        if item_id("m", i) == item:
            return i
    return None


def get_item_attachments(item):
    i = message_index(item)
    if i is None:
        return response("GetItem", "Error", "ErrorItemNotFound", ""), "no such item"
    atts = ""
    if i in RECORDING_TONE_HZ:
        atts = (f"                <t:Attachments><t:FileAttachment>"
                f'<t:AttachmentId Id="{attachment_id(i)}" />'
                f"<t:Name>Voice Mail ({MESSAGES[i].get('duration', 0)} seconds).wav</t:Name>"
                "<t:ContentType>audio/wav</t:ContentType></t:FileAttachment></t:Attachments>\n")
    inner = (f'          <m:Items>\n            <t:Message>\n              <t:ItemId Id="{item}" ChangeKey="CQAAAB{i}" />\n'
             f"{atts}            </t:Message>\n          </m:Items>\n")
    return response("GetItem", "Success", "NoError", inner), f"message {i}"


def get_attachment(att):
    for i in RECORDING_TONE_HZ:
        if attachment_id(i) == att:
            content = base64.encodebytes(recording(i)).decode()
            inner = (f"          <m:Attachments>\n            <t:FileAttachment>"
                     f'<t:AttachmentId Id="{att}" /><t:Name>Voice Mail.wav</t:Name>'
                     f"<t:ContentType>audio/wav</t:ContentType><t:Content>{content}</t:Content>"
                     "</t:FileAttachment>\n          </m:Attachments>\n")
            return response("GetAttachment", "Success", "NoError", inner), f"recording of message {i}"
    return response("GetAttachment", "Error", "ErrorItemNotFound", ""), "no such attachment"


def soap_fault(code, text):
    return (SOAP_HEAD + f"""    <soap:Fault>
      <faultcode xmlns:a="{NS_T}">a:{code}</faultcode>
      <faultstring xml:lang="en-US">{esc(text)}</faultstring>
    </soap:Fault>
""" + SOAP_TAIL)


class Checker:
    """Credentials against the bed's AD DC: Basic by an LDAP simple bind as that user, NTLM by
    ntlm_auth (squid-2.5-ntlmssp: it makes the challenge and winbindd on the DC checks the
    answer). NTLM is connection-bound: nginx passes its client connection's serial number
    (X-Client-Conn), and each connection's handshake keeps its own ntlm_auth."""

    def __init__(self, ldap_uri, realm, smb_conf):
        self.ldap_uri, self.realm, self.smb_conf = ldap_uri, realm, smb_conf
        self.env = dict(os.environ)
        self.good = set()
        self.ntlm = {}          # X-Client-Conn -> ntlm_auth waiting for the AUTHENTICATE
        self.lock = threading.Lock()

    def load_env(self):
        """libwbclient finds winbindd's socket through WINBINDD_SOCKET_DIR, not --configfile;
        the DC's smb.conf exists only once provisioning (which runs after us) is done."""
        try:
            with open(self.smb_conf) as f:
                for line in f:
                    key, _, value = line.partition("=")
                    if key.strip().lower() == "winbindd socket directory":
                        self.env["WINBINDD_SOCKET_DIR"] = value.strip()
        except OSError:
            pass

    def ntlm_available(self):
        if not self.smb_conf:
            return False
        if "WINBINDD_SOCKET_DIR" not in self.env:
            self.load_env()
        r = subprocess.run(["wbinfo", "-p"], capture_output=True, env=self.env)
        if r.returncode:
            print(f"wbinfo -p: {(r.stdout + r.stderr).decode(errors='replace').strip()}", flush=True)
        return r.returncode == 0

    def basic(self, user, password):
        key = hashlib.sha256(f"{user}\0{password}".encode()).hexdigest()
        with self.lock:
            if key in self.good:
                return True
        # DOMAIN\user or user as Exchange takes them; the DC's simple bind wants user@realm
        dom, sep, name = user.partition("\\")
        name = name if sep else user
        bind = name if "@" in name else f"{name}@{self.realm}"
        r = subprocess.run(["ldapsearch", "-x", "-H", self.ldap_uri, "-D", bind, "-y", "/dev/stdin",
                            "-s", "base", "-b", "", "-LLL", "1.1"],
                           input=password.encode(), capture_output=True, timeout=10)
        if r.returncode == 0:
            with self.lock:
                self.good.add(key)
        else:
            print(f"LDAP bind as {bind} refused: {r.stderr.decode(errors='replace').strip()}",
                  flush=True)
        return r.returncode == 0

    def ntlm_step(self, conn, token):
        """("challenge", b64) after a NEGOTIATE; (True|False, user) after an AUTHENTICATE."""
        try:
            kind = base64.b64decode(token)[8]
        except (ValueError, IndexError):
            return (False, "not NTLMSSP")
        if kind == 1:
            helper = subprocess.Popen(["ntlm_auth", "--configfile", self.smb_conf,
                                       "--helper-protocol=squid-2.5-ntlmssp"], env=self.env,
                                      stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
            helper.stdin.write(f"YR {token}\n")
            helper.stdin.flush()
            line = helper.stdout.readline().strip()
            if not line.startswith("TT "):
                helper.kill()
                return (False, line)
            with self.lock:
                old = self.ntlm.pop(conn, None)
                self.ntlm[conn] = helper
            if old:
                old.kill()
            return ("challenge", line[3:])
        with self.lock:
            helper = self.ntlm.pop(conn, None)
        if not helper:
            return (False, "AUTHENTICATE without a NEGOTIATE on this connection")
        helper.stdin.write(f"KK {token}\n")
        helper.stdin.flush()
        line = helper.stdout.readline().strip()
        helper.stdin.close()
        helper.wait()
        return (line.startswith("AF "), line[3:])


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "Microsoft-IIS/6.0"
    sys_version = ""

    auth_used = "none"

    def log_message(self, fmt, *args):
        pass

    def note(self, kind, code, what):
        host = self.headers.get("Host", "?").split(":")[0]
        print(f"{time.strftime('%H:%M:%S')} {kind} {self.headers.get('X-Forwarded-Proto', '?')}://{host}"
              f" {self.command} {self.path} case={self.server.case()} -> {code} {what}", flush=True)

    def send(self, code, body=b"", ctype="text/xml; charset=utf-8", headers=()):
        if isinstance(body, str):
            body = body.encode()
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in headers:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(min(n, 1 << 20)) if n else b""

    def authorised(self):
        """True, False, or ("challenge", token) for an NTLM handshake under way."""
        if self.server.case() == "password-changed":
            return False
        auth = self.headers.get("Authorization", "")
        if auth.startswith("Basic "):
            try:
                user, _, password = base64.b64decode(auth[6:]).decode().partition(":")
            except ValueError:
                return False
            self.auth_used = "Basic " + user
            return self.server.checker.basic(user, password)
        if auth.startswith("NTLM ") and self.server.offers_ntlm():
            verdict, what = self.server.checker.ntlm_step(self.headers.get("X-Client-Conn", ""),
                                                          auth[5:].strip())
            if verdict == "challenge":
                return ("challenge", what)
            self.auth_used = "NTLM " + what
            if not verdict:
                print(f"NTLM refused: {what}", flush=True)
            return verdict
        return False

    def challenge(self, kind, verdict):
        if isinstance(verdict, tuple):
            self.note(kind, 401, "NTLM challenge")
            return self.send(401, b"", "text/html", [("WWW-Authenticate", "NTLM " + verdict[1])])
        self.note(kind, 401, "credentials needed or refused")
        offers = [("WWW-Authenticate", "NTLM")] if self.server.offers_ntlm() else []
        self.send(401, b"", "text/html", offers + [("WWW-Authenticate", 'Basic realm="web.corp.test"')])

    def certsrv(self):
        if "reqid=cacert" not in self.path.lower():
            self.note("certsrv", 404, "not a CACert request")
            return self.send(404, b"", "text/html")
        auth = self.headers.get("Authorization", "")
        if self.server.case() == "certsrv-basic":
            # what reached the server, by scheme only: never a credential in the log
            self.note("certsrv", 401, "Basic only; got: " + (auth.split(" ", 1)[0] or "no Authorization"))
            return self.send(401, b"", "text/html", [("WWW-Authenticate", 'Basic realm="web.corp.test"')])
        if self.server.case() == "certsrv-open":
            self.auth_used = "without credentials; got: " + (auth.split(" ", 1)[0] or "no Authorization")
            verdict = True
        elif not self.server.offers_ntlm():
            self.note("certsrv", 503, "NTLM not ready (the DC's winbindd)")
            return self.send(503, b"", "text/html")
        else:
            verdict = self.authorised() if auth.startswith("NTLM ") else False
        extra = []
        if auth.startswith("Negotiate ") and self.server.case() != "certsrv-open":
            verdict, extra = self.negotiate(auth[10:].strip())
        if isinstance(verdict, tuple):
            self.note("certsrv", 401, "NTLM challenge")
            return self.send(401, b"", "text/html", [("WWW-Authenticate", "NTLM " + verdict[1])])
        if verdict is not True:
            # what reached the server, by scheme only: never a credential in the log
            self.note("certsrv", 401, "refused: " + (auth.split(" ", 1)[0] or "no Authorization"))
            offers = [("WWW-Authenticate", "Negotiate")] if self.server.keytab_ready() else []
            return self.send(401, b"", "text/html", offers + [("WWW-Authenticate", "NTLM")])
        try:
            with open(self.server.certsrv_p7b, "rb") as f:
                body = f.read()
        except OSError:
            self.note("certsrv", 500, "no p7b file")
            return self.send(500, b"", "text/html")
        self.note("certsrv", 200, self.auth_used)
        return self.send(200, body, "application/x-pkcs7-certificates", extra)

    def negotiate(self, token):
        """One-leg SPNEGO/Kerberos: (True, [mutual token header]) or (False, [])."""
        if not self.server.keytab_ready():
            return False, []
        import gssapi  # only where Negotiate is offered
        try:
            ctx = gssapi.SecurityContext(usage="accept", creds=None)
            out = ctx.step(base64.b64decode(token))
        except (gssapi.exceptions.GSSError, ValueError) as e:
            print(f"Negotiate refused: {e}", flush=True)
            return False, []
        if not ctx.complete:
            return False, []
        mech = "Kerberos" if ctx.mech == gssapi.MechType.kerberos else str(ctx.mech)
        self.auth_used = f"Negotiate {ctx.initiator_name} ({mech})"
        hdr = [("WWW-Authenticate", "Negotiate " + base64.b64encode(out).decode())] if out else []
        return True, hdr

    def do_GET(self):
        host = self.headers.get("Host", "").split(":")[0]
        proto = self.headers.get("X-Forwarded-Proto", "")
        case = self.server.case()
        if self.path.split("?")[0].lower() == "/certsrv/certnew.p7b" and self.server.certsrv_p7b:
            return self.certsrv()
        if self.path.split("?")[0].lower() == AD_PATH and proto == "http":
            if case == "http-redirect":
                loc = "https://web.corp.test" + AD_PATH
                self.note("ad", 302, "redirect to " + loc)
                return self.send(302, b"", "text/html", [("Location", loc)])
            if case == "http-no-redirect":
                self.note("ad", 200, "settings over plain http (a phone must refuse them)")
                return self.send(200, ad_settings("alice@corp.test"))
        self.note("ad" if "autodiscover" in self.path.lower() else "web", 404, "not found")
        self.send(404, b"", "text/html")

    def do_POST(self):
        path = self.path.split("?")[0].lower()
        data = self.body()
        if path == AD_PATH:
            return self.autodiscover(data)
        if path == "/ews/exchange.asmx":
            return self.ews(data)
        self.note("web", 404, "not found")
        self.send(404, b"", "text/html")

    def autodiscover(self, data):
        host = self.headers.get("Host", "").split(":")[0].lower()
        proto = self.headers.get("X-Forwarded-Proto", "")
        case = self.server.case()
        if proto != "https":
            self.note("ad", 404, "POST over http")
            return self.send(404, b"", "text/html")
        apex = host == "corp.test"
        # the web site at the domain's apex knows nothing of Autodiscover
        if (apex and case != "apex") or (not apex and host == "autodiscover.corp.test" and
                                         case in ("http-redirect", "http-no-redirect", "none", "apex")):
            self.note("ad", 404, "no Autodiscover here")
            return self.send(404, b"", "text/html")
        verdict = self.authorised()
        if verdict is not True:
            return self.challenge("ad", verdict)
        try:
            email = ET.fromstring(data).find(f"{{{NS_ADREQ}}}Request/{{{NS_ADREQ}}}EMailAddress").text.strip()
        except (ET.ParseError, AttributeError):
            self.note("ad", 200, "error 600 Invalid Request")
            return self.send(200, """<?xml version="1.0" encoding="utf-8"?>
<Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006">
  <Response><Error Time="%s" Id="2486418011"><ErrorCode>600</ErrorCode><Message>Invalid Request</Message><DebugData /></Error></Response>
</Autodiscover>
""" % time.strftime("%H:%M:%S.0000000"))
        web = "https://web.corp.test" + AD_PATH
        n = int(parse_qs(urlsplit(self.path).query).get("n", ["0"])[0])
        answer = ("settings", "")
        if host == "autodiscover.corp.test":
            if case == "redirect-addr" and email == "alice@corp.test":
                answer = ("redirectAddr", "alice.exch@corp.test")
            elif case in ("redirect-url", "redirect-loop"):
                answer = ("redirectUrl", web)
            elif case == "redirect-many":
                answer = ("redirectUrl", web + "?n=1")
            elif case == "redirect-http-url":
                answer = ("redirectUrl", "http://web.corp.test" + AD_PATH)
        elif host == "web.corp.test":
            if case == "redirect-loop":
                answer = ("redirectUrl", "https://autodiscover.corp.test" + AD_PATH)
            elif case == "redirect-many":
                answer = ("redirectUrl", f"{web}?n={n + 1}")
        if answer[0] == "settings":
            self.note("ad", 200, f"settings for {email} ({self.auth_used})")
            return self.send(200, ad_settings(email))
        self.note("ad", 200, f"{answer[0]} {answer[1]} for {email}")
        self.send(200, ad_redirect(*answer))

    def ews(self, data):
        verdict = self.authorised()
        if verdict is not True:
            return self.challenge("ews", verdict)
        try:
            env = ET.fromstring(data)
            ver = env.find(f"{{{NS_SOAP}}}Header/{{{NS_T}}}RequestServerVersion")
            ff = env.find(f"{{{NS_SOAP}}}Body/{{{NS_M}}}FindFolder")
            if ff is not None:
                name = ff.find(f".//{{{NS_T}}}Constant").get("Value")
                parent = ff.find(f"{{{NS_M}}}ParentFolderIds/{{{NS_T}}}DistinguishedFolderId").get("Id")
                found = name == "Conversation History" and parent == "msgfolderroot"
                self.note("ews", 200, f"FindFolder {name!r} under {parent}: {'found' if found else 'none'}")
                return self.send(200, find_folder_answer(found))
            rn = env.find(f"{{{NS_SOAP}}}Body/{{{NS_M}}}ResolveNames")
            if rn is not None:
                entry = rn.find(f"{{{NS_M}}}UnresolvedEntry").text or ""
                body, n = resolve_names(entry)
                self.note("ews", 200, f"ResolveNames {entry!r}: {n} ({self.auth_used})")
                return self.send(200, body)
            gi = env.find(f"{{{NS_SOAP}}}Body/{{{NS_M}}}GetItem")
            if gi is not None:
                body, what = get_item_attachments(gi.find(f".//{{{NS_T}}}ItemId").get("Id"))
                self.note("ews", 200, f"GetItem {what}")
                return self.send(200, body)
            ga = env.find(f"{{{NS_SOAP}}}Body/{{{NS_M}}}GetAttachment")
            if ga is not None:
                body, what = get_attachment(ga.find(f".//{{{NS_T}}}AttachmentId").get("Id"))
                self.note("ews", 200, f"GetAttachment {what}")
                return self.send(200, body)
            fi = env.find(f"{{{NS_SOAP}}}Body/{{{NS_M}}}FindItem")
            view = fi.find(f"{{{NS_M}}}IndexedPageItemView")
            parent = fi.find(f"{{{NS_M}}}ParentFolderIds")
            dist = parent.find(f"{{{NS_T}}}DistinguishedFolderId")
            folder = dist.get("Id") if dist is not None else parent.find(f"{{{NS_T}}}FolderId").get("Id")
            offset, maxn = int(view.get("Offset", "0")), int(view.get("MaxEntriesReturned", "1000"))
        except (ET.ParseError, AttributeError, TypeError, ValueError):
            self.note("ews", 500, "schema validation fault")
            return self.send(500, soap_fault("ErrorSchemaValidation", "The request failed schema validation."))
        if ver is None or ver.get("Version") != "Exchange2007_SP1":
            self.note("ews", 500, "invalid server version")
            return self.send(500, soap_fault("ErrorInvalidServerVersion",
                                             "The specified server version is invalid."))
        if folder == "contacts":
            body = find_item_page(CONTACTS, offset, maxn, render_contact)
        elif folder == "inbox":
            body = find_item_page(MESSAGES, offset, maxn, render_message)
        elif folder == CONV_FOLDER_ID:
            folder = "Conversation History"
            body = find_item_page(CALLS, offset, maxn, render_message)
        else:
            body = find_item_page([], 0, maxn, render_message)
        self.note("ews", 200, f"FindItem {folder} offset={offset} max={maxn} ({self.auth_used})")
        self.send(200, body)


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def offers_ntlm(self):
        """NTLM once the DC's winbindd answers (it starts after this fixture)."""
        if not self.ntlm or self.case() == "basic-only":
            return False
        if not self.ntlm_ok and time.monotonic() > self.ntlm_next_check:
            self.ntlm_ok = self.checker.ntlm_available()
            self.ntlm_next_check = time.monotonic() + 5
            print(f"NTLM through the DC's winbindd: {'yes' if self.ntlm_ok else 'not yet'}",
                  flush=True)
        return self.ntlm_ok

    def keytab_ready(self):
        """Negotiate once the services' keytab is exported (after the DC is provisioned)."""
        return bool(self.keytab) and os.path.exists(self.keytab)

    def case(self):
        try:
            with open(self.case_file) as f:
                return f.read().strip() or "default"
        except OSError:
            return "default"


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--listen", default="127.0.0.1:8088")
    ap.add_argument("--case-file", required=True)
    ap.add_argument("--ldap", default="ldap://10.77.0.2")
    ap.add_argument("--realm", default="corp.test")
    ap.add_argument("--smb-conf", default="", help="the DC's smb.conf: NTLM through its winbindd")
    ap.add_argument("--certsrv-p7b", default="", help="serve certsrv/certnew.p7b (NTLM, Negotiate)")
    ap.add_argument("--keytab", default="", help="HTTP/<host> keys: certsrv offers Negotiate")
    a = ap.parse_args()
    host, port = a.listen.rsplit(":", 1)
    srv = Server((host, int(port)), Handler)
    srv.case_file = a.case_file
    srv.certsrv_p7b = a.certsrv_p7b
    srv.keytab = a.keytab
    if a.keytab:
        os.environ["KRB5_KTNAME"] = "FILE:" + a.keytab
    srv.checker = Checker(a.ldap, a.realm, a.smb_conf)
    # winbindd starts with the DC, after this fixture: look once it is needed
    srv.ntlm, srv.ntlm_ok, srv.ntlm_next_check = bool(a.smb_conf), False, 0
    print(f"exchange fixture on {a.listen}: {len(CONTACTS)} contacts, {len(MESSAGES)} UM items",
          flush=True)
    srv.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
