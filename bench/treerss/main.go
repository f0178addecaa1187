//go:build linux

// Command treerss runs a command and reports the peak memory of its whole
// process tree, for husk's benchmarks (bench/*.sh).
//
//	treerss [-interval 10ms] [-cgroup DIR] [-all-uids] [-v] -- CMD [ARG...]
//
// Why not /usr/bin/time's %M: that is ru_maxrss from wait4, and for a
// process that waited for children the kernel reports the MAXIMUM of the
// individual peaks (the process's own and each waited-for descendant's),
// not their sum. A tool that re-executes itself in a user namespace has a
// parent that stays alive (and resident) while the child works, and the
// child may run helpers (storage-untar) at the same time; %M then shows
// only the biggest of them. treerss samples every process of the tree
// every -interval and reports the largest SUM seen, both of RSS (shared
// pages counted once per process: an upper bound) and of PSS (shared pages
// split between their users: what the tree really costs). Processes that
// live shorter than one interval are missed; they are small helpers here
// (newuidmap, newgidmap).
//
// Tree membership: with -cgroup DIR (a new cgroup v2 directory; treerss
// creates it and removes it afterwards) the command is started inside that
// cgroup (clone3 CLONE_INTO_CGROUP) and the tree is whatever cgroup.procs
// lists, daemonized children included. Without it, treerss follows parent
// pids in /proc (daemonized processes drop out). Run as root, treerss skips
// processes whose real uid is 0 (the runuser/shell wrappers that switch to
// the test user) unless -all-uids is given.
//
// Output, one line on stderr:
//
//	treerss: wall_s=1.234 peak_rss_kb=N peak_pss_kb=N max_single_rss_kb=N procs=N samples=N exit=N
//
// max_single_rss_kb is the largest VmHWM seen in any one process (what %M
// approximates). With -v, a line per process with its own peaks comes
// first. The command's exit status is passed on.
package main

import (
	"bufio"
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

type sample struct {
	rss, pss, hwm int64
	uid           int
	ppid          int
}

func main() {
	interval := flag.Duration("interval", 10*time.Millisecond, "sampling interval")
	cgroup := flag.String("cgroup", "", "cgroup v2 directory to create and run the command in")
	allUIDs := flag.Bool("all-uids", false, "also count processes running as uid 0")
	verbose := flag.Bool("v", false, "also print each process's peak RSS and PSS")
	flag.Parse()
	if flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: treerss [-interval D] [-cgroup DIR] [-all-uids] [-v] -- CMD [ARG...]")
		os.Exit(2)
	}
	os.Exit(run(flag.Args(), *interval, *cgroup, *allUIDs, *verbose))
}

// procPeak is what -v prints for one process.
type procPeak struct {
	comm     string
	rss, pss int64
}

func run(argv []string, interval time.Duration, cgroup string, allUIDs, verbose bool) int {
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	if cgroup != "" {
		if err := os.Mkdir(cgroup, 0o755); err != nil {
			fmt.Fprintf(os.Stderr, "treerss: %v\n", err)
			return 125
		}
		defer removeCgroup(cgroup)
		fd, err := syscall.Open(cgroup, syscall.O_DIRECTORY|syscall.O_RDONLY|syscall.O_CLOEXEC, 0)
		if err != nil {
			fmt.Fprintf(os.Stderr, "treerss: %v\n", err)
			return 125
		}
		defer syscall.Close(fd)
		cmd.SysProcAttr = &syscall.SysProcAttr{UseCgroupFD: true, CgroupFD: fd}
	}
	// Signals go to the command; treerss outlives it to report.
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP)
	start := time.Now()
	if err := cmd.Start(); err != nil {
		fmt.Fprintf(os.Stderr, "treerss: %v\n", err)
		return 127
	}
	root := cmd.Process.Pid
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()

	var peakRSS, peakPSS, maxHWM int64
	seen := map[int]*procPeak{}
	samples := 0
	tick := time.NewTicker(interval)
	defer tick.Stop()
	measure := func() {
		var pids []int
		if cgroup != "" {
			pids = cgroupPids(cgroup)
		} else {
			pids = descendants(root)
		}
		var rss, pss int64
		for _, pid := range pids {
			s, ok := read(pid)
			if !ok || (!allUIDs && s.uid == 0) {
				continue
			}
			pp := seen[pid]
			if pp == nil {
				pp = &procPeak{}
				seen[pid] = pp
			}
			if verbose {
				pp.comm = cmdline(pid, pp.comm)
			}
			pp.rss, pp.pss = max(pp.rss, s.rss), max(pp.pss, s.pss)
			rss += s.rss
			pss += s.pss
			maxHWM = max(maxHWM, s.hwm)
		}
		peakRSS = max(peakRSS, rss)
		peakPSS = max(peakPSS, pss)
		samples++
	}
	var werr error
