//go:build linux

package main

import (
	"os"

	"github.com/spf13/pflag"

	"github.com/husk-dev/husk/internal/idfile"
	"github.com/husk-dev/husk/internal/setting"
	"github.com/husk-dev/husk/pkg/ctropts"
	"github.com/husk-dev/husk/pkg/pull/pullopts"
	"github.com/husk-dev/husk/pkg/runtime"
	"github.com/husk-dev/husk/pkg/runtime/attach"
)

// runFlags are run and create's later flags: the process and sandbox
// settings read into ctropts.RunFlags, and what the command itself does
// around the container (--cidfile, --replace, --quiet).
type runFlags struct {
	cidfile string
	replace bool
	quiet   bool
	attach  []string
	// preserveFDs passes descriptors 3.. to a foreground container.
	preserveFDs uint
	// sigProxy is only what husk does: forwarded signals.
	sigProxy bool
	// detachKeys detach from a foreground run's terminal (detachKeysSet:
	// given on the command line).
	detachKeys    string
	detachKeysSet func() bool
	// os, arch and variant make a --platform.
	os, arch, variant string
}

func addRunFlags(fs *pflag.FlagSet, r *ctropts.RunFlags) *runFlags {
	f := &runFlags{}
	fs.StringVar(&f.cidfile, "cidfile", "", "write the container's ID to this file (which must not exist)")
	fs.BoolVar(&f.replace, "replace", false, "remove the container of the same --name first, if there is one")
	fs.BoolVarP(&f.quiet, "quiet", "q", false, "no pull progress")
	fs.StringVar(&f.os, "os", "", "OS of the image to pull (--platform OS/ARCH with the host's architecture)")
	fs.StringVar(&f.arch, "arch", "", "architecture of the image to pull (--platform OS/ARCH with the host's OS)")
	fs.StringVar(&f.variant, "variant", "", "variant of the image's architecture to pull (e.g. v8)")
	fs.UintVar(&f.preserveFDs, "preserve-fds", 0, "pass husk's descriptors 3 to 3+N-1 to the container (a run in the foreground)")
	fs.BoolVar(&f.sigProxy, "sig-proxy", true, "forward the signals husk receives to a foreground container (false: refused, husk cannot leave it running)")
	fs.StringVar(&f.detachKeys, "detach-keys", attach.DefaultDetachKeys, "the keys that detach from a foreground run's terminal (-t -i), leaving the container running: comma-separated, each a character or ctrl-X (X one of a-z @ [ \\ ] ^ _); \"\" for none")
	f.detachKeysSet = func() bool { return fs.Changed("detach-keys") }
	stringArrayVarP(fs, &f.attach, "attach", "a", nil, "attach only these streams of a foreground run: stdin, stdout, stderr (the others are discarded)")
	fs.StringVar(&r.StopSignal, "stop-signal", "", "signal that stops the container (default: the image's STOPSIGNAL, else SIGTERM)")
	fs.UintVar(&r.StopTimeout, "stop-timeout", 10, "seconds stop waits for the stop signal to work before it kills the container")
	stringArrayVar(fs, &r.Ulimits, "ulimit", nil, "resource limit NAME=SOFT[:HARD] (e.g. nofile=1024:2048, -1: unlimited), or host for all of husk's own")
	fs.StringVar(&r.ShmSize, "shm-size", "64m", "size of /dev/shm")
	stringArrayVar(fs, &r.Sysctls, "sysctl", nil, "set a sysctl of the container's namespaces: NAME=VALUE (kernel.shm*, kernel.msg*, kernel.sem, fs.mqueue.*, net.*)")
	stringArrayVar(fs, &r.GroupAdd, "group-add", nil, "add a supplementary group (name in the image's /etc/group, or id); keep-groups keeps your own groups (crun)")
	stringArrayVar(fs, &r.Expose, "expose", nil, "expose a port or range (PORT[-PORT][/tcp|/udp|/sctp]) besides the image's: --publish-all publishes it")
	fs.BoolVar(&r.NoHosts, "no-hosts", false, "do not write /etc/hosts: the container keeps the image's")
	fs.StringVar(&r.Umask, "umask", "0022", "umask of the container's process (octal)")
	fs.StringVar(&r.Timezone, "tz", "", "time zone of the container: a zone such as Europe/Paris, or local (the host's)")
	stringArrayVar(fs, &r.UnsetEnv, "unsetenv", nil, "unset a variable of husk's defaults or of the image")
	fs.BoolVar(&r.UnsetEnvAll, "unsetenv-all", false, "unset all variables of husk's defaults and of the image (HOSTNAME and HOME stay)")
	fs.BoolVar(&r.EnvHost, "env-host", false, "copy husk's whole environment into the container's (-e and --env-file still win)")
	fs.StringVar(&r.IPC, "ipc", "", "IPC namespace: private (default), host, container:NAME or ns:PATH")
	fs.StringVar(&r.PID, "pid", "", "PID namespace: private (default), host, container:NAME or ns:PATH")
	fs.StringVar(&r.UTS, "uts", "", "UTS namespace (host name): private (default), host, container:NAME or ns:PATH")
	fs.StringVar(&r.Cgroupns, "cgroupns", "", "cgroup namespace: private or host (default: husk's, the host's)")
	fs.IntVar(&r.OOMScoreAdj, "oom-score-adj", 0, "OOM score adjustment of the container's process (-1000 to 1000; rootless, not below husk's own)")
	fs.StringVar(&r.Personality, "personality", "", "execution domain: LINUX or LINUX32 (needs crun)")
	fs.StringVar(&r.LogDriver, "log-driver", "k8s-file", "where a detached container's output goes: k8s-file (husk logs reads it; json-file is the same), none, or passthrough (husk's own stdio: a run in the foreground only)")
	stringArrayVar(fs, &r.VolumesFrom, "volumes-from", nil, "mount the bind mounts and named volumes of a container (CONTAINER[:ro|rw]) at the same places")
	stringArrayVar(fs, &r.HostUsers, "hostuser", nil, "add a host account (name or uid) to the container's /etc/passwd, as the host has it")
	fs.StringVar(&r.PasswdEntry, "passwd-entry", "", "write this /etc/passwd line for the user when the image has none for its uid ($USERNAME, $UID, $GID, $NAME, $HOME are filled in)")
	fs.BoolVar(&r.HTTPProxy, "http-proxy", true, "copy husk's proxy variables (http_proxy, https_proxy, ftp_proxy, no_proxy, in either case) into the container")
	return f
}

