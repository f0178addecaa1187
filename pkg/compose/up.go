package compose

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"sync"

	"github.com/compose-spec/compose-go/v2/types"

	"github.com/husk-dev/husk/internal/setting"
	"github.com/husk-dev/husk/pkg/compose/composeopts"
)

// Env is what compose operations run with.
type Env struct {
	Husk Husk
	In   io.Reader
	Out  io.Writer
	Err  io.Writer
}

func (e Env) warn(format string, args ...any) {
	fmt.Fprintf(e.Err, "husk: warning: "+format+"\n", args...)
}

// plan is what up does: services in dependency order, with their
// containers, and the networks and volumes they use.
type plan struct {
	services   []types.ServiceConfig
	containers map[string][]Container
	networks   []string // project network keys
	volumes    []string // project volume keys
	// images are the services' image IDs once ensureImages has them: a
	// container of another image (pulled or built anew) is recreated.
	images map[string]string
}

// makePlan checks the whole project before anything is done: a service
// husk cannot run stops the command with nothing started.
func makePlan(p *types.Project, e Env) (*plan, error) {
	pl := &plan{containers: map[string][]Container{}, images: map[string]string{}}
	nets, vols := map[string]bool{}, map[string]bool{}
	for _, s := range inDependencyOrder(p) {
		cs, warnings, err := Containers(p, s)
		if err != nil {
			return nil, err
		}
		for _, w := range warnings {
			e.warn("%s", w)
		}
		if s.Image == "" {
			return nil, fmt.Errorf("service %q has neither image nor build", s.Name)
		}
		pl.services = append(pl.services, s)
		pl.containers[s.Name] = cs
		if s.NetworkMode == "" {
			for k := range s.Networks {
				nets[k] = true
			}
		}
		for _, v := range s.Volumes {
			if v.Type == types.VolumeTypeVolume && v.Source != "" {
				if _, ok := p.Volumes[v.Source]; !ok {
					return nil, fmt.Errorf("service %q uses volume %q, which the top-level volumes do not declare", s.Name, v.Source)
				}
				vols[v.Source] = true
			}
		}
	}
	pl.networks, pl.volumes = sortedKeys(nets), sortedKeys(vols)
	return pl, nil
}

// inDependencyOrder orders the project's services so that each comes
// after the services it depends on (by name among equals). compose-go
// refused cycles when it loaded the project.
func inDependencyOrder(p *types.Project) []types.ServiceConfig {
	var out []types.ServiceConfig
	done := map[string]bool{}
	var visit func(name string)
	visit = func(name string) {
		s, ok := p.Services[name]
		if !ok || done[name] {
			return
		}
		done[name] = true
		for _, d := range sortedKeys(s.DependsOn) {
			visit(d)
		}
		out = append(out, s)
	}
	for _, name := range sortedKeys(p.Services) {
		visit(name)
	}
	return out
}

// selectServices narrows p to the services named (enabled even when
// their profile is not) and, unless noDeps, their dependencies.
func selectServices(p *types.Project, names []string, noDeps bool) (*types.Project, error) {
	if len(names) == 0 {
		return p, nil
	}
	p, err := p.WithServicesEnabled(names...)
	if err != nil {
		return nil, err
	}
	if noDeps {
		return p.WithSelectedServices(names, types.IgnoreDependencies)
	}
	return p.WithSelectedServices(names)
}

// undo removes what an up made, when a later step failed: an up that
// fails leaves nothing half-started.
type undo struct {
	containers, networks, volumes []string
}

func (u *undo) run(ctx context.Context, e Env) {
	ctx = context.WithoutCancel(ctx)
	for i := len(u.containers) - 1; i >= 0; i-- {
		_ = e.Husk.Run(ctx, []string{"rm", "--force", "--time", "0", u.containers[i]}, Stdio{Err: e.Err})
	}
	for _, n := range u.networks {
		_ = e.Husk.Run(ctx, []string{"network", "rm", n}, Stdio{Err: e.Err})
	}
	for _, v := range u.volumes {
		_ = e.Husk.Run(ctx, []string{"volume", "rm", v}, Stdio{Err: e.Err})
	}
}

