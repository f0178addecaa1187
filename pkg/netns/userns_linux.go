package netns

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"go.podman.io/storage/pkg/reexec"
	"golang.org/x/sys/unix"
)

// UserNS asks for a container's network namespace to be made inside a new
// user namespace with these mappings (relative to husk's namespace), which
// the container then joins (config.json's user namespace path).
//
// A container with a user namespace of its own (--userns=keep-id) must own
// its network namespace: the OCI runtime's exec joins the container's user
// namespace first and then its other namespaces, and from inside that user
// namespace a network namespace owned by husk's is out of reach (EPERM).
type UserNS struct {
	UIDMap, GIDMap []syscall.SysProcIDMap
}

// usernsFile is the bind-mounted user namespace next to nsFile.
const usernsFile = "userns"

// UsernsPath is the user namespace file of id's attachment ("" when its
// network namespace was not made in a user namespace of its own).
func UsernsPath(runDir, id string) string {
	p := filepath.Join(runDir, id, usernsFile)
	if _, err := os.Stat(p); err != nil {
		return ""
	}
	return p
}

// UsernsPath is the attachment's user namespace file ("" when none).
func (a *Attachment) UsernsPath() string {
	return UsernsPath(filepath.Dir(a.dir), filepath.Base(a.dir))
}

// makeNetns makes the namespace file DIR/netns, inside a user namespace of
// its own (DIR/userns) when u is set.
func makeNetns(dir string, u *UserNS) error {
	if u == nil {
		return createNetns(filepath.Join(dir, nsFile))
	}
	return createNetnsIn(filepath.Join(dir, nsFile), filepath.Join(dir, usernsFile), u)
}

// holderCmd is the name under which husk, executed again, holds a new
// user and network namespace while its parent binds them to files.
const holderCmd = "husk-netns-holder"

func init() { reexec.Register(holderCmd, holdNamespaces) }

// holdNamespaces runs in the new namespaces: loopback up, send buffers
// limited, "ready" on stdout, then it waits for stdin to close.
func holdNamespaces() {
	if err := loopbackUp(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	limitSendBuffers()
	if _, err := os.Stdout.WriteString("ready\n"); err != nil {
		os.Exit(1)
	}
	_, _ = io.Copy(io.Discard, os.Stdin)
	os.Exit(0)
}

// createNetnsIn makes a network namespace inside a new user namespace
// with u's mappings and binds both to files: netPath and usernsPath. A
// process has to hold them while they are bound (a thread of this
// multi-threaded process cannot enter a new user namespace): husk itself,
// started again as holderCmd. On error nothing is left.
func createNetnsIn(netPath, usernsPath string, u *UserNS) (err error) {
	for _, p := range []string{netPath, usernsPath} {
		f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o444)
		if err != nil {
			return fmt.Errorf("create namespace file: %w", err)
		}
		f.Close()
	}
	defer func() {
		if err != nil {
			_ = removeNetns(netPath)
			_ = removeNetns(usernsPath)
		}
	}()
	cmd := reexec.Command(holderCmd)
	cmd.SysProcAttr = &syscall.SysProcAttr{
		Cloneflags:                 syscall.CLONE_NEWUSER | syscall.CLONE_NEWNET,
		UidMappings:                u.UIDMap,
		GidMappings:                u.GIDMap,
		GidMappingsEnableSetgroups: true,
		// Root of the new namespace: husk's own id maps to another one
		// there (the user's, with keep-id), which would lose the
		// capabilities at exec.
		Credential: &syscall.Credential{Uid: 0, Gid: 0, NoSetGroups: true},
		Pdeathsig:  syscall.SIGKILL,
	}
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return fmt.Errorf("user namespace for the network: %w", err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return fmt.Errorf("user namespace for the network: %w", err)
	}
	var stderr limitedBuffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start a user namespace for the network: %w", err)
	}
	defer func() {
		stdin.Close()
		werr := cmd.Wait()
		switch {
		case err != nil && werr != nil:
			err = fmt.Errorf("%w (holder: %v: %s)", err, werr, strings.TrimSpace(stderr.String()))
		case werr != nil:
			err = fmt.Errorf("user namespace for the network: %w: %s", werr, strings.TrimSpace(stderr.String()))
		}
	}()
	line, rerr := bufio.NewReader(stdout).ReadString('\n')
	if rerr != nil || line != "ready\n" {
		_ = cmd.Process.Kill()
		return fmt.Errorf("user namespace for the network: the holder process did not get ready")
	}
	pid := cmd.Process.Pid
	for _, b := range []struct{ ns, path string }{{"user", usernsPath}, {"net", netPath}} {
		src := fmt.Sprintf("/proc/%d/ns/%s", pid, b.ns)
		if err := unix.Mount(src, b.path, "none", unix.MS_BIND, ""); err != nil {
			return fmt.Errorf("bind %s namespace to %s: %w", b.ns, b.path, err)
		}
	}
	return nil
}

// limitedBuffer keeps the first 4 KiB written to it.
type limitedBuffer struct{ b []byte }

func (l *limitedBuffer) Write(p []byte) (int, error) {
	if room := 4096 - len(l.b); room > 0 {
		l.b = append(l.b, p[:min(room, len(p))]...)
	}
	return len(p), nil
}

func (l *limitedBuffer) String() string { return string(l.b) }
