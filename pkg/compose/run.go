package compose

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

	"github.com/compose-spec/compose-go/v2/types"

	"github.com/husk-dev/husk/pkg/compose/composeopts"
)

// prefixWriter writes whole lines to out, each after prefix; writers
// sharing mu do not interleave within a line.
type prefixWriter struct {
	mu     *sync.Mutex
	out    io.Writer
	prefix string
	buf    []byte
}

func (w *prefixWriter) Write(b []byte) (int, error) {
	w.buf = append(w.buf, b...)
	for {
		i := bytes.IndexByte(w.buf, '\n')
		if i < 0 {
			return len(b), nil
		}
		w.mu.Lock()
		_, err := fmt.Fprintf(w.out, "%s%s\n", w.prefix, w.buf[:i])
		w.mu.Unlock()
		w.buf = w.buf[i+1:]
		if err != nil {
			return len(b), err
		}
	}
}

// flush writes a last line without its newline.
func (w *prefixWriter) flush() {
	if len(w.buf) > 0 {
		_, _ = w.Write([]byte("\n"))
	}
}

// Logs prints the services' container logs, each line after the
// container's name; with Follow, from all containers at once until they
// stop.
func Logs(ctx context.Context, e Env, p *types.Project, o composeopts.Logs) error {
	cs, err := serviceContainers(ctx, e, p, o.Services, true)
	if err != nil {
		return err
	}
	return followLogs(ctx, e, cs, o)
}

func followLogs(ctx context.Context, e Env, cs []projCtr, o composeopts.Logs) error {
	return followLogsUntil(ctx, e, cs, o, nil)
}

// followLogsUntil is followLogs; ended (with Follow) is called from the
// goroutine of each container whose logs came to their end (it stopped).
func followLogsUntil(ctx context.Context, e Env, cs []projCtr, o composeopts.Logs, ended func(projCtr)) error {
	width := 0
	for _, c := range cs {
		width = max(width, len(c.name))
	}
	var mu sync.Mutex
	var wg sync.WaitGroup
	errs := make([]error, len(cs))
	for i, c := range cs {
		args := []string{"logs"}
		if o.Follow {
			args = append(args, "--follow")
		}
		if o.Timestamps {
			args = append(args, "--timestamps")
		}
		if o.Tail >= 0 {
			args = append(args, "--tail", strconv.Itoa(o.Tail))
		}
		prefix := fmt.Sprintf("%-*s | ", width, c.name)
		if o.NoPrefix {
			prefix = ""
		}
		out := &prefixWriter{mu: &mu, out: e.Out, prefix: prefix}
		run := func() {
			errs[i] = e.Husk.Run(ctx, append(args, c.name), Stdio{Out: out, Err: out})
			out.flush()
			if errs[i] == nil && ended != nil && ctx.Err() == nil {
				ended(c)
			}
		}
		if !o.Follow {
			run()
			continue
		}
		wg.Add(1)
		go func() { defer wg.Done(); run() }()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil && ctx.Err() == nil {
			return fmt.Errorf("logs of %s: %w", cs[i].name, err)
		}
	}
	return nil
}

func joinNames(cs []projCtr) string {
	names := make([]string, len(cs))
	for i, c := range cs {
		names[i] = c.name
	}
	return strings.Join(names, ", ")
}

// Exec runs a command in a service's running container, with husk's
// standard streams; the command's exit code comes back as an *ExitError.
func Exec(ctx context.Context, e Env, p *types.Project, o composeopts.Exec) error {
	s, err := p.GetService(o.Service)
	if err != nil {
		return err
	}
	name := ContainerName(p.Name, s.Name, o.Index)
	if s.ContainerName != "" {
		name = s.ContainerName
	}
	args := []string{"exec"}
	for _, f := range []struct {
		on   bool
		flag string
	}{{o.Detach, "--detach"}, {o.Interactive, "--interactive"}, {o.TTY, "--tty"}, {o.Privileged, "--privileged"}} {
		if f.on {
			args = append(args, f.flag)
		}
	}
	for _, v := range o.Env {
		args = append(args, "--env", v)
	}
	if o.User != "" {
		args = append(args, "--user", o.User)
	}
	if o.WorkDir != "" {
		args = append(args, "--workdir", o.WorkDir)
	}
	args = append(append(args, name), o.Command...)
	return e.Husk.Run(ctx, args, Stdio{In: e.In, Out: e.Out, Err: e.Err})
}

