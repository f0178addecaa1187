//go:build linux

package main

import (
	"context"
	"os"
	"os/signal"
	"strings"
	"sync/atomic"
	"syscall"

	"github.com/spf13/cobra"
)

// stopSignal is the signal (SIGINT or SIGTERM) that told this command to
// stop, 0 before one came: a command that gives up because of it exits
// with 128 + its number, as a process the signal killed would.
var stopSignal atomic.Int32

// stopContext is the command's context: cancelled by SIGINT or SIGTERM,
// which it records in stopSignal. Like signal.NotifyContext's, stop
// unregisters the signals.
func stopContext() (context.Context, func()) {
	ctx, cancel := context.WithCancel(context.Background())
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	go func() {
		select {
		case s := <-sigs:
			if n, ok := s.(syscall.Signal); ok {
				stopSignal.Store(int32(n))
			}
			cancel()
		case <-ctx.Done():
		}
	}()
	return ctx, func() {
		signal.Stop(sigs)
		cancel()
	}
}

// waitsGiveUp are the commands (as "husk [container] NAME" or "husk GROUP
// NAME") that, told to stop while they wait for another husk command's
// container lock, give up and leave the container as it was
// (runtime.ErrInterrupted). They change a container only at the user's
// request and have nothing to clean up. The others (run, start, exec, a
// monitor) may wait for a lock in their teardown after the signal that
// ended their container, and must go on waiting.
var waitsGiveUp = map[string]bool{
	"rm": true, "stop": true, "kill": true, "restart": true, "pause": true,
	"unpause": true, "rename": true, "update": true, "prune": true,
	"mount": true, "umount": true, "unmount": true,
	"pod rm": true, "pod stop": true, "pod kill": true, "pod restart": true,
	"pod pause": true, "pod unpause": true, "pod prune": true,
	"network connect": true, "network disconnect": true,
}

// interruptibleWaits reports whether cmd is one of waitsGiveUp.
func interruptibleWaits(cmd *cobra.Command) bool {
	path := strings.TrimPrefix(cmd.CommandPath(), cmd.Root().Name()+" ")
	path = strings.TrimPrefix(path, "container ")
	return waitsGiveUp[path]
}
