package build

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"

	"github.com/containerd/platforms"
	"github.com/sirupsen/logrus"
	"go.podman.io/buildah/define"
	"go.podman.io/buildah/imagebuildah"
	"go.podman.io/image/v5/docker/reference"
	"go.podman.io/image/v5/types"
	"golang.org/x/sys/unix"

	"github.com/husk-dev/husk/internal/setting"
	"github.com/husk-dev/husk/internal/slimexec"
	"github.com/husk-dev/husk/pkg/build/buildopts"
	"github.com/husk-dev/husk/pkg/netns"
	"github.com/husk-dev/husk/pkg/runtime/oci"
	"github.com/husk-dev/husk/pkg/storage"
)

// Runtime is an OCI runtime RUN steps may use: its name and binary.
type Runtime struct {
	Name, Path string
}

// Env is what the build takes from husk's set-up.
type Env struct {
	Store *storage.Store
	// Sys carries the registry settings (registries.conf, TLS, auth).
	Sys *types.SystemContext
	// Runtimes to try, preferred first; a later one is used only when an
	// earlier one refuses the host (remembered in StateDir).
	Runtimes []Runtime
	StateDir string
	// Rootless: RUN steps use buildah's rootless isolation.
	Rootless bool
	// NetRunDir holds the build's network namespace (pkg/netns).
	NetRunDir string
	Stdin     io.Reader
	// Stdout gets the steps' output (nothing with Quiet); Stderr the
	// progress of pulls and commits and the notices.
	Stdout, Stderr io.Writer
}

// Result is what a build made.
type Result struct {
	// ID is the image's ID.
	ID string
	// Ref is its first name, "" when it has none.
	Ref string
}

func init() {
	// husk run reads no containers.conf; neither does a build.
	if os.Getenv("CONTAINERS_CONF") == "" {
		_ = os.Setenv("CONTAINERS_CONF", os.DevNull)
	}
}

// Build runs one build.
func Build(ctx context.Context, env Env, o buildopts.Options) (Result, error) {
	if err := o.Validate(); err != nil {
		return Result{}, err
	}
	if len(env.Runtimes) == 0 {
		return Result{}, errors.New("no OCI runtime to run RUN steps with")
	}
	if err := checkSyntax(o.Containerfiles); err != nil {
		return Result{}, err
	}
	bo, err := buildOptions(env, o)
	if err != nil {
		return Result{}, err
	}
	// --no-cache skips the lookup, not the record: its image is what a
	// later build with nothing changed gets from buildah's cache as well.
	before, keyErr := makeReuseKey(env, keyed(o))
	if keyErr == nil && !o.NoCache {
		if id, ok := lookupReuse(env, before); ok {
			return reuse(env, o, before, id)
		}
	}
	enableSlimJobs()
	acct, end, err := beginAccount(ctx, env)
	if err != nil {
		return Result{}, err
	}
	defer end()
	bo.ContainerSuffix = acct.ContainerSuffix()
	nw, err := attachNetwork(ctx, env, o, &bo, acct.NetworkID())
	if err != nil {
		return Result{}, err
	}
	defer nw.detach()
	// buildah reports the runtime's own complaint on Err, not in the
	// error it returns: a runtime that refuses the host is seen there.
	tail := &tailWriter{w: bo.Err}
	bo.Err = tail
	for i, rt := range env.Runtimes {
		bo.Runtime = rt.Path
		bo.RuntimeArgs = []string{"--root", acct.RuntimeRoot(rt.Name)}
		tail.reset()
		id, ref, err := imagebuildah.BuildDockerfiles(ctx, env.Store.Store, bo, o.Containerfiles...)
		if err != nil && i+1 < len(env.Runtimes) && oci.RefusesHost(errors.New(tail.String()+err.Error())) {
			reason := refusal(tail.String())
			oci.RememberRefusal(env.StateDir, rt.Name, reason)
			fmt.Fprintf(env.Stderr, "husk: notice: %s cannot run on this host (%s); building with %s\n", rt.Name, reason, env.Runtimes[i+1].Name)
			continue
		}
		if err != nil && ctx.Err() != nil {
			return Result{}, fmt.Errorf("build interrupted at: %w", err)
		}
		if err != nil {
			return Result{}, nameTheContext(err, o.ContextDir)
		}
		r := Result{ID: id}
		if ref != nil {
			r.Ref = ref.String()
		}
		remember(env, o, before, keyErr, id)
		return r, nil
	}
	return Result{}, errors.New("unreachable")
}

