// Package monwait is the part of a detached container's monitor that
// waits: a C loop entered from a constructor, before the Go runtime
// starts, in a monitor that executed itself once the container ran
// (pkg/runtime's Monitor hands over to it). It copies the container's
// output to the container log as pkg/runtime's LogFile would (monlog.c),
// feeds the attach socket's input to the container's stdin, forwards the
// terminal signals, reaps, records the exit code in the container's
// "exit" file and then executes husk again for the Go teardown
// (runtime.FinishMonitor). A waiting monitor so costs a fraction of a
// MiB instead of a Go runtime's ten.
//
// Importing the package links the constructor in; cmd/husk does.
package monwait
