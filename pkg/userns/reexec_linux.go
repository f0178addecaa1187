package userns

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"os/user"
	"strconv"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"

	// The storage library's cgo constructor performs the child's half of
	// the re-exec protocol below (unshare, wait for the maps, become root,
	// re-exec); importing it is what links the constructor in.
	_ "go.podman.io/storage/pkg/unshare"
)

// ReexecOptions controls Reexec.
type ReexecOptions struct {
	// Warn receives one-line warnings (single-id fallback).
	Warn io.Writer
	// SubUIDFile and SubGIDFile default to /etc/subuid and /etc/subgid.
	SubUIDFile, SubGIDFile string
	// ProcRoot defaults to /proc.
	ProcRoot string
	// Env is added to the child's environment.
	Env []string
	// PauseArgs follow the pause process's own argument: the global
	// settings of the command that starts it, as every husk process it
	// starts gets them.
	PauseArgs []string
	// Adopt lists processes that may still live in the namespaces of a
	// pause process that was killed (containers' monitors, then their
	// inits), best first: a new pause process joins the first that works,
	// so running containers stay reachable.
	Adopt func() []Adoptee
}

// AdoptKind says how a process relates to husk's namespaces.
type AdoptKind string

const (
	// AdoptMonitor: a container's monitor, in husk's user and mount
	// namespace; the new pause process joins both.
	AdoptMonitor AdoptKind = "monitor"
	// AdoptInit: a container's init, in husk's user namespace (and a
	// mount namespace of its own): the new pause process joins the user
	// namespace and makes a new mount namespace in it.
	AdoptInit AdoptKind = "init"
	// AdoptInitParent: the init of a container with a user namespace of
	// its own inside husk's (keep-id): as AdoptInit, with the parent of
	// the init's user namespace.
	AdoptInitParent AdoptKind = "init-parent"
)

// Adoptee is a process whose namespaces a new pause process may adopt.
type Adoptee struct {
	Pid  int
	Kind AdoptKind
}

// Plan is the id mapping Reexec will apply.
type Plan struct {
	Mapping   Mapping
	UIDMap    []IDMap
	GIDMap    []IDMap
	NewUIDMap string // path of newuidmap, for MappingFull
	NewGIDMap string
	Warning   string // set when falling back to MappingSingle
}

// MakePlan decides the mapping for the user from the subordinate id files
// and the helpers present. It fails only on ranges that exist but cannot
// work; no ranges at all is a fallback, not an error.
func MakePlan(name string, uid, gid uint32, opts ReexecOptions) (Plan, error) {
	subuid, subgid := opts.SubUIDFile, opts.SubGIDFile
	if subuid == "" {
		subuid = "/etc/subuid"
	}
	if subgid == "" {
		subgid = "/etc/subgid"
	}
	single := Plan{
		Mapping: MappingSingle,
		UIDMap:  []IDMap{{0, uid, 1}},
		GIDMap:  []IDMap{{0, gid, 1}},
	}
	uranges, err := ReadSubIDs(subuid, name, uid)
	if err != nil {
		return Plan{}, err
	}
	granges, err := ReadSubIDs(subgid, name, uid)
	if err != nil {
		return Plan{}, err
	}
	if len(uranges) == 0 || len(granges) == 0 {
		file := subuid
		if len(uranges) != 0 {
			file = subgid
		}
		single.Warning = fmt.Sprintf("no subordinate ids for user %q in %s: using a single-id mapping (container root = you; files of other owners become yours); to fix, as root: usermod --add-subuids 100000-165535 --add-subgids 100000-165535 %s", name, file, name)
		return single, nil
	}
	if err := CheckRanges(subuid, name, uid, uranges); err != nil {
		return Plan{}, err
	}
	if err := CheckRanges(subgid, name, gid, granges); err != nil {
		return Plan{}, err
	}
	nu, err1 := exec.LookPath("newuidmap")
	ng, err2 := exec.LookPath("newgidmap")
	if err1 != nil || err2 != nil {
		single.Warning = "newuidmap/newgidmap not found: using a single-id mapping (container root = you); to fix, install the uidmap package (Debian/Ubuntu) or shadow-utils"
		return single, nil
	}
	return Plan{
		Mapping:   MappingFull,
		UIDMap:    BuildMap(uid, uranges),
		GIDMap:    BuildMap(gid, granges),
		NewUIDMap: nu,
		NewGIDMap: ng,
	}, nil
}

