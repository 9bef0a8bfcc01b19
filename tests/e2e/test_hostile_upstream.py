"""A hostile or broken upstream, case after case, against one real agent.

Each case serves something bad (a response, a record or a binary), asks the
agent to check (`nymvisor check`), and asserts that a journal entry of the
agent names the problem, that the node's unit was never stopped (its
InvocationID is unchanged), and that no file of DAEMON_HOME outside
nymvisor/ changed, nor the version that runs. Between cases upstream says
"up to date" again and anything left queued is skipped.
"""

import hashlib
import json
import re
import sys

from nymvisor_case import AGENT, NODE, UpgradeTestCase

WRONG_HOST = "upstream.wrong.example"


class HostileUpstreamTest(UpgradeTestCase):

    polling_rate = "1h"  # checks come from `nymvisor check`, one per case

    def setUp(self):
        super().setUp()
        self.upstream = self.start_upstream(https=True)
        self.seq = 0

    # ------------------------------------------------------------ helpers
    def record(self, name, version, url=None, checksum=None, algorithm="sha256",
               when="2020-01-01T00:00:00Z", platform="linux-x86_64", binary=b""):
        return {"manual": False, "name": name, "notes": "hostile", "publishDate": None,
                "version": version,
                "platforms": {platform: {
                    "checksum": checksum if checksum is not None
                    else hashlib.sha256(binary).hexdigest(),
                    "checksumAlgorithm": algorithm,
                    "url": url or "%s/bin/%s" % (self.upstream.http_url, name)}},
                "upgradeTime": when, "binaryDetails": None}

    def serve_info(self, body):
        self.upstream.clear_overrides("/nym-node/upgrade-info.json")
        self.upstream.put("/nym-node/upgrade-info.json",
                          body if isinstance(body, bytes) else json.dumps(body).encode())

    def serve_binary(self, name, version, binary, **record):
        self.upstream.put("/bin/%s" % name, binary)
        self.serve_info(self.record(name, version, binary=binary, **record))

    def next_version(self):
        self.seq += 1
        return "c%02d" % self.seq, "1.2.%d" % self.seq

    def cursor(self):
        out = self.container.out(["journalctl", "-n", "0", "--show-cursor", "--no-pager"])
        return re.search(r"-- cursor: (\S+)", out).group(1)

    def home_digest(self):
        return self.container.out(
            "cd %s && find . -path ./nymvisor -prune -o -type f -print0 | sort -z | "
            "xargs -0 sha256sum" % self.home)

    def expect(self, case, pattern, timeout=40):
        """Check upstream and wait for the agent's journal to match pattern."""
        c = self.container
        since = self.cursor()
        c.run(["nymvisor", "check", "--id", "mixnode"])
        try:
            m = c.wait_for_journal(pattern, unit=AGENT % "mixnode", timeout=timeout,
                                   extra_args=["--after-cursor", since, "-o", "cat"])
        except AssertionError as e:
            raise AssertionError("case %r: %s" % (case, e)) from None
        self.assertEqual(self.prop(NODE % "mixnode", "InvocationID"), self.invocation,
                         "case %r: the node was never stopped" % case)
        self.assertEqual(self.home_digest(), self.digest, "case %r: DAEMON_HOME unchanged" % case)
        current = self.read_json(self.home + "/nymvisor/current-version.json")
        self.assertEqual(current["version"], "1.1.0", case)
        self.cases += 1
        text = m.string
        line = text[text.rfind("\n", 0, m.start()) + 1:text.find("\n", m.end())]
        print("hostile case %2d, %s: %s" % (self.cases, case, line[:200]), file=sys.stderr)

    def settle(self):
        """Upstream says up to date again; whatever a case queued is skipped."""
        self.upstream.clear_overrides()
        self.serve_info(self.record("v1.1.0", "1.1.0"))
        plan = self.read_json(self.home + "/nymvisor/upgrade-plan.json")
        for entry in plan["queuedUp"]:
            self.container.run(["nymvisor", "skip", entry["name"], "--id", "mixnode"])
        before = self.status()["lastCheckTime"]
        self.container.run(["nymvisor", "check", "--id", "mixnode"])
        self.container.wait_for(
            self.status, 30, "an up-to-date check",
            until=lambda s: s["lastCheckTime"] != before and
            s["lastCheckResult"] in ("up to date", "not modified"))

    def status(self):
        return json.loads(self.container.out(["nymvisor", "status", "--id", "mixnode",
                                              "-o", "json"]))

    # -------------------------------------------------------------- cases
    def response_cases(self):
        info = "/nym-node/upgrade-info.json"
        up = self.upstream
        valid = self.record("r1", "1.2.0")
        yield "malformed JSON", lambda: self.serve_info(b"{not json"), r"invalid JSON"
        yield "wrong types", lambda: self.serve_info(dict(valid, version=12)), r"key 'version' must be a string"
        yield "missing keys", lambda: self.serve_info({"name": "r2"}), r"missing key"
        yield "deep nesting", lambda: self.serve_info(b"[" * 500000 + b"]" * 500000), \
            r"nested deeper than 64"
        yield "a JSON array", lambda: self.serve_info(b"[1, 2, 3]"), r"must be a JSON object"
        yield "an empty body", lambda: self.serve_info(b""), r"unusable upgrade information: invalid JSON"
        yield "a 50 MiB body", lambda: self.serve_info(b" " * (50 << 20)), r"upgrade-info.json is larger than 1048576 bytes"
        yield "404", lambda: up.override(info, status=404), r"HTTP status 404"
        yield "500", lambda: up.override(info, status=500), r"HTTP status 500"
        yield "a redirect loop", lambda: up.override(
            info, status=302, headers={"Location": up.http_url + info}), r"more than 5 redirects"
        yield "one byte a second", lambda: up.override(
            info, body=json.dumps(self.record("r3", "1.2.0")).encode(), rate=1), \
            r"upstream .* fails: .*Timeout"

    def record_cases(self):
        yield "a checksum of the wrong length", lambda: self.serve_info(
            self.record("k1", "1.2.0", checksum="abc123")), r"checksum has 6 hex digits"
        yield "an unknown checksum algorithm", lambda: self.serve_info(
            self.record("k2", "1.2.0", algorithm="md5")), r"unsupported checksumAlgorithm 'md5'"
        yield "a name with '/'", lambda: self.serve_info(self.record("a/b", "1.2.0")), r"invalid upgrade name .* contains '/'"
        yield "a name '..'", lambda: self.serve_info(self.record("..", "1.2.0")), r"invalid upgrade name .* contains '\.\.'"
        yield "a name with NUL", lambda: self.serve_info(self.record("a\u0000b", "1.2.0")), \
            r"invalid upgrade name .* control character"
        yield "a 10 KB name", lambda: self.serve_info(self.record("n" * 10000, "1.2.0")), r"invalid upgrade name"
        yield "a downgrade", lambda: self.serve_info(self.record("old", "1.0.0")), r"refusing downgrade"
        yield "the reserved name genesis", lambda: self.serve_info(
            self.record("genesis", "1.2.0")), r"'genesis' is reserved"
        yield "a version that is not semver", lambda: self.serve_info(
            self.record("k3", "latest")), r"'latest' is not a semantic version"
        yield "an upgradeTime far in the past", lambda: self.serve_info(
            self.record("k4", "1.2.0", when="0001-01-01T00:00:00Z")), r"0001-01-01.* outside the years"
        yield "an upgradeTime in the year 9999", lambda: self.serve_info(
            self.record("k5", "1.2.0", when="9999-12-31T23:59:59Z")), r"9999-12-31.* outside the years"
        yield "no entry for this platform", lambda: self.serve_info(
            self.record("k6", "1.2.0", platform="linux-riscv64")), r"has no download for 'linux-x86_64'"

    def binary_cases(self):
        good = self.stamp_on_host(version="1.2.0")

        def serve(binary, **settings):
            name, version = self.next_version()
            body = binary if binary is not None else self.stamp_on_host(version=version,
                                                                        **settings)
            self.serve_binary(name, version, body)
        yield "an HTML page", lambda: serve(b"<html><body>Not here</body></html>\n"), \
            r"preflight: .* not an ELF executable"
        yield "a binary over the cap", lambda: serve(good + b"\0" * (5 << 20)), \
            r"max_download_size_mib"
        yield "a checksum mismatch", lambda: self.serve_info(
            self.record("b-sum", "1.3.0", checksum="0" * 64)) or self.upstream.put(
                "/bin/b-sum", good), r"checksum mismatch"
        yield "a truncated download", lambda: (
            serve(good), self.upstream.override("/bin/c%02d" % self.seq, truncate=1000)), \
            r"c\d\d will not be applied: checksum mismatch"
        yield "a build-info that hangs", lambda: serve(None, hang_build_info="true"), \
            r"did not answer within"
        yield "a build-info that prints garbage", lambda: serve(None, bad_build_info="true"), \
            r"printed unusable build information"
        yield "a build-info of another version", lambda: (
            self.serve_binary("b-other", "1.4.0", good)), r"expects version 1\.4\.0 but the binary reports 1\.2\.0"
        yield "an untrusted certificate", lambda: self.serve_info(self.record(
            "b-tls", "1.5.0", url="%s/bin/b-tls" % self.upstream.https_url, binary=good)) or \
            self.upstream.put("/bin/b-tls", good), r"b-tls.*SSL peer certificate"

    def test_thirty_hostile_answers_never_touch_the_node(self):
        c = self.container
        self.init_instance(flags=["--upstream-base-upgrade-url", self.upstream.http_url + "/",
                                  "--upstream-polling-rate", self.polling_rate,
                                  "--max-download-size-mib", "8"])
        self.serve_info(self.record("v1.1.0", "1.1.0"))
        c.sh("install -d -o nym -g nym %s/data && echo rows > %s/data/state.db && "
             "chown -R nym:nym %s/data" % ((self.home,) * 3))
        c.sh("echo '127.0.0.1 %s' >> /etc/hosts" % WRONG_HOST)
        c.run(["systemctl", "enable", "--now", AGENT % "mixnode"])
        c.wait_for_state(NODE % "mixnode", "active", timeout=30)
        c.wait_for_journal(r"nymvisor agent started", unit=AGENT % "mixnode")
        self.invocation = self.prop(NODE % "mixnode", "InvocationID")
        self.digest = self.home_digest()
        self.cases = 0
        for group in (self.response_cases(), self.record_cases(), self.binary_cases()):
            for case, setup, pattern in group:
                self.settle()
                setup()
                self.expect(case, pattern, timeout=90 if "second" in case or "hangs" in case else 40)
        # A wrong hostname on a trusted certificate.
        self.install_test_ca(self.upstream)
        self.settle()
        good = self.stamp_on_host(version="1.6.0")
        port = self.upstream.https_url.rsplit(":", 1)[1]
        self.upstream.put("/bin/b-host", good)
        self.serve_info(self.record("b-host", "1.6.0", binary=good,
                                    url="https://%s:%s/bin/b-host" % (WRONG_HOST, port)))
        self.expect("a wrong hostname", r"b-host.*subject name matches|b-host.*does not match")
        self.assertGreaterEqual(self.cases, 30)
