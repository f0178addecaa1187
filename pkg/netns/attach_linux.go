package netns

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/husk-dev/husk/internal/setting"
	"golang.org/x/sys/unix"
)

// Files in an attachment's directory RUNDIR/ID.
const (
	nsFile     = "netns"       // the bind-mounted namespace
	pidFile    = "helper.pid"  // the helper's pid (pasta writes it itself)
	logFile    = "helper.log"  // the helper's stderr
	slirpSock  = ".slirp.sock" // slirp4netns's API socket (see slirpSocket)
	readyLimit = 10 * time.Second
)

// Attachment is a network namespace with its helper starting or running.
type Attachment struct {
	dir  string
	info Info

	once     sync.Once
	readyErr error
	wait     func() error // waits until the helper serves the namespace; nil: nothing to wait for
}

// NetnsPath is the namespace file, for config.json's network namespace
// path.
func (a *Attachment) NetnsPath() string { return filepath.Join(a.dir, nsFile) }

// Info describes the network the container gets, for Hosts and
// ResolvConf.
func (a *Attachment) Info() Info { return a.info }

// Ready waits until the helper serves the namespace and the published
// ports (it returns the same result when called again). On error the
// caller still calls Detach.
func (a *Attachment) Ready() error {
	a.once.Do(func() {
		if a.wait != nil {
			a.readyErr = a.wait()
		}
	})
	return a.readyErr
}

// NeedsReady reports whether Ready has anything to wait for. When not
// (a container on a bridge without published ports), the container can
// be created and started in one runtime call.
func (a *Attachment) NeedsReady() bool { return a.wait != nil }

// NetnsPath is where Attach binds the namespace of id, for a process that
// did not attach it (container:NAME).
func NetnsPath(runDir, id string) string { return filepath.Join(runDir, id, nsFile) }

// ChooseHelper resolves ModePrivate to the helper to use: pasta when it
// is installed and usable, else slirp4netns. pasta and slirp4netns resolve
// to themselves when usable.
func ChooseHelper(mode string) (string, error) {
	helpers := FindHelpers()
	find := func(name string) (Helper, bool) {
		for _, h := range helpers {
			if h.Name == name {
				return h, h.Path != ""
			}
		}
		return Helper{}, false
	}
	switch mode {
	case ModePasta, ModeSlirp:
		h, ok := find(mode)
		if !ok {
			return "", setting.Errorf("{network} %s: %s is not installed (Debian/Ubuntu package %s)", mode, mode, h.Package)
		}
		if h.Problem != "" {
			return "", setting.Errorf("{network} %s: %s", mode, h.Problem)
		}
		return mode, nil
	case "", ModePrivate:
		var problems []string
		for _, h := range helpers {
			if h.Path != "" && h.Problem == "" {
				return h.Name, nil
			}
			if h.Problem != "" {
				problems = append(problems, h.Problem)
			}
		}
		if len(problems) > 0 {
			return "", setting.Errorf("a private network needs pasta or slirp4netns: %s; or use {network} none", problems[0])
		}
		return "", setting.Errorf("a private network needs pasta (package passt) or slirp4netns: install one, or use {network} none")
	}
	return "", fmt.Errorf("network mode %q has no helper", mode)
}

// Attach creates a network namespace for container id, bound to
// RUNDIR/ID/netns, and starts its helper (pasta, else slirp4netns) with
// the published ports. It returns once the helper is started; Ready waits
// for it. Ports must have host ports assigned (AssignHostPorts) and be
// checked (CheckPorts). With u set, the namespace is made inside a new
// user namespace (see UserNS). A leftover attachment of the same id is
// detached first. On error nothing is left behind.
func Attach(ctx context.Context, runDir, id string, cfg Config, u *UserNS) (*Attachment, error) {
	helper, err := ChooseHelper(cfg.Mode)
	if err != nil {
		return nil, err
	}
	if err := Detach(runDir, id); err != nil {
		return nil, err
	}
	dir := filepath.Join(runDir, id)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create network directory: %w", err)
	}
	a := &Attachment{dir: dir}
	if err := makeNetns(dir, u); err != nil {
		_ = os.RemoveAll(dir)
		return nil, err
	}
	switch helper {
	case ModePasta:
		err = a.startPasta(ctx, cfg)
	default:
		err = a.startSlirp(ctx, cfg)
	}
	if err != nil {
		_ = Detach(runDir, id)
		return nil, err
	}
	return a, nil
}

