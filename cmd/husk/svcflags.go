//go:build linux

package main

import (
	"github.com/spf13/pflag"

	"github.com/husk-dev/husk/pkg/ctropts"
)

// addServiceFlags declares run and create's --secret, --init,
// --init-path and --sdnotify.
func addServiceFlags(fs *pflag.FlagSet, s *ctropts.ServiceFlags) {
	fs.StringArrayVar(&s.Secrets, "secret", nil, "give the container a secret: NAME[,type=mount|env][,target=PATH|VAR][,uid=N][,gid=N][,mode=OCTAL] (mount: a read-only file at /run/secrets/NAME or TARGET, mode 0444; env: the variable NAME or TARGET)")
	fs.BoolVar(&s.Init, "init", false, "run an init (catatonit or tini) as PID 1 that forwards signals to the command and reaps orphaned processes")
	fs.StringVar(&s.InitPath, "init-path", "", "path of the init binary for --init (default: catatonit, else tini, found on the host)")
	fs.StringVar(&s.SdNotify, "sdnotify", "conmon", "under a systemd service of Type=notify (NOTIFY_SOCKET set): conmon (husk's monitor sends READY=1 and MAINPID once the container runs), container (the container gets the socket at /run/notify/notify.sock and sends READY=1 itself; husk sends MAINPID), or ignore")
}

// addRestartFlag declares run and create's --restart.
func addRestartFlag(fs *pflag.FlagSet, restart *string) {
	fs.StringVar(restart, "restart", "", "restart policy of a detached container: no, on-failure[:N] (at most N restarts), always or unless-stopped")
}
