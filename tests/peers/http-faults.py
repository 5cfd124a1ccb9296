#!/usr/bin/env python3
"""A small HTTP server on 127.0.0.1 that misbehaves on request, for the tests
of tdk's HTTP and OAuth 2.0 client (tests/t5201-http-faults.sh).

    python3 http-faults.py PORT_FILE LOG_FILE [CERT KEY [CLIENT_CA]]

With CERT and KEY it speaks TLS only, and with CLIENT_CA it requires a
client certificate issued by it (mutual TLS).  Listens on port 0 and writes the port to PORT_FILE.  Each path is one
behaviour; LOG_FILE gets one line per request: the path and whether an
Authorization header came ("auth" or "noauth"), never its value.
"""
import email.utils
import http.server
import json
import os
import ssl
import socket
import struct
import sys
import threading
import time

port_file, log_file = sys.argv[1], sys.argv[2]
lock = threading.Lock()
tokens = {"n": 0}


def log(path, has_auth):
    with lock, open(log_file, "a") as f:
        f.write("%s %s\n" % (path, "auth" if has_auth else "noauth"))


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def send(self, status, body=b"", headers=()):
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def read_body(self):
        n = int(self.headers.get("Content-Length") or 0)
        while n > 0:
            chunk = self.rfile.read(min(n, 65536))
            if not chunk:
                break
            n -= len(chunk)

    def reset(self):
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.connection.close()
        self.close_connection = True

    def do_GET(self):
        self.handle_any()

    def do_POST(self):
        self.handle_any()

    def handle_any(self):
        path = self.path.split("?")[0]
        auth = self.headers.get("Authorization")
        log(path, auth is not None)
        host = "127.0.0.1:%d" % self.server.server_address[1]
        if path == "/reset-before":
            time.sleep(0.2)
            return self.reset()
        self.read_body()
        if path == "/ok":
            self.send(200, b"hello\n", [("X-Conversation-ID", "0b1c5e4a-7f4e-4b7e-9a55-2f1d8e3c6a10")])
        elif path == "/reset-after":
            self.reset()
        elif path == "/slow":
            time.sleep(3)
            self.send(200, b"late\n")
        elif path == "/busy":
            self.send(503, b"", [("Retry-After", "7")])
        elif path == "/busy-date":
            self.send(503, b"", [("Retry-After", email.utils.formatdate(time.time() + 120, usegmt=True))])
        elif path == "/big":
            self.send(200, b"x" * (2 << 20))
        elif path == "/redirect-other":
            self.send(302, b"", [("Location", "http://localhost:%d/capture" % self.server.server_address[1])])
        elif path == "/redirect-same":
            self.send(302, b"", [("Location", "http://%s/ok" % host)])
        elif path == "/token":
            with lock:
                tokens["n"] += 1
                n = tokens["n"]
            body = json.dumps({"access_token": "tok-%d" % n, "token_type": "Bearer", "expires_in": 600})
            self.send(200, body.encode(), [("Content-Type", "application/json"), ("Cache-Control", "no-store")])
        elif path == "/token-malformed":
            self.send(200, b'{"access_token": "abc", "token_type": ', [("Content-Type", "application/json")])
        elif path == "/token-crlf":
            body = b'{"access_token": "abc\\r\\nX-Evil: 1", "token_type": "Bearer"}'
            self.send(200, body, [("Content-Type", "application/json")])
        elif path == "/resource":
            # The first token is refused, as a server does with a revoked one; later ones pass.
            if auth == "Bearer tok-1":
                self.send(401, b"", [("WWW-Authenticate", 'Bearer error="invalid_token"')])
            elif auth and auth.startswith("Bearer tok-"):
                self.send(200, b"granted\n")
            else:
                self.send(401, b"")
        elif path.startswith("/status/"):
            self.status(path)
        else:
            self.send(404, b"")

    def status(self, path):
        """/status/N answers N as the CDS API would; /status/N-then-202/NAME answers N to
        the first request for NAME and 202 to the later ones."""
        word = path.split("/")[2]
        code = int(word.split("-")[0])
        if word.endswith("-then-202"):
            with lock:
                seen = counts.get(path, 0)
                counts[path] = seen + 1
            if seen:
                code = 202
        headers = [("Content-Type", "application/xml; charset=UTF-8")]
        if code == 202:
            headers.append(("X-Conversation-ID", "7d9f4a2e-1b3c-4d5e-8f60-718293a4b5c6"))
            return self.send(202, b"", headers)
        if code in (429, 503):
            headers.append(("Retry-After", "1"))
        names = {403: ("PAYLOAD_FORBIDDEN", "A firewall rejected the request"),
                 404: ("MATCHING_RESOURCE_NOT_FOUND", "A resource with the name in the request can not be found in the API"),
                 406: ("ACCEPT_HEADER_INVALID", "The accept header is missing or invalid"),
                 415: ("UNSUPPORTED_MEDIA_TYPE", "The content type header is missing or invalid"),
                 429: ("MESSAGE_THROTTLED_OUT", "The request for the API is throttled as you have exceeded your quota"),
                 500: ("INTERNAL_SERVER_ERROR", "Internal server error")}
        c, m = names.get(code, ("UNKNOWN", "Unknown"))
        body = ('<?xml version="1.0" encoding="UTF-8"?>\n<errorResponse>\n  <code>%s</code>\n'
                '  <message>%s</message>\n</errorResponse>\n' % (c, m)).encode()
        self.send(code, body, headers)


counts = {}
server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
server.daemon_threads = True
if len(sys.argv) > 4:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(sys.argv[3], sys.argv[4])
    if len(sys.argv) > 5:
        ctx.verify_mode = ssl.CERT_REQUIRED
        ctx.load_verify_locations(sys.argv[5])
    server.socket = ctx.wrap_socket(server.socket, server_side=True)
with open(port_file + ".tmp", "w") as f:
    f.write("%d\n" % server.server_address[1])
os.rename(port_file + ".tmp", port_file)
server.serve_forever()
