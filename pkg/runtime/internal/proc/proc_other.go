//go:build !linux

package proc

// StartTicks is 0 (unknown) where there is no /proc to read.
func StartTicks(pid int) uint64 { return 0 }