// Up creates and starts the project's services: images first (pulled or
// built), then networks and volumes, then containers in dependency
// order, each after its dependencies meet their condition. When a step
// fails, what this up made is removed again.
func Up(ctx context.Context, e Env, p *types.Project, o composeopts.Up) error {
	all := p
	p, err := selectServices(p, o.Services, o.NoDeps)
	if err != nil {
		return err
	}
	if err := checkAbort(p, o); err != nil {
		return err
	}
	pl, err := makePlan(p, e)
	if err != nil {
		return err
	}
	if err := ensureImages(ctx, e, p, pl, o.Build); err != nil {
		return err
	}
	if err := handleOrphans(ctx, e, all, o.RemoveOrphans); err != nil {
		return err
	}
	u := &undo{}
	if err := upResources(ctx, e, p, pl, u); err != nil {
		u.run(ctx, e)
		return err
	}
	if err := upContainers(ctx, e, p, pl, o.ForceRecreate, u); err != nil {
		u.run(ctx, e)
		return err
	}
	if o.Wait {
		for _, s := range pl.services {
			for _, c := range pl.containers[s.Name] {
				if err := waitRunning(ctx, e.Husk, c.Name, o.WaitTimeout); err != nil {
					return fmt.Errorf("service %q: %w", s.Name, err)
				}
			}
		}
		return nil
	}
	if o.Detach {
		return nil
	}
	return attach(ctx, e, pl, o)
}

// checkAbort refuses --abort-on-container-exit and --exit-code-from
// where docker compose does, before anything is started.
func checkAbort(p *types.Project, o composeopts.Up) error {
	if !o.AbortOnExit && o.ExitCodeFrom == "" {
		return nil
	}
	if o.Detach {
		return setting.Errorf("{abort-on-container-exit} and {exit-code-from} follow the containers in the foreground: they cannot be combined with {detach} or {wait}")
	}
	if o.ExitCodeFrom == "" {
		return nil
	}
	s, err := p.GetService(o.ExitCodeFrom)
	if err != nil {
		return setting.Errorf("{exit-code-from}: no service %q among those up starts", o.ExitCodeFrom)
	}
	if s.Attach != nil && !*s.Attach {
		return setting.Errorf("{exit-code-from}: service %q has attach: false, so up does not follow it", o.ExitCodeFrom)
	}
	return nil
}

// upResources creates the networks and volumes the services use.
func upResources(ctx context.Context, e Env, p *types.Project, pl *plan, u *undo) error {
	for _, key := range pl.networks {
		name := NetworkName(p, key)
		nw := p.Networks[key]
		if made, err := ensureNetwork(ctx, e, p, key, name, nw); err != nil {
			return err
		} else if made {
			u.networks = append(u.networks, name)
		}
	}
	for _, key := range pl.volumes {
		name := VolumeName(p, key)
		v := p.Volumes[key]
		exists, err := quiet(ctx, e.Husk, "volume", "exists", name)
		if err != nil {
			return err
		}
		if bool(v.External) {
			if !exists {
				return fmt.Errorf("volume %q is external but does not exist: create it with husk volume create %s", name, name)
			}
			continue
		}
		if exists {
			continue
		}
		if v.Driver != "" && v.Driver != "local" {
			return fmt.Errorf("volume %q: driver %q is not supported by husk: use local", key, v.Driver)
		}
		args := []string{"volume", "create", "--label", LabelProject + "=" + p.Name, "--label", LabelVolume + "=" + key}
		for _, k := range sortedKeys(v.Labels) {
			args = append(args, "--label", k+"="+v.Labels[k])
		}
		for _, k := range sortedKeys(v.DriverOpts) {
			args = append(args, "--opt", k+"="+v.DriverOpts[k])
		}
		if err := e.Husk.Run(ctx, append(args, name), Stdio{Err: e.Err}); err != nil {
			return fmt.Errorf("create volume %q: %w", name, err)
		}
		u.volumes = append(u.volumes, name)
	}
	return nil
}

// ensureNetwork creates network key as name unless it exists; made says
// whether it did.
func ensureNetwork(ctx context.Context, e Env, p *types.Project, key, name string, nw types.NetworkConfig) (bool, error) {
	exists, err := quiet(ctx, e.Husk, "network", "exists", name)
	if err != nil {
		return false, err
	}
	if bool(nw.External) {
		if !exists {
			return false, fmt.Errorf("network %q is external but does not exist: create it with husk network create %s", name, name)
		}
		return false, nil
	}
	if exists {
		return false, nil
	}
	if nw.Driver != "" && nw.Driver != "bridge" {
		return false, fmt.Errorf("network %q: driver %q is not supported by husk: use bridge", key, nw.Driver)
	}
	if len(nw.DriverOpts) > 0 || nw.EnableIPv6 != nil && *nw.EnableIPv6 || len(nw.Ipam.Config) > 1 {
		return false, fmt.Errorf("network %q: driver_opts, enable_ipv6 and more than one ipam pool are not supported by husk", key)
	}
	args := []string{"network", "create", "--label", LabelProject + "=" + p.Name, "--label", LabelNetwork + "=" + key}
	for _, k := range sortedKeys(nw.Labels) {
		args = append(args, "--label", k+"="+nw.Labels[k])
	}
	if nw.Internal {
		args = append(args, "--internal")
	}
	if len(nw.Ipam.Config) == 1 {
		pool := nw.Ipam.Config[0]
		if pool.IPRange != "" || len(pool.AuxiliaryAddresses) > 0 {
			return false, fmt.Errorf("network %q: ipam ip_range and aux_addresses are not supported by husk", key)
		}
		if pool.Subnet != "" {
			args = append(args, "--subnet", pool.Subnet)
		}
		if pool.Gateway != "" {
			args = append(args, "--gateway", pool.Gateway)
		}
	}
	if err := e.Husk.Run(ctx, append(args, name), Stdio{Err: e.Err}); err != nil {
		return false, fmt.Errorf("create network %q: %w", name, err)
	}
	return true, nil
}

