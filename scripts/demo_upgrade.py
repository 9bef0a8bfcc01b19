#!/usr/bin/python3
"""A live demo of nymvisor: a real systemd in a container, the .deb installed,
a fake Nym node run by nymvisor, an upgrade published on a loopback upstream,
and the upgrade happening. Run by scripts/demo.sh (as root).

    demo_upgrade.py --deb build/deb/nymvisor_*.deb --fake-node obj-*/tests/fake-node
"""

import argparse
import datetime
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "e2e"))

import rootfs  # noqa: E402
from container import Container  # noqa: E402
from upstream import Upstream  # noqa: E402

HOME = "/var/lib/nym/mixnode"
AGENT = "nymvisor@mixnode.service"
NODE = "nymvisor-daemon@mixnode.service"
# The demo's last line starts with this once its summary is checked;
# scripts/test.sh greps for it.
SUMMARY_MARKER = "demo: upgrade done and checked:"


def say(text):
    print("\n\033[1m== %s\033[0m" % text, flush=True)


def show(c, cmd):
    print("$ " + (cmd if isinstance(cmd, str) else " ".join(cmd)), flush=True)
    print(c.out(cmd, check=False), flush=True)


def stamp(fake_node, version):
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "nym-node")
        subprocess.run([fake_node, "stamp", out, "--version", version], check=True)
        with open(out, "rb") as f:
            return f.read()


def publish(up, version, in_seconds, binary):
    up.put("/bin/v2/nym-node", binary)
    when = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=in_seconds)
    info = {"manual": False, "name": "v2", "notes": "demo release", "publishDate": None,
            "version": version,
            "platforms": {"linux-x86_64": {"checksum": hashlib.sha256(binary).hexdigest(),
                                           "checksumAlgorithm": "sha256",
                                           "url": up.http_url + "/bin/v2/nym-node"}},
            "upgradeTime": when.strftime("%Y-%m-%dT%H:%M:%SZ"), "binaryDetails": None}
    up.put("/nym-node/upgrade-info.json", json.dumps(info, indent=2))
    return when


def follow_agent(c, until, timeout):
    """Print the agent's journal as it grows until `until` appears."""
    seen = 0
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        lines = c.out(["journalctl", "-u", AGENT, "-u", NODE, "-o", "short", "--no-pager"]).splitlines()
        for line in lines[seen:]:
            print("   " + line, flush=True)
        seen = len(lines)
        if any(until in line for line in lines):
            return
        time.sleep(0.5)
    raise SystemExit("demo: the upgrade did not finish within %ss" % timeout)


def setup_node(c, args):
    say("1. A Nym node (a stand-in binary, version 1.1.0) initialised under nymvisor")
    c.copy_in(args.fake_node, "/usr/local/bin/fake-node", mode=0o755)
    c.sh("useradd --system --user-group --home-dir /var/lib/nym --create-home nym && "
         "install -d -o nym -g nym -m 0700 %s %s/data && echo 'important rows' > %s/data/db && "
         "chown -R nym:nym %s/data && mkdir -p /opt/dist && "
         "fake-node stamp /opt/dist/nym-node --version 1.1.0" % (HOME, HOME, HOME, HOME))
    # The upstream is named explicitly (source and URL): the demo's loopback
    # server publishes upgrade-info.json, whatever a new instance's default is.
    init = ("nymvisor init --id mixnode --daemon-home %s --upstream-source upgrade-info "
            "--upstream-base-upgrade-url %s/ --upstream-polling-rate 5s "
            "--health-check-period 10s /opt/dist/nym-node -- run --id mixnode"
            % (HOME, args.upstream))
    print("$ " + init, flush=True)
    done = c.run(["/bin/sh", "-c", init + " 2>&1"], check=False)
    printed = done.stdout.decode(errors="replace")
    print("\n".join(printed.splitlines()[:3]), flush=True)
    if done.returncode != 0:
        raise SystemExit("demo: nymvisor init failed (exit %s):\n%s" % (done.returncode, printed))
    say("2. systemctl enable --now nymvisor@mixnode")
    c.run(["systemctl", "enable", "--now", AGENT])
    c.wait_for_state(NODE, "active", timeout=30)
    show(c, "systemctl status --no-pager %s %s | grep -E '●|Active|Main PID|Status'" % (AGENT, NODE))


