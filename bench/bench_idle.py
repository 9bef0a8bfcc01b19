"""B4 and B5: what an idle agent costs, from systemd's accounting of its unit
(MemoryCurrent, CPUUsageNSec), alone with a 1 h polling rate and as 50
instances (50 agents, 50 fake nodes) on one host."""

import time

from benchcase import BenchCase
from nymvisor_case import AGENT, NODE

IDLE_SECONDS = 60


class IdleBench(BenchCase):

    polling_rate = "1h"

    def usage(self, units):
        """Total memory (bytes), CPU time (ns) and context switches of units:
        systemd's MemoryCurrent and CPUUsageNSec where the host gives the
        container cgroup accounting, else the main process's PSS
        (smaps_rollup) and the run time of its threads (schedstat)."""
        memory = cpu = switches = 0
        for unit in units:
            props = self.container.show(unit, "MemoryCurrent", "CPUUsageNSec", "MainPID")
            pid = props["MainPID"]
            script = ("grep ^Pss: /proc/{p}/smaps_rollup | awk '{{print $2*1024}}'; "
                      "cat /proc/{p}/task/*/schedstat | awk '{{s+=$1}} END {{print s}}'; "
                      "grep ctxt_switches /proc/{p}/status | awk '{{s+=$2}} END {{print s}}'"
                      .format(p=pid))
            pss, runtime, ctxt = self.container.out(script).split()
            self.accounting = "systemd" if props["MemoryCurrent"].isdigit() else "/proc"
            memory += int(props["MemoryCurrent"]) if props["MemoryCurrent"].isdigit() else int(pss)
            cpu += int(props["CPUUsageNSec"]) if props["CPUUsageNSec"].isdigit() else int(runtime)
            switches += int(ctxt)
        return memory, cpu, switches

    def idle(self, units, seconds=IDLE_SECONDS):
        time.sleep(10)  # past the start-up
        memory0, cpu0, sw0 = self.usage(units)
        time.sleep(seconds)
        memory1, cpu1, sw1 = self.usage(units)
        per_minute = 60.0 / seconds
        return (max(memory0, memory1), (cpu1 - cpu0) / 1e6 * per_minute,
                (sw1 - sw0) * per_minute)

    def memory_parts(self, unit):
        """The main process's smaps_rollup in MiB: Rss, Pss_Anon, Pss_File."""
        pid = self.container.show(unit, "MainPID")["MainPID"]
        parts = {}
        for line in self.container.out(["cat", "/proc/%s/smaps_rollup" % pid]).splitlines():
            key, _, rest = line.partition(":")
            if key in ("Rss", "Pss_Anon", "Pss_File"):
                parts[key] = int(rest.split()[0]) / 1024.0
        return parts

    def test_idle_agent(self):
        self.start_instance()
        memory, cpu_ms, wakeups = self.idle([AGENT % "mixnode"])
        parts = self.memory_parts(AGENT % "mixnode")
        for key in ("Pss_Anon", "Pss_File"):
            if key in parts:
                self.record("B4", "idle agent: memory, %s (its own: heap, stacks)" % key
                            if key == "Pss_Anon" else "idle agent: memory, %s (shared "
                            "libraries' pages)" % key, parts[key], "MiB")
        self.record("B4", "idle agent: memory", memory / 2**20, "MiB",
                    goal="at most 4 MiB", met=memory <= 4 * 2**20, source=self.accounting)
        self.record("B4", "idle agent: CPU per idle minute", cpu_ms, "ms",
                    goal="at most 10 ms", met=cpu_ms <= 10, source=self.accounting)
        self.record("B4", "idle agent: context switches per minute", wakeups, "/min")

    def test_fifty_instances(self):
        c = self.container
        period = 30
        ids = ["n%02d" % i for i in range(50)]
        node = self.stamp("/opt/dist/1.1.0/nym-node", version="1.1.0")
        for i in ids:
            self.init_instance(instance=i, node=node, flags=[
                "--upstream-base-upgrade-url", self.upstream.http_url + "/",
                "--upstream-polling-rate", "%ds" % period])
        c.run(["systemctl", "enable", "--now"] + [AGENT % i for i in ids], timeout=600)
        c.wait_for(lambda: all(c.show(NODE % i, "ActiveState")["ActiveState"] == "active"
                               for i in ids), 300, "50 nodes active", interval=2)
        before = len(self.upstream.requests("/nym-node/upgrade-info.json"))
        memory, cpu_ms, _ = self.idle([AGENT % i for i in ids], seconds=2 * period)
        polls = len(self.upstream.requests("/nym-node/upgrade-info.json")) - before
        self.record("B5", "50 agents: total memory", memory / 2**20, "MiB",
                    source=self.accounting)
        self.record("B5", "50 agents: CPU per idle minute, all", cpu_ms, "ms",
                    source=self.accounting)
        self.record("B5", "50 agents: upstream requests per polling period", polls / 2.0,
                    "req", baseline=50, baseline_name="one per agent")
