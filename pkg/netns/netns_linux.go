package netns

import (
	"errors"
	"fmt"
	"os"
	"runtime"

	"github.com/sirupsen/logrus"
	"golang.org/x/sys/unix"
)

// createNetns makes a new network namespace with its loopback up and
// binds it to path (created empty), so that it lives without a process
// and can be named in config.json and to the helper.
//
// The namespace is entered on a locked OS thread that never comes back:
// rootless, husk's own network namespace belongs to the host's user
// namespace, and setns() into it fails with EPERM. The goroutine exits
// still locked, so the Go runtime ends the thread instead of reusing it.
func createNetns(path string) error { return createNetnsWith(path, nil) }

// createNetnsWith is createNetns, with inside (when not nil) run in the
// new namespace on the same thread after the bind mount: one thread for
// everything a caller has to do in there.
func createNetnsWith(path string, inside func() error) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o444)
	if err != nil {
		return fmt.Errorf("create network namespace file: %w", err)
	}
	f.Close()
	err = onThrowawayThread(func() error {
		if err := unix.Unshare(unix.CLONE_NEWNET); err != nil {
			return fmt.Errorf("unshare network namespace: %w", err)
		}
		if err := loopbackUp(); err != nil {
			return err
		}
		limitSendBuffers()
		if err := unix.Mount("/proc/thread-self/ns/net", path, "none", unix.MS_BIND, ""); err != nil {
			return fmt.Errorf("bind network namespace to %s: %w", path, err)
		}
		if inside != nil {
			return inside()
		}
		return nil
	})
	if err != nil {
		_ = unix.Unmount(path, unix.MNT_DETACH)
		_ = os.Remove(path)
		return err
	}
	return nil
}

// onThrowawayThread runs f on a locked OS thread that ends afterwards, for
// changes to the thread's namespaces that cannot be undone. Go cannot end
// the main thread (it parks it forever, and /proc/self describes it): when
// the goroutine lands there, it holds the main thread while another
// thread does the work.
func onThrowawayThread(f func() error) error {
	errc := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		if unix.Gettid() == unix.Getpid() {
			err := onThrowawayThread(f)
			runtime.UnlockOSThread()
			errc <- err
			return
		}
		// No UnlockOSThread: the thread ends with this goroutine.
		errc <- f()
	}()
	return <-errc
}

// loopbackUp sets lo up in the calling thread's network namespace.
func loopbackUp() error {
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("loopback: %w", err)
	}
	defer unix.Close(fd)
	ifr, err := unix.NewIfreq("lo")
	if err != nil {
		return err
	}
	if err := unix.IoctlIfreq(fd, unix.SIOCGIFFLAGS, ifr); err != nil {
		return fmt.Errorf("loopback flags: %w", err)
	}
	ifr.SetUint16(ifr.Uint16() | unix.IFF_UP)
	if err := unix.IoctlIfreq(fd, unix.SIOCSIFFLAGS, ifr); err != nil {
		return fmt.Errorf("set loopback up: %w", err)
	}
	return nil
}

// TCPSendBuffers is net.ipv4.tcp_wmem (min, default, max bytes) in the
// namespaces husk makes. Every TCP connection that leaves such a namespace
// ends at pasta or slirp4netns, a hop of microseconds away, which opens
// its own socket to the real peer: the container's side needs little
// data in flight. With the kernel's 4 MiB default, a sending container
// bursts more than pasta takes from its tap device; the rest is dropped
// and retransmitted: iperf3 from a container to the host got 0.15 Gbit/s
// with stalls, 12-16 Gbit/s with a 256 KiB maximum (docs/network.md).
const TCPSendBuffers = "4096 16384 262144"

// limitSendBuffers sets TCPSendBuffers in the calling thread's network
// namespace. /proc/sys/net shows the namespace of the thread that opens
// it. A kernel that refuses (tcp_wmem is per namespace since Linux 4.15)
// leaves the default: slower uploads, nothing broken.
func limitSendBuffers() {
	if err := os.WriteFile("/proc/sys/net/ipv4/tcp_wmem", []byte(TCPSendBuffers), 0); err != nil {
		logrus.Debugf("network namespace: tcp_wmem stays the kernel's: %v", err)
	}
}

// removeNetns unmounts and removes a namespace file; a missing or already
// unmounted file is fine. The unmount is lazy: a helper may still hold the
// file open.
func removeNetns(path string) error {
	if err := unix.Unmount(path, unix.MNT_DETACH); err != nil && !errors.Is(err, unix.EINVAL) && !errors.Is(err, unix.ENOENT) {
		return fmt.Errorf("unmount network namespace %s: %w", path, err)
	}
	if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("remove network namespace %s: %w", path, err)
	}
	return nil
}