loop:
	for {
		select {
		case werr = <-done:
			break loop
		case s := <-sigs:
			_ = cmd.Process.Signal(s)
		case <-tick.C:
			measure()
		}
	}
	wall := time.Since(start)
	code := 0
	if werr != nil {
		var ee *exec.ExitError
		if errors.As(werr, &ee) {
			code = ee.ExitCode()
			if code < 0 {
				code = 128 + int(ee.Sys().(syscall.WaitStatus).Signal())
			}
		} else {
			fmt.Fprintf(os.Stderr, "treerss: %v\n", werr)
			code = 125
		}
	}
	if verbose {
		for pid, pp := range seen {
			c := pp.comm
			if len(c) > 60 {
				c = c[:60]
			}
			fmt.Fprintf(os.Stderr, "treerss: pid %d peak_rss_kb=%d peak_pss_kb=%d %s\n", pid, pp.rss, pp.pss, c)
		}
	}
	fmt.Fprintf(os.Stderr, "treerss: wall_s=%.3f peak_rss_kb=%d peak_pss_kb=%d max_single_rss_kb=%d procs=%d samples=%d exit=%d\n",
		wall.Seconds(), peakRSS, peakPSS, maxHWM, len(seen), samples, code)
	return code
}

// read returns a process's memory figures in kB; ok is false when it has
// gone or is a zombie (no memory left to count).
func read(pid int) (s sample, ok bool) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return s, false
	}
	s.uid = -1
	for _, line := range bytes.Split(b, []byte("\n")) {
		k, v, found := bytes.Cut(line, []byte(":"))
		if !found {
			continue
		}
		f := strings.Fields(string(v))
		if len(f) == 0 {
			continue
		}
		switch string(k) {
		case "Uid":
			s.uid, _ = strconv.Atoi(f[0])
		case "PPid":
			s.ppid, _ = strconv.Atoi(f[0])
		case "VmRSS":
			s.rss, _ = strconv.ParseInt(f[0], 10, 64)
		case "VmHWM":
			s.hwm, _ = strconv.ParseInt(f[0], 10, 64)
		}
	}
	if s.rss == 0 {
		return s, s.uid >= 0 // kernel thread or zombie: counts as nothing
	}
	s.pss = s.rss // fallback when smaps_rollup is unreadable
	if f, err := os.Open(fmt.Sprintf("/proc/%d/smaps_rollup", pid)); err == nil {
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if v, found := strings.CutPrefix(sc.Text(), "Pss:"); found {
				if fs := strings.Fields(v); len(fs) > 0 {
					if n, err := strconv.ParseInt(fs[0], 10, 64); err == nil {
						s.pss = n
					}
				}
				break
			}
		}
		f.Close()
	}
	return s, true
}

// cmdline returns a process's command line (it changes on exec), or old
// when it cannot be read.
func cmdline(pid int, old string) string {
	c, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
	if err != nil || len(c) == 0 {
		return old
	}
	return strings.Join(strings.Fields(strings.ReplaceAll(string(c), "\x00", " ")), " ")
}

func cgroupPids(dir string) []int {
	b, err := os.ReadFile(filepath.Join(dir, "cgroup.procs"))
	if err != nil {
		return nil
	}
	var pids []int
	for _, f := range strings.Fields(string(b)) {
		if n, err := strconv.Atoi(f); err == nil {
			pids = append(pids, n)
		}
	}
	return pids
}

// descendants lists root and every process whose parent chain leads to it.
func descendants(root int) []int {
	ents, err := os.ReadDir("/proc")
	if err != nil {
		return []int{root}
	}
	parent := map[int]int{}
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue
		}
		// pid (comm) state ppid ...: comm may hold spaces and parentheses.
		i := bytes.LastIndexByte(b, ')')
		if i < 0 {
			continue
		}
		f := strings.Fields(string(b[i+1:]))
		if len(f) < 2 {
			continue
		}
		pp, _ := strconv.Atoi(f[1])
		parent[pid] = pp
	}
	in := map[int]bool{root: true}
	out := []int{root}
	for changed := true; changed; {
		changed = false
		for pid, pp := range parent {
			if !in[pid] && in[pp] {
				in[pid] = true
				out = append(out, pid)
				changed = true
			}
		}
	}
	return out
}

// removeCgroup waits briefly for stragglers (a process may still be
// exiting), moves processes that stay (a daemon the command left behind) to
// the parent cgroup, and removes the cgroup directory.
func removeCgroup(dir string) {
	for i := 0; i < 50; i++ {
		if err := os.Remove(dir); err == nil || os.IsNotExist(err) {
			return
		}
		if i == 25 {
			for _, pid := range cgroupPids(dir) {
				_ = os.WriteFile(filepath.Join(filepath.Dir(dir), "cgroup.procs"), []byte(strconv.Itoa(pid)), 0)
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	fmt.Fprintf(os.Stderr, "treerss: warning: could not remove cgroup %s (processes left in it: %v)\n", dir, cgroupPids(dir))
}