// enableSlimJobs has the jobs the engine starts in a chroot (about ten a
// step) run in bin/husk-reexec, which starts in half the time of this
// program, when it belongs to this build. Without it they run here.
func enableSlimJobs() {
	path, err := slimexec.Enable()
	switch {
	case err == nil:
		logrus.Debugf("build jobs run in %s", path)
	case errors.Is(err, fs.ErrNotExist):
		logrus.Debugf("build jobs run in the helper: %v", err)
	default:
		logrus.Warnf("build jobs run in the helper, which is slower: %v", err)
	}
}

// buildOptions maps husk's settings onto buildah's.
func buildOptions(env Env, o buildopts.Options) (define.BuildOptions, error) {
	bo := define.BuildOptions{
		ContextDirectory:        o.ContextDir,
		PullPolicy:              pullPolicy(o.Pull),
		Isolation:               define.IsolationOCI,
		SystemContext:           env.Sys,
		Args:                    o.Args,
		Target:                  o.Target,
		Layers:                  o.Layers,
		NoCache:                 o.NoCache,
		RemoveIntermediateCtrs:  true,
		ForceRmIntermediateCtrs: true,
		OutputFormat:            define.OCIv1ImageManifest,
		In:                      env.Stdin,
		Out:                     env.Stdout,
		Err:                     env.Stderr,
		ReportWriter:            env.Stderr,
		Labels:                  o.Labels,
		Annotations:             o.Annotations,
		IIDFile:                 o.IIDFile,
		Quiet:                   o.Quiet,
		IgnoreFile:              o.IgnoreFile,
		Envs:                    o.Envs,
		AddCapabilities:         o.CapAdd,
		DropCapabilities:        o.CapDrop,
		CommonBuildOpts: &define.CommonBuildOptions{
			Ulimit:     hostUlimits(),
			Secrets:    o.Secrets,
			Volumes:    o.Volumes,
			AddHost:    o.AddHosts,
			DNSServers: o.DNS,
			DNSSearch:  o.DNSSearch,
			DNSOptions: o.DNSOptions,
		},
	}
	if env.Rootless {
		bo.Isolation = define.IsolationOCIRootless
	}
	if o.Squash {
		// podman build --squash: the build's new layers become one and
		// the base image's stay, which is buildah's Layers=false;
		// buildah's own Squash would fold the base image in too (podman's
		// --squash-all).
		bo.Layers = false
	}
	if o.Format == buildopts.FormatDocker {
		bo.OutputFormat = define.Dockerv2ImageManifest
	}
	if o.Quiet {
		bo.Out, bo.ReportWriter = io.Discard, nil
	}
	if len(o.Tags) > 0 {
		bo.Output, bo.AdditionalTags = o.Tags[0], o.Tags[1:]
	}
	for _, p := range o.Platforms {
		pl, err := platforms.Parse(p)
		if err != nil {
			return bo, setting.Errorf("{platform} %q: %w", p, err)
		}
		bo.Platforms = append(bo.Platforms, struct{ OS, Arch, Variant string }{pl.OS, pl.Architecture, pl.Variant})
	}
	for _, list := range []struct {
		flag string
		in   []string
		out  *[]reference.Named
	}{{"{cache-from}", o.CacheFrom, &bo.CacheFrom}, {"{cache-to}", o.CacheTo, &bo.CacheTo}} {
		for _, s := range list.in {
			ref, err := reference.ParseNormalizedNamed(s)
			if err != nil {
				return bo, setting.Errorf(list.flag+" %q: %w", s, err)
			}
			*list.out = append(*list.out, ref)
		}
	}
	if o.Timestamp != nil {
		t := unixTime(*o.Timestamp)
		bo.Timestamp = &t
	}
	return bo, nil
}

func pullPolicy(p buildopts.PullPolicy) define.PullPolicy {
	switch p {
	case buildopts.PullAlways:
		return define.PullAlways
	case buildopts.PullNever:
		return define.PullNever
	case buildopts.PullNewer:
		return define.PullIfNewer
	}
	return define.PullIfMissing
}

// network is the build's network namespace, if it has one of its own.
type network struct {
	runDir, id string
}

func (n *network) detach() {
	if n == nil {
		return
	}
	if err := netns.Detach(n.runDir, n.id); err != nil {
		logrus.Warnf("detach the build's network: %v", err)
	}
}

