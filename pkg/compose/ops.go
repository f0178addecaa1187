package compose

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/compose-spec/compose-go/v2/types"

	"github.com/husk-dev/husk/pkg/compose/composeopts"
)

// projCtr is a container of a project, as "husk ps --format json" lists
// it.
type projCtr struct {
	name, service, oneoff, state, status, image string
	number                                      int
	ports                                       string
	command                                     []string
}

// projectContainers lists the containers labelled with the project,
// by service, then number.
func projectContainers(ctx context.Context, e Env, project string, all bool) ([]projCtr, error) {
	args := []string{"ps", "--format", "json", "--filter", "label=" + LabelProject + "=" + project}
	if all {
		args = append(args, "--all")
	}
	out, err := output(ctx, e.Husk, e.Err, args...)
	if err != nil {
		return nil, fmt.Errorf("list containers of project %q: %w", project, err)
	}
	var rows []struct {
		Names   []string          `json:"Names"`
		Labels  map[string]string `json:"Labels"`
		State   string            `json:"State"`
		Status  string            `json:"Status"`
		Image   string            `json:"Image"`
		Command []string          `json:"Command"`
		Ports   []struct {
			HostIP        string `json:"host_ip"`
			ContainerPort int    `json:"container_port"`
			HostPort      int    `json:"host_port"`
			Protocol      string `json:"protocol"`
		} `json:"Ports"`
	}
	if strings.TrimSpace(out) != "" {
		if err := json.Unmarshal([]byte(out), &rows); err != nil {
			return nil, fmt.Errorf("list containers of project %q: %w", project, err)
		}
	}
	var cs []projCtr
	for _, r := range rows {
		if len(r.Names) == 0 {
			continue
		}
		n, _ := strconv.Atoi(r.Labels[LabelNumber])
		var ports []string
		for _, p := range r.Ports {
			ports = append(ports, fmt.Sprintf("%s:%d->%d/%s", p.HostIP, p.HostPort, p.ContainerPort, p.Protocol))
		}
		cs = append(cs, projCtr{name: r.Names[0], service: r.Labels[LabelService], oneoff: r.Labels[LabelOneoff],
			state: r.State, status: r.Status, image: r.Image, number: n, command: r.Command, ports: strings.Join(ports, ", ")})
	}
	sort.Slice(cs, func(i, j int) bool {
		if cs[i].service != cs[j].service {
			return cs[i].service < cs[j].service
		}
		if cs[i].number != cs[j].number {
			return cs[i].number < cs[j].number
		}
		return cs[i].name < cs[j].name
	})
	return cs, nil
}

// serviceContainers are the project's containers of the services named
// (all: none named), without one-off containers.
func serviceContainers(ctx context.Context, e Env, p *types.Project, services []string, all bool) ([]projCtr, error) {
	for _, s := range services {
		if _, ok := p.Services[s]; !ok {
			if _, ok := p.DisabledServices[s]; !ok {
				return nil, fmt.Errorf("no such service: %q", s)
			}
		}
	}
	cs, err := projectContainers(ctx, e, p.Name, all)
	if err != nil {
		return nil, err
	}
	var out []projCtr
	for _, c := range cs {
		if c.oneoff != "True" && (len(services) == 0 || slices.Contains(services, c.service)) {
			out = append(out, c)
		}
	}
	return out, nil
}