// startPasta starts pasta, which daemonizes once it serves the namespace
// and the ports: the exit of the process started here is the readiness
// signal.
func (a *Attachment) startPasta(ctx context.Context, cfg Config) error {
	path, err := exec.LookPath("pasta")
	if err != nil {
		return setting.Errorf("{network} pasta: pasta is not installed (package passt)")
	}
	log, err := os.Create(filepath.Join(a.dir, logFile))
	if err != nil {
		return err
	}
	defer log.Close()
	cmd := exec.Command(path, pastaArgs(a.NetnsPath(), filepath.Join(a.dir, pidFile), cfg.Ports, cfg.HelperOpts, realRoot())...)
	cmd.Stdout, cmd.Stderr = log, log
	// Own session: a terminal's ^C for the container must not reach it.
	if err := startIn(cmd, cfg.cgroup); err != nil {
		return fmt.Errorf("start pasta: %w", err)
	}
	a.info = pastaInfo(cfg.HelperOpts)
	a.wait = func() error {
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case err = <-done:
		case <-ctx.Done():
			_ = cmd.Process.Kill()
			<-done
			return ctx.Err()
		case <-time.After(readyLimit):
			_ = cmd.Process.Kill()
			<-done
			return fmt.Errorf("pasta did not start within %v", readyLimit)
		}
		if err != nil {
			return fmt.Errorf("pasta: %s", helperMessage(filepath.Join(a.dir, logFile), err))
		}
		if _, err := readPid(filepath.Join(a.dir, pidFile)); err != nil {
			return fmt.Errorf("pasta started but wrote no pid: %w", err)
		}
		return nil
	}
	return nil
}

// pastaInfo derives what pasta gives the container from the host's
// default route: its address and, unless mapping is off, the gateway,
// which pasta maps to the host's loopback.
func pastaInfo(opts []string) Info {
	info := Info{Mode: ModePasta, DNS: []string{PastaDNS}}
	ifname, gw := defaultRoute4()
	if v := optValue(opts, "-g", "--gateway"); v != "" {
		gw = v
	}
	if !hasAnyOpt(opts, "--no-map-gw") && gw != "" {
		info.HostAddr = gw
	}
	if v := optValue(opts, "-a", "--address"); v != "" {
		info.IP = v
	} else if ifname != "" {
		info.IP = ifaceAddr4(ifname)
	}
	if hasAnyOpt(opts, "-D", "--dns", "--dns-forward") {
		info.DNS = nil // the user chose; the container gets the host's
	}
	return info
}

// defaultRoute4 reads the first IPv4 default route from /proc/net/route.
func defaultRoute4() (ifname, gateway string) {
	b, err := os.ReadFile("/proc/thread-self/net/route")
	if err != nil {
		return "", ""
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 3 || f[1] != "00000000" {
			continue
		}
		g, err := strconv.ParseUint(f[2], 16, 32)
		if err != nil {
			continue
		}
		// Little-endian hex of the address in network order.
		return f[0], net.IPv4(byte(g), byte(g>>8), byte(g>>16), byte(g>>24)).String()
	}
	return "", ""
}

func ifaceAddr4(name string) string {
	ifc, err := net.InterfaceByName(name)
	if err != nil {
		return ""
	}
	addrs, _ := ifc.Addrs()
	for _, a := range addrs {
		if n, ok := a.(*net.IPNet); ok && n.IP.To4() != nil {
			return n.IP.String()
		}
	}
	return ""
}

