#!/usr/bin/env python3
"""A Pull Notifications API that serves malformed notifications, for tdk poll's tests.

    pull-malformed.py PORTFILE

Listens on 127.0.0.1 (a free port, written to PORTFILE), answers a client
credentials grant at /oauth/token with any credentials, and serves
/notifications/unpulled (and /pulled) with one notification of each kind
below (the last is
malformed only by its schema); fetching one from the unpulled list moves it to the pulled list.
"""
import json
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

RES = ('<?xml version="1.0" encoding="UTF-8"?>\n'
       '<MetaData xmlns="urn:wco:datamodel:WCO:DocumentMetaData-DMS:2">'
       '<Response xmlns="urn:wco:datamodel:WCO:RES-DMS:2"><FunctionCode>%s</FunctionCode>'
       '<Declaration><FunctionalReferenceID>%s</FunctionalReferenceID><ID>26GB%s</ID></Declaration>'
       '</Response></MetaData>\n')
BODIES = {
    "0000-good": RES % ("01", "G201", "GOOD00000001"),
    "0001-not-xml": "this is no notification\n",
    "0002-not-wf": '<MetaData xmlns="urn:wco:datamodel:WCO:DocumentMetaData-DMS:2"><Response>',
    "0003-root": '<invoice><FunctionCode>09</FunctionCode></invoice>\n',
    "0004-code": RES % ("99", "G201", "GOOD00000001"),
    "0005-large": RES.replace("<Declaration>", "<!--" + "x" * (2 << 20) + "--><Declaration>") % ("09", "G201", "X"),
    "0006-entity": '<!DOCTYPE a [<!ENTITY e "x">]><a>&e;</a>',
    # Well-formed, but not valid by the DMS schemas: malformed only where a catalog names them.
    "0007-schema": RES.replace("</FunctionCode>", "</FunctionCode><Nope/>") % ("01", "S301", "SCHEMA000001"),
}
pulled = set()


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def answer(self, status, body, ctype="application/xml; charset=UTF-8"):
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        if self.path != "/oauth/token":
            return self.answer(404, "")
        self.answer(200, json.dumps({"access_token": "tok", "token_type": "Bearer", "expires_in": 3600}),
                    "application/json")

    def do_GET(self):
        if self.headers.get("Authorization") != "Bearer tok":
            return self.answer(401, "<errorResponse><code>UNAUTHORIZED</code></errorResponse>")
        parts = self.path.strip("/").split("/")
        if len(parts) == 2 and parts[0] == "notifications" and parts[1] in ("unpulled", "pulled"):
            ids = [i for i in sorted(BODIES) if (i in pulled) == (parts[1] == "pulled")]
            links = "".join('<link rel="notification" href="/notifications/%s/%s"/>' % (parts[1], i) for i in ids)
            return self.answer(200, '<resource href="/notifications/%s/">%s</resource>' % (parts[1], links))
        if len(parts) == 3 and parts[0] == "notifications" and parts[2] in BODIES:
            if (parts[2] in pulled) != (parts[1] == "pulled"):
                return self.answer(404, "<errorResponse><code>NOT_FOUND</code></errorResponse>")
            pulled.add(parts[2])
            return self.answer(200, BODIES[parts[2]])
        self.answer(404, "<errorResponse><code>NOT_FOUND</code></errorResponse>")


def main():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    with open(sys.argv[1] + ".tmp", "w") as f:
        f.write(str(server.server_address[1]))
    import os
    os.rename(sys.argv[1] + ".tmp", sys.argv[1])
    server.serve_forever()


if __name__ == "__main__":
    main()