// Down stops and removes the project's containers, then its networks, and
// with Volumes its named volumes: nothing of the project is left.
func Down(ctx context.Context, e Env, p *types.Project, o composeopts.Down) error {
	cs, err := projectContainers(ctx, e, p.Name, true)
	if err != nil {
		return err
	}
	sortByDependency(p, cs)
	var orphans, remove []string
	var errs []error
	for i := len(cs) - 1; i >= 0; i-- { // dependents first
		c := cs[i]
		// No files (down -p NAME): every container of the project goes.
		_, known := p.Services[c.service]
		known = known || len(p.Services)+len(p.DisabledServices) == 0
		if _, disabled := p.DisabledServices[c.service]; !known && !disabled && c.oneoff != "True" && !o.RemoveOrphans {
			orphans = append(orphans, c.name)
			continue
		}
		remove = append(remove, c.name)
	}
	if len(remove) > 0 {
		// One husk command for all: each costs a start.
		args := []string{"rm", "--force", "--volumes"}
		if o.Timeout >= 0 {
			args = append(args, "--time", strconv.Itoa(o.Timeout))
		}
		if err := e.Husk.Run(ctx, append(args, remove...), Stdio{Out: io.Discard, Err: e.Err}); err != nil {
			errs = append(errs, fmt.Errorf("remove containers %s: %w", strings.Join(remove, ", "), err))
		} else {
			for _, name := range remove {
				fmt.Fprintf(e.Err, "Container %s  Removed\n", name)
			}
		}
	}
	if len(orphans) > 0 {
		e.warn("found orphan containers (%s) for this project: remove them with --remove-orphans", strings.Join(orphans, ", "))
	}
	errs = append(errs, downResources(ctx, e, p, o.Volumes)...)
	if len(errs) > 0 {
		return joinErrors(errs)
	}
	return nil
}

// downResources removes the project's networks, and its volumes when
// volumes: the ones it declares and the ones labelled with it.
func downResources(ctx context.Context, e Env, p *types.Project, volumes bool) []error {
	var errs []error
	// The networks the files declare, and those labelled with the
	// project (of keys the files no longer have, or with no files).
	out, err := output(ctx, e.Husk, e.Err, "network", "ls", "--quiet", "--filter", "label="+LabelProject+"="+p.Name)
	if err != nil {
		return append(errs, fmt.Errorf("list networks of project %q: %w", p.Name, err))
	}
	nets := strings.Fields(out)
	for _, key := range sortedKeys(p.Networks) {
		if nw, name := p.Networks[key], NetworkName(p, key); !bool(nw.External) && !slices.Contains(nets, name) {
			if ok, _ := quiet(ctx, e.Husk, "network", "exists", name); ok {
				nets = append(nets, name)
			}
		}
	}
	for _, name := range nets {
		if err := e.Husk.Run(ctx, []string{"network", "rm", name}, Stdio{Out: io.Discard, Err: e.Err}); err != nil {
			errs = append(errs, fmt.Errorf("remove network %s: %w", name, err))
			continue
		}
		fmt.Fprintf(e.Err, "Network %s  Removed\n", name)
	}
	if !volumes {
		return errs
	}
	out, err = output(ctx, e.Husk, e.Err, "volume", "ls", "--quiet", "--filter", "label="+LabelProject+"="+p.Name)
	if err != nil {
		return append(errs, fmt.Errorf("list volumes of project %q: %w", p.Name, err))
	}
	names := strings.Fields(out)
	for _, key := range sortedKeys(p.Volumes) {
		if v := p.Volumes[key]; !bool(v.External) {
			if ok, _ := quiet(ctx, e.Husk, "volume", "exists", VolumeName(p, key)); ok && !slices.Contains(names, VolumeName(p, key)) {
				names = append(names, VolumeName(p, key))
			}
		}
	}
	for _, v := range names {
		if err := e.Husk.Run(ctx, []string{"volume", "rm", v}, Stdio{Out: io.Discard, Err: e.Err}); err != nil {
			errs = append(errs, fmt.Errorf("remove volume %s: %w", v, err))
			continue
		}
		fmt.Fprintf(e.Err, "Volume %s  Removed\n", v)
	}
	return errs
}

func joinErrors(errs []error) error {
	msgs := make([]string, len(errs))
	for i, err := range errs {
		msgs[i] = err.Error()
	}
	return fmt.Errorf("%s", strings.Join(msgs, "; "))
}

