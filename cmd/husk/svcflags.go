//go:build linux

package main

import (
	"github.com/spf13/pflag"

	"github.com/husk-dev/husk/pkg/ctropts"
)

// addServiceFlags declares run and create's --secret, --init,
// --init-path, --sdnotify and the healthcheck's flags.
func addServiceFlags(fs *pflag.FlagSet, s *ctropts.ServiceFlags) {
	stringArrayVar(fs, &s.Secrets, "secret", nil, "give the container a secret: NAME[,type=mount|env][,target=PATH|VAR][,uid=N][,gid=N][,mode=OCTAL] (mount: a read-only file at /run/secrets/NAME or TARGET, mode 0444; env: the variable NAME or TARGET)")
	fs.BoolVar(&s.Init, "init", false, "run an init (catatonit or tini) as PID 1 that forwards signals to the command and reaps orphaned processes")
	fs.StringVar(&s.InitPath, "init-path", "", "path of the init binary for --init (default: catatonit, else tini, found on the host)")
	fs.StringVar(&s.SdNotify, "sdnotify", "conmon", "under a systemd service of Type=notify (NOTIFY_SOCKET set): conmon (husk's monitor sends READY=1 and MAINPID once the container runs), container (the container gets the socket at /run/notify/notify.sock and sends READY=1 itself; husk sends MAINPID), or ignore")
	h := &s.Health
	fs.StringVar(&h.Cmd, "health-cmd", "", "healthcheck command, run in the container by its monitor: a shell command, or a JSON array (\"none\": disable the image's)")
	fs.StringVar(&h.Interval, "health-interval", "", "time between healthchecks, or \"disable\" (default: the image's, else 30s)")
	fs.StringVar(&h.Timeout, "health-timeout", "", "time a healthcheck may take before it counts as failed (default: the image's, else 30s)")
	fs.StringVar(&h.Retries, "health-retries", "", "consecutive failures that make the container unhealthy (default: the image's, else 3)")
	fs.StringVar(&h.StartPeriod, "health-start-period", "", "time after the start in which failures do not count (default: the image's, else 0s)")
	fs.StringVar(&h.OnFailure, "health-on-failure", "", "what to do with an unhealthy container: none, kill, restart or stop (default none)")
	fs.BoolVar(&h.Disable, "no-healthcheck", false, "run no healthcheck, not even the image's")
}

// addRestartFlag declares run and create's --restart.
func addRestartFlag(fs *pflag.FlagSet, restart *string) {
	fs.StringVar(restart, "restart", "", "restart policy of a detached container: no, on-failure[:N] (at most N restarts), always or unless-stopped")
}
