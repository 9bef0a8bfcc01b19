"""Loopback HTTP + HTTPS static "upstream" server for the e2e tests.

    with Upstream(root_dir) as up:           # both servers on 127.0.0.1
        up.put("/v1/nym-node", b"...")        # write a file under root_dir
        up.override("/v1/x", status=503, times=2)
        url = up.https_url + "/v1/nym-node"   # trusted via up.ca_pem
        ...
        up.requests("/v1/nym-node")           # [Request(...), ...]

Both servers share the root directory, the overrides and the request log.
Files are served with a strong ETag and Last-Modified; If-None-Match and
If-Modified-Since give 304, a single `Range: bytes=` range gives 206 (416 if
unsatisfiable), If-Range is honoured. Directories and missing files are 404.
The HTTPS server uses a throw-away CA made with the openssl CLI (see tlsca).
"""

import dataclasses
import email.utils
import hashlib
import http.server
import os
import posixpath
import re
import shutil
import socket
import ssl
import tempfile
import threading
import time
import urllib.parse

import tlsca


@dataclasses.dataclass
class Override:
    """How to misbehave for one path (all fields optional).

    status:      reply this status instead of serving the file (with `body`
                 or a short text body); combine with headers for redirects.
    body:        serve these bytes instead of the file (status 200 unless set).
    headers:     extra/replacement response headers.
    delay:       seconds to sleep before sending the response headers.
    truncate:    send only the first N body bytes, with a matching
                 Content-Length (a consistent but short reply).
    close_after: announce the full length, send N body bytes, then close the
                 connection (a connection dropped mid-body).
    rate:        throttle the body to about this many bytes per second.
    times:       apply to the next N requests only, then vanish (None=forever).
    """
    status: int = None
    body: bytes = None
    headers: dict = None
    delay: float = 0.0
    truncate: int = None
    close_after: int = None
    rate: int = None
    times: int = None


@dataclasses.dataclass
class Request:
    """One recorded request. headers has lower-case names."""
    method: str
    path: str
    query: str
    headers: dict
    status: int = None
    body_bytes: int = 0
    scheme: str = "http"
    time: float = 0.0


class _State:
    """Shared, lock-protected state of both servers."""

    def __init__(self, root):
        self.root = root
        self.lock = threading.Lock()
        self.overrides = {}
        self.log = []
        self.etags = {}

    def take_override(self, path):
        """Return the override for path (consuming one use), or None."""
        with self.lock:
            ov = self.overrides.get(path)
            if ov is not None and ov.times is not None:
                ov.times -= 1
                if ov.times <= 0:
                    del self.overrides[path]
            return ov

    def etag(self, fs_path, st):
        """Return the strong ETag of a file (cached by mtime+size)."""
        key = (fs_path, st.st_mtime_ns, st.st_size)
        with self.lock:
            if key not in self.etags:
                h = hashlib.sha256()
                with open(fs_path, "rb") as f:
                    for chunk in iter(lambda: f.read(1 << 20), b""):
                        h.update(chunk)
                self.etags[key] = '"%s"' % h.hexdigest()[:20]
            return self.etags[key]


def _parse_range(value, size):
    """Parse 'bytes=a-b' into (start, end_inclusive); None = ignore, 'bad' = 416."""
    m = re.fullmatch(r"\s*bytes=(\d*)-(\d*)\s*", value or "")
    if not m or (not m.group(1) and not m.group(2)):
        return None  # absent, multi-range or unsupported: serve the full file
    if not m.group(1):  # suffix range: last N bytes
        n = int(m.group(2))
        return (max(0, size - n), size - 1) if n > 0 and size > 0 else "bad"
    start = int(m.group(1))
    end = int(m.group(2)) if m.group(2) else size - 1
    if start >= size or end < start:
        return "bad"
    return start, min(end, size - 1)


