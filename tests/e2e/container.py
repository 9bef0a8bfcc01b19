"""A real systemd (PID 1) booted with systemd-nspawn, driven from the host.

Container(rootfs_tar).boot(name) extracts a fresh copy of the cached rootfs
tarball into a temporary tree, starts
    systemd-nspawn -D TREE -b --console=pipe -M NAME --register=no --keep-unit
in the background (its output goes to TREE.nspawn.log), finds the container's
PID 1 ("leader", a child of nspawn named systemd) and waits until
`systemctl is-system-running --wait` says running or degraded.
Commands run inside via `nsenter -t LEADER -a`. The container shares the host
network namespace, so servers on the host's 127.0.0.1 are reachable.

Use it as a context manager (or call close()): the container is always
powered off and its tree removed, unless keep=True.
"""

import atexit
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

GUEST_ENV = {
    "PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
    "LANG": "C.UTF-8", "HOME": "/root", "TERM": "dumb",
    "SYSTEMD_PAGER": "", "SYSTEMD_COLORS": "0", "PAGER": "cat",
    "DEBIAN_FRONTEND": "noninteractive",
}
TEST_CA_GUEST_PATH = "/usr/local/share/ca-certificates/nymvisor-test-ca.crt"
_LIVE = set()  # booted containers not yet close()d


@atexit.register
def _close_leftovers():
    """At interpreter exit (also after Ctrl-C), close containers not kept."""
    for c in list(_LIVE):
        if not c.keep:
            c.close()


def default_workdir():
    """Where container trees go: $NYMVISOR_E2E_WORKDIR, else /dev/shm (tmpfs:
    extracting/removing a tree takes ~0.05 s instead of ~5 s on disk) if it is
    mounted without nosuid/nodev/noexec and has 2 GiB free, else /var/tmp."""
    if os.environ.get("NYMVISOR_E2E_WORKDIR"):
        return os.environ["NYMVISOR_E2E_WORKDIR"]
    try:
        st = os.statvfs("/dev/shm")
        bad = os.ST_NOSUID | os.ST_NODEV | os.ST_NOEXEC
        if not st.f_flag & bad and st.f_bavail * st.f_frsize >= 2 << 30:
            return "/dev/shm/nymvisor-e2e"
    except OSError:
        pass
    return "/var/tmp/nymvisor-e2e"


class CommandFailed(subprocess.CalledProcessError):
    """A command inside the container exited non-zero or timed out."""

    def __str__(self):
        def text(b):
            return (b or b"").decode(errors="replace").strip()[-3000:]
        return ("command %r in container exited %s, expected 0\n--- stdout:\n%s\n"
                "--- stderr:\n%s" % (self.cmd, self.returncode,
                                     text(self.stdout), text(self.stderr)))


class BootError(RuntimeError):
    """The container did not reach running/degraded in time."""


def _children(pid):
    """Return the PIDs whose parent is pid (read from /proc)."""
    kids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % entry) as f:
                stat = f.read()
        except OSError:
            continue
        # comm may contain spaces/parens: fields after the last ')' are fixed.
        fields = stat[stat.rindex(")") + 2:].split()
        if int(fields[1]) == pid:
            kids.append(int(entry))
    return kids


def _comm(pid):
    """Return /proc/PID/comm, or '' if the process is gone."""
    try:
        with open("/proc/%d/comm" % pid) as f:
            return f.read().strip()
    except OSError:
        return ""


def _tail(path, limit=6000):
    """Return the last `limit` characters of a file ('' if missing)."""
    try:
        with open(path, "rb") as f:
            return f.read()[-limit:].decode(errors="replace")
    except OSError:
        return ""


def _mounts_under(path):
    """Return host mount points at or below path (should be none)."""
    path = os.path.realpath(path)
    with open("/proc/self/mountinfo") as f:
        points = [line.split()[4] for line in f]
    return [p for p in points if p == path or p.startswith(path + "/")]


