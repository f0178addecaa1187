// Package smaps reads the mapping of this process that holds an address
// from /proc/self/smaps: for the tests of how bin/husk's memory is mapped
// (internal/hugeheap, internal/prefault).
package smaps

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// Mapping is one entry of /proc/self/smaps.
type Mapping struct {
	Start, End uint64
	SizeKB     int
	RssKB      int
	VmFlags    []string
}

// Of returns the mapping that holds addr.
func Of(addr uintptr) (Mapping, error) {
	f, err := os.Open("/proc/self/smaps")
	if err != nil {
		return Mapping{}, err
	}
	defer f.Close()
	var m Mapping
	in := false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) == 0 {
			continue
		}
		if !strings.HasSuffix(fields[0], ":") {
			// A mapping's first line: "start-end perms offset dev inode [path]".
			if in {
				return m, nil
			}
			lo, hi, _ := strings.Cut(fields[0], "-")
			a, err1 := strconv.ParseUint(lo, 16, 64)
			b, err2 := strconv.ParseUint(hi, 16, 64)
			in = err1 == nil && err2 == nil && uint64(addr) >= a && uint64(addr) < b
			m = Mapping{Start: a, End: b}
			continue
		}
		if !in {
			continue
		}
		switch fields[0] {
		case "Size:":
			m.SizeKB, _ = strconv.Atoi(fields[1])
		case "Rss:":
			m.RssKB, _ = strconv.Atoi(fields[1])
		case "VmFlags:":
			m.VmFlags = fields[1:]
		}
	}
	if err := sc.Err(); err != nil {
		return Mapping{}, err
	}
	if in {
		return m, nil
	}
	return Mapping{}, fmt.Errorf("no mapping of this process holds %#x", addr)
}