class _Handler(http.server.BaseHTTPRequestHandler):
    """GET/HEAD handler; self.server.state is the shared _State."""
    protocol_version = "HTTP/1.1"
    server_version = "nymvisor-e2e-upstream/1"
    timeout = 60

    def log_message(self, fmt, *args):  # quiet; the request log is in state
        pass

    def do_HEAD(self):
        self._handle()

    def do_GET(self):
        self._handle()

    def _handle(self):
        """Record the request, apply any override, else serve the file."""
        url = urllib.parse.urlsplit(self.path)
        self.rec = Request(self.command, url.path, url.query,
                           {k.lower(): v for k, v in self.headers.items()},
                           scheme=self.server.scheme, time=time.time())
        with self.server.state.lock:
            self.server.state.log.append(self.rec)
        ov = self.server.state.take_override(url.path) or Override()
        if ov.delay:
            time.sleep(ov.delay)
        if ov.status is not None or ov.body is not None:
            status = ov.status if ov.status is not None else 200
            body = ov.body if ov.body is not None else (
                "%d %s\n" % (status, url.path)).encode()
            self._reply(status, body, {"Content-Type": "application/octet-stream"}, ov)
        else:
            self._serve_file(url.path, ov)

    def _fs_path(self, path):
        """Map a URL path into root; None if it escapes root or is not a file."""
        clean = posixpath.normpath(urllib.parse.unquote(path))
        if ".." in clean.split("/"):
            return None
        fs = os.path.join(self.server.state.root, clean.lstrip("/"))
        return fs if os.path.isfile(fs) else None

    def _serve_file(self, path, ov):
        """Serve a file with ETag/Last-Modified/304/Range semantics."""
        fs = self._fs_path(path)
        if fs is None:
            return self._reply(404, b"not found\n", {}, ov)
        st = os.stat(fs)
        etag = self.server.state.etag(fs, st)
        headers = {"ETag": etag, "Accept-Ranges": "bytes",
                   "Last-Modified": email.utils.formatdate(st.st_mtime, usegmt=True),
                   "Content-Type": "application/octet-stream"}
        if self._not_modified(etag, st.st_mtime):
            return self._reply(304, b"", headers, ov)
        with open(fs, "rb") as f:
            data = f.read()
        rng = _parse_range(self.headers.get("Range"), len(data))
        if rng is not None and not self._if_range_ok(etag, st.st_mtime):
            rng = None
        if rng == "bad":
            headers["Content-Range"] = "bytes */%d" % len(data)
            return self._reply(416, b"", headers, ov)
        if rng is not None:
            headers["Content-Range"] = "bytes %d-%d/%d" % (rng[0], rng[1], len(data))
            return self._reply(206, data[rng[0]:rng[1] + 1], headers, ov)
        return self._reply(200, data, headers, ov)

    def _not_modified(self, etag, mtime):
        """True if If-None-Match / If-Modified-Since say the client copy is fresh."""
        inm = self.headers.get("If-None-Match")
        if inm is not None:
            tags = [t.strip() for t in inm.split(",")]
            return "*" in tags or etag in tags or ("W/" + etag) in tags
        ims = self.headers.get("If-Modified-Since")
        if ims:
            try:
                return int(mtime) <= email.utils.parsedate_to_datetime(ims).timestamp()
            except (TypeError, ValueError):
                return False
        return False

    def _if_range_ok(self, etag, mtime):
        """True if there is no If-Range or it still matches the file."""
        ir = self.headers.get("If-Range")
        if not ir:
            return True
        if ir.startswith('"') or ir.startswith("W/"):
            return ir == etag
        try:
            return int(mtime) <= email.utils.parsedate_to_datetime(ir).timestamp()
        except (TypeError, ValueError):
            return False

    def _reply(self, status, body, headers, ov):
        """Send status, headers and (possibly truncated/throttled) body."""
        if ov.truncate is not None:
            body = body[:ov.truncate]
        self.send_response(status)
        merged = dict(headers, **(ov.headers or {}))
        if status != 304:
            merged.setdefault("Content-Length", str(len(body)))
        for k, v in merged.items():
            self.send_header(k, v)
        self.end_headers()
        self.rec.status = status
        if self.command == "HEAD" or status == 304:
            return
        if ov.close_after is not None:
            body = body[:ov.close_after]
            self.close_connection = True
        self._write_body(body, ov.rate)
        if ov.close_after is not None:
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_RDWR)

    def _write_body(self, body, rate):
        """Write body, throttled to `rate` bytes/s if set; count bytes sent."""
        chunk = max(1, rate // 10) if rate else len(body) or 1
        for i in range(0, len(body), chunk):
            self.wfile.write(body[i:i + chunk])
            self.rec.body_bytes += len(body[i:i + chunk])
            if rate:
                self.wfile.flush()
                time.sleep(chunk / rate)


class _Server(http.server.ThreadingHTTPServer):
    """Threaded server; with an SSLContext, TLS is set up in the worker thread."""
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, state, scheme, ssl_context=None):
        self.state, self.scheme, self.ssl_context = state, scheme, ssl_context
        super().__init__(("127.0.0.1", 0), _Handler)

    def finish_request(self, request, client_address):
        """Wrap in TLS here (worker thread) so a stuck handshake blocks no one."""
        if self.ssl_context is not None:
            request.settimeout(30)
            try:
                request = self.ssl_context.wrap_socket(request, server_side=True)
            except (ssl.SSLError, OSError):
                return  # e.g. client rejected our certificate
        super().finish_request(request, client_address)

    def handle_error(self, request, client_address):
        pass  # client hang-ups are part of the tests