// upContainers starts each service's containers once its dependencies
// meet their condition. Services are started side by side: each waits
// only for the services it depends on (compose's own order). After the
// first failure no further service starts; those already starting finish
// (a husk run is never cut short), so the undo knows all they made.
func upContainers(ctx context.Context, e Env, p *types.Project, pl *plan, recreate bool, u *undo) error {
	started := make(map[string]chan struct{}, len(pl.services))
	for _, s := range pl.services {
		started[s.Name] = make(chan struct{})
	}
	var (
		mu      sync.Mutex
		wg      sync.WaitGroup
		once    sync.Once
		errs    = make([]error, len(pl.services))
		aborted = make(chan struct{})
	)
	fail := func(i int, err error) {
		errs[i] = err
		once.Do(func() { close(aborted) })
	}
	for i, s := range pl.services {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer close(started[s.Name])
			for _, dep := range sortedKeys(s.DependsOn) {
				if ch := started[dep]; ch != nil {
					select {
					case <-ch:
					case <-aborted:
						return
					}
				}
			}
			select {
			case <-aborted:
				return
			default:
			}
			if err := waitDependencies(ctx, e, p, s); err != nil {
				fail(i, fmt.Errorf("service %q: dependency failed to start: %w", s.Name, err))
				return
			}
			for _, c := range pl.containers[s.Name] {
				made, err := upContainer(ctx, e, c, pl.images[s.Name], recreate)
				if made {
					mu.Lock()
					u.containers = append(u.containers, c.Name)
					mu.Unlock()
				}
				if err != nil {
					fail(i, fmt.Errorf("service %q: %w", s.Name, err))
					return
				}
			}
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

// upContainer creates and starts c, recreates it when its configuration
// changed, or starts it when it exists and is stopped.
func upContainer(ctx context.Context, e Env, c Container, imageID string, recreate bool) (bool, error) {
	st, err := inspect(ctx, e.Husk, c.Name)
	if err != nil {
		return false, err
	}
	sameImage := imageID == "" || st != nil && st.Image == imageID
	if st != nil && !recreate && sameImage && st.Config.Labels[LabelConfigHash] == c.Hash {
		if st.State.Running {
			fmt.Fprintf(e.Err, "Container %s  Running\n", c.Name)
			return false, nil
		}
		if err := e.Husk.Run(ctx, []string{"start", c.Name}, Stdio{Out: io.Discard, Err: e.Err}); err != nil {
			return false, fmt.Errorf("start container %s: %w", c.Name, err)
		}
		fmt.Fprintf(e.Err, "Container %s  Started\n", c.Name)
		return false, nil
	}
	if st != nil {
		if err := e.Husk.Run(ctx, []string{"rm", "--force", c.Name}, Stdio{Out: io.Discard, Err: e.Err}); err != nil {
			return false, fmt.Errorf("remove container %s to recreate it: %w", c.Name, err)
		}
		fmt.Fprintf(e.Err, "Container %s  Recreated\n", c.Name)
	}
	if err := makeBindDirs(c.BindDirs); err != nil {
		return false, err
	}
	args := append([]string{"run", "--detach", "--pull", "never"}, c.Args...)
	if err := e.Husk.Run(ctx, args, Stdio{Out: io.Discard, Err: e.Err}); err != nil {
		// A run that failed after creating leaves the container: it goes
		// with the rest of this up.
		made, _ := quiet(ctx, e.Husk, "container", "exists", c.Name)
		return made, fmt.Errorf("create container %s: %w", c.Name, err)
	}
	fmt.Fprintf(e.Err, "Container %s  Started\n", c.Name)
	return true, nil
}

// makeBindDirs creates the bind sources that are missing.
func makeBindDirs(dirs []string) error {
	for _, d := range dirs {
		if _, err := os.Lstat(d); errors.Is(err, os.ErrNotExist) {
			if err := os.MkdirAll(d, 0o755); err != nil {
				return fmt.Errorf("create bind source %s: %w", d, err)
			}
		}
	}
	return nil
}

// waitDependencies waits until each service s depends on meets its
// condition.
func waitDependencies(ctx context.Context, e Env, p *types.Project, s types.ServiceConfig) error {
	for _, dep := range sortedKeys(s.DependsOn) {
		cond := s.DependsOn[dep]
		ds, ok := p.Services[dep]
		if !ok {
			if cond.Required {
				return fmt.Errorf("service %q is not enabled (profiles?) or not selected", dep)
			}
			continue
		}
		for n := 1; n <= ds.GetScale(); n++ {
			name := ContainerName(p.Name, dep, n)
			if ds.ContainerName != "" {
				name = ds.ContainerName
			}
			var err error
			switch cond.Condition {
			case types.ServiceConditionStarted, "":
			case types.ServiceConditionHealthy:
				err = waitHealthy(ctx, e.Husk, name, 0)
			case types.ServiceConditionCompletedSuccessfully:
				err = waitCompleted(ctx, e.Husk, name)
			default:
				err = fmt.Errorf("depends_on %s: condition %q is not supported: use service_started, service_healthy or service_completed_successfully", dep, cond.Condition)
			}
			if err != nil {
				return err
			}
		}
	}
	return nil
}

// ensureImages pulls (or builds) every image before anything is made: a
// missing image stops up with nothing started. It notes each image's ID.
func ensureImages(ctx context.Context, e Env, p *types.Project, pl *plan, build bool) error {
	for _, s := range pl.services {
		id := imageID(ctx, e, s.Image)
		if needed, err := ensureImage(ctx, e, s, id != "", build); err != nil {
			return err
		} else if needed {
			if id = imageID(ctx, e, s.Image); id == "" {
				return fmt.Errorf("service %q: image %s is not in the store after its pull or build", s.Name, s.Image)
			}
		}
		pl.images[s.Name] = id
	}
	return nil
}

// imageID is the ID of image ref in the store, "" when it is not there.
func imageID(ctx context.Context, e Env, ref string) string {
	out, err := output(ctx, e.Husk, io.Discard, "image", "inspect", "--format", "{{.Id}}", ref)
	if err != nil {
		return ""
	}
	return strings.TrimSpace(out)
}

// ensureImage pulls or builds service s's image as its pull_policy and
// build say; done tells whether it did.
func ensureImage(ctx context.Context, e Env, s types.ServiceConfig, exists, build bool) (done bool, err error) {
	policy := s.PullPolicy
	if s.Build != nil && (build || !exists || policy == types.PullPolicyBuild) {
		return true, buildImage(ctx, e, s)
	}
	switch policy {
	case types.PullPolicyNever:
		if !exists {
			return false, fmt.Errorf("service %q: image %s is not in the store and pull_policy is never", s.Name, s.Image)
		}
		return false, nil
	case types.PullPolicyAlways:
	default:
		if exists {
			return false, nil
		}
	}
	if err := e.Husk.Run(ctx, []string{"pull", "--quiet", s.Image}, Stdio{Out: io.Discard, Err: e.Err}); err != nil {
		return true, fmt.Errorf("service %q: pull image %s: %w", s.Name, s.Image, err)
	}
	return true, nil
}

// handleOrphans removes (or names) containers of the project whose
// service is no longer in its files.
func handleOrphans(ctx context.Context, e Env, p *types.Project, remove bool) error {
	ctrs, err := projectContainers(ctx, e, p.Name, true)
	if err != nil {
		return err
	}
	var orphans []string
	for _, c := range ctrs {
		if _, ok := p.Services[c.service]; !ok && c.oneoff != "True" {
			if _, disabled := p.DisabledServices[c.service]; !disabled {
				orphans = append(orphans, c.name)
			}
		}
	}
	if len(orphans) == 0 {
		return nil
	}
	sort.Strings(orphans)
	if !remove {
		e.warn("found orphan containers (%s) for this project: remove them with --remove-orphans", strings.Join(orphans, ", "))
		return nil
	}
	for _, o := range orphans {
		if err := e.Husk.Run(ctx, []string{"rm", "--force", o}, Stdio{Out: io.Discard, Err: e.Err}); err != nil {
			return fmt.Errorf("remove orphan container %s: %w", o, err)
		}
	}
	return nil
}