// attachNetwork gives RUN steps the network o asks for.
func attachNetwork(ctx context.Context, env Env, o buildopts.Options, bo *define.BuildOptions, id string) (*network, error) {
	cfg := netns.Config{Mode: o.Network, DNS: o.DNS, DNSSearch: o.DNSSearch, DNSOptions: o.DNSOptions}
	switch o.Network {
	case buildopts.NetworkNone:
		bo.ConfigureNetwork = define.NetworkDisabled
		return nil, nil
	case buildopts.NetworkHost:
		bo.ConfigureNetwork = define.NetworkEnabled
		bo.NamespaceOptions = append(bo.NamespaceOptions, define.NamespaceOption{Name: "network", Host: true})
		return nil, nil
	}
	cfg.Mode = privateHelper(o.Network)
	att, err := netns.Attach(ctx, env.NetRunDir, id, cfg, nil)
	if err != nil {
		return nil, fmt.Errorf("the build's network: %w", err)
	}
	n := &network{runDir: env.NetRunDir, id: id}
	if err := att.Ready(); err != nil {
		n.detach()
		return nil, fmt.Errorf("the build's network: %w", err)
	}
	bo.ConfigureNetwork = define.NetworkEnabled
	bo.NamespaceOptions = append(bo.NamespaceOptions, define.NamespaceOption{Name: "network", Path: att.NetnsPath()})
	servers, search, options := parseResolvConf(netns.ResolvConf(cfg, att.Info()))
	c := bo.CommonBuildOpts
	c.DNSServers, c.DNSSearch, c.DNSOptions = servers, search, options
	if h := att.Info().HostAddr; h != "" {
		c.AddHost = append([]string{netns.HostInternal + ":" + h}, c.AddHost...)
	}
	return n, nil
}

// parseResolvConf reads back what netns.ResolvConf decided, for buildah,
// which writes the file itself.
func parseResolvConf(b []byte) (servers, search, options []string) {
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 2 {
			continue
		}
		switch f[0] {
		case "nameserver":
			servers = append(servers, f[1])
		case "search":
			search = f[1:]
		case "options":
			options = append(options, f[1:]...)
		}
	}
	return servers, search, options
}

// hostUlimits are this process's nofile and nproc limits, which RUN steps
// keep as husk's containers do: buildah would otherwise raise both to
// 1048576, which needs CAP_SYS_RESOURCE (runc: "error setting rlimit type
// 7: operation not permitted" where root lacks it).
func hostUlimits() []string {
	var out []string
	for _, rl := range []struct {
		name string
		res  int
	}{{"nofile", unix.RLIMIT_NOFILE}, {"nproc", unix.RLIMIT_NPROC}} {
		var lim unix.Rlimit
		if unix.Getrlimit(rl.res, &lim) == nil {
			out = append(out, fmt.Sprintf("%s=%d:%d", rl.name, int64(lim.Cur), int64(lim.Max)))
		}
	}
	return out
}

// tailWriter passes writes on and keeps the last tailSize bytes.
type tailWriter struct {
	w   io.Writer
	buf []byte
}

const tailSize = 8 << 10

func (t *tailWriter) Write(p []byte) (int, error) {
	t.buf = append(t.buf, p...)
	if len(t.buf) > tailSize {
		t.buf = append(t.buf[:0], t.buf[len(t.buf)-tailSize:]...)
	}
	if t.w == nil {
		return len(p), nil
	}
	return t.w.Write(p)
}

func (t *tailWriter) reset()         { t.buf = t.buf[:0] }
func (t *tailWriter) String() string { return string(t.buf) }

// refusal is the line of a runtime's complaint that says why it refused.
func refusal(out string) string {
	for _, line := range strings.Split(out, "\n") {
		if oci.RefusesHost(errors.New(line)) {
			return oci.Message(strings.TrimSpace(line))
		}
	}
	return "it refused"
}

// remember records a successful build's key, when its inputs did not
// change while it ran (before is the key made before it, keyErr why there
// was none: a base image that had to be pulled first, say).
func remember(env Env, o buildopts.Options, before reuseKey, keyErr error, id string) {
	after, err := makeReuseKey(env, keyed(o))
	if err != nil || after.context != before.context || (keyErr == nil && after.key != before.key) {
		return
	}
	if err := recordReuse(env, after, id); err != nil {
		logrus.Debugf("record the build's inputs: %v", err)
	}
}

// privateHelper is the network helper of a build's own namespace. Asked
// for private (the default), a build prefers slirp4netns, as podman 4 does:
// a RUN step rarely needs pasta's throughput, and slirp4netns costs ~0.7
// MiB of memory where this kind of host's pasta costs ~29 MiB.
func privateHelper(mode string) string {
	if mode != buildopts.NetworkPrivate && mode != "" {
		return mode
	}
	if _, err := netns.ChooseHelper(netns.ModeSlirp); err == nil {
		return netns.ModeSlirp
	}
	return netns.ModePrivate
}

// keyed is o as its reuse key sees it: --no-cache changes how a build
// runs, not what it makes.
func keyed(o buildopts.Options) buildopts.Options {
	o.NoCache = false
	return o
}
