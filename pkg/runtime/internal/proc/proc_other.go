//go:build !linux

// Package proc reads what pkg/runtime needs to know of processes from
// /proc.
package proc

// StartTicks is 0 (unknown) where there is no /proc to read.
func StartTicks(pid int) uint64 { return 0 }
