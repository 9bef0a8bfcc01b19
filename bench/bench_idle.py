"""B4 and B5: what an idle agent costs, from systemd's accounting of its unit
(MemoryCurrent, CPUUsageNSec), alone with a 1 h polling rate and as 50
instances (50 agents, 50 fake nodes) on one host.

Where the host has cgroup v1 (the container's systemd then has no memory
controller and MemoryCurrent is "[not set]"), B4 charges the agent's memory
to a v1 memory cgroup of its own, made on the host: the agent's unit starts
it through a shell that waits on a FIFO until the host has moved the shell
into that cgroup, then execs the agent, so every page the agent touches is
charged there from its exec on. memory.usage_in_bytes is the page counter
that cgroup v2's memory.current (systemd's MemoryCurrent) reads.
"""

import os
import threading
import time

from benchcase import BenchCase
from nymvisor_case import AGENT, NODE

IDLE_SECONDS = 60
GO = "/run/nymvisor-bench-go"  # the FIFO the agent's shell waits on
DROP_IN_PATH = "/etc/systemd/system/nymvisor@mixnode.service.d/zz-bench-memory.conf"
DROP_IN = ("[Service]\nExecStart=\n"
           "ExecStart=/bin/sh -c 'read go < %s && exec /usr/bin/nymvisor run'\n" % GO)


class HostMemoryCgroup:
    """A v1 memory cgroup made on the host beside the container's, which a
    process is moved into by its host PID. None where the host has no v1
    memory hierarchy (cgroup v2: systemd's MemoryCurrent is there)."""

    @classmethod
    def beside(cls, leader_pid):
        for line in open("/proc/%d/cgroup" % leader_pid):
            _, controllers, path = line.rstrip("\n").split(":", 2)
            if "memory" in controllers.split(","):
                base = "/sys/fs/cgroup/memory" + path
                if os.path.isdir(base):
                    return cls(base)
        return None

    def __init__(self, base):
        self.base, self.path = base, os.path.join(base, "nymvisor-bench-agent")
        os.makedirs(self.path, exist_ok=True)

    def move(self, host_pid):
        with open(os.path.join(self.path, "cgroup.procs"), "w") as f:
            f.write(str(host_pid))

    def procs(self):
        with open(os.path.join(self.path, "cgroup.procs")) as f:
            return f.read().split()

    def usage(self):
        with open(os.path.join(self.path, "memory.usage_in_bytes")) as f:
            return int(f.read())

    def stat(self):
        with open(os.path.join(self.path, "memory.stat")) as f:
            return dict((k, int(v)) for k, v in (line.split() for line in f))

    def remove(self):
        """Moves what is left back to the container's cgroup; removes this one."""
        for pid in self.procs():
            try:
                with open(os.path.join(self.base, "cgroup.procs"), "w") as f:
                    f.write(pid)
            except OSError:
                pass  # exited meanwhile
        os.rmdir(self.path)


def host_pid_waiting_on(needle, timeout=60):
    """The host PID of the process whose command line holds `needle`."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        for pid in filter(str.isdigit, os.listdir("/proc")):
            try:
                with open("/proc/%s/cmdline" % pid, "rb") as f:
                    if needle.encode() in f.read() and int(pid) != os.getpid():
                        return int(pid)
            except OSError:
                continue
        time.sleep(0.05)
    raise TimeoutError("no process waits on %s" % needle)


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

    def charge_agent_to_own_cgroup(self):
        """Where systemd has no memory accounting: the drop-in and a thread
        that moves the agent's shell into a host cgroup, then lets it exec.
        Returns the cgroup, or None (MemoryCurrent is then systemd's)."""
        if self.prop("systemd-journald.service", "MemoryCurrent").isdigit():
            return None
        cgroup = HostMemoryCgroup.beside(self.container.leader)
        if cgroup is None:
            return None
        self.addCleanup(cgroup.remove)
        c = self.container
        c.write_file(DROP_IN_PATH, DROP_IN)
        c.sh("mkfifo -m 0666 %s && systemctl daemon-reload" % GO)

        def release():
            cgroup.move(host_pid_waiting_on("read go < " + GO))
            c.sh("echo go > %s" % GO)
        mover = threading.Thread(target=release, daemon=True)
        mover.start()
        self.addCleanup(mover.join, 5)
        return cgroup

    def test_idle_agent(self):
        cgroup = self.charge_agent_to_own_cgroup()
        self.start_instance()
        memory, cpu_ms, wakeups = self.idle([AGENT % "mixnode"])
        if cgroup is not None:
            self.assertEqual(len(cgroup.procs()), 1, "the agent alone in its memory cgroup")
            memory, self.accounting = cgroup.usage(), "a v1 memory cgroup of the agent alone"
            stat = cgroup.stat()
            for key, what in (("rss", "anonymous"), ("cache", "page cache"),
                              ("mapped_file", "page cache mapped")):
                self.record("B4", "idle agent: memory charged, %s" % what, stat[key] / 2**20,
                            "MiB", source=self.accounting)
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
