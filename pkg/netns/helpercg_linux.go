package netns

import (
	"errors"
	"os"
	"os/exec"
	"syscall"
)

// startIn starts cmd in a session of its own and, when cgroup is set,
// born into that cgroup v2 directory (made when missing). The per-user
// network's helpers (its pasta, DNS server and idle waiter) serve every
// container of the user and outlive the command that happened to start
// them: in that command's cgroup they would count as its leftovers (a
// benchmark's wait for its cgroup to empty, a systemd scope's stop). When
// the kernel refuses the move (the command runs outside the delegated
// subtree, so it may not write the common ancestor's cgroup.procs), the
// helper starts where the command runs, as before.
func startIn(cmd *exec.Cmd, cgroup string) error {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if cgroup == "" {
		return cmd.Start()
	}
	if err := os.Mkdir(cgroup, 0o755); err != nil && !errors.Is(err, os.ErrExist) {
		return cmd.Start()
	}
	f, err := os.Open(cgroup)
	if err != nil {
		return cmd.Start()
	}
	cmd.SysProcAttr.UseCgroupFD, cmd.SysProcAttr.CgroupFD = true, int(f.Fd())
	err = cmd.Start()
	f.Close()
	if err == nil {
		return nil
	}
	// Start did not start it (Process is nil), so it may try again.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	return cmd.Start()
}
