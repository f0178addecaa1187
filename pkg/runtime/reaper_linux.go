package runtime

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

// orphanReaper reaps the monitor's children other than the container's
// init (which Start waits for): processes of a runtime that refused the
// host, re-parented to the monitor as subreaper, would stay zombies for
// the container's whole life. It reaps only a zombie it has seen in two
// sweeps in a row (half a second apart): a process this one started and
// waits for (a runtime command, a network helper) is collected by its own
// waiter at once, and must not have its exit taken from under it.
type orphanReaper struct {
	quit, done chan struct{}
}

func reapOrphans(keep int) *orphanReaper {
	r := &orphanReaper{quit: make(chan struct{}), done: make(chan struct{})}
	go r.run(keep)
	return r
}

// stop ends the reaping and returns once no sweep runs; nil does nothing.
func (r *orphanReaper) stop() {
	if r == nil {
		return
	}
	close(r.quit)
	<-r.done
}

func (r *orphanReaper) run(keep int) {
	defer close(r.done)
	seen := map[int]bool{}
	for {
		now := map[int]bool{}
		for _, pid := range childPids() {
			if pid == keep || !isZombie(pid) {
				continue
			}
			if !seen[pid] {
				now[pid] = true
				continue
			}
			var ws unix.WaitStatus
			_, _ = unix.Wait4(pid, &ws, unix.WNOHANG, nil)
		}
		seen = now
		// A fresh timer, not a ticker: a late sweep must not be followed
		// at once by the next (two sightings at least 500 ms apart).
		select {
		case <-r.quit:
			return
		case <-time.After(500 * time.Millisecond):
		}
		select {
		case <-r.quit:
			return
		default:
		}
	}
}

// childPids lists this process's children (of all its threads).
func childPids() []int {
	var out []int
	tasks, _ := filepath.Glob("/proc/self/task/*/children")
	for _, t := range tasks {
		b, err := os.ReadFile(t)
		if err != nil {
			continue
		}
		for _, f := range strings.Fields(string(b)) {
			if pid, err := strconv.Atoi(f); err == nil {
				out = append(out, pid)
			}
		}
	}
	return out
}

// isZombie reports whether pid has exited and waits to be reaped.
func isZombie(pid int) bool {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	i := bytes.LastIndexByte(b, ')')
	return i >= 0 && len(b) > i+2 && b[i+2] == 'Z'
}
