package ctropts

import (
	"fmt"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/husk-dev/husk/internal/childenv"
	"github.com/husk-dev/husk/internal/setting"
	"github.com/husk-dev/husk/pkg/netns"
	"github.com/husk-dev/husk/pkg/runtime"
	"github.com/husk-dev/husk/pkg/runtime/spec"
)

// The run options whose zero value means something (Options.Given).
const (
	OptStopTimeout Option = "stop-timeout"
	OptUmask       Option = "umask"
	OptShmSize     Option = "shm-size"
	OptOOMScoreAdj Option = "oom-score-adj"
)

// RunFlags are the settings of run and create's later flags, as given
// (see RunFlags.apply for what each does).
type RunFlags struct {
	StopSignal  string
	StopTimeout uint
	Ulimits     []string
	ShmSize     string
	Sysctls     []string
	GroupAdd    []string
	Expose      []string
	NoHosts     bool
	Umask       string
	Timezone    string
	UnsetEnv    []string
	UnsetEnvAll bool
	// EnvHost copies husk's whole environment into the container's.
	EnvHost bool
	// HTTPProxy copies husk's proxy variables (http_proxy, ...) into the
	// container's environment (the command's default).
	HTTPProxy bool
	// Environ is husk's environment for EnvHost (nil: os.Environ).
	Environ func() []string
	// IPC, PID, UTS and Cgroupns are namespace modes: private, host,
	// container:NAME or ns:PATH.
	IPC, PID, UTS, Cgroupns string
	OOMScoreAdj             int
	Personality             string
	// LogDriver: k8s-file (the default), json-file (the same, as in
	// podman), none, or passthrough (for a run in the foreground).
	LogDriver string
	// VolumesFrom: NAME[:ro|rw].
	VolumesFrom []string
	// HostUsers are host accounts to add to the container's /etc/passwd.
	HostUsers []string
	// PasswdEntry is the template of the container user's passwd line.
	PasswdEntry string
}

// proxyVars are the variables HTTPProxy copies, as podman does.
var proxyVars = []string{"http_proxy", "https_proxy", "ftp_proxy", "no_proxy",
	"HTTP_PROXY", "HTTPS_PROXY", "FTP_PROXY", "NO_PROXY"}

// namespacedSysctls are the sysctls a container's own namespaces scope
// (IPC); net.* and fs.mqueue.* are by prefix.
var namespacedSysctls = map[string]bool{
	"kernel.msgmax": true, "kernel.msgmnb": true, "kernel.msgmni": true, "kernel.sem": true,
	"kernel.shmall": true, "kernel.shmmax": true, "kernel.shmmni": true, "kernel.shm_rmid_forced": true,
}