// idFile is the --cidfile reserved for the container's ID (nil: none).
type idFile struct{ f *idfile.File }

// reserveIDFile reserves --cidfile, if given, before anything is made.
func (f *runFlags) reserveIDFile() (*idFile, error) {
	if f.cidfile == "" {
		return &idFile{}, nil
	}
	r, err := runtime.ReserveIDFile(f.cidfile)
	if err != nil {
		return nil, withFlagNames(err)
	}
	return &idFile{f: r}, nil
}

// write writes the ID; the file is then the container's.
func (i *idFile) write(id string) error {
	if i.f == nil {
		return nil
	}
	f := i.f
	i.f = nil
	return f.Write(id)
}

// abandon removes the file when no container got it.
func (i *idFile) abandon() {
	if i.f != nil {
		i.f.Abandon()
	}
}

// foregroundIO is what a run in the foreground connects to the
// container: the streams --attach picks, the descriptors --preserve-fds
// passes.
type foregroundIO struct {
	streams ctropts.Streams
	files   []*os.File
	// detachKeys detach from the container's terminal (none: empty).
	detachKeys []byte
	// early is the container's runtime started before it (run only).
	early *runtime.Early
}

// detachable reports whether the user can detach from c run in the
// foreground with fio: it has a terminal and takes input, there are
// detach keys, and husk need not be its parent (every stream attached,
// no descriptors passed, no passthrough log).
func (fio foregroundIO) detachable(c *runtime.Container) bool {
	return c.Config.TTY && c.Config.Interactive && len(fio.detachKeys) > 0 &&
		fio.streams == allStreams.streams && len(fio.files) == 0 &&
		c.Config.LogDriver != runtime.LogDriverPassthrough
}

// allStreams is a foreground run's default.
var allStreams = foregroundIO{streams: ctropts.Streams{Stdin: true, Stdout: true, Stderr: true}}