class Container:
    """One systemd-nspawn container; see the module docstring."""

    def __init__(self, rootfs_tar, workdir=None, keep=False):
        self.rootfs_tar = rootfs_tar
        self.workdir = workdir or default_workdir()
        self.keep = keep
        self.name = None
        self.tree = None
        self.binds = []
        self.proc = None
        self.leader = None
        self.log_path = None
        self.boot_count = 0

    # ---------------------------------------------------------------- boot
    def boot(self, name, tree_dir=None, binds=(), reuse_tree=False, timeout=90):
        """Boot a container; return self.

        name: machine name and hostname ([A-Za-z0-9-], <= 64 chars).
        tree_dir: where the root tree lives (default: a new temp dir under
          workdir). With reuse_tree=True the existing tree is booted as is
          (used for reboots); otherwise the rootfs tarball is extracted into it.
        binds: iterable of (host_path, guest_path, read_only) tuples.
        Raises BootError (with the nspawn log) if it is not up within timeout.
        """
        if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9-]{0,63}", name):
            raise ValueError("invalid machine name %r" % name)
        self.name, self.binds = name, list(binds)
        if tree_dir is None:
            os.makedirs(self.workdir, exist_ok=True)
            tree_dir = tempfile.mkdtemp(prefix=name + "-", dir=self.workdir)
        self.tree = os.path.abspath(tree_dir)
        _LIVE.add(self)
        if not reuse_tree:
            self._extract()
        self.log_path = self.tree + ".nspawn.log"
        self._start_nspawn()
        self._wait_booted(timeout)
        self.boot_count += 1
        return self

    def _extract(self):
        """Extract the rootfs tarball into the (empty or new) tree dir."""
        if not os.path.isfile(self.rootfs_tar):
            raise FileNotFoundError("rootfs tarball %s is missing (build it with "
                                    "tests/e2e/rootfs.py)" % self.rootfs_tar)
        os.makedirs(self.tree, exist_ok=True)
        if os.listdir(self.tree):
            raise RuntimeError("tree %s is not empty; pass reuse_tree=True to "
                               "boot an existing tree" % self.tree)
        subprocess.run(["tar", "-C", self.tree, "--numeric-owner", "-xpf",
                        self.rootfs_tar], check=True, timeout=300)

    def _nspawn_cmd(self):
        """Return the systemd-nspawn command line."""
        cmd = ["systemd-nspawn", "-D", self.tree, "-b", "--console=pipe",
               "-M", self.name, "--register=no", "--keep-unit",
               "--link-journal=no", "--resolv-conf=off", "--timezone=off"]
        for host, guest, ro in self.binds:
            cmd.append("%s=%s:%s" % ("--bind-ro" if ro else "--bind", host, guest))
        return cmd

    def _start_nspawn(self):
        """Start nspawn in the background in its own session, log to a file."""
        with open(self.log_path, "ab") as log:
            log.write(b"\n===== boot %d: %s\n" % (
                self.boot_count + 1, " ".join(self._nspawn_cmd()).encode()))
            log.flush()
            self.proc = subprocess.Popen(
                self._nspawn_cmd(), stdin=subprocess.DEVNULL, stdout=log,
                stderr=subprocess.STDOUT, start_new_session=True,
                env=dict(GUEST_ENV))
        self.leader = None

    def _find_leader(self, deadline):
        """Wait for nspawn's child named systemd; store and return its PID."""
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise BootError("systemd-nspawn exited with %s before the "
                                "container booted (expected it to keep running)"
                                "\n--- nspawn log:\n%s"
                                % (self.proc.returncode, _tail(self.log_path)))
            for pid in _children(self.proc.pid):
                if _comm(pid) == "systemd":
                    self.leader = pid
                    return pid
            time.sleep(0.05)
        raise BootError("no 'systemd' child of nspawn PID %d appeared\n"
                        "--- nspawn log:\n%s" % (self.proc.pid, _tail(self.log_path)))

    def _wait_booted(self, timeout):
        """Poll `systemctl is-system-running --wait` until running/degraded."""
        deadline = time.monotonic() + timeout
        self._find_leader(deadline)
        state = "(no answer)"
        while time.monotonic() < deadline:
            left = max(1.0, deadline - time.monotonic())
            try:
                cp = self.run(["systemctl", "is-system-running", "--wait"],
                              check=False, timeout=min(left, 30))
                state = (cp.stdout.decode().strip() or
                         cp.stderr.decode().strip() or "(empty)")
            except CommandFailed as e:  # timeout
                state = "timed out: %s" % e.returncode
            if state in ("running", "degraded"):
                self.system_state = state
                return
            if self.proc.poll() is not None:
                break
            time.sleep(0.2)
        raise BootError("container %s: expected is-system-running to be "
                        "running or degraded within %ss, last saw %r\n"
                        "--- nspawn log:\n%s" % (self.name, timeout, state,
                                                 _tail(self.log_path)))

    @property
    def running(self):
        """True while the nspawn process is alive."""
        return self.proc is not None and self.proc.poll() is None

    # ------------------------------------------------------------- running
    def run(self, cmd, check=True, input=None, timeout=60, env=None, _retried=False):
        """Run argv `cmd` inside the container; return CompletedProcess (bytes).

        stdout and stderr are captured. `input` may be str or bytes. On timeout
        the whole process group is killed and CommandFailed is raised with
        returncode 'timeout'; with check=True a non-zero exit also raises.
        """
        if not self.running or self.leader is None:
            raise RuntimeError("container %s is not running" % self.name)
        if isinstance(input, str):
            input = input.encode()
        full = ["nsenter", "-t", str(self.leader), "-a", "--"] + list(cmd)
        proc = subprocess.Popen(full, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, start_new_session=True,
                                env=dict(GUEST_ENV, **(env or {})))
        try:
            out, err = proc.communicate(input, timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            out, err = proc.communicate()
            raise CommandFailed("timeout after %ss" % timeout, cmd, out, err)
        if proc.returncode != 0 and not _retried and self._cgroup_race(cmd):
            return self.run(cmd, check=check, input=input, timeout=timeout, env=env,
                            _retried=True)
        if check and proc.returncode != 0:
            raise CommandFailed(proc.returncode, cmd, out, err)
        return subprocess.CompletedProcess(cmd, proc.returncode, out, err)

    def _cgroup_race(self, cmd):
        """True for a `systemctl start/restart/enable --now` that
        failed because systemd inside this container could not attach the new
        process to its slice's cgroup (219/CGROUP: the slice was removed a
        moment before), a race of systemd in containers, not of the code under
        test. run() retries such a command once."""
        if cmd[:1] != ["systemctl"]:
            return False
        if not ({"start", "restart"} & set(cmd) or ("enable" in cmd and "--now" in cmd)):
            return False
        journal = subprocess.run(
            ["nsenter", "-t", str(self.leader), "-a", "--", "journalctl", "--no-pager",
             "-o", "cat", "--since", "-30s"], capture_output=True, timeout=30).stdout
        if b"Failed at step CGROUP" not in journal:
            return False
        print("e2e: %s failed at step CGROUP (systemd's slice race in a container); "
              "running it once more" % " ".join(cmd), file=sys.stderr)
        return True

    def sh(self, script, check=True, input=None, timeout=60):
        """Run a /bin/sh -c script (with `set -e`); return CompletedProcess."""
        return self.run(["/bin/sh", "-c", "set -e\n" + script], check=check,
                        input=input, timeout=timeout)

    def out(self, cmd, **kw):
        """Run `cmd` (argv list or shell string) and return stripped stdout text."""
        cp = self.sh(cmd, **kw) if isinstance(cmd, str) else self.run(cmd, **kw)
        return cp.stdout.decode(errors="replace").strip()

    def show(self, unit, *props):
        """Return {prop: value} from `systemctl show -p ... unit` (all if none)."""
        args = ["systemctl", "show", unit]
        for p in props:
            args += ["-p", p]
        result = {}
        for line in self.out(args).splitlines():
            key, sep, value = line.partition("=")
            if sep:
                result[key] = value
        missing = [p for p in props if p not in result]
        if missing:
            raise KeyError("systemctl show %s did not report %s" % (unit, missing))
        return result

    def wait_for(self, probe, timeout, what, until=bool, interval=0.2):
        """Poll probe() until until(value) is true; return that value.

        Exceptions from probe are recorded as the observed value and polling
        continues. On timeout raise AssertionError naming `what` and the last
        observed value.
        """
        deadline = time.monotonic() + timeout
        last = "(never probed)"
        while True:
            try:
                last = probe()
                if until(last):
                    return last
            except Exception as e:  # noqa: BLE001 - reported below
                last = "%s: %s" % (type(e).__name__, e)
            if time.monotonic() >= deadline:
                raise AssertionError("timed out after %ss waiting for %s; last "
                                     "observed: %r" % (timeout, what, last))
            time.sleep(interval)

    def wait_for_state(self, unit, active_state, timeout=30, sub_state=None):
        """Wait until unit has ActiveState (and SubState, if given); return props."""
        want = {"ActiveState": active_state}
        if sub_state:
            want["SubState"] = sub_state
        return self.wait_for(
            lambda: self.show(unit, "ActiveState", "SubState", "Result"), timeout,
            "%s to reach %s" % (unit, want),
            until=lambda v: all(v.get(k) == x for k, x in want.items()))

    def journal(self, unit=None, extra_args=(), timeout=30):
        """Return journal text (`journalctl --no-pager -o short-precise`)."""
        args = ["journalctl", "--no-pager", "-o", "short-precise"]
        if unit:
            args += ["-u", unit]
        return self.out(args + list(extra_args), timeout=timeout)

    def wait_for_journal(self, pattern, unit=None, timeout=15, extra_args=()):
        """Wait until the journal (of unit) matches regex pattern; return match."""
        rx = re.compile(pattern)
        text = self.wait_for(lambda: self.journal(unit, extra_args), timeout,
                             "journal%s to match /%s/" % (
                                 " of " + unit if unit else "", pattern),
                             until=lambda t: rx.search(t) is not None)
        return rx.search(text)

    # --------------------------------------------------------------- files
    def guest_path(self, path):
        """Host path of a guest path (through /proc/LEADER/root while running).

        Going through /proc/LEADER/root sees the container's own mounts
        (e.g. /tmp and /run are tmpfs there, invisible in the tree dir).
        Absolute symlinks inside the guest are NOT resolved guest-relative.
        """
        if not path.startswith("/"):
            raise ValueError("guest path must be absolute: %r" % path)
        base = "/proc/%d/root" % self.leader if self.running else self.tree
        return base + path

    def copy_in(self, host_path, guest_path, mode=None):
        """Copy a host file to guest_path (parents created); return guest_path."""
        dest = self.guest_path(guest_path)
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        shutil.copyfile(host_path, dest)
        os.chmod(dest, mode if mode is not None
                 else os.stat(host_path).st_mode & 0o7777)
        return guest_path

    def write_file(self, guest_path, content, mode=0o644):
        """Write str/bytes content to guest_path (parents created)."""
        dest = self.guest_path(guest_path)
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        with open(dest, "wb") as f:
            f.write(content.encode() if isinstance(content, str) else content)
        os.chmod(dest, mode)

    def read_file(self, guest_path):
        """Return the bytes of a guest file."""
        with open(self.guest_path(guest_path), "rb") as f:
            return f.read()

    def install_ca(self, ca_pem_path):
        """Install a test CA into the guest trust store (update-ca-certificates)."""
        self.copy_in(ca_pem_path, TEST_CA_GUEST_PATH, mode=0o644)
        self.run(["update-ca-certificates"], timeout=60)

    # ------------------------------------------------------------ shutdown
    def poweroff(self, timeout=30):
        """Power off; wait for nspawn. Kill nspawn (then leader) if it hangs.

        Returns nspawn's exit code. Safe to call when already stopped.
        """
        if self.proc is None:
            return None
        if self.running and self.leader:
            try:
                self.run(["systemctl", "--no-block", "poweroff"], check=False,
                         timeout=10)
            except (CommandFailed, RuntimeError):
                pass
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            print("e2e: container %s did not power off in %ss; killing nspawn "
                  "PID %d" % (self.name, timeout, self.proc.pid), file=sys.stderr)
            return self._kill()


    def _kill(self):
        """SIGTERM, then SIGKILL our nspawn process; then SIGKILL its leader."""
        for sig in (signal.SIGTERM, signal.SIGKILL):
            self.proc.send_signal(sig)
            try:
                return self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                continue
        if self.leader and _comm(self.leader) == "systemd":
            os.kill(self.leader, signal.SIGKILL)
        return self.proc.poll()

    def reboot_same_tree(self, timeout=90):
        """Power off and boot again on the same tree (files persist; /run,
        /tmp do not). Returns self."""
        self.poweroff()
        return self.boot(self.name, self.tree, self.binds, reuse_tree=True,
                         timeout=timeout)

    def reboot(self, timeout=90):
        """Reboot from inside (`systemctl reboot`) and wait until it is back.

        nspawn does not restart a rebooting guest itself: it exits with 133
        (and so does a guest that reboots on its own), so the same tree is
        booted again here. Returns self.
        """
        self.run(["systemctl", "--no-block", "reboot"], timeout=10)
        try:
            rc = self.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self._kill()
            raise AssertionError("container %s: nspawn still running 60s after "
                                 "`systemctl reboot`; expected exit 133" % self.name)
        if rc != 133:
            raise AssertionError("container %s: nspawn exited %s after reboot, "
                                 "expected 133\n--- nspawn log:\n%s"
                                 % (self.name, rc, _tail(self.log_path)))
        return self.boot(self.name, self.tree, self.binds, reuse_tree=True,
                         timeout=timeout)

    def close(self):
        """Power off and remove the tree (unless keep). Never raises."""
        try:
            self.poweroff()
        except Exception as e:  # noqa: BLE001
            print("e2e: poweroff of %s failed: %s" % (self.name, e), file=sys.stderr)
        if self.keep or not self.tree or not os.path.isdir(self.tree):
            _LIVE.discard(self)
            return
        left = _mounts_under(self.tree)
        if left:
            print("e2e: NOT removing %s, still mounted: %s" % (self.tree, left),
                  file=sys.stderr)
            return
        shutil.rmtree(self.tree, ignore_errors=True)
        if self.log_path and os.path.exists(self.log_path):
            os.unlink(self.log_path)
        _LIVE.discard(self)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    # --------------------------------------------------------- diagnostics
    def diagnostics(self, lines=300):
        """Return a text report: journal tail, failed units, nspawn log."""
        parts = ["===== container %s (tree %s, nspawn pid %s, leader %s, %s)"
                 % (self.name, self.tree, self.proc and self.proc.pid,
                    self.leader, "running" if self.running else "stopped")]
        if self.running:
            for title, cmd in (
                    ("journalctl -b -n %d" % lines,
                     ["journalctl", "-b", "--no-pager", "-n", str(lines)]),
                    ("systemctl --failed", ["systemctl", "--failed", "--no-pager"])):
                try:
                    cp = self.run(cmd, check=False, timeout=30)
                    body = (cp.stdout + cp.stderr).decode(errors="replace")
                except Exception as e:  # noqa: BLE001
                    body = "(could not run: %s)" % e
                parts.append("----- %s\n%s" % (title, body.rstrip()))
        else:
            parts.append(self._offline_journal(lines))
        parts.append("----- nspawn log %s\n%s" % (self.log_path,
                                                   _tail(self.log_path).rstrip()))
        return "\n".join(parts) + "\n===== end of diagnostics for %s\n" % self.name

    def _offline_journal(self, lines):
        """Read the persistent journal from the tree with the host journalctl."""
        jdir = os.path.join(self.tree or "/nonexistent", "var/log/journal")
        if not shutil.which("journalctl") or not os.path.isdir(jdir):
            return "----- (container stopped; no readable journal at %s)" % jdir
        cp = subprocess.run(["journalctl", "-D", jdir, "--no-pager", "-n",
                             str(lines)], capture_output=True, timeout=30)
        return "----- journal from %s (container stopped)\n%s" % (
            jdir, (cp.stdout + cp.stderr).decode(errors="replace").rstrip())

    def dump_diagnostics(self, file=None):
        """Print diagnostics() loudly to stderr (or file)."""
        print(self.diagnostics(), file=file or sys.stderr, flush=True)
