package netns

// Real attachments, with pasta and slirp4netns. They need to run as uid 0
// of a user namespace that an unprivileged user owns, the way husk runs:
// test/net-integration.sh builds this test binary and runs it as a test
// user under `unshare -Urm` with HUSK_NET_IT=1 (and, as root, serves a
// stub DNS resolver on the host's 127.0.0.1:53 for the DNS check).

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// TestMain lets the test binary act as a second process (Detach from
// another process) and as the DNS stub.
func TestMain(m *testing.M) {
	// The user networks' helpers, which husk runs as hidden commands.
	if len(os.Args) > 1 && (os.Args[1] == DNSCommand || os.Args[1] == PortsCommand || os.Args[1] == LingerCommand) {
		run := RunDNSHelper
		switch os.Args[1] {
		case PortsCommand:
			run = RunPortsHelper
		case LingerCommand:
			run = RunLinger
		}
		if err := run(os.Args[2:]); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	if spec := os.Getenv("HUSK_NET_IT_DETACH"); spec != "" {
		dir, id, _ := strings.Cut(spec, ",")
		if err := Detach(dir, id); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	if addr := os.Getenv("HUSK_NET_IT_DNS_STUB"); addr != "" {
		if err := serveDNSStub(addr); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	// The tests expect the rootless namespace to go with its last
	// container, unless they say otherwise.
	if os.Getenv("HUSK_NET_LINGER") == "" {
		os.Setenv("HUSK_NET_LINGER", "0")
	}
	os.Exit(m.Run())
}

func requireIT(t *testing.T) {
	t.Helper()
	if os.Getenv("HUSK_NET_IT") != "1" {
		t.Skip("network integration test: run test/net-integration.sh (needs HUSK_NET_IT=1 inside an unprivileged user's namespace)")
	}
	if os.Geteuid() != 0 {
		t.Fatal("HUSK_NET_IT=1 needs uid 0 in a user namespace (unshare -Urm)")
	}
}

func TestIntegrationPasta(t *testing.T) { testIntegration(t, ModePasta) }
func TestIntegrationSlirp(t *testing.T) { testIntegration(t, ModeSlirp) }

func testIntegration(t *testing.T, mode string) {
	requireIT(t)
	runDir := t.TempDir()
	id := "it-" + mode
	ports, err := AssignHostPorts([]PortMapping{
		{HostIP: "127.0.0.1", ContainerPort: 80, Range: 1, Protocol: "tcp"},
		{ContainerPort: 5353, Range: 1, Protocol: "udp"},
		{ContainerPort: 8000, Range: 3, Protocol: "tcp"},
		{ContainerPort: 1, Range: 1, Protocol: "udp"}, // becomes SAME:SAME
	})
	if err != nil {
		t.Fatal(err)
	}
	ports[3].ContainerPort = ports[3].HostPort
	if err := CheckPorts(ports); err != nil {
		t.Fatal(err)
	}
	t0 := time.Now()
	a, err := Attach(context.Background(), runDir, id, Config{Mode: mode, Ports: ports}, nil)
	if err != nil {
		t.Fatal(err)
	}
	tAttach := time.Since(t0)
	if err := a.Ready(); err != nil {
		t.Fatal(err)
	}
	t.Logf("%s: Attach returned after %v, Ready after %v; info %+v", mode, tAttach, time.Since(t0), a.Info())
	defer Detach(runDir, id)
	nsPath := a.NetnsPath()
	if err := CheckPorts(ports[:1]); err == nil || !strings.Contains(err.Error(), "already in use") {
		t.Errorf("CheckPorts with the helper holding the port: %v", err)
	}

	// Servers in the namespace: tcp on 80 and 8000-8002, udp echo on 5353.
	var tcpLs []net.Listener
	var udps []net.PacketConn
	err = inNetns(nsPath, func() error {
		for _, p := range []int{80, 8000, 8001, 8002} {
			l, err := net.Listen("tcp", fmt.Sprintf(":%d", p))
			if err != nil {
				return err
			}
			tcpLs = append(tcpLs, l)
		}
		for _, p := range []uint16{5353, ports[3].ContainerPort} {
			u, err := net.ListenPacket("udp", fmt.Sprintf(":%d", p))
			if err != nil {
				return err
			}
			udps = append(udps, u)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range tcpLs {
		defer l.Close()
		go serveHello(l)
	}
	for _, u := range udps {
		defer u.Close()
		go serveEcho(u)
	}

	t.Run("published tcp", func(t *testing.T) {
		got, err := dialRead(fmt.Sprintf("127.0.0.1:%d", ports[0].HostPort))
		if err != nil || got != "hello :80" {
			t.Fatalf("%q %v", got, err)
		}
		last := ports[2].HostPort + 2
		got, err = dialRead(fmt.Sprintf("127.0.0.1:%d", last))
		if err != nil || got != "hello :8002" {
			t.Fatalf("range: %q %v", got, err)
		}
	})
	t.Run("published udp", func(t *testing.T) {
		if err := udpEcho(fmt.Sprintf("127.0.0.1:%d", ports[3].HostPort)); err != nil {
			t.Errorf("same host and container port, from loopback: %v", err)
		}
		remapped := fmt.Sprintf("127.0.0.1:%d", ports[1].HostPort)
		err := udpEcho(remapped)
		if err != nil && mode == ModePasta {
			// passt 2023-03-09 (Debian 12) loses the replies of spliced
			// (loopback) UDP when the host port differs from the
			// container's; through the tap device it works.
			t.Logf("known pasta limitation: %s -> 5353: %v", remapped, err)
			ifname, _ := defaultRoute4()
			if ifname == "" {
				t.Skip("no host address besides loopback to check the tap path")
			}
			remapped = fmt.Sprintf("%s:%d", ifaceAddr4(ifname), ports[1].HostPort)
			err = udpEcho(remapped)
		}
		if err != nil {
			t.Errorf("%s -> 5353: %v", remapped, err)
		}
	})
	t.Run("host.containers.internal", func(t *testing.T) {
		hostAddr := a.Info().HostAddr
		if hostAddr == "" {
			t.Fatal("no address for the host")
		}
		for _, bind := range []string{"127.0.0.1:0", ":0"} {
			l, err := net.Listen("tcp4", bind)
			if err != nil {
				t.Fatal(err)
			}
			go serveHello(l)
			port := l.Addr().(*net.TCPAddr).Port
			var got string
			err = inNetns(nsPath, func() error {
				var err error
				got, err = dialRead(fmt.Sprintf("%s:%d", hostAddr, port))
				return err
			})
			l.Close()
			if err != nil || !strings.HasPrefix(got, "hello") {
				t.Errorf("host listener on %s via %s: %q %v", bind, hostAddr, got, err)
			}
		}
	})
	t.Run("dns", func(t *testing.T) {
		if os.Getenv("HUSK_NET_IT_DNS") == "" {
			t.Skip("no stub resolver (HUSK_NET_IT_DNS unset)")
		}
		var servers []string
		for _, l := range strings.Split(string(ResolvConf(Config{}, a.Info())), "\n") {
			if f := strings.Fields(l); len(f) == 2 && f[0] == "nameserver" {
				servers = append(servers, f[1])
			}
		}
		if len(servers) == 0 {
			t.Fatal("resolv.conf without a nameserver")
		}
		var ip string
		err := inNetns(nsPath, func() error {
			var err error
			ip, err = queryA(servers[0], "probe.husk.test")
			return err
		})
		if err != nil || ip != stubAnswer {
			t.Fatalf("query via %s: %q %v", servers[0], ip, err)
		}
	})
	t.Run("throughput", func(t *testing.T) {
		// Container port 8001 (published) becomes a sink.
		tcpLs[2].Close()
		pushThroughPort(t, nsPath, ":8001", ports[2].HostPort+1, mode+": host→container tcp through a published port")
	})

	// Detach from another process, as `husk rm` after a killed husk does.
	pid := HelperPid(runDir, id)
	if pid == 0 {
		t.Fatal("no helper pid recorded")
	}
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), "HUSK_NET_IT_DETACH="+runDir+","+id)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("detach from another process: %v %s", err, out)
	}
	if !WaitGone(pid, time.Second) {
		t.Errorf("helper %d still running a second after Detach", pid)
	}
	if mi, _ := os.ReadFile("/proc/self/mountinfo"); bytes.Contains(mi, []byte(runDir)) {
		t.Errorf("namespace still mounted: %s", mi)
	}
	if _, err := os.Lstat(filepath.Join(runDir, id)); !os.IsNotExist(err) {
		t.Errorf("attachment directory left: %v", err)
	}
	if err := Detach(runDir, id); err != nil {
		t.Errorf("second Detach: %v", err)
	}
}

// TestIntegrationUserNet attaches two namespaces to a user network: names
// through the DNS server, addresses across the bridge, published tcp and
// udp through the forwarder, throughput, and nothing left after the last
// Detach.
func TestIntegrationUserNet(t *testing.T) {
	requireIT(t)
	runDir := t.TempDir()
	nw := Network{Name: "itnet", ID: randomID(), Driver: "bridge", Subnet: "10.89.77.0/24", Gateway: "10.89.77.1", DNS: true}
	ports, err := AssignHostPorts([]PortMapping{
		{HostIP: "127.0.0.1", ContainerPort: 80, Range: 1, Protocol: "tcp"},
		{HostIP: "127.0.0.1", ContainerPort: 5353, Range: 1, Protocol: "udp"},
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	t0 := time.Now()
	web, err := AttachUser(ctx, runDir, "c1", []Network{nw}, UserAttachOptions{Name: "web", Ports: ports, Exe: os.Args[0]})
	if err != nil {
		t.Fatal(err)
	}
	defer Detach(runDir, "c1")
	if err := web.Ready(); err != nil {
		t.Fatal(err)
	}
	t1 := time.Now()
	db, err := AttachUser(ctx, runDir, "c2", []Network{nw}, UserAttachOptions{Name: "db", Exe: os.Args[0]})
	if err != nil {
		t.Fatal(err)
	}
	defer Detach(runDir, "c2")
	t.Logf("first AttachUser+Ready %v (rootless namespace included), second %v; infos %+v %+v",
		t1.Sub(t0), time.Since(t1), web.Info(), db.Info())
	if web.Info().IP != "10.89.77.2" || db.Info().IP != "10.89.77.3" || db.Info().DNS[0] != nw.Gateway {
		t.Fatalf("addresses: %+v %+v", web.Info(), db.Info())
	}
	rootless := NetnsPath(runDir, userNetID)
	helpers := []int{HelperPid(runDir, userNetID), dnsPid(runDir), HelperPid(runDir, "c1")}
	for _, p := range helpers {
		if p == 0 {
			t.Fatalf("helper pids %v", helpers)
		}
	}

	var l net.Listener
	var u net.PacketConn
	if err := inNetns(web.NetnsPath(), func() error {
		var err error
		if l, err = net.Listen("tcp", ":80"); err != nil {
			return err
		}
		u, err = net.ListenPacket("udp", ":5353")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	defer u.Close()
	go serveHello(l)
	go serveEcho(u)

	// From db: web by name, then by address.
	var ip, hello string
	if err := inNetns(db.NetnsPath(), func() error {
		var err error
		if ip, err = queryA(nw.Gateway, "web"); err != nil {
			return fmt.Errorf("query web: %w", err)
		}
		hello, err = dialRead(net.JoinHostPort(ip, "80"))
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if ip != web.Info().IP || hello != "hello :80" {
		t.Fatalf("web by name: %q, then %q", ip, hello)
	}
	// Published ports from the host.
	if got, err := dialRead(fmt.Sprintf("127.0.0.1:%d", ports[0].HostPort)); err != nil || got != "hello :80" {
		t.Fatalf("published tcp: %q %v", got, err)
	}
	c, err := net.Dial("udp", fmt.Sprintf("127.0.0.1:%d", ports[1].HostPort))
	if err != nil {
		t.Fatal(err)
	}
	_ = c.SetDeadline(time.Now().Add(3 * time.Second))
	_, _ = c.Write([]byte("ping"))
	buf := make([]byte, 100)
	n, err := c.Read(buf)
	c.Close()
	if err != nil || !strings.Contains(string(buf[:n]), "ping") {
		t.Fatalf("published udp: %q %v", buf[:n], err)
	}
	// A busy host port is named (by Ready: the forwarder binds).
	a3, err := AttachUser(ctx, runDir, "c3", []Network{nw}, UserAttachOptions{Name: "x", Ports: ports[:1], Exe: os.Args[0]})
	if err == nil {
		err = a3.Ready()
		_ = Detach(runDir, "c3")
	}
	if err == nil || !strings.Contains(err.Error(), fmt.Sprint(ports[0].HostPort)) {
		t.Errorf("busy port: %v", err)
	}

	// Throughput host → container through the forwarder.
	l.Close()
	pushThroughPort(t, web.NetnsPath(), ":80", ports[0].HostPort, "user network: host→container tcp through the forwarder")

	// Teardown: the rootless namespace stays while c2 is attached.
	t2 := time.Now()
	if err := Detach(runDir, "c1"); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(rootless); err != nil {
		t.Fatalf("rootless namespace gone with c1: %v", err)
	}
	if err := Detach(runDir, "c2"); err != nil {
		t.Fatal(err)
	}
	t.Logf("Detach of both: %v", time.Since(t2))
	for _, p := range helpers {
		if !WaitGone(p, 2*time.Second) {
			t.Errorf("helper %d still running", p)
		}
	}
	if mi, _ := os.ReadFile("/proc/self/mountinfo"); bytes.Contains(mi, []byte(runDir)) {
		t.Errorf("namespace still mounted: %s", mi)
	}
	entries, _ := os.ReadDir(runDir)
	for _, e := range entries {
		if e.Name() != userLockFile {
			t.Errorf("left in the run directory: %s", e.Name())
		}
	}
}

// TestIntegrationDefaultNet: the default network is a bridge in the
// rootless namespace served by one pasta (-4 where IPv4 does) and no DNS
// server; without ports there is nothing to wait for; a detach keeps the
// bridge and does not hand the address out again at once; a user network
// with DNS started beside it gets the DNS server, which goes with it.
func TestIntegrationDefaultNet(t *testing.T) {
	requireIT(t)
	runDir := t.TempDir()
	ctx := context.Background()
	def := DefaultNetwork()
	a1, err := AttachUser(ctx, runDir, "d1", []Network{def}, UserAttachOptions{Name: "one", Exe: os.Args[0]})
	if err != nil {
		t.Fatal(err)
	}
	defer Detach(runDir, "d1")
	if a1.NeedsReady() {
		t.Error("an attachment without ports has something to wait for")
	}
	i1 := a1.Info()
	if i1.Mode != ModeBridge || i1.IP != "10.88.0.2" && def.Subnet == "10.88.0.0/16" || len(i1.DNS) == 0 || i1.Search != nil {
		t.Fatalf("info %+v", i1)
	}
	if dnsPid(runDir) != 0 {
		t.Error("a DNS server runs for the default network")
	}
	pasta := HelperPid(runDir, userNetID)
	cmdline, _ := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pasta))
	has4 := false
	for _, a := range strings.Split(string(cmdline), "\x00") {
		has4 = has4 || a == "-4"
	}
	if has4 != ipv4Only() {
		t.Errorf("pasta's -4 (ipv4Only %v): %q", ipv4Only(), cmdline)
	}
	a2, err := AttachUser(ctx, runDir, "d2", []Network{def}, UserAttachOptions{Name: "two", Exe: os.Args[0]})
	if err != nil {
		t.Fatal(err)
	}
	defer Detach(runDir, "d2")
	if HelperPid(runDir, userNetID) != pasta {
		t.Fatal("a second container got another helper")
	}
	// d2 reaches d1 over the bridge.
	var l net.Listener
	if err := inNetns(a1.NetnsPath(), func() error {
		var err error
		l, err = net.Listen("tcp", ":80")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go serveHello(l)
	var hello string
	if err := inNetns(a2.NetnsPath(), func() error {
		var err error
		hello, err = dialRead(net.JoinHostPort(i1.IP, "80"))
		return err
	}); err != nil || hello != "hello :80" {
		t.Fatalf("d2 → d1: %q %v", hello, err)
	}
	// d1 goes and comes back: the bridge stays, the address is a new one.
	t0 := time.Now()
	if err := Detach(runDir, "d1"); err != nil {
		t.Fatal(err)
	}
	t.Logf("Detach with another member: %v", time.Since(t0))
	a1, err = AttachUser(ctx, runDir, "d1", []Network{def}, UserAttachOptions{Name: "one", Exe: os.Args[0]})
	if err != nil {
		t.Fatal(err)
	}
	if a1.Info().IP == i1.IP || a1.Info().IP == a2.Info().IP {
		t.Errorf("addresses: d1 had %s, has %s; d2 %s", i1.IP, a1.Info().IP, a2.Info().IP)
	}
	// A user network with DNS beside it.
	un := Network{Name: "itdns", ID: randomID(), Driver: "bridge", Subnet: "10.89.78.0/24", Gateway: "10.89.78.1", DNS: true}
	if _, err := AttachUser(ctx, runDir, "u1", []Network{un}, UserAttachOptions{Name: "u", Exe: os.Args[0]}); err != nil {
		t.Fatal(err)
	}
	dns := dnsPid(runDir)
	if dns == 0 {
		t.Fatal("no DNS server for a network with DNS")
	}
	if err := Detach(runDir, "u1"); err != nil {
		t.Fatal(err)
	}
	if !WaitGone(dns, 2*time.Second) {
		t.Error("the DNS server outlived the last network with DNS")
	}
	for _, id := range []string{"d1", "d2"} {
		if err := Detach(runDir, id); err != nil {
			t.Fatal(err)
		}
	}
	if !WaitGone(pasta, 2*time.Second) {
		t.Error("pasta outlived the last container")
	}
	entries, _ := os.ReadDir(runDir)
	for _, e := range entries {
		if e.Name() != userLockFile {
			t.Errorf("left in the run directory: %s", e.Name())
		}
	}
}

// TestIntegrationLinger: with a linger time the rootless namespace and its
// pasta outlive the last container, waiting in a process without a Go
// runtime; the next container gets the same pasta and leaves the same
// waiter; the namespace goes once the time passed after the last
// container; and ReleaseUser ends the wait at once.
func TestIntegrationLinger(t *testing.T) {
	requireIT(t)
	t.Setenv("HUSK_NET_LINGER", "1")
	runDir := t.TempDir()
	ctx := context.Background()
	def := DefaultNetwork()
	attach := func(id string) {
		t.Helper()
		if _, err := AttachUser(ctx, runDir, id, []Network{def}, UserAttachOptions{Name: id, Exe: os.Args[0]}); err != nil {
			t.Fatal(err)
		}
	}
	attach("l1")
	pasta := HelperPid(runDir, userNetID)
	if err := Detach(runDir, "l1"); err != nil {
		t.Fatal(err)
	}
	waiter := lingerPid(runDir)
	if waiter == 0 || HelperPid(runDir, userNetID) != pasta {
		t.Fatalf("after the last container: waiter %d, pasta %d (was %d)", waiter, HelperPid(runDir, userNetID), pasta)
	}
	status, _ := os.ReadFile(fmt.Sprintf("/proc/%d/status", waiter))
	if !bytes.Contains(status, []byte("\nThreads:\t1\n")) {
		t.Errorf("the waiter has more than one thread (a Go runtime?):\n%s", status)
	}
	attach("l2")
	if HelperPid(runDir, userNetID) != pasta {
		t.Error("the next container got another pasta")
	}
	if err := Detach(runDir, "l2"); err != nil {
		t.Fatal(err)
	}
	// The same waiter (no process start per container): it sleeps on for
	// the rest of the time after l2.
	if p := lingerPid(runDir); p != waiter {
		t.Errorf("waiter %d after the next container, was %d", p, waiter)
	}
	if !WaitGone(pasta, 5*time.Second) {
		t.Fatal("pasta outlived the linger time")
	}
	for i := 0; i < 100 && lingerPid(runDir) != 0; i++ {
		time.Sleep(20 * time.Millisecond)
	}
	entries, _ := os.ReadDir(runDir)
	for _, e := range entries {
		if e.Name() != userLockFile {
			t.Errorf("left in the run directory: %s", e.Name())
		}
	}
	// ReleaseUser ends the wait at once.
	attach("l3")
	pasta = HelperPid(runDir, userNetID)
	if err := Detach(runDir, "l3"); err != nil {
		t.Fatal(err)
	}
	waiter = lingerPid(runDir)
	if err := ReleaseUser(runDir); err != nil {
		t.Fatal(err)
	}
	if !WaitGone(pasta, 500*time.Millisecond) || !WaitGone(waiter, 500*time.Millisecond) {
		t.Error("ReleaseUser left the pasta or the waiter")
	}
}

// TestIntegrationRootlessMountLost: in a mount namespace made after the
// pause process died, the rootless namespace's file is there without its
// bind mount; the next container gets a rebuilt namespace instead of an
// error.
func TestIntegrationRootlessMountLost(t *testing.T) {
	requireIT(t)
	runDir := t.TempDir()
	ctx := context.Background()
	def := DefaultNetwork()
	if _, err := AttachUser(ctx, runDir, "m1", []Network{def}, UserAttachOptions{Name: "m1", Exe: os.Args[0]}); err != nil {
		t.Fatal(err)
	}
	defer Detach(runDir, "m1")
	old := HelperPid(runDir, userNetID)
	if err := unix.Unmount(NetnsPath(runDir, userNetID), unix.MNT_DETACH); err != nil {
		t.Fatal(err)
	}
	if _, err := AttachUser(ctx, runDir, "m2", []Network{def}, UserAttachOptions{Name: "m2", Exe: os.Args[0]}); err != nil {
		t.Fatalf("attach after the mount was lost: %v", err)
	}
	defer Detach(runDir, "m2")
	if p := HelperPid(runDir, userNetID); p == 0 || p == old {
		t.Errorf("helper %d, before %d: not rebuilt", p, old)
	}
}

// TestIntegrationPastaQuitsWithFile checks what this pasta does when its
// namespace file goes away without a Detach: it quits.
func TestIntegrationPastaQuitsWithFile(t *testing.T) {
	requireIT(t)
	runDir := t.TempDir()
	a, err := Attach(context.Background(), runDir, "quit", Config{Mode: ModePasta}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer Detach(runDir, "quit")
	if err := a.Ready(); err != nil {
		t.Fatal(err)
	}
	pid, err := readPid(filepath.Join(runDir, "quit", pidFile))
	if err != nil {
		t.Fatal(err)
	}
	if err := removeNetns(a.NetnsPath()); err != nil {
		t.Fatal(err)
	}
	if !WaitGone(pid, time.Second) {
		t.Fatal("pasta still runs after its namespace file was removed")
	}
}

// TestIntegrationAttachErrors: a helper that cannot bind its port fails
// at Ready with pasta's own message, and leaves nothing after Detach.
func TestIntegrationAttachErrors(t *testing.T) {
	requireIT(t)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	port := uint16(l.Addr().(*net.TCPAddr).Port)
	runDir := t.TempDir()
	ports := []PortMapping{{HostIP: "127.0.0.1", HostPort: port, ContainerPort: 80, Range: 1, Protocol: "tcp"}}
	if err := CheckPorts(ports); err == nil || !strings.Contains(err.Error(), fmt.Sprintf("port %d/tcp on 127.0.0.1 is already in use", port)) {
		t.Errorf("CheckPorts: %v", err)
	}
	if err := CheckPorts([]PortMapping{{HostPort: 80, ContainerPort: 80, Range: 1, Protocol: "tcp"}}); err == nil || !strings.Contains(err.Error(), "net.ipv4.ip_unprivileged_port_start") {
		t.Errorf("CheckPorts below 1024: %v", err)
	}
	a, err := Attach(context.Background(), runDir, "busy", Config{Mode: ModePasta, Ports: ports}, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = a.Ready()
	t.Logf("pasta on a busy port: %v", err)
	if err == nil {
		t.Error("Ready succeeded on a busy port")
	}
	if err := Detach(runDir, "busy"); err != nil {
		t.Fatal(err)
	}
	if entries, _ := os.ReadDir(runDir); len(entries) != 0 {
		t.Errorf("left in the run dir: %v", entries)
	}
}

func serveHello(l net.Listener) {
	for {
		c, err := l.Accept()
		if err != nil {
			return
		}
		fmt.Fprintf(c, "hello :%d", l.Addr().(*net.TCPAddr).Port)
		c.Close()
	}
}

func serveEcho(u net.PacketConn) {
	buf := make([]byte, 1500)
	for {
		n, from, err := u.ReadFrom(buf)
		if err != nil {
			return
		}
		_, _ = u.WriteTo(append([]byte("echo:"), buf[:n]...), from)
	}
}

// udpEcho sends a datagram to addr and expects serveEcho's answer.
func udpEcho(addr string) error {
	c, err := net.Dial("udp", addr)
	if err != nil {
		return err
	}
	defer c.Close()
	buf := make([]byte, 100)
	for try := 0; try < 4; try++ {
		_, _ = c.Write([]byte("ping"))
		_ = c.SetReadDeadline(time.Now().Add(250 * time.Millisecond))
		n, err := c.Read(buf)
		if err == nil {
			if string(buf[:n]) != "echo:ping" {
				return fmt.Errorf("answer %q", buf[:n])
			}
			return nil
		}
	}
	return fmt.Errorf("no answer")
}

func dialRead(addr string) (string, error) {
	c, err := net.DialTimeout("tcp", addr, 3*time.Second)
	if err != nil {
		return "", err
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(3 * time.Second))
	b, err := io.ReadAll(c)
	return string(b), err
}

// A minimal DNS stub: answers every A query with stubAnswer.
const stubAnswer = "198.51.100.7"

func serveDNSStub(addr string) error {
	pc, err := net.ListenPacket("udp", addr)
	if err != nil {
		return err
	}
	buf := make([]byte, 512)
	for {
		n, from, err := pc.ReadFrom(buf)
		if err != nil {
			return err
		}
		if n < 12 {
			continue
		}
		q := buf[:n]
		resp := append([]byte(nil), q[:2]...)
		resp = append(resp, 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0)
		resp = append(resp, q[12:]...)
		resp = append(resp, 0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4)
		resp = append(resp, net.ParseIP(stubAnswer).To4()...)
		_, _ = pc.WriteTo(resp, from)
	}
}

// queryA sends one A query to server:53 and returns the first answer's
// address (enough for the stub's answers).
func queryA(server, name string) (string, error) {
	c, err := net.DialTimeout("udp", net.JoinHostPort(server, "53"), 2*time.Second)
	if err != nil {
		return "", err
	}
	defer c.Close()
	q := []byte{0x12, 0x34, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0}
	for _, label := range strings.Split(name, ".") {
		q = append(q, byte(len(label)))
		q = append(q, label...)
	}
	q = append(q, 0, 0, 1, 0, 1)
	buf := make([]byte, 512)
	for try := 0; try < 3; try++ {
		if _, err := c.Write(q); err != nil {
			return "", err
		}
		_ = c.SetReadDeadline(time.Now().Add(time.Second))
		n, err := c.Read(buf)
		if err != nil {
			continue
		}
		if n < len(q)+16 {
			return "", fmt.Errorf("short answer (%d bytes)", n)
		}
		return net.IP(buf[n-4 : n]).String(), nil
	}
	return "", fmt.Errorf("no answer from %s", server)
}

// pushThroughPort listens on addr inside the namespace at nsPath, sends
// 512 MiB from the host to 127.0.0.1:hostPort and checks that all of it
// arrived; what logs the rate.
func pushThroughPort(t *testing.T, nsPath, addr string, hostPort uint16, what string) {
	t.Helper()
	var sink net.Listener
	if err := inNetns(nsPath, func() error {
		var err error
		sink, err = net.Listen("tcp", addr)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	defer sink.Close()
	got := make(chan int64, 1)
	go func() {
		c, err := sink.Accept()
		if err != nil {
			got <- -1
			return
		}
		n, _ := io.Copy(io.Discard, c)
		c.Close()
		got <- n
	}()
	c, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", hostPort))
	if err != nil {
		t.Fatal(err)
	}
	const total = 512 << 20
	buf := make([]byte, 1<<20)
	start := time.Now()
	for sent := 0; sent < total; sent += len(buf) {
		if _, err := c.Write(buf); err != nil {
			t.Fatal(err)
		}
	}
	c.Close()
	n := <-got
	d := time.Since(start)
	t.Logf("%s: %d MiB in %v = %.0f MiB/s", what, n>>20, d, float64(n)/d.Seconds()/(1<<20))
	if n != total {
		t.Errorf("received %d of %d bytes", n, total)
	}
}
