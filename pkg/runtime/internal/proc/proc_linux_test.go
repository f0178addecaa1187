package proc

import (
	"os"
	"os/exec"
	"testing"
)

func TestStartTicks(t *testing.T) {
	if StartTicks(os.Getpid()) == 0 {
		t.Error("this process has no start time")
	}
	cmd := exec.Command("/bin/true")
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	if StartTicks(cmd.Process.Pid) != 0 {
		t.Error("a reaped process has a start time")
	}
	if StartTicks(1<<30) != 0 {
		t.Error("a pid that cannot exist has a start time")
	}
}