def summary(c):
    """Print the summary and check it: the node runs 1.2.0 from the upgrade's
    directory, the history records the upgrade as completed and the backup
    exists. Ends with SUMMARY_MARKER, which scripts/test.sh looks for."""
    say("5. Summary")
    p = c.show(NODE, "ActiveExitTimestampMonotonic", "ActiveEnterTimestampMonotonic", "MainPID")
    down_ms = (int(p["ActiveEnterTimestampMonotonic"]) - int(p["ActiveExitTimestampMonotonic"])) / 1e3
    last = json.loads(c.read_file(HOME + "/nymvisor/upgrade-history.json"))["history"][-1]
    version, outcome = last["info"]["version"], last.get("outcome", "completed")
    backup = c.out("ls -d %s/nymvisor/backups/*/backup-*-preupgrade" % HOME, check=False).strip()
    exe = c.out(["readlink", "-f", "/proc/%s/exe" % p["MainPID"]], check=False).strip()
    print("   versions:  1.1.0 -> %s (upgrade '%s', %s)" % (version, last["info"]["name"], outcome))
    print("   node now:  %s (pid %s)" % (exe, p["MainPID"]))
    print("   downtime:  %.1f ms (node unit inactive from ActiveExit to ActiveEnter)" % down_ms)
    print("   backup:    %s" % (backup or "none"))
    say("The journal explains each event (journalctl -x, from nymvisor's catalog)")
    show(c, "journalctl -u %s -x --no-pager MESSAGE_ID=db8407a983d54eac8188575097f34fd8"
            % AGENT)
    wrong = [what for what, ok in (
        ("the history's last upgrade is %s, not 1.2.0" % version, version == "1.2.0"),
        ("that upgrade is '%s', not completed" % outcome, outcome == "completed"),
        ("the node runs %r, not a binary under upgrades/" % exe, "/nymvisor/upgrades/" in exe),
        ("no backup under %s/nymvisor/backups" % HOME, backup != ""),
        ("the downtime %.1f ms is not positive" % down_ms, down_ms > 0)) if not ok]
    if wrong:
        raise SystemExit("demo: the summary is wrong: " + "; ".join(wrong))
    print("\n%s 1.1.0 -> %s, downtime %.1f ms, backup %s" % (SUMMARY_MARKER, version, down_ms, backup),
          flush=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--deb", required=True)
    ap.add_argument("--fake-node", required=True)
    args = ap.parse_args()
    tarball = rootfs.ensure()
    with Upstream(https=False) as up, Container(tarball) as c:
        args.upstream = up.http_url
        publish(up, "1.1.0", -3600, stamp(args.fake_node, "1.1.0"))  # what runs today
        say("0. Booting Debian 12 with systemd in a container, installing %s"
            % os.path.basename(args.deb))
        c.boot("nymvisor-demo")
        c.copy_in(args.deb, "/tmp/nymvisor.deb", mode=0o644)
        c.run(["apt-get", "install", "-y", "--no-install-recommends", "/tmp/nymvisor.deb"],
              timeout=300)
        show(c, "dpkg -l nymvisor | tail -1")
        setup_node(c, args)
        say("3. Upstream publishes version 1.2.0, to be applied in 20 seconds")
        when = publish(up, "1.2.0", 20, stamp(args.fake_node, "1.2.0"))
        print("   upgradeTime %s; the agent downloads and verifies it now, well before"
              % when.strftime("%H:%M:%S UTC"))
        say("4. The agent at work (journalctl -u nymvisor@mixnode -u nymvisor-daemon@mixnode)")
        follow_agent(c, "now runs 1.2.0", timeout=120)
        summary(c)
    return 0


if __name__ == "__main__":
    if os.geteuid() != 0:
        sys.exit("demo: run as root (it boots a container)")
    sys.exit(main())
