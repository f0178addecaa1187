//go:build linux

package monwait

// Available is whether the waiter is linked into the program: wherever
// this package is imported (its constructor comes with it). A monitor
// hands over to the waiter only then (runtime.Env.MonitorWaiter).
const Available = true
