"""B1 and B6: the node's downtime for an upgrade and for a rollback, against
the floor (a plain restart) and the original's sequence done by hand, on
homes from 10 MiB to 4 GiB (NYMVISOR_BENCH_SIZES, in MiB)."""

import os

from benchcase import UNIT, BenchCase

SIZES = [int(s) for s in os.environ.get("NYMVISOR_BENCH_SIZES", "10,100,1024,4096").split(",")]
GOALS_MS = {10: 30, 1024: 250}  # the goals: within this of the floor


def label(mib):
    return "%d GiB" % (mib // 1024) if mib >= 1024 else "%d MiB" % mib


class DowntimeBench(BenchCase):

    def sweep_point(self, mib):
        self.start_instance()
        self.make_home(mib)
        ours = self.our_upgrade_ms("v2", "1.2.0")
        steps = self.step_times_ms()
        floor = self.floor_ms()
        if mib == 1024:
            self.rollback_bench(floor)
        original = self.original_upgrade_ms("v9", "1.9.0")
        goal = GOALS_MS.get(mib)
        self.record("B1", "upgrade downtime, %s home: nymvisor" % label(mib), ours, "ms",
                    baseline=floor, baseline_name="floor (restart)", size_mib=mib,
                    series="nymvisor", steps_ms=steps,
                    goal="within %d ms of the floor" % goal if goal else None,
                    met=(ours - floor <= goal) if goal else None)
        self.record("B1", "upgrade downtime, %s home: original's sequence" % label(mib), original,
                    "ms", baseline=floor, baseline_name="floor (restart)", size_mib=mib,
                    series="original")
        self.record("B1", "upgrade downtime, %s home: floor" % label(mib), floor, "ms",
                    size_mib=mib, series="floor")
        self.record("B1", "original's sequence / nymvisor, %s home" % label(mib),
                    original / ours, "x", goal="over 200x" if mib == 1024 else None,
                    met=(original / ours > 200) if mib == 1024 else None)

    def rollback_bench(self, floor):
        """B6: 1.3.0 rewrites 1% of the database (10 MiB at 10 MiB/s), then
        crashes; from the failed health gate to 1.2.0 active again."""
        self.publish("v3", "1.3.0", in_seconds=0, write_file=self.home + "/data/db.bin",
                     write_kib_s=10240, crash_after_seconds=1)
        self.container.wait_for(lambda: self.completed("v3"), 600, "v3 to be rolled back",
                                interval=1)
        self.assertEqual(self.completed("v3")[-1].get("outcome"), "rolled-back")
        self.container.wait_for_state(UNIT, "active", timeout=60)
        steps = self.step_times_ms()
        gate = self.journal_monotonic_us("nymvisor@mixnode.service",
                                         "upgrade step 'health-check' failed")
        active = self.monotonic(UNIT, "ActiveEnterTimestampMonotonic")
        ms = (active - gate) / 1000.0
        self.record("B6", "rollback: failed gate to old version active, 1 GiB home", ms, "ms",
                    baseline=floor, baseline_name="floor (restart)",
                    goal="within 500 ms of the floor (the new version had crashed)",
                    met=ms - floor <= 500, steps_ms=steps)

    def test_writing_node_1gib(self):
        """(c): the 1 GiB home with a node writing 10 MiB/s until its stop."""
        c = self.container
        self.start_instance()
        self.make_home(1024)
        c.write_file("/etc/systemd/system/%s.d/writer.conf" % UNIT,
                     "[Service]\nEnvironment=FAKE_NODE_WRITE_FILE=%s/data/db.bin "
                     "FAKE_NODE_WRITE_KIB_S=10240 FAKE_NODE_WRITE_VERSION=1.1.0\n" % self.home)
        c.run(["systemctl", "daemon-reload"])
        floor = self.floor_ms()
        ours = self.our_upgrade_ms("v2", "1.2.0")
        self.record("B1", "upgrade downtime, 1 GiB home, node writing 10 MiB/s", ours, "ms",
                    baseline=floor, baseline_name="floor (restart)", steps_ms=self.step_times_ms(),
                    goal="within 500 ms of the floor", met=ours - floor <= 500)


for _mib in SIZES:
    setattr(DowntimeBench, "test_sweep_%05d_mib" % _mib,
            lambda self, mib=_mib: self.sweep_point(mib))
