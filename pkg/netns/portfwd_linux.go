package netns

// The helper processes of user networks, run as hidden husk commands:
// `husk __netdns STATE RNETNS` (started inside the rootless namespace) and
// `husk __netports CNETNS RNETNS PORTS` (started in husk's own namespace,
// the host's). Both report readiness on fd 3 ("ok" or the error) and exit
// on SIGTERM. The namespace paths among the arguments let Detach recognise
// them (isHelper) before signalling a pid.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"runtime"
	"strconv"
	"sync"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// udpIdle ends a published UDP port's flow for one client after this long
// without traffic.
const udpIdle = 60 * time.Second

func readyReporter() func(error) {
	f := os.NewFile(3, "ready")
	var once sync.Once
	return func(err error) {
		once.Do(func() {
			if f == nil {
				return
			}
			if err != nil {
				fmt.Fprintln(f, err.Error())
			} else {
				fmt.Fprintln(f, "ok")
			}
			f.Close()
		})
	}
}

// RunDNSHelper is `husk __netdns STATE RNETNS`.
func RunDNSHelper(args []string) error {
	if len(args) != 2 {
		return fmt.Errorf("usage: husk %s STATE RNETNS", DNSCommand)
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	return ServeDNS(ctx, args[0], readyReporter())
}

// RunPortsHelper is `husk __netports CNETNS RNETNS PORTS`.
func RunPortsHelper(args []string) error {
	if len(args) != 3 {
		return fmt.Errorf("usage: husk %s CNETNS RNETNS PORTS", PortsCommand)
	}
	ready := readyReporter()
	b, err := os.ReadFile(args[2])
	if err != nil {
		ready(err)
		return err
	}
	var work portWork
	if err := json.Unmarshal(b, &work); err != nil {
		ready(err)
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	return ServePorts(ctx, args[0], work.Target, work.Ports, ready)
}

// nsDialer makes connections from inside a network namespace: a few
// goroutines sit on OS threads that entered it for good, and sockets
// created there stay in it.
type nsDialer struct {
	reqs chan dialReq
}

type dialReq struct {
	network, addr string
	reply         chan dialResult
}

type dialResult struct {
	c   net.Conn
	err error
}

func newNSDialer(path string, workers int) (*nsDialer, error) {
	d := &nsDialer{reqs: make(chan dialReq)}
	errc := make(chan error, workers)
	for i := 0; i < workers; i++ {
		go func() {
			runtime.LockOSThread() // never unlocked: the thread ends with the process
			fd, err := unix.Open(path, unix.O_RDONLY|unix.O_CLOEXEC, 0)
			if err == nil {
				err = unix.Setns(fd, unix.CLONE_NEWNET)
				unix.Close(fd)
			}
			errc <- err
			if err != nil {
				return
			}
			for r := range d.reqs {
				c, err := net.DialTimeout(r.network, r.addr, 5*time.Second)
				r.reply <- dialResult{c, err}
			}
		}()
	}
	for i := 0; i < workers; i++ {
		if err := <-errc; err != nil {
			return nil, fmt.Errorf("enter network namespace %s: %w", path, err)
		}
	}
	return d, nil
}

func (d *nsDialer) dial(network, addr string) (net.Conn, error) {
	r := dialReq{network, addr, make(chan dialResult, 1)}
	d.reqs <- r
	res := <-r.reply
	return res.c, res.err
}

// ServePorts listens on the published host ports in the calling process's
// namespace and relays each connection (tcp) or client flow (udp) to the
// same offset of the container port on target, connecting from the
// namespace at cpath: the container's own, whose address target is. The
// container sees its own address as the client's, as with podman 4.3.1's
// rootlessport, and the relayed traffic takes the container's loopback
// instead of crossing the bridge. ready gets the first listen error,
// which names the port, or nil once all listen.
func ServePorts(ctx context.Context, cpath, target string, ports []PortMapping, ready func(error)) error {
	d, err := newNSDialer(cpath, 4)
	if err != nil {
		ready(err)
		return err
	}
	var closers []io.Closer
	defer func() {
		for _, c := range closers {
			c.Close()
		}
	}()
	type job func()
	var jobs []job
	for _, p := range ports {
		hostIP := p.HostIP
		if hostIP == "" {
			hostIP = "0.0.0.0"
		}
		for i := 0; i < p.size(); i++ {
			laddr := net.JoinHostPort(hostIP, strconv.Itoa(int(p.HostPort)+i))
			raddr := net.JoinHostPort(target, strconv.Itoa(int(p.ContainerPort)+i))
			if p.Protocol == "udp" {
				pc, err := net.ListenPacket("udp", laddr)
				if err != nil {
					err = fmt.Errorf("publish port %d/udp on %s: %w", int(p.HostPort)+i, hostIP, unwrapSys(err))
					ready(err)
					return err
				}
				closers = append(closers, pc)
				jobs = append(jobs, func() { relayUDP(pc, d, raddr) })
				continue
			}
			l, err := net.Listen("tcp", laddr)
			if err != nil {
				err = fmt.Errorf("publish port %d/tcp on %s: %w", int(p.HostPort)+i, hostIP, unwrapSys(err))
				ready(err)
				return err
			}
			closers = append(closers, l)
			jobs = append(jobs, func() { relayTCP(l, d, raddr) })
		}
	}
	for _, j := range jobs {
		go j()
	}
	ready(nil)
	<-ctx.Done()
	return nil
}

func unwrapSys(err error) error {
	if errors.Is(err, unix.EADDRINUSE) {
		return errors.New("the port is already in use")
	}
	if errors.Is(err, unix.EACCES) {
		return errors.New("permission denied (below net.ipv4.ip_unprivileged_port_start?)")
	}
	return err
}

func relayTCP(l net.Listener, d *nsDialer, raddr string) {
	for {
		c, err := l.Accept()
		if err != nil {
			return
		}
		go func() {
			defer c.Close()
			u, err := d.dial("tcp", raddr)
			if err != nil {
				return
			}
			defer u.Close()
			done := make(chan struct{}, 2)
			pipe := func(dst, src net.Conn) {
				_, _ = io.Copy(dst, src)
				if tc, ok := dst.(*net.TCPConn); ok {
					_ = tc.CloseWrite()
				}
				done <- struct{}{}
			}
			go pipe(u, c)
			go pipe(c, u)
			<-done
			<-done
		}()
	}
}

// relayUDP keeps one socket in the rootless namespace per client address.
func relayUDP(pc net.PacketConn, d *nsDialer, raddr string) {
	var mu sync.Mutex
	flows := map[string]net.Conn{}
	buf := make([]byte, 65535)
	for {
		n, addr, err := pc.ReadFrom(buf)
		if err != nil {
			return
		}
		key := addr.String()
		mu.Lock()
		u := flows[key]
		mu.Unlock()
		if u == nil {
			u, err = d.dial("udp", raddr)
			if err != nil {
				continue
			}
			mu.Lock()
			flows[key] = u
			mu.Unlock()
			go func(u net.Conn, addr net.Addr) {
				defer func() {
					mu.Lock()
					delete(flows, addr.String())
					mu.Unlock()
					u.Close()
				}()
				b := make([]byte, 65535)
				for {
					_ = u.SetReadDeadline(time.Now().Add(udpIdle))
					n, err := u.Read(b)
					if err != nil {
						return
					}
					_, _ = pc.WriteTo(b[:n], addr)
				}
			}(u, addr)
		}
		_, _ = u.Write(buf[:n])
	}
}