// Ps lists the project's containers as docker compose ps does.
func Ps(ctx context.Context, e Env, p *types.Project, o composeopts.Ps) error {
	if o.ServicesOnly {
		for _, s := range p.ServiceNames() {
			if len(o.Services) == 0 || slices.Contains(o.Services, s) {
				fmt.Fprintln(e.Out, s)
			}
		}
		return nil
	}
	cs, err := serviceContainers(ctx, e, p, o.Services, o.All)
	if err != nil {
		return err
	}
	if o.Quiet {
		for _, c := range cs {
			fmt.Fprintln(e.Out, c.name)
		}
		return nil
	}
	tw := tabwriter.NewWriter(e.Out, 0, 0, 3, ' ', 0)
	fmt.Fprintln(tw, "NAME\tIMAGE\tCOMMAND\tSERVICE\tSTATUS\tPORTS")
	for _, c := range cs {
		fmt.Fprintf(tw, "%s\t%s\t%q\t%s\t%s\t%s\n", c.name, c.image, strings.Join(c.command, " "), c.service, c.status, c.ports)
	}
	return tw.Flush()
}

// Lifecycle runs "husk stop", "start" or "restart" on the services'
// containers (start in dependency order, stop in reverse).
func Lifecycle(ctx context.Context, e Env, p *types.Project, verb string, o composeopts.Lifecycle) error {
	cs, err := serviceContainers(ctx, e, p, o.Services, true)
	if err != nil {
		return err
	}
	sortByDependency(p, cs)
	if verb == "stop" {
		slices.Reverse(cs)
	}
	for _, c := range cs {
		args := []string{verb}
		if verb != "start" && o.Timeout >= 0 {
			args = append(args, "--time", strconv.Itoa(o.Timeout))
		}
		if err := e.Husk.Run(ctx, append(args, c.name), Stdio{Out: io.Discard, Err: e.Err}); err != nil {
			return fmt.Errorf("%s container %s: %w", verb, c.name, err)
		}
		fmt.Fprintf(e.Err, "Container %s  %s\n", c.name, pastTense(verb))
	}
	return nil
}

// sortByDependency orders containers as their services start.
func sortByDependency(p *types.Project, cs []projCtr) {
	order := map[string]int{}
	for i, s := range inDependencyOrder(p) {
		order[s.Name] = i
	}
	sort.SliceStable(cs, func(i, j int) bool { return order[cs[i].service] < order[cs[j].service] })
}

func pastTense(verb string) string {
	switch verb {
	case "stop":
		return "Stopped"
	case "start":
		return "Started"
	}
	return "Restarted"
}

// Pull pulls the services' images.
func Pull(ctx context.Context, e Env, p *types.Project, services []string) error {
	for _, s := range inDependencyOrder(p) {
		if len(services) > 0 && !slices.Contains(services, s.Name) || s.Image == "" {
			continue
		}
		if s.Build != nil {
			if ok, _ := quiet(ctx, e.Husk, "image", "exists", s.Image); !ok {
				continue // built by up, as docker compose skips it
			}
		}
		if err := e.Husk.Run(ctx, []string{"pull", "--quiet", s.Image}, Stdio{Out: io.Discard, Err: e.Err}); err != nil {
			return fmt.Errorf("service %q: pull image %s: %w", s.Name, s.Image, err)
		}
		fmt.Fprintf(e.Err, "%s Pulled\n", s.Name)
	}
	return nil
}

// Config prints the project as compose-go resolved it (merged,
// interpolated, with defaults).
func Config(e Env, p *types.Project, format string) error {
	var b []byte
	var err error
	switch format {
	case "", "yaml":
		b, err = p.MarshalYAML()
	case "json":
		b, err = p.MarshalJSON()
	default:
		return fmt.Errorf("format %q: use yaml or json", format)
	}
	if err != nil {
		return err
	}
	_, err = e.Out.Write(b)
	return err
}
