package runtime

import (
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/coreos/go-systemd/v22/daemon"
	specs "github.com/opencontainers/runtime-spec/specs-go"
	"github.com/sirupsen/logrus"

	"github.com/husk-dev/husk/internal/setting"
)

// SdNotifyMode is how a container started by a systemd service of
// Type=notify tells systemd it is ready (--sdnotify, podman's modes).
// Only a husk started with NOTIFY_SOCKET set notifies anything.
type SdNotifyMode string

const (
	// SdNotifyConmon (the default): the process that waits for the
	// container (its monitor, or husk in the foreground) sends
	// MAINPID=<its pid> and READY=1 once the container runs.
	SdNotifyConmon SdNotifyMode = "conmon"
	// SdNotifyContainer: the container gets the socket (at
	// notifySocketInCtr, NOTIFY_SOCKET set) and says READY=1 itself;
	// husk sends MAINPID only.
	SdNotifyContainer SdNotifyMode = "container"
	// SdNotifyIgnore: husk sends nothing and the container gets nothing.
	SdNotifyIgnore SdNotifyMode = "ignore"
)

// notifySocketEnv is systemd's variable (sd_notify(3)).
const notifySocketEnv = "NOTIFY_SOCKET"

// notifySocketInCtr is where the container finds the socket, as in
// podman.
const notifySocketInCtr = "/run/notify/notify.sock"

// ParseSdNotify checks an --sdnotify value. The default, conmon, is
// recorded as "" (records of containers made before --sdnotify have it).
func ParseSdNotify(v string) (SdNotifyMode, error) {
	switch m := SdNotifyMode(v); m {
	case "", SdNotifyConmon:
		return "", nil
	case SdNotifyContainer, SdNotifyIgnore:
		return m, nil
	}
	return "", setting.Errorf("{sdnotify} %q: use conmon, container or ignore", v)
}

// notifyStarted tells systemd, when this husk runs under a service that
// waits for it (NOTIFY_SOCKET) with --sdnotify=conmon, that the container
// runs: the main pid is this process (the monitor, which the C waiter
// keeps, or husk in the foreground). Sent before "run -d" exits, so
// systemd follows the main pid from it to the monitor.
func notifyStarted(c *Container) {
	if c.Config.SdNotify == SdNotifyContainer {
		return // sent before the create (notifyMainPID)
	}
	sdNotify(c, "MAINPID="+strconv.Itoa(os.Getpid())+"\n"+daemon.SdNotifyReady)
}

// notifyMainPID tells systemd the main pid for --sdnotify=container
// before the runtime is asked to create (and perhaps start) the
// container: the container sends READY=1 itself, through the same
// socket, as soon as it runs, and systemd must know the main pid by
// then.
func notifyMainPID(c *Container) {
	if c.Config.SdNotify == SdNotifyContainer {
		sdNotify(c, "MAINPID="+strconv.Itoa(os.Getpid()))
	}
}

func sdNotify(c *Container, state string) {
	if os.Getenv(notifySocketEnv) == "" || c.Config.SdNotify == SdNotifyIgnore {
		return
	}
	if _, err := daemon.SdNotify(false, state); err != nil {
		logrus.Warnf("tell systemd that container %s runs: %v", c.Name, err)
	}
}

// addNotifySocket gives a container of SdNotifyContainer the socket of
// the service it runs under: the socket is bound into the container and
// NOTIFY_SOCKET names it there. Nothing without NOTIFY_SOCKET.
func addNotifySocket(c *Container, s *specs.Spec) error {
	sock := os.Getenv(notifySocketEnv)
	if c.Config.SdNotify != SdNotifyContainer || sock == "" {
		return nil
	}
	if strings.HasPrefix(sock, "@") {
		return setting.Errorf("NOTIFY_SOCKET %q is an abstract socket, which cannot be bound into a container: use {sdnotify}=conmon", sock)
	}
	if _, err := os.Stat(sock); err != nil {
		return fmt.Errorf("NOTIFY_SOCKET: %w", err)
	}
	s.Mounts = append(s.Mounts, specs.Mount{
		Destination: notifySocketInCtr, Type: "bind", Source: sock, Options: []string{"bind"},
	})
	if s.Process != nil {
		s.Process.Env = append(withoutVar(s.Process.Env, notifySocketEnv), notifySocketEnv+"="+notifySocketInCtr)
	}
	return nil
}
