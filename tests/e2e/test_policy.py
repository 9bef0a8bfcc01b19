"""When upgrades happen (issue 23): maintenance windows in a time zone, a
minimum release age, and a reload that re-plans a waiting upgrade, in a real
systemd with a loopback upstream.

The container shares the host's clock, so the windows are set a minute or
two ahead of real time; daylight saving is covered by the unit tests over
hand-built and real tzdb offsets.
"""

import datetime
import json

from nymvisor_case import AGENT, NODE, UpgradeTestCase

UTC = datetime.timezone.utc


def parse_time(text):
    """An RFC 3339 timestamp of the status JSON, as an aware datetime."""
    text = text.replace("Z", "+00:00")
    if "." in text:  # fromisoformat in 3.11 takes at most 6 fraction digits
        head, rest = text.split(".", 1)
        digits, zone = rest[:rest.index("+")], rest[rest.index("+"):]
        text = "%s.%s%s" % (head, digits[:6].ljust(6, "0"), zone)
    return datetime.datetime.fromisoformat(text)


class PolicyTestCase(UpgradeTestCase):

    def status(self):
        out = self.container.out(["nymvisor", "status", "--id", "mixnode", "-o", "json"])
        return json.loads(out)

    def wait_for_waiting(self, reason, timeout=60):
        return self.container.wait_for(
            lambda: self.status(), timeout, "status to say waitingFor=%s" % reason,
            until=lambda s: s.get("waitingFor") == reason and s.get("nextUpgradeStaged"))

    def event_time(self, name):
        entry = self.wait_for_event(name, timeout=1)
        return datetime.datetime.fromtimestamp(int(entry["__REALTIME_TIMESTAMP"]) / 1e6, UTC)


class WindowTest(PolicyTestCase):

    def test_a_due_upgrade_waits_for_its_window_and_says_so_then_applies_inside_it(self):
        c = self.container
        # A window opening 1-2 minutes from now, written in Asia/Kolkata
        # (UTC+05:30, no daylight saving): the real tzdata in the container.
        now = datetime.datetime.now(UTC)
        opens = (now + datetime.timedelta(minutes=2)).replace(second=0, microsecond=0)
        local = opens + datetime.timedelta(hours=5, minutes=30)
        closes = local + datetime.timedelta(minutes=4)
        spec = "%s-%s" % (local.strftime("%H:%M"), closes.strftime("%H:%M"))
        self.start_instance(flags=["--upgrade-window", spec,
                                   "--upgrade-time-zone", "Asia/Kolkata"])
        before = self.prop(NODE % "mixnode", "InvocationID")
        self.publish("v2", "1.2.0", in_seconds=0)
        status = self.wait_for_waiting("window")
        self.assertEqual(parse_time(status["nextUpgradeTime"]), opens)
        self.assertIn("waiting for its maintenance window",
                      self.prop(AGENT % "mixnode", "StatusText"))
        text = c.out(["nymvisor", "status", "--id", "mixnode"])
        self.assertIn("waiting for: window", text)
        self.assertEqual(c.out(["busctl", "get-property", "net.nymtech.Nymvisor1.mixnode",
                                "/net/nymtech/Nymvisor1", "net.nymtech.Nymvisor1",
                                "WaitingFor"]), 's "window"')
        self.assertEqual(self.prop(NODE % "mixnode", "InvocationID"), before,
                         "the node runs on while the upgrade waits")
        self.wait_for_event("UpgradeSucceeded", timeout=300)
        started = self.event_time("UpgradeStarted")
        self.assertGreaterEqual(started, opens, "not before the window opens")
        self.assertLess(started, opens + datetime.timedelta(minutes=4), "inside the window")
        self.assertIsNone(self.status().get("waitingFor"))

    def test_a_bad_window_or_zone_is_refused_naming_the_flag(self):
        c = self.container
        home = "/var/lib/nym/mixnode"
        for flags, expected in (
                (["--upgrade-window", "25:00-26:00"], "hour 25"),
                (["--upgrade-window", "Mno 02:00-03:00"], "unknown day 'Mno'"),
                (["--upgrade-window", "02:00-02:01"], "shorter than an upgrade needs"),
                (["--upgrade-time-zone", "Europe/Berln"], "unknown time zone 'Europe/Berln'")):
            c.sh("install -d -o nym -g nym -m 0700 %s" % home)
            node = self.stamp("/opt/dist/1.1.0/nym-node", version="1.1.0")
            r = c.run(["nymvisor", "init", "--id", "mixnode", "--daemon-home", home] + flags
                      + [node], check=False)
            err = r.stderr.decode()
            self.assertNotEqual(r.returncode, 0, flags)
            self.assertIn(expected, err)
            self.assertRegex(err, r"upgrade_windows|upgrade_time_zone|--upgrade-")


class ReleaseAgeTest(PolicyTestCase):

    def test_a_young_release_waits_out_its_age(self):
        c = self.container
        self.start_instance(flags=["--min-release-age", "75s"])
        self.publish("v2", "1.2.0", in_seconds=0)  # no publishDate: first seen counts
        status = self.wait_for_waiting("release-age")
        planned = parse_time(status["nextUpgradeTime"])
        waits = self.read_json(self.home + "/nymvisor/upgrade-waits.json")
        first_seen = parse_time(waits["firstSeen"]["v2"])
        self.assertEqual(planned, first_seen + datetime.timedelta(seconds=75))
        # A restart of the agent keeps the moment it first saw the release.
        c.run(["systemctl", "restart", AGENT % "mixnode"])
        again = self.wait_for_waiting("release-age")
        self.assertEqual(parse_time(again["nextUpgradeTime"]), planned)
        self.wait_for_event("UpgradeSucceeded", timeout=240)
        self.assertGreaterEqual(self.event_time("UpgradeStarted"), planned)


class ReloadTest(PolicyTestCase):

    def test_a_reload_replans_a_waiting_upgrade(self):
        c = self.container
        # A window twelve hours away: the upgrade waits for it.
        later = datetime.datetime.now(UTC) + datetime.timedelta(hours=12)
        spec = "%s-%s" % (later.strftime("%H:%M"),
                          (later + datetime.timedelta(hours=1)).strftime("%H:%M"))
        self.start_instance(flags=["--upgrade-window", spec])
        self.publish("v2", "1.2.0", in_seconds=0)
        self.wait_for_waiting("window")
        # The operator clears the windows: init reloads the running agent.
        c.run(["nymvisor", "init", "--id", "mixnode", "--upgrade-window", "",
               "/opt/dist/1.1.0/nym-node"])
        self.wait_for_event("UpgradeSucceeded", timeout=120)
        config = json.loads(c.out(["nymvisor", "config", "--id", "mixnode", "-o", "json"]))
        self.assertEqual(config["nymvisor"]["upgrade_windows"], [])


if __name__ == "__main__":
    import unittest
    unittest.main()
