"""A throw-away test CA and a server certificate, made with the openssl CLI.

TestCA() creates, in a new temp dir:
  ca.pem / ca.key         self-signed CA (CN=nymvisor e2e test CA, CA:TRUE)
  server.pem / server.key leaf for IP:127.0.0.1 and DNS:localhost (serverAuth)
Keys are EC P-256 (fast to generate). Certificates are valid from now for
7 days (containers share the host clock). cleanup() deletes the directory.
"""

import os
import shutil
import ssl
import subprocess
import tempfile

SERVER_EXT = """\
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = IP:127.0.0.1, DNS:localhost
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
"""


def _openssl(*args, cwd):
    """Run the openssl CLI; raise with its stderr if it fails."""
    cp = subprocess.run(["openssl"] + list(args), cwd=cwd, capture_output=True,
                        timeout=60)
    if cp.returncode != 0:
        raise RuntimeError("openssl %s failed (exit %d), expected 0:\n%s" % (
            " ".join(args), cp.returncode, cp.stderr.decode(errors="replace")))


class TestCA:
    """See module docstring. Paths: ca_pem, server_pem, server_key."""

    def __init__(self, directory=None):
        self.dir = directory or tempfile.mkdtemp(prefix="nymvisor-e2e-ca-")
        self.ca_pem = os.path.join(self.dir, "ca.pem")
        self.server_pem = os.path.join(self.dir, "server.pem")
        self.server_key = os.path.join(self.dir, "server.key")
        self._make_ca()
        self._make_server()

    def _make_ca(self):
        """Create the self-signed CA key and certificate."""
        _openssl("req", "-x509", "-newkey", "ec", "-pkeyopt",
                 "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", "ca.key",
                 "-out", "ca.pem", "-days", "7", "-subj", "/CN=nymvisor e2e test CA",
                 "-addext", "basicConstraints=critical,CA:TRUE",
                 "-addext", "keyUsage=critical,keyCertSign,cRLSign", cwd=self.dir)

    def _make_server(self):
        """Create the server key, a CSR, and sign it with the CA."""
        with open(os.path.join(self.dir, "server.ext"), "w") as f:
            f.write(SERVER_EXT)
        _openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                 "-nodes", "-keyout", "server.key", "-out", "server.csr",
                 "-subj", "/CN=localhost", cwd=self.dir)
        _openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey",
                 "ca.key", "-CAcreateserial", "-out", "server.pem", "-days", "7",
                 "-extfile", "server.ext", cwd=self.dir)

    def server_context(self):
        """Return a server-side ssl.SSLContext using the server certificate."""
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(self.server_pem, self.server_key)
        return ctx

    def client_context(self):
        """Return a client ssl.SSLContext that trusts only this CA."""
        return ssl.create_default_context(cafile=self.ca_pem)

    def cleanup(self):
        """Delete the CA directory."""
        shutil.rmtree(self.dir, ignore_errors=True)