// foregroundIO checks --attach and --preserve-fds for a run in the
// foreground or not.
func (f *runFlags) foregroundIO(cfg *runtime.Config, foreground bool) (foregroundIO, error) {
	keys, err := f.checkForeground(cfg, foreground)
	if err != nil {
		return foregroundIO{}, err
	}
	s, err := f.streams(cfg, foreground)
	if err != nil || f.preserveFDs == 0 {
		return foregroundIO{streams: s, detachKeys: keys}, err
	}
	if !foreground {
		return foregroundIO{}, withFlagNames(setting.Errorf("{preserve-fds} is for a run in the foreground (without {-detach})"))
	}
	files, err := runtime.InheritedFiles(f.preserveFDs)
	return foregroundIO{streams: s, files: files, detachKeys: keys}, withFlagNames(err)
}

// streams checks --attach for a run in the foreground or not. As
// podman, -i connects stdin whatever -a says; -a stdin implies -i.
func (f *runFlags) streams(cfg *runtime.Config, foreground bool) (ctropts.Streams, error) {
	s, err := ctropts.ParseAttach(f.attach)
	if err != nil {
		return s, withFlagNames(err)
	}
	if cfg.LogDriver == runtime.LogDriverPassthrough && !foreground {
		return s, withFlagNames(setting.Errorf("{log-driver}=passthrough hands husk's own stdio to the container: only for a run in the foreground (without {-detach})"))
	}
	if len(f.attach) > 0 && !foreground {
		return s, withFlagNames(setting.Errorf("{-attach} is for a run in the foreground: without {-detach}, or attach later with husk attach"))
	}
	s.Stdin = s.Stdin || cfg.Interactive
	cfg.Interactive = s.Stdin && (cfg.Interactive || len(f.attach) > 0)
	return s, nil
}

// attachedStdio is stdio with the streams --attach leaves out going to
// /dev/null (a file, which the runtime hands to the container as it is:
// a pipe would be copied until the container's last process closes it).
func attachedStdio(stdio runtime.Stdio, fio foregroundIO) (runtime.Stdio, func(), error) {
	s := fio.streams
	stdio.ExtraFiles, stdio.Early = fio.files, fio.early
	if s.Stdin && s.Stdout && s.Stderr {
		return stdio, func() {}, nil
	}
	null, err := os.OpenFile(os.DevNull, os.O_RDWR, 0)
	if err != nil {
		return stdio, nil, err
	}
	if !s.Stdin {
		stdio.Stdin = null
	}
	if !s.Stdout {
		stdio.Stdout = null
	}
	if !s.Stderr {
		stdio.Stderr = null
	}
	return stdio, func() { _ = null.Close() }, nil
}

// platform is --platform, or the one --os, --arch and --variant make.
func (f *runFlags) platform(given string) (string, error) {
	joined := pullopts.JoinPlatform(f.os, f.arch, f.variant)
	if joined != "" && given != "" {
		return "", withFlagNames(setting.Errorf("{platform} cannot be given with {os}, {arch} or {variant}: give one or the others"))
	}
	if joined != "" {
		return joined, nil
	}
	return given, nil
}

// checkForeground refuses what husk cannot do with a run in the
// foreground: leave it running when a signal ends husk
// (--sig-proxy=false), or detach from one without a terminal that takes
// input (--detach-keys given; the default's keys are then unused). It
// returns the detach keys.
func (f *runFlags) checkForeground(cfg *runtime.Config, foreground bool) ([]byte, error) {
	if !f.sigProxy && foreground {
		return nil, withFlagNames(setting.Errorf("{sig-proxy}=false: husk cannot leave a foreground container running when a signal ends husk: run it with {-detach} and use husk attach, or keep the default"))
	}
	keys, err := attach.ParseDetachKeys(f.detachKeys)
	if err != nil {
		return nil, err
	}
	given := f.detachKeysSet != nil && f.detachKeysSet() && len(keys) > 0
	if given && foreground && !(cfg.TTY && cfg.Interactive) {
		return nil, withFlagNames(setting.Errorf("{detach-keys} %q: husk detaches only from a container's terminal that takes input: add {tty} and {interactive}, or run it with {-detach} and use husk attach", f.detachKeys))
	}
	return keys, nil
}
