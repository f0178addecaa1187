package compose

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/husk-dev/husk/pkg/compose/composeopts"
)

// UpExit is how a foreground up with --abort-on-container-exit or
// --exit-code-from ends when the container whose code it reports did not
// exit 0: the command exits with Code, as docker compose's up does.
type UpExit struct {
	Container string
	Code      int
}

func (e *UpExit) Error() string {
	return fmt.Sprintf("container %s exited with code %d", e.Container, e.Code)
}

// attach follows the started containers' logs, as "docker compose up"
// does in the foreground, until they all stop; interrupted (ctx), it
// stops them. With o.AbortOnExit or o.ExitCodeFrom, the first container
// to stop stops the others too.
func attach(ctx context.Context, e Env, pl *plan, o composeopts.Up) error {
	var cs []projCtr
	for _, s := range pl.services {
		if s.Attach != nil && !*s.Attach {
			continue
		}
		for _, c := range pl.containers[s.Name] {
			cs = append(cs, projCtr{name: c.Name, service: s.Name})
		}
	}
	fmt.Fprintf(e.Err, "Attaching to %s (Ctrl-C stops them)\n", joinNames(cs))
	// Each container that stops is reported with its exit code, as
	// docker compose does; the codes are kept for the abort's.
	var mu sync.Mutex
	codes := make(map[string]int, len(cs))
	ended := make(chan projCtr, len(cs))
	report := func(c projCtr) {
		if code, ok := exitCode(context.WithoutCancel(ctx), e.Husk, c.name); ok {
			mu.Lock()
			codes[c.name] = code
			mu.Unlock()
			fmt.Fprintf(e.Out, "%s exited with code %d\n", c.name, code)
		}
		ended <- c
	}
	// The logs go on while the containers stop: what they print then is
	// shown.
	logCtx, cancelLogs := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelLogs()
	done := make(chan error, 1)
	go func() { done <- followLogsUntil(logCtx, e, cs, composeopts.Logs{Follow: true, Tail: -1}, report) }()
	abort := o.AbortOnExit || o.ExitCodeFrom != ""
	var abortOn <-chan projCtr
	if abort {
		abortOn = ended
	}
	var first projCtr
	select {
	case err := <-done:
		// Every container stopped by itself.
		if err != nil || !abort || len(cs) == 0 {
			return err
		}
		first = <-ended
		return upExit(o, first, cs, codes)
	case first = <-abortOn:
		fmt.Fprintln(e.Err, "Aborting on container exit...")
	case <-ctx.Done():
		fmt.Fprintln(e.Err, "Gracefully stopping...")
	}
	stopAll(ctx, e, pl)
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		cancelLogs()
		<-done
	}
	if !abort || first.name == "" {
		return nil
	}
	// (Every report has returned: done came after them.)
	return upExit(o, first, cs, codes)
}

// stopAll stops the plan's containers, the last started first.
func stopAll(ctx context.Context, e Env, pl *plan) {
	stopCtx := context.WithoutCancel(ctx)
	for i := len(pl.services) - 1; i >= 0; i-- {
		for _, c := range pl.containers[pl.services[i].Name] {
			if err := e.Husk.Run(stopCtx, []string{"stop", c.Name}, Stdio{Out: io.Discard, Err: e.Err}); err == nil {
				fmt.Fprintf(e.Err, "Container %s  Stopped\n", c.Name)
			}
		}
	}
}

// upExit is up's end after an abort: the exit code of the first
// container that stopped, or of the --exit-code-from service's first
// container (stopped by the abort, it has the code of that stop).
func upExit(o composeopts.Up, first projCtr, cs []projCtr, codes map[string]int) error {
	name := first.name
	if o.ExitCodeFrom != "" {
		for _, c := range cs {
			if c.service == o.ExitCodeFrom {
				name = c.name
				break
			}
		}
	}
	code, ok := codes[name]
	if !ok {
		return fmt.Errorf("the exit code of container %s is not known", name)
	}
	if code != 0 {
		return &UpExit{Container: name, Code: code}
	}
	return nil
}

// exitCode is the exit code of a container that has stopped.
func exitCode(ctx context.Context, h Husk, name string) (int, bool) {
	out, err := output(ctx, h, io.Discard, "wait", name)
	if err != nil {
		return 0, false
	}
	code, err := strconv.Atoi(strings.TrimSpace(out))
	return code, err == nil
}