// apply checks the flags into cfg; env comes before the user's -e and
// --env-file variables (inheritedEnv).
//
// Long (~70 lines) on purpose: one check per flag, in flag order.
func (r *RunFlags) apply(cfg *runtime.Config, given func(Option) bool, network Network) error {
	ro := &cfg.RunOptions
	if r.StopSignal != "" {
		if _, err := runtime.ParseSignal(r.StopSignal); err != nil {
			return setting.Errorf("invalid {stop-signal} %q: give a signal name (TERM, SIGINT) or number", r.StopSignal)
		}
		cfg.StopSignal = r.StopSignal
	}
	if given(OptStopTimeout) {
		t := r.StopTimeout
		ro.StopTimeout = &t
	}
	for _, u := range r.Ulimits {
		if u == "host" {
			ro.UlimitHost = true
			continue
		}
		l, err := ParseUlimit(u)
		if err != nil {
			return setting.Errorf("{ulimit} %q: %w", u, err)
		}
		ro.Ulimits = append(ro.Ulimits, l)
	}
	if given(OptShmSize) {
		n, err := ParseSize(r.ShmSize)
		if err != nil {
			return setting.Errorf("{shm-size} %q: %w", r.ShmSize, err)
		}
		ro.ShmSize = n
	}
	if err := r.namespaces(cfg, given); err != nil {
		return err
	}
	sysctls, err := parseSysctls(r.Sysctls, network.Mode == netns.ModeHost, ro.IPC == spec.NSHost)
	if err != nil {
		return err
	}
	ro.Sysctls = sysctls
	for _, g := range r.GroupAdd {
		switch {
		case g == "keep-groups" && len(r.GroupAdd) > 1:
			return setting.Errorf("{group-add}=keep-groups cannot be given with other groups: give either")
		case g == "keep-groups":
			ro.KeepGroups = true
		case strings.TrimSpace(g) == "" || strings.ContainsAny(g, ":\n"):
			return setting.Errorf("invalid {group-add} %q: give a group name or id", g)
		default:
			ro.GroupAdd = append(ro.GroupAdd, g)
		}
	}
	for _, e := range r.Expose {
		port, err := ParseExpose(e)
		if err != nil {
			return setting.Errorf("{expose} %q: %w", e, err)
		}
		ro.Expose = append(ro.Expose, port)
	}
	if r.NoHosts && len(network.AddHosts) > 0 {
		return setting.Errorf("{no-hosts} and {add-host} cannot be given together: {add-host} writes the /etc/hosts that {no-hosts} leaves to the image")
	}
	ro.NoHosts = r.NoHosts
	if given(OptUmask) {
		m, err := strconv.ParseUint(r.Umask, 8, 32)
		if err != nil || m > 0o777 {
			return setting.Errorf("invalid {umask} %q: give an octal mask from 0000 to 0777", r.Umask)
		}
		u := uint32(m)
		ro.Umask = &u
	}
	if r.Timezone != "" {
		if _, err := runtime.TimezoneFile(r.Timezone); err != nil {
			return err
		}
		ro.Timezone = r.Timezone
	}
	for _, n := range r.UnsetEnv {
		if strings.TrimSpace(n) == "" || strings.Contains(n, "=") {
			return setting.Errorf("invalid {unsetenv} %q: give a variable name", n)
		}
	}
	ro.UnsetEnv, ro.UnsetEnvAll = r.UnsetEnv, r.UnsetEnvAll
	for _, u := range r.HostUsers {
		if _, err := runtime.LookupHostUser(u); err != nil {
			return err
		}
	}
	ro.HostUsers = r.HostUsers
	if strings.ContainsAny(r.PasswdEntry, "\n\x00") || (r.PasswdEntry != "" && strings.Count(r.PasswdEntry, ":") != 6) {
		return setting.Errorf("invalid {passwd-entry} %q: give one passwd line of 7 fields, e.g. $USERNAME:*:$UID:$GID:$NAME:$HOME:/bin/sh", r.PasswdEntry)
	}
	ro.PasswdEntry = r.PasswdEntry
	for _, v := range r.VolumesFrom {
		name, mode, _ := strings.Cut(v, ":")
		if strings.TrimSpace(name) == "" || (mode != "" && mode != "ro" && mode != "rw" && mode != "z" && mode != "Z") {
			return setting.Errorf("invalid {volumes-from} %q: give CONTAINER[:ro|rw]", v)
		}
		if mode == "z" || mode == "Z" {
			v = name // SELinux relabelling: nothing to do without SELinux labels
		}
		ro.VolumesFrom = append(ro.VolumesFrom, v)
	}
	switch r.LogDriver {
	case "", runtime.LogDriverFile, "json-file":
		// podman too writes json-file logs as k8s-file.
	case runtime.LogDriverNone, runtime.LogDriverPassthrough:
		ro.LogDriver = r.LogDriver
	default:
		return setting.Errorf("unsupported {log-driver} %q: use k8s-file, json-file, none or passthrough", r.LogDriver)
	}
	return nil
}

