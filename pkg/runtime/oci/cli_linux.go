package oci

import (
	"os"
	"os/exec"
	"syscall"
)

// bornIn starts cmd in the cgroup v2 directory f (CLONE_INTO_CGROUP), so
// that the container it makes is born there; nil changes nothing.
func bornIn(cmd *exec.Cmd, f *os.File) error {
	if f == nil {
		return nil
	}
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{}
	}
	cmd.SysProcAttr.UseCgroupFD, cmd.SysProcAttr.CgroupFD = true, int(f.Fd())
	return nil
}
