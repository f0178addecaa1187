package cgroups

import (
	"bufio"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Stats are one reading of a container's cgroup. A field whose source the
// host does not provide has its OK flag false.
type Stats struct {
	// CPUUsec is the CPU time used (cpu.stat usage_usec; always present
	// in cgroup v2).
	CPUUsec uint64 `json:"cpuUsec"`
	// Memory is memory.current with the memory controller; without it,
	// the sum of the processes' resident sets (MemorySource says which).
	Memory       uint64 `json:"memory"`
	MemorySource string `json:"memorySource"`
	// MemoryLimit is memory.max (0: no limit or no controller).
	MemoryLimit uint64 `json:"memoryLimit"`
	// Pids is pids.current, or the number of threads in the cgroup.
	Pids uint64 `json:"pids"`
	// IORead/IOWrite are bytes from io.stat (IOOK false without the io
	// controller).
	IORead  uint64 `json:"ioRead"`
	IOWrite uint64 `json:"ioWrite"`
	IOOK    bool   `json:"ioOk"`
}

// ReadStats reads the statistics of a cgroup v2 directory.
func ReadStats(dir string) (Stats, error) {
	var s Stats
	kv, err := readKV(filepath.Join(dir, "cpu.stat"))
	if err != nil {
		return s, err
	}
	s.CPUUsec = kv["usage_usec"]
	if v, ok := readUint(filepath.Join(dir, "memory.current")); ok {
		s.Memory, s.MemorySource = v, "memory.current"
		if l, ok := readUint(filepath.Join(dir, "memory.max")); ok {
			s.MemoryLimit = l
		}
	} else {
		s.MemorySource = "rss"
		for _, pid := range Pids(dir) {
			s.Memory += rss(pid)
		}
	}
	if v, ok := readUint(filepath.Join(dir, "pids.current")); ok {
		s.Pids = v
	} else {
		s.Pids = uint64(len(readFields(filepath.Join(dir, "cgroup.threads"))))
	}
	if b, err := os.ReadFile(filepath.Join(dir, "io.stat")); err == nil {
		s.IOOK = true
		for _, f := range strings.Fields(string(b)) {
			if v, ok := strings.CutPrefix(f, "rbytes="); ok {
				n, _ := strconv.ParseUint(v, 10, 64)
				s.IORead += n
			} else if v, ok := strings.CutPrefix(f, "wbytes="); ok {
				n, _ := strconv.ParseUint(v, 10, 64)
				s.IOWrite += n
			}
		}
	}
	return s, nil
}

func readKV(path string) (map[string]uint64, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	out := map[string]uint64{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), " ")
		if ok {
			out[k], _ = strconv.ParseUint(strings.TrimSpace(v), 10, 64)
		}
	}
	return out, sc.Err()
}

// readUint reads a single-number file ("max" reads as not set).
func readUint(path string) (uint64, bool) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, false
	}
	v, err := strconv.ParseUint(strings.TrimSpace(string(b)), 10, 64)
	return v, err == nil
}

// rss returns a process's resident set size in bytes.
func rss(pid int) uint64 {
	b, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "status"))
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "VmRSS:"); ok {
			f := strings.Fields(v)
			if len(f) > 0 {
				n, _ := strconv.ParseUint(f[0], 10, 64)
				return n * 1024
			}
		}
	}
	return 0
}