// inheritedEnv is what the container's environment takes from husk's:
// all of it with EnvHost (but HOSTNAME, the container's own, and husk's
// internal variables), the proxy
// variables with HTTPProxy.
func (r *RunFlags) inheritedEnv(lookup func(string) (string, bool)) []string {
	var out []string
	if r.EnvHost {
		environ := r.Environ
		if environ == nil {
			environ = os.Environ
		}
		for _, kv := range environ() {
			name, _, ok := strings.Cut(kv, "=")
			// husk's own state between its processes is not the user's.
			internal := slices.Contains(childenv.All, name)
			if ok && strings.TrimSpace(name) != "" && name != "HOSTNAME" && !internal && !strings.ContainsRune(kv, 0) {
				out = append(out, kv)
			}
		}
	}
	if r.HTTPProxy {
		for _, n := range proxyVars {
			if v, ok := lookup(n); ok {
				out = append(out, n+"="+v)
			}
		}
	}
	return out
}

// ParseUlimit reads NAME=SOFT[:HARD] (-1: unlimited; HARD defaults to
// SOFT).
func ParseUlimit(s string) (spec.Rlimit, error) {
	name, vals, ok := strings.Cut(s, "=")
	if !ok {
		return spec.Rlimit{}, fmt.Errorf("give NAME=SOFT[:HARD], e.g. nofile=1024:2048, or host")
	}
	if _, known := spec.Rlimits[name]; !known {
		return spec.Rlimit{}, fmt.Errorf("unknown limit %q: use core, cpu, data, fsize, locks, memlock, msgqueue, nice, nofile, nproc, rss, rtprio, rttime, sigpending or stack", name)
	}
	softS, hardS, hasHard := strings.Cut(vals, ":")
	soft, err := parseRlimitValue(softS)
	if err != nil {
		return spec.Rlimit{}, err
	}
	hard := soft
	if hasHard {
		if hard, err = parseRlimitValue(hardS); err != nil {
			return spec.Rlimit{}, err
		}
	}
	if soft > hard {
		return spec.Rlimit{}, fmt.Errorf("the soft limit %s is above the hard limit %s: give SOFT <= HARD", softS, hardS)
	}
	return spec.Rlimit{Type: spec.RlimitType(name), Soft: soft, Hard: hard}, nil
}

func parseRlimitValue(s string) (uint64, error) {
	if s == "-1" || s == "unlimited" {
		return math.MaxUint64, nil
	}
	n, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("invalid limit %q: give a number or -1 (unlimited)", s)
	}
	return n, nil
}

// parseSysctls reads NAME=VALUE sysctls, only those the container's own
// namespaces scope (a sysctl of the host's kernel is not the container's
// to set); net.* ones not with the host's network.
func parseSysctls(vals []string, hostNetwork, hostIPC bool) (map[string]string, error) {
	if len(vals) == 0 {
		return nil, nil
	}
	out := map[string]string{}
	for _, s := range vals {
		name, v, ok := strings.Cut(s, "=")
		if !ok || name == "" || strings.TrimSpace(name) != name || strings.TrimSpace(v) != v {
			return nil, setting.Errorf("invalid {sysctl} %q: give NAME=VALUE (no spaces)", s)
		}
		isNet := strings.HasPrefix(name, "net.")
		if !namespacedSysctls[name] && !isNet && !strings.HasPrefix(name, "fs.mqueue.") {
			return nil, setting.Errorf("{sysctl} %q is not allowed: only sysctls of the container's own namespaces (kernel.shm*, kernel.msg*, kernel.sem, fs.mqueue.*, net.*) can be set", name)
		}
		if isNet && hostNetwork {
			return nil, setting.Errorf("{sysctl} %q cannot be set with {network}=host: the container shares the host's network namespace", name)
		}
		if !isNet && hostIPC {
			return nil, setting.Errorf("{sysctl} %q cannot be set with {ipc}=host: the container shares the host's IPC namespace", name)
		}
		out[name] = v
	}
	return out, nil
}

