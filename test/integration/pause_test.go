package integration

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// pausesFor lists the pause processes serving a runtime directory.
func pausesFor(t *testing.T, runDir string) []int {
	t.Helper()
	want := []byte("HUSK_PAUSE_PIDFILE=" + filepath.Join(runDir, "husk", "pause.pid"))
	entries, _ := os.ReadDir("/proc")
	var pids []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		cmd, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if err != nil || !bytes.Contains(cmd, []byte("\x00__pause")) {
			continue
		}
		env, err := os.ReadFile(filepath.Join("/proc", e.Name(), "environ"))
		if err == nil && bytes.Contains(env, want) {
			pids = append(pids, pid)
		}
	}
	return pids
}

func (e *env) pausePid(t *testing.T) int {
	t.Helper()
	var info struct{ UserNS struct{ PausePid int } }
	if err := json.Unmarshal([]byte(e.husk("info", "--format", "json")), &info); err != nil {
		t.Fatal(err)
	}
	return info.UserNS.PausePid
}

// Four first commands at once create exactly one pause process, and later
// commands join it.
func TestOnePauseProcessForConcurrentFirstCommands(t *testing.T) {
	e := rootless(t)
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if r := e.run(context.Background(), "images", "-q"); r.code != 0 {
				t.Errorf("images: %+v", r)
			}
		}()
	}
	wg.Wait()
	pids := pausesFor(t, filepath.Join(e.home, "run"))
	if len(pids) != 1 {
		t.Fatalf("pause processes: %v", pids)
	}
	if got := e.pausePid(t); got != pids[0] {
		t.Fatalf("info reports pause %d, running %d", got, pids[0])
	}
	// A joined command sees the namespace's map, not the host's.
	out := e.husk("info", "--format", "json")
	if !strings.Contains(out, `"uidMap": "0 `+strconv.Itoa(os.Getuid())+` 1`) {
		t.Fatalf("not inside the namespace: %s", out)
	}
}

// After the pause process is killed, the next command starts a new one and
// works.
func TestPauseProcessKilledIsRecreated(t *testing.T) {
	e := rootless(t)
	first := e.pausePid(t)
	if first == 0 {
		t.Fatal("no pause process")
	}
	if err := syscall.Kill(first, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for syscall.Kill(first, 0) == nil && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	id := e.husk("pull", "-q", e.image("busybox"))
	if !idRE.MatchString(id) {
		t.Fatalf("pull after the pause died: %q", id)
	}
	second := e.pausePid(t)
	if second == 0 || second == first {
		t.Fatalf("pause %d after killing %d", second, first)
	}
	// system reset stops it.
	e.husk("system", "reset", "-f")
	if pids := pausesFor(t, filepath.Join(e.home, "run")); len(pids) != 0 {
		t.Fatalf("pause left after reset: %v", pids)
	}
}
