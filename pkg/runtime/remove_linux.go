package runtime

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	cstorage "go.podman.io/storage"
	"golang.org/x/sys/unix"

	"github.com/husk-dev/husk/internal/setting"
	"github.com/husk-dev/husk/pkg/cgroups"
	"github.com/husk-dev/husk/pkg/events"
	"github.com/husk-dev/husk/pkg/netns"
	"github.com/husk-dev/husk/pkg/runtime/oci"
)

// ErrContainerRunning is returned for removing a running container
// without force.
var ErrContainerRunning = errors.New("container is running")

// Remove deletes a container: runtime state, mount, storage and files.
// A running container is refused unless force is set (then it is killed).
func Remove(ctx context.Context, env Env, c *Container, force bool) error {
	if err := Refresh(env, c); errors.Is(err, ErrContainerUnknown) {
		return nil // removed as an interrupted --rm run
	} else if err != nil {
		return err
	}
	// Its monitor must neither restart it nor wait to.
	if force || !c.Alive() {
		if _, err := stopRestarts(c); err != nil {
			return err
		}
	}
	if c.Alive() {
		if !force {
			return setting.Errorf("cannot remove container %s: %w: stop it first or use {force}", c.Name, ErrContainerRunning)
		}
		// Every process of the container goes with its pid namespace's
		// init (and its cgroup, when it has one); the monitor then
		// records the exit.
		mon, monTicks := c.State.MonitorPid, uint64(0)
		if mon > 0 {
			monTicks = procStartTicks(mon)
		}
		if c.State.Cgroup != "" {
			_ = cgroups.Kill(c.State.Cgroup)
		}
		_ = unix.Kill(c.State.Pid, unix.SIGKILL)
		wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		_, err := waitExit(wctx, env, c, false)
		cancel()
		waitMonitorDone(mon, monTicks, 10*time.Second)
		if _, serr := env.Store.Container(c.ID); serr != nil {
			return nil // its monitor removed it (--rm)
		}
		if err != nil {
			return fmt.Errorf("remove container %s: %w", c.Name, err)
		}
	}
	if _, err := env.Store.Container(c.ID); err != nil {
		return nil // gone already (a --rm container's monitor removed it)
	}
	unlock, err := c.Lock()
	if err != nil {
		return err
	}
	defer unlock()
	deleteFromRuntimes(ctx, env, c)
	if c.State.CgroupOwned {
		if err := cgroups.Remove(c.State.Cgroup); err != nil {
			return err
		}
	}
	if err := netns.Detach(netRunDir(env), c.ID); err != nil {
		return err
	}
	if err := removeStorage(env, c); err != nil {
		return err
	}
	if c.Config.Remove {
		// A --rm container's anonymous volumes go with it however it
		// ends; here this remove, not its monitor, took it away.
		removeAnonymousVolumes(env, c)
	}
	RecordEvent(env, c, events.Remove)
	return nil
}

// waitMonitorDone waits, up to limit, for the monitor (pid and start
// ticks) of a container that exited to end: it tears the container down
// after recording the exit, and removes a --rm one; a remove going ahead
// meanwhile would race it for the storage.
func waitMonitorDone(pid int, ticks uint64, limit time.Duration) {
	if pid <= 0 || ticks == 0 || pid == os.Getpid() {
		return
	}
	for end := time.Now().Add(limit); time.Now().Before(end); time.Sleep(10 * time.Millisecond) {
		if procStartTicks(pid) != ticks || isZombie(pid) {
			return
		}
	}
}

// deleteFromRuntimes removes the container from whichever runtime has it,
// killing what still runs of it.
func deleteFromRuntimes(ctx context.Context, env Env, c *Container) {
	for _, rt := range env.Runtimes {
		_ = rt.Driver(c.State.RuntimeArgs).Delete(ctx, c.ID, oci.DeleteOptions{})
	}
}

// removeStorage unmounts and deletes the container's storage and files.
// DeleteContainer unmounts the layer itself, in the same locked pass over
// the store (~1-2 ms less than unmounting first); a forced unmount is the
// fallback when that fails.
func removeStorage(env Env, c *Container) error {
	if c.Config.RootfsOverlay {
		unmountImages(env, c) // only its overlay: image mounts go with the run
	}
	err := env.Store.DeleteContainer(c.ID)
	if err != nil && !errors.Is(err, cstorage.ErrContainerUnknown) {
		_, _ = env.Store.Unmount(c.ID, true)
		err = env.Store.DeleteContainer(c.ID)
	}
	if err != nil && !errors.Is(err, cstorage.ErrContainerUnknown) {
		return fmt.Errorf("remove container %s: %w", c.Name, err)
	}
	return nil
}

// exitsDir keeps the exit codes of removed (--rm) containers, in the run
// root (gone after a reboot, like the containers).
func exitsDir(env Env) string { return filepath.Join(env.Store.RunRoot, "husk-exits") }

func recordExit(env Env, c *Container) {
	_ = os.MkdirAll(exitsDir(env), 0o700)
	_ = os.WriteFile(filepath.Join(exitsDir(env), c.ID), []byte(strconv.Itoa(c.State.ExitCode)+"\n"), 0o600)
}

// removedExit returns the exit code a removed --rm container left.
func removedExit(env Env, id string) (int, bool) {
	b, err := os.ReadFile(filepath.Join(exitsDir(env), id))
	if err != nil {
		return 0, false
	}
	n, err := strconv.Atoi(strings.TrimSpace(string(b)))
	return n, err == nil
}
