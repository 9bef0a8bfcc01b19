"""Following Nym's real release channel: a loopback server plays GitHub.

The upstream serves GitHub's REST API (/repos/nymtech/nym/releases, with
ETags), github.com's download route (a 302 to an asset host path) and the
assets, in the formats of ../shared/reference/nym-releases.md. The agent
runs with upstream_source = github against it.
"""

import datetime
import hashlib
import json
import os
import re
import subprocess
import tempfile
import time

from nymvisor_case import AGENT, NODE, UpgradeTestCase

API = "/repos/nymtech/nym/releases"
TAG = "nym-binaries-v2026.10-testcheese"


def release(tag, published, assets):
    return {"id": 901, "node_id": "RE_x", "tag_name": tag, "name": tag, "draft": False,
            "prerelease": False, "immutable": False, "created_at": published,
            "published_at": published, "body": "notes", "assets": assets}


def asset(base, tag, name, size, digest=None):
    return {"id": 7001, "name": name, "label": "", "state": "uploaded",
            "content_type": "application/octet-stream", "size": size, "digest": digest,
            "browser_download_url": "%s/nymtech/nym/releases/download/%s/%s" % (base, tag, name)}


class GithubReleasesTest(UpgradeTestCase):

    def host_build_info(self, binary):
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "nym-node")
            with open(path, "wb") as f:
                f.write(binary)
            os.chmod(path, 0o755)
            out = subprocess.run([path, "--no-banner", "build-info", "--output=json"],
                                 check=True, capture_output=True).stdout
        return json.loads(out)

    def publish_release(self, binary):
        """A nym-binaries release with nym-node and hashes.json, and a newer wallet release."""
        base = self.upstream.http_url
        now = datetime.datetime.now(datetime.timezone.utc)
        published = (now - datetime.timedelta(seconds=30)).strftime("%Y-%m-%dT%H:%M:%SZ")
        sha = hashlib.sha256(binary).hexdigest()
        hashes = {"id": 901, "name": TAG, "tag_name": TAG, "html_url": base,
                  "componentName": "nym-binaries", "componentVersion": "v2026.10",
                  "assets": {"nym-node": {
                      "sha256": sha,
                      "downloadUrl": "%s/nymtech/nym/releases/download/%s/nym-node" % (base, TAG),
                      "details": self.host_build_info(binary)}}}
        hashes_bytes = json.dumps(hashes, indent=2).encode()
        for name, data in (("nym-node", binary), ("hashes.json", hashes_bytes)):
            self.upstream.put("/assets/%s/%s" % (TAG, name), data)
            # github.com's download route sends the client on to the asset host.
            self.upstream.override("/nymtech/nym/releases/download/%s/%s" % (TAG, name),
                                   status=302, headers={
                                       "Location": "%s/assets/%s/%s" % (base, TAG, name)})
        wallet = release("nym-wallet-v1.2.99", now.strftime("%Y-%m-%dT%H:%M:%SZ"),
                         [asset(base, "nym-wallet-v1.2.99", "nym-wallet", 10),
                          asset(base, "nym-wallet-v1.2.99", "hashes.json", 10)])
        binaries = release(TAG, published,
                           [asset(base, TAG, "nym-node", len(binary), "sha256:" + sha),
                            asset(base, TAG, "hashes.json", len(hashes_bytes))])
        self.upstream.put(API, json.dumps([wallet, binaries]))

    def status(self):
        return json.loads(self.container.out(["nymvisor", "status", "--id", "mixnode",
                                              "-o", "json"]))

    def api_statuses(self):
        return [r.status for r in self.upstream.requests(API) if r.status is not None]

    def test_a_release_of_the_train_is_staged_and_applied_and_the_api_is_spared(self):
        c = self.container
        # Before anything is published: only a wallet release, and a rate limit.
        base = self.upstream.http_url
        self.upstream.put(API, json.dumps([release(
            "nym-wallet-v1.2.98", "2026-01-01T00:00:00Z",
            [asset(base, "nym-wallet-v1.2.98", "nym-wallet", 10)])]))
        reset = int(time.time()) + 6
        self.upstream.override(API, status=403, times=1, body=b'{"message":"API rate limit"}',
                               headers={"X-RateLimit-Remaining": "0",
                                        "X-RateLimit-Reset": str(reset)})
        self.start_instance(flags=["--upstream-source", "github", "--github-api-url", base])
        c.wait_for_journal(r"GitHub answered 403 \(rate limit; 0 requests left\): waiting until",
                           unit=AGENT % "mixnode", timeout=30)
        self.upstream.wait_for_request(API, timeout=30, count=2)
        self.assertGreaterEqual(time.time(), reset - 1, "the agent waited for the reset")
        # An unchanged list is asked for conditionally: 304s, no quota spent.
        self.upstream.wait_for_request(API, timeout=30, count=4)
        statuses = self.api_statuses()
        self.assertEqual(statuses[:2], [403, 200])
        self.assertTrue(all(s == 304 for s in statuses[2:]), statuses)
        self.assertTrue(all(r.headers.get("accept") == "application/vnd.github+json"
                            for r in self.upstream.requests(API)))
        self.assertFalse([r for r in self.upstream.requests() if r.path.endswith("/latest")],
                         "releases/latest is never asked")

        binary = self.stamp_on_host(version="1.2.0")
        self.publish_release(binary)
        self.wait_for_event("UpgradeSucceeded", timeout=120)
        c.wait_for_state(NODE % "mixnode", "active", timeout=30)
        self.assertEqual(self.main_exe(NODE % "mixnode"),
                         "%s/nymvisor/upgrades/%s/bin/nym-node" % (self.home, TAG))
        info = self.read_json("%s/nymvisor/upgrades/%s/upgrade-info.json" % (self.home, TAG))
        self.assertEqual(info["version"], "1.2.0")
        self.assertEqual(info["binaryDetails"], self.host_build_info(binary))
        downloads = [r for r in self.upstream.requests()
                     if r.path == "/assets/%s/nym-node" % TAG and r.status == 200]
        self.assertEqual(len(downloads), 1, "the binary came through the redirect, once")
        self.assertNotIn("authorization", downloads[0].headers)
        journal = c.out(["journalctl", "-u", AGENT % "mixnode", "--no-pager"])
        self.assertNotIn("nym-wallet-v1.2.99", journal, "the newer wallet release is ignored")

    def test_a_release_held_back_by_its_window_shows_the_node_behind(self):
        c = self.container
        textfile = "/var/lib/prometheus/node-exporter/nymvisor-mixnode.prom"
        later = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=12)
        spec = "%s-%s" % (later.strftime("%H:%M"),
                          (later + datetime.timedelta(hours=1)).strftime("%H:%M"))
        self.start_instance(flags=["--upstream-source", "github",
                                   "--github-api-url", self.upstream.http_url,
                                   "--upgrade-window", spec, "--metrics-textfile", textfile])
        self.publish_release(self.stamp_on_host(version="1.3.0"))
        status = c.wait_for(self.status, 90, "the release to wait for its window",
                            until=lambda s: s.get("waitingFor") == "window"
                            and s.get("versionsBehind") is not None)
        self.assertEqual(status["currentVersion"], "1.1.0")
        self.assertEqual(status["newestRelease"], "1.3.0")
        self.assertEqual(status["versionsBehind"], 20, "two minors, as nym-api weighs them")
        self.assertAlmostEqual(status["configScore"], 0.995 ** (20 ** 1.65), places=9)
        self.assertIn("behind 20 (score 0.50)", status["statusLine"])
        self.assertIn("behind 20 (score 0.50)", self.prop(AGENT % "mixnode", "StatusText"))
        text = c.out(["nymvisor", "status", "--id", "mixnode"])
        self.assertIn("Newest: 1.3.0: 20 versions behind as nym-api weighs it "
                      "(config score 0.50)", text)
        bus = ["busctl", "get-property", "net.nymtech.Nymvisor1.mixnode",
               "/net/nymtech/Nymvisor1", "net.nymtech.Nymvisor1"]
        self.assertEqual(c.out(bus + ["NewestRelease"]), 's "1.3.0"')
        self.assertEqual(c.out(bus + ["VersionsBehind"]), "t 20")
        metrics = c.wait_for(lambda: c.read_file(textfile).decode(), 30, "the metric",
                             until=lambda t: "nymvisor_versions_behind" in t)
        self.assertIn('nymvisor_versions_behind{instance="mixnode"} 20\n', metrics)
        self.assertRegex(metrics, r'nymvisor_config_score\{instance="mixnode"\} 0\.49\d*\n')
        # Every metric the packaged alerting rules use is in the real file,
        # but the fleet's halt, which comes with the fleet rollout.
        rules = c.read_file("/usr/share/doc/nymvisor/examples/nymvisor-alerts.yml").decode()
        used = set(re.findall(r"\bnymvisor_[a-z_]+", rules))
        written = set(re.findall(r"^(nymvisor_[a-z_]+)\{", metrics, re.M))
        self.assertEqual(used - written, {"nymvisor_fleet_halted"})