// ParseExpose reads PORT[-PORT][/PROTO] into the image config's form,
// PORT[-PORT]/PROTO.
func ParseExpose(s string) (string, error) {
	port, proto, ok := strings.Cut(s, "/")
	if !ok {
		proto = "tcp"
	}
	if proto != "tcp" && proto != "udp" && proto != "sctp" {
		return "", fmt.Errorf("unknown protocol %q: use tcp, udp or sctp", proto)
	}
	lo, hi, isRange := strings.Cut(port, "-")
	first, err := strconv.ParseUint(lo, 10, 16)
	last := first
	if err == nil && isRange {
		last, err = strconv.ParseUint(hi, 10, 16)
	}
	if err != nil || first == 0 || last < first {
		return "", fmt.Errorf("invalid port: give PORT or PORT-PORT (1-65535), optionally /tcp, /udp or /sctp")
	}
	if last == first {
		return fmt.Sprintf("%d/%s", first, proto), nil
	}
	return fmt.Sprintf("%d-%d/%s", first, last, proto), nil
}

// namespaces checks the namespace modes, the OOM score and the
// personality into cfg.
func (r *RunFlags) namespaces(cfg *runtime.Config, given func(Option) bool) error {
	ro := &cfg.RunOptions
	for _, ns := range []struct {
		name     string
		in       string
		out      *string
		joinable bool
	}{{"ipc", r.IPC, &ro.IPC, true}, {"pid", r.PID, &ro.PID, true}, {"uts", r.UTS, &ro.UTS, true}, {"cgroupns", r.Cgroupns, &ro.Cgroupns, false}} {
		mode, err := namespaceMode(ns.in, ns.joinable)
		if err != nil {
			return setting.Errorf("invalid {"+ns.name+"} %q: %w", ns.in, err)
		}
		*ns.out = mode
	}
	if ro.UTS != "" && ro.UTS != spec.NSPrivate && cfg.Hostname != "" {
		return setting.Errorf("{hostname} cannot be given with {uts} %s: the host name is that namespace's", ro.UTS)
	}
	if given(OptOOMScoreAdj) {
		if r.OOMScoreAdj < -1000 || r.OOMScoreAdj > 1000 {
			return setting.Errorf("invalid {oom-score-adj} %d: give a number from -1000 to 1000", r.OOMScoreAdj)
		}
		v := r.OOMScoreAdj
		ro.OOMScoreAdj = &v
	}
	switch p := strings.ToUpper(r.Personality); p {
	case "":
	case "LINUX", "LINUX32":
		ro.Personality = p
	default:
		return setting.Errorf("invalid {personality} %q: use LINUX or LINUX32", r.Personality)
	}
	return nil
}

// namespaceMode reads private, host, container:NAME or ns:PATH
// (shareable, podman's word for an IPC namespace others may join, is
// private: every container's is).
func namespaceMode(s string, joinable bool) (string, error) {
	switch {
	case s == "" || s == spec.NSPrivate || s == spec.NSHost:
		return s, nil
	case s == "shareable":
		return spec.NSPrivate, nil
	case !joinable:
		return "", fmt.Errorf("use private or host")
	case strings.HasPrefix(s, runtime.NSContainerPrefix) && len(s) > len(runtime.NSContainerPrefix):
		return s, nil
	case strings.HasPrefix(s, runtime.NSPathPrefix):
		p := strings.TrimPrefix(s, runtime.NSPathPrefix)
		if !strings.HasPrefix(p, "/") {
			return "", fmt.Errorf("the namespace path must be absolute")
		}
		if _, err := os.Stat(p); err != nil {
			return "", err
		}
		return s, nil
	}
	return "", fmt.Errorf("use private, host, container:NAME or ns:PATH")
}

// Streams says which of a foreground run's streams are attached.
type Streams struct{ Stdin, Stdout, Stderr bool }

// ParseAttach reads --attach values (stdin, stdout, stderr); none given
// attaches all three.
func ParseAttach(vals []string) (Streams, error) {
	if len(vals) == 0 {
		return Streams{Stdin: true, Stdout: true, Stderr: true}, nil
	}
	var s Streams
	for _, v := range vals {
		switch strings.ToLower(v) {
		case "stdin":
			s.Stdin = true
		case "stdout":
			s.Stdout = true
		case "stderr":
			s.Stderr = true
		default:
			return s, setting.Errorf("invalid {-attach} stream %q: use stdin, stdout or stderr", v)
		}
	}
	return s, nil
}