// startMapped starts /proc/self/exe with args inside a new user and mount
// namespace mapped per the user's plan: the storage library's constructor
// in the child unshares and waits on a pipe while this process writes the
// maps. configure may adjust the command (stdio, extra files after fds 3
// and 4, environment, session) before it starts.
func startMapped(opts ReexecOptions, args []string, configure func(*exec.Cmd)) (*exec.Cmd, error) {
	procRoot := opts.ProcRoot
	if procRoot == "" {
		procRoot = "/proc"
	}
	if err := CheckHost(procRoot); err != nil {
		return nil, err
	}
	uid, gid := uint32(os.Geteuid()), uint32(os.Getegid())
	name := strconv.FormatUint(uint64(uid), 10)
	if u, err := user.LookupId(name); err == nil {
		name = u.Username
	}
	plan, err := MakePlan(name, uid, gid, opts)
	if err != nil {
		return nil, err
	}
	if plan.Warning != "" && opts.Warn != nil {
		fmt.Fprintf(opts.Warn, "husk: warning: %s\n", plan.Warning)
	}

	pidR, pidW, err := os.Pipe()
	if err != nil {
		return nil, fmt.Errorf("create pipe: %w", err)
	}
	contR, contW, err := os.Pipe()
	if err != nil {
		pidR.Close()
		pidW.Close()
		return nil, fmt.Errorf("create pipe: %w", err)
	}
	cmd := exec.Command("/proc/self/exe", args...)
	cmd.Args[0] = os.Args[0]
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	cmd.ExtraFiles = []*os.File{pidW, contR}
	cmd.Env = append(os.Environ(), opts.Env...)
	cmd.Env = append(cmd.Env,
		fmt.Sprintf("_Containers-unshare=%d", syscall.CLONE_NEWUSER|syscall.CLONE_NEWNS),
		"_Containers-pid-pipe=3",
		"_Containers-continue-pipe=4",
		envConfigured+"=done",
		fmt.Sprintf("%s=%d", envRootlessUID, uid),
		fmt.Sprintf("%s=%d", envRootlessGID, gid),
		envMapping+"="+plan.Mapping.String(),
	)
	if configure != nil {
		configure(cmd)
	}
	err = cmd.Start()
	pidW.Close()
	contR.Close()
	if err != nil {
		pidR.Close()
		contW.Close()
		return nil, fmt.Errorf("start %s in a user namespace: %w", os.Args[0], err)
	}
	fail := func(err error) (*exec.Cmd, error) {
		_ = cmd.Process.Kill()
		contW.Close()
		_ = cmd.Wait()
		return nil, err
	}
	b, err := io.ReadAll(pidR)
	pidR.Close()
	if err != nil || len(b) == 0 {
		return fail(fmt.Errorf("create user namespace: the child exited before unsharing (see the message above); check user.max_user_namespaces and any AppArmor/SELinux policy on unprivileged user namespaces"))
	}
	pid, err := strconv.Atoi(string(b))
	if err != nil {
		return fail(fmt.Errorf("read child pid %q: %w", b, err))
	}
	if err := writeMaps(pid, plan, name); err != nil {
		return fail(err)
	}
	if err := contW.Close(); err != nil {
		return fail(fmt.Errorf("release child: %w", err))
	}
	return cmd, nil
}

