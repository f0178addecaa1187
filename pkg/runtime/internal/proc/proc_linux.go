package proc

import (
	"os"
	"strconv"
	"strings"
)

// StartTicks reads a process's start time (field 22 of /proc/PID/stat),
// which tells a process from a later one with its recycled pid; 0 when
// the process is gone or a zombie.
func StartTicks(pid int) uint64 {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0
	}
	f := strings.Fields(s[i+1:])
	// f[0] is the state, field 22 of stat (starttime) is f[19].
	if len(f) < 20 || f[0] == "Z" || f[0] == "X" {
		return 0
	}
	t, _ := strconv.ParseUint(f[19], 10, 64)
	return t
}
