// Package netns owns container networking for rootless husk: the network
// modes, published ports, the network namespace and its helper (pasta or
// slirp4netns), and the container's /etc/hosts and /etc/resolv.conf.
//
// # Flow
//
// The caller (runtime.Start) runs inside husk's user namespace as its uid
// 0 and in the mount namespace all of the user's husk commands share:
//
//	mode, opts, err := ParseNetworkFlag(flag)          // at create
//	ports, err := ParsePublish("8080:80/tcp")           // at create, per -p
//	all, err := ExposedToPorts(image.ExposedPorts)      // -P, at create
//	ports = MergePorts(ports, all)
//	ports, err = AssignHostPorts(ports)                 // fills random host ports; store them
//	err = CheckPorts(ports)                             // at start, before anything runs
//	a, err := Attach(ctx, runDir, id, cfg)              // new netns + helper started
//	    → config.json: linux.namespaces network path = a.NetnsPath()
//	    → /etc/hosts = Hosts(cfg, hostname, a.Info()), /etc/resolv.conf = ResolvConf(cfg, a.Info())
//	runtime create …                                    // helper starts meanwhile
//	err = a.Ready()                                     // helper serves namespace and ports
//	runtime start …
//	Detach(runDir, id)                                  // at exit, rm, or when found dead
//
// Modes: private (the default: the built-in bridge network DefaultNetwork,
// served like a user network; where DefaultNetworkProblem says the host
// cannot, a private namespace with pasta if usable, else slirp4netns),
// pasta, slirp4netns (each with helper options: pasta:OPT,OPT and
// slirp4netns:KEY=VALUE,…), none, host, container:NAME (the caller puts
// the other container's NetnsPath into config.json) and user networks
// (IsUserNetwork: any other valid name, defined with Networks.Create).
// pasta, slirp4netns and the fallback use Attach, the default network and
// user networks AttachUser (same Attachment, same Detach); ModeInfo gives
// the Info of none and host.
//
// # User networks
//
// AttachUser puts the container's namespace on a bridge in a per-user
// rootless namespace (made with the first such container, removed with the
// last), served by one pasta or slirp4netns, a DNS server (husk __netdns)
// and, per container with published ports, a forwarder (husk __netports);
// see usernet_linux.go and docs/network.md.
//
// # Namespace and helpers
//
// Attach unshares a network namespace on a throwaway OS thread (a rootless
// process cannot setns back into the host's namespace, so the thread is
// ended rather than reused), sets its loopback up and bind-mounts it on
// RUNDIR/ID/netns. The helper gets that path, never a pid: this pasta
// cannot open /proc/PID/ns/user from inside the user namespace.
//
// pasta (preferred) copies the host's address and routes into the
// namespace, maps the gateway address to the host's loopback (so that
// host.containers.internal reaches host listeners on 127.0.0.1 and on all
// addresses), forwards DNS sent to PastaDNS to the host's resolver, and
// publishes ports with -t/-u (tcp from the host's loopback goes through
// its splice path). It daemonizes once ready; it quits by itself when its
// namespace file is removed.
//
// slirp4netns gives the container 10.0.2.100, DNS at 10.0.2.3 and, unless
// allow_host_loopback=false, the host's loopback at 10.0.2.2. Ports are
// added through its API socket once it reports ready.
//
// Each attachment's directory RUNDIR/ID holds netns, helper.pid,
// helper.log and slirp.sock, so Detach works from any later husk process
// of the user: it checks /proc/PID/cmdline before signalling the pid, then
// lazily unmounts and removes the namespace file.
package netns
