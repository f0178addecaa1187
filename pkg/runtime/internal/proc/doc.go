// Package proc reads what pkg/runtime needs to know of processes from
// /proc.
package proc