class Upstream:
    """HTTP and HTTPS servers on 127.0.0.1 (free ports) serving one directory.

    root: directory to serve (default: a new temp dir, removed on stop()).
    Attributes after start(): http_url, https_url, ca_pem (CA file path).
    """

    def __init__(self, root=None, https=True):
        self._own_root = root is None
        self.root = root or tempfile.mkdtemp(prefix="nymvisor-e2e-upstream-")
        self.state = _State(self.root)
        self.https = https
        self.ca = None
        self.servers = []

    def start(self):
        """Start both servers in daemon threads; return self."""
        plain = _Server(self.state, "http")
        self.http_url = "http://127.0.0.1:%d" % plain.server_address[1]
        self.servers.append(plain)
        if self.https:
            self.ca = tlsca.TestCA()
            tls = _Server(self.state, "https", self.ca.server_context())
            self.https_url = "https://127.0.0.1:%d" % tls.server_address[1]
            self.ca_pem = self.ca.ca_pem
            self.servers.append(tls)
        for srv in self.servers:
            threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.1},
                             daemon=True, name="upstream-" + srv.scheme).start()
        return self

    def stop(self):
        """Stop the servers and remove temp files."""
        for srv in self.servers:
            srv.shutdown()
            srv.server_close()
        self.servers = []
        if self.ca:
            self.ca.cleanup()
        if self._own_root:
            shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
        return False

    def put(self, path, content, mtime=None):
        """Write str/bytes content at URL path under root; return the path."""
        fs = os.path.join(self.root, path.lstrip("/"))
        os.makedirs(os.path.dirname(fs), exist_ok=True)
        with open(fs, "wb") as f:
            f.write(content.encode() if isinstance(content, str) else content)
        if mtime is not None:
            os.utime(fs, (mtime, mtime))
        return path

    def override(self, path, **fields):
        """Set (replace) the Override for a URL path; see Override's fields."""
        with self.state.lock:
            self.state.overrides[path] = Override(**fields)

    def clear_overrides(self, path=None):
        """Remove the override of path, or all overrides."""
        with self.state.lock:
            if path is None:
                self.state.overrides.clear()
            else:
                self.state.overrides.pop(path, None)

    def requests(self, path=None):
        """Return a copy of the recorded requests (optionally only for path)."""
        with self.state.lock:
            return [dataclasses.replace(r) for r in self.state.log
                    if path is None or r.path == path]

    def clear_requests(self):
        """Forget all recorded requests."""
        with self.state.lock:
            self.state.log.clear()

    def wait_for_request(self, path, timeout=10, count=1):
        """Wait until path was requested `count` times; return those requests."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            seen = [r for r in self.requests(path) if r.status is not None]
            if len(seen) >= count:
                return seen
            time.sleep(0.05)
        raise AssertionError("expected %d request(s) for %s within %ss, saw %d; all "
                             "requests: %s" % (count, path, timeout, len(seen),
                                               [(r.method, r.path, r.status)
                                                for r in self.requests()]))