// Run runs a one-off container of a service (its dependencies started
// first, as up starts them), in the foreground unless Detach; its exit
// code comes back as an *ExitError.
func Run(ctx context.Context, e Env, p *types.Project, o composeopts.Run) error {
	s, err := p.GetService(o.Service)
	if err != nil {
		if s, err = p.GetDisabledService(o.Service); err != nil {
			return fmt.Errorf("no such service: %q", o.Service)
		}
	}
	if !o.NoDeps && len(s.DependsOn) > 0 {
		if err := Up(ctx, e, p, composeopts.Up{Services: sortedKeys(s.DependsOn), Detach: true}); err != nil {
			return err
		}
	}
	args, err := oneoffArgs(p, s, o)
	if err != nil {
		return err
	}
	one, err := selectServices(p, []string{s.Name}, true)
	if err != nil {
		return err
	}
	pl, err := makePlan(one, e)
	if err != nil {
		return err
	}
	if err := ensureImages(ctx, e, one, pl, false); err != nil {
		return err
	}
	// The network and volumes stay, as with docker compose: down
	// removes them.
	if err := upResources(ctx, e, one, pl, &undo{}); err != nil {
		return err
	}
	if err := makeBindDirs(bindDirs(s)); err != nil {
		return err
	}
	return e.Husk.Run(ctx, args, Stdio{In: e.In, Out: e.Out, Err: e.Err})
}

// oneoffArgs is the "husk run" command line of a one-off container: the
// service's settings without its ports (docker compose run publishes
// none by default), with the overrides given.
func oneoffArgs(p *types.Project, s types.ServiceConfig, o composeopts.Run) ([]string, error) {
	s.Ports = nil
	if o.Entrypoint != nil {
		s.Entrypoint = types.ShellCommand{}
		if *o.Entrypoint != "" {
			s.Entrypoint = types.ShellCommand{*o.Entrypoint}
		}
	}
	if o.User != "" {
		s.User = o.User
	}
	if o.WorkDir != "" {
		s.WorkingDir = o.WorkDir
	}
	if len(o.Command) > 0 {
		s.Command = o.Command
	}
	s.Restart, s.Deploy = "", withoutRestart(s.Deploy)
	if _, err := checkService(s); err != nil {
		return nil, err
	}
	opts, err := runOptions(p, s)
	if err != nil {
		return nil, fmt.Errorf("service %q: %w", s.Name, err)
	}
	name := o.Name
	if name == "" {
		b := make([]byte, 6)
		if _, err := rand.Read(b); err != nil {
			return nil, err
		}
		name = fmt.Sprintf("%s-%s-run-%s", p.Name, s.Name, hex.EncodeToString(b))
	}
	args := []string{"run", "--pull", "never", "--name", name}
	for _, f := range []struct {
		on   bool
		flag string
	}{{o.Remove, "--rm"}, {o.Detach, "--detach"}, {o.Interactive, "--interactive"}, {o.TTY, "--tty"}} {
		if f.on {
			args = append(args, f.flag)
		}
	}
	args = append(args, opts...)
	for _, v := range o.Env {
		args = append(args, "--env", v)
	}
	for _, v := range o.Publish {
		args = append(args, "--publish", v)
	}
	for _, v := range o.Volumes {
		args = append(args, "--volume", v)
	}
	args = append(args, labelArgs(p, s, 1, true)...)
	return append(args, imageAndCommand(s)...), nil
}

func withoutRestart(d *types.DeployConfig) *types.DeployConfig {
	if d == nil {
		return nil
	}
	c := *d
	c.RestartPolicy = nil
	return &c
}

// buildKeys are the build keys husk build honours.
var buildKeys = keySet("context", "dockerfile", "args", "target", "labels", "network", "no_cache", "pull", "tags")

// buildImage builds service s's image with "husk build".
func buildImage(ctx context.Context, e Env, s types.ServiceConfig) error {
	b := s.Build
	raw, err := json.Marshal(b)
	if err != nil {
		return err
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		return err
	}
	for _, k := range sortedKeys(m) {
		if !buildKeys[k] && string(m[k]) != "null" && string(m[k]) != "false" {
			return fmt.Errorf("service %q: build.%s is not supported by husk build: remove it", s.Name, k)
		}
	}
	args := []string{"build", "--tag", s.Image}
	for _, t := range b.Tags {
		args = append(args, "--tag", t)
	}
	if b.Dockerfile != "" {
		df := b.Dockerfile
		if !filepath.IsAbs(df) {
			df = filepath.Join(b.Context, df)
		}
		// compose-go fills in Dockerfile; husk build looks for a
		// Containerfile first, then a Dockerfile, as podman does.
		if _, err := os.Stat(df); err == nil || b.Dockerfile != "Dockerfile" {
			args = append(args, "--file", df)
		}
	}
	for _, k := range sortedKeys(b.Args) {
		if v := b.Args[k]; v != nil {
			args = append(args, "--build-arg", k+"="+*v)
		}
	}
	for _, k := range sortedKeys(b.Labels) {
		args = append(args, "--label", k+"="+b.Labels[k])
	}
	if b.Target != "" {
		args = append(args, "--target", b.Target)
	}
	if b.Network != "" {
		args = append(args, "--network", b.Network)
	}
	if b.NoCache {
		args = append(args, "--no-cache")
	}
	if b.Pull {
		args = append(args, "--pull", "always")
	}
	fmt.Fprintf(e.Err, "Building %s (service %s)\n", s.Image, s.Name)
	if err := e.Husk.Run(ctx, append(args, b.Context), Stdio{Out: e.Err, Err: e.Err}); err != nil {
		return fmt.Errorf("service %q: build image %s: %w", s.Name, s.Image, err)
	}
	return nil
}