// startSlirp starts slirp4netns (which stays in the foreground; its own
// session) and, once it is ready, publishes the ports through its API
// socket.
func (a *Attachment) startSlirp(ctx context.Context, cfg Config) error {
	path, err := exec.LookPath("slirp4netns")
	if err != nil {
		return setting.Errorf("{network} slirp4netns: slirp4netns is not installed (package slirp4netns)")
	}
	opts, err := parseSlirpOpts(cfg.HelperOpts)
	if err != nil {
		return err
	}
	sock := slirpSocket(a.dir)
	rd, err := startHelper(a.dir, logFile, pidFile, "slirp4netns", cfg.cgroup, path, slirpArgs(a.NetnsPath(), sock, opts)...)
	if err != nil {
		return err
	}
	ip, gateway, dns := opts.addrs()
	a.info = Info{Mode: ModeSlirp, IP: ip, DNS: []string{dns}}
	if opts.allowHostLoopback {
		a.info.HostAddr = gateway
	}
	a.wait = func() error {
		defer rd.Close()
		readyc := make(chan error, 1)
		go func() {
			b := make([]byte, 1)
			_, err := rd.Read(b)
			readyc <- err
		}()
		select {
		case err := <-readyc:
			if err != nil {
				return fmt.Errorf("slirp4netns: %s", helperMessage(filepath.Join(a.dir, logFile), errors.New("exited before it was ready")))
			}
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(readyLimit):
			return fmt.Errorf("slirp4netns did not start within %v", readyLimit)
		}
		for _, p := range cfg.Ports {
			for i := 0; i < p.size(); i++ {
				if err := slirpAddHostfwd(sock, ip, p, uint16(i)); err != nil {
					return err
				}
			}
		}
		return nil
	}
	return nil
}

// startHelper starts a helper that outlives husk's command: its own
// session, stdout and stderr in DIR/LOGNAME, its pid in DIR/PIDNAME, and as
// fd 3 the write end of a pipe whose read end is returned (the helper
// writes to it, or closes it, once ready). It is reaped whenever it ends.
func startHelper(dir, logName, pidName, what, cgroup, path string, args ...string) (*os.File, error) {
	log, err := os.Create(filepath.Join(dir, logName))
	if err != nil {
		return nil, err
	}
	defer log.Close()
	rd, wr, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	defer wr.Close()
	cmd := exec.Command(path, args...)
	cmd.Stdout, cmd.Stderr = log, log
	cmd.ExtraFiles = []*os.File{wr}
	if err := startIn(cmd, cgroup); err != nil {
		rd.Close()
		return nil, fmt.Errorf("start %s: %w", what, err)
	}
	go func() { _ = cmd.Wait() }()
	if err := writePid(filepath.Join(dir, pidName), cmd.Process.Pid); err != nil {
		_ = cmd.Process.Kill()
		rd.Close()
		return nil, err
	}
	return rd, nil
}

// slirpSocket is where slirp4netns's API socket of the attachment in dir
// goes: next to dir under a short name, because a unix socket path must
// stay under 108 bytes and run directories with 64-character IDs do not.
func slirpSocket(dir string) string {
	name := filepath.Base(dir)
	if len(name) > 12 {
		name = name[:12]
	}
	return filepath.Join(filepath.Dir(dir), name+slirpSock)
}

// slirpAddHostfwd publishes one port through slirp4netns's API socket.
func slirpAddHostfwd(sock, guestIP string, p PortMapping, off uint16) error {
	hostIP := p.HostIP
	if hostIP == "" {
		hostIP = "0.0.0.0"
	}
	req := map[string]any{
		"execute": "add_hostfwd",
		"arguments": map[string]any{
			"proto": p.Protocol, "host_addr": hostIP, "host_port": p.HostPort + off,
			"guest_addr": guestIP, "guest_port": p.ContainerPort + off,
		},
	}
	c, err := net.DialTimeout("unix", sock, 2*time.Second)
	if err != nil {
		return fmt.Errorf("slirp4netns API: %w", err)
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(5 * time.Second))
	if err := json.NewEncoder(c).Encode(req); err != nil {
		return fmt.Errorf("slirp4netns API: %w", err)
	}
	if uc, ok := c.(*net.UnixConn); ok {
		_ = uc.CloseWrite()
	}
	var resp struct {
		Error *struct {
			Desc string `json:"desc"`
		} `json:"error"`
	}
	if err := json.NewDecoder(c).Decode(&resp); err != nil {
		return fmt.Errorf("slirp4netns API: %w", err)
	}
	if resp.Error != nil {
		return fmt.Errorf("publish port %d/%s on %s: slirp4netns: %s", p.HostPort+off, p.Protocol, hostIP, resp.Error.Desc)
	}
	return nil
}

