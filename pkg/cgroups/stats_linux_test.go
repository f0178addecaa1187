package cgroups

import (
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestReadStatsWithControllers(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"cpu.stat":       "usage_usec 123456\nuser_usec 100000\nsystem_usec 23456\nnr_periods 0\n",
		"memory.current": "7340032\n",
		"memory.max":     "67108864\n",
		"pids.current":   "4\n",
		"cgroup.threads": "1\n2\n",
		"io.stat":        "8:0 rbytes=1000 wbytes=2000 rios=3 wios=4 dbytes=0 dios=0\n8:16 rbytes=24 wbytes=48 rios=1 wios=1 dbytes=0 dios=0\n",
	})
	s, err := ReadStats(dir)
	if err != nil {
		t.Fatal(err)
	}
	want := Stats{CPUUsec: 123456, Memory: 7340032, MemorySource: "memory.current", MemoryLimit: 67108864,
		Pids: 4, IORead: 1024, IOWrite: 2048, IOOK: true}
	if s != want {
		t.Errorf("ReadStats = %+v\nwant        %+v", s, want)
	}

	// memory.max "max" is no limit.
	writeFiles(t, dir, map[string]string{"memory.max": "max\n"})
	if s, err := ReadStats(dir); err != nil || s.MemoryLimit != 0 || s.Memory != 7340032 {
		t.Errorf("memory.max = max: ReadStats = %+v, %v; want limit 0", s, err)
	}
}

// This machine's cgroup v2 tree has no controllers: memory is the sum of
// the processes' resident sets, pids the thread count, no io.
func TestReadStatsWithoutControllers(t *testing.T) {
	dir := t.TempDir()
	self := os.Getpid()
	writeFiles(t, dir, map[string]string{
		"cpu.stat":       "usage_usec 42\nuser_usec 40\nsystem_usec 2\n",
		"cgroup.procs":   strconv.Itoa(self) + "\n",
		"cgroup.threads": "10\n11\n12\n",
	})
	s, err := ReadStats(dir)
	if err != nil {
		t.Fatal(err)
	}
	if s.CPUUsec != 42 || s.Pids != 3 || s.IOOK || s.MemoryLimit != 0 || s.MemorySource != "rss" {
		t.Errorf("ReadStats = %+v; want cpu 42, pids 3 (threads), no io, no limit, source rss", s)
	}
	r := rss(self)
	if r == 0 {
		t.Fatalf("rss(%d) = 0", self)
	}
	// Our RSS moves a little between the two readings.
	if s.Memory < r/2 || s.Memory > r*2 {
		t.Errorf("memory %d is not this process's RSS (~%d)", s.Memory, r)
	}

	// Two processes: both are summed.
	writeFiles(t, dir, map[string]string{"cgroup.procs": strconv.Itoa(self) + "\n" + strconv.Itoa(os.Getppid()) + "\n"})
	s2, err := ReadStats(dir)
	if err != nil {
		t.Fatal(err)
	}
	if pr := rss(os.Getppid()); pr > 0 && s2.Memory < s.Memory/2+pr {
		t.Errorf("memory of two processes %d is not the sum (self ~%d + parent %d)", s2.Memory, s.Memory, pr)
	}

	// Processes that are gone count as nothing.
	writeFiles(t, dir, map[string]string{"cgroup.procs": "999999999\n"})
	if s, err := ReadStats(dir); err != nil || s.Memory != 0 || s.MemorySource != "rss" {
		t.Errorf("a vanished process: ReadStats = %+v, %v", s, err)
	}
}

func TestReadStatsNoCgroup(t *testing.T) {
	if _, err := ReadStats(filepath.Join(t.TempDir(), "gone")); err == nil {
		t.Error("ReadStats of a missing directory: no error")
	}
}