// Reexec runs this program again, with the same arguments, inside a new
// user and mount namespace mapped per the plan, forwards signals to it, and
// returns its exit code (128+N when killed by signal N). It is the
// fallback when no pause process can hold the namespace.
func Reexec(opts ReexecOptions) (int, error) {
	cmd, err := startMapped(opts, os.Args[1:], func(c *exec.Cmd) {
		c.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	})
	if err != nil {
		return 0, err
	}
	sigs := make(chan os.Signal, 16)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT, syscall.SIGUSR1, syscall.SIGUSR2, syscall.SIGWINCH)
	done := make(chan struct{})
	fromTerminal := terminalForeground()
	go func() {
		for {
			select {
			case s := <-sigs:
				// Keyboard signals already reached the child, which is in
				// this process group; relaying them would double them.
				if fromTerminal && (s == syscall.SIGINT || s == syscall.SIGQUIT) {
					continue
				}
				_ = cmd.Process.Signal(s)
			case <-done:
				return
			}
		}
	}()
	err = cmd.Wait()
	signal.Stop(sigs)
	close(done)
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			return 128 + int(ws.Signal()), nil
		}
		return ee.ExitCode(), nil
	}
	if err != nil {
		return 0, fmt.Errorf("wait for namespaced husk: %w", err)
	}
	return 0, nil
}

func writeMaps(pid int, plan Plan, name string) error {
	p := strconv.Itoa(pid)
	if plan.Mapping == MappingFull {
		if err := runMapTool(plan.NewGIDMap, p, plan.GIDMap, name, "/etc/subgid"); err != nil {
			return err
		}
		return runMapTool(plan.NewUIDMap, p, plan.UIDMap, name, "/etc/subuid")
	}
	// An unprivileged process may map only its own ids, and only after
	// giving up setgroups.
	if err := os.WriteFile("/proc/"+p+"/setgroups", []byte("deny"), 0); err != nil {
		return fmt.Errorf("write /proc/%s/setgroups: %w", p, err)
	}
	if err := os.WriteFile("/proc/"+p+"/gid_map", []byte(fmt.Sprintf("0 %d 1\n", plan.GIDMap[0].Outside)), 0); err != nil {
		return fmt.Errorf("write gid_map: %w", err)
	}
	if err := os.WriteFile("/proc/"+p+"/uid_map", []byte(fmt.Sprintf("0 %d 1\n", plan.UIDMap[0].Outside)), 0); err != nil {
		return fmt.Errorf("write uid_map: %w", err)
	}
	return nil
}

func runMapTool(tool, pid string, m []IDMap, name, file string) error {
	var out bytes.Buffer
	c := exec.Command(tool, append([]string{pid}, Args(m)...)...)
	c.Stdout, c.Stderr = &out, &out
	if err := c.Run(); err != nil {
		msg := strings.TrimSpace(out.String())
		base := tool[strings.LastIndex(tool, "/")+1:]
		switch {
		case strings.Contains(msg, "Invalid argument"):
			return fmt.Errorf("%s %s: %s: the kernel rejected the map %v built from %s; check that the ranges of %q there do not overlap each other or other entries for the same user (one line like %q is enough)", base, pid, msg, m, file, name, name+":100000:65536")
		case strings.Contains(msg, "Operation not permitted") || strings.Contains(msg, "not allowed"):
			return fmt.Errorf("%s %s: %s: %s must be setuid root or have the %s capability (as root: chmod u+s %s), and the ranges must belong to %q in %s", base, pid, msg, tool, map[bool]string{true: "setuid", false: "setgid"}[base == "newuidmap"], tool, name, file)
		}
		return fmt.Errorf("%s %s: %s: %w", base, pid, msg, err)
	}
	return nil
}

// terminalForeground reports whether this process group is the foreground
// group of the terminal on stdin, i.e. receives its keyboard signals.
func terminalForeground() bool {
	pgrp, err := unix.IoctlGetInt(0, unix.TIOCGPGRP)
	return err == nil && pgrp == unix.Getpgrp()
}