// helperMessage gives the helper's own error lines (without pasta's
// complaints about a missing syslog), else err.
func helperMessage(log string, err error) string {
	b, _ := os.ReadFile(log)
	var lines []string
	for _, l := range strings.Split(string(b), "\n") {
		l = strings.TrimSpace(l)
		if l == "" || strings.HasPrefix(l, "Failed to send") && strings.HasSuffix(l, "to syslog") {
			continue
		}
		lines = append(lines, l)
	}
	if len(lines) == 0 {
		return err.Error()
	}
	if len(lines) > 3 {
		lines = lines[len(lines)-3:]
	}
	return strings.Join(lines, "; ")
}

func writePid(path string, pid int) error {
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, []byte(strconv.Itoa(pid)+"\n"), 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

func readPid(path string) (int, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil || pid <= 0 {
		return 0, fmt.Errorf("bad pid in %s", path)
	}
	return pid, nil
}

// Detach ends the helper of id's network and removes its namespace file
// and directory; a container on a user network also leaves it (and the
// rootless namespace goes with its last container). It works from any husk process of the user (the helper's
// pid is read from RUNDIR/ID/helper.pid and checked against
// /proc/PID/cmdline first) and does nothing when there is nothing left.
//
// It does not wait for the helper to be gone: pasta takes 20-60 ms to exit
// (the kernel frees its buffers) whichever signal it gets, and it cannot
// serve anything once signalled; it also quits by itself when the
// namespace file goes. WaitGone waits for it where that matters.
func Detach(runDir, id string) error {
	if err := detachUser(runDir, id); err != nil {
		return err
	}
	dir := filepath.Join(runDir, id)
	if _, err := os.Lstat(dir); errors.Is(err, os.ErrNotExist) {
		return nil
	}
	nsPath := filepath.Join(dir, nsFile)
	if pid, err := readPid(filepath.Join(dir, pidFile)); err == nil && isHelper(pid, nsPath) {
		_ = unix.Kill(pid, unix.SIGTERM)
	}
	if err := removeNetns(nsPath); err != nil {
		return err
	}
	if err := removeNetns(filepath.Join(dir, usernsFile)); err != nil {
		return err
	}
	_ = os.Remove(slirpSocket(dir))
	if err := os.RemoveAll(dir); err != nil {
		return fmt.Errorf("remove network directory: %w", err)
	}
	return nil
}

// HelperPid returns the pid of id's helper while its attachment exists
// (0 if none), for WaitGone after Detach.
func HelperPid(runDir, id string) int {
	dir := filepath.Join(runDir, id)
	pid, err := readPid(filepath.Join(dir, pidFile))
	if err != nil || !isHelper(pid, filepath.Join(dir, nsFile)) {
		return 0
	}
	return pid
}

// WaitGone waits up to timeout for pid to exit (a zombie counts: its
// parent may reap it late) and reports whether it did.
func WaitGone(pid int, timeout time.Duration) bool {
	deadline := time.Now().Add(timeout)
	for !gone(pid) {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(2 * time.Millisecond)
	}
	return true
}

// isHelper reports whether pid is still a helper serving nsPath (and not
// a process that got the pid since).
func isHelper(pid int, nsPath string) bool {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
	if err != nil || len(b) == 0 {
		return false
	}
	args := strings.Split(strings.TrimRight(string(b), "\x00"), "\x00")
	switch filepath.Base(args[0]) {
	case "pasta", "pasta.avx2", "passt", "passt.avx2", "slirp4netns":
	default:
		// husk's own helpers (user networks' DNS server, port
		// forwarder and the rootless namespace's waiter), whatever the
		// binary is called.
		if len(args) < 2 || args[1] != DNSCommand && args[1] != PortsCommand && args[1] != LingerCommand {
			return false
		}
	}
	for _, a := range args[1:] {
		if a == nsPath {
			return true
		}
	}
	return false
}

func gone(pid int) bool {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return true
	}
	// The state follows the command name in parentheses.
	i := bytes.LastIndexByte(b, ')')
	if i < 0 || i+2 >= len(b) {
		return true
	}
	return b[i+2] == 'Z' || b[i+2] == 'X'
}
