"""netns.py: a network namespace joined to this host by a veth pair, for the
tests of network figures on Linux (a process in a namespace of its own is
measured from its /proc/PID/net/dev: source/linux/procfs_sampler.c).

    with Veth("xbt") as v:      # namespace xbt, 10.213.N.2 inside, .1 here
        p = subprocess.Popen(v.run([LOAD, "send", NAME, v.host_ip, "2", "9"]))
        v.host_rx_bytes()       # the host end's counter: what the
                                # namespace sent, counted by the other end

Needs root and iproute2.  The namespace and the pair are removed on exit,
also when a test fails.
"""
import subprocess


def _ip(*args, check=True):
    return subprocess.run(["ip"] + list(args), capture_output=True, text=True, check=check)


class Veth:
    def __init__(self, name, subnet=213):
        self.name = name
        self.host_dev, self.ns_dev = name + "h", name + "n"
        self.host_ip, self.ns_ip = "10.%d.0.1" % subnet, "10.%d.0.2" % subnet

    def __enter__(self):
        self.close()                        # what a killed run left
        _ip("netns", "add", self.name)
        _ip("link", "add", self.host_dev, "type", "veth", "peer", "name", self.ns_dev,
            "netns", self.name)
        _ip("addr", "add", self.host_ip + "/24", "dev", self.host_dev)
        _ip("link", "set", self.host_dev, "up")
        for cmd in (["addr", "add", self.ns_ip + "/24", "dev", self.ns_dev],
                    ["link", "set", self.ns_dev, "up"], ["link", "set", "lo", "up"]):
            _ip("-n", self.name, *cmd)
        return self

    def run(self, argv):
        """argv run inside the namespace."""
        return ["ip", "netns", "exec", self.name] + [str(a) for a in argv]

    def _stat(self, what):
        with open("/sys/class/net/%s/statistics/%s" % (self.host_dev, what)) as f:
            return int(f.read())

    def host_rx_bytes(self):
        return self._stat("rx_bytes")

    def host_tx_bytes(self):
        return self._stat("tx_bytes")

    def close(self):
        _ip("link", "del", self.host_dev, check=False)
        _ip("netns", "del", self.name, check=False)

    def __exit__(self, *exc):
        self.close()
        return False
