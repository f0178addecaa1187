package compose

import (
	"context"
	"fmt"
	"slices"

	"github.com/compose-spec/compose-go/v2/types"

	"github.com/husk-dev/husk/pkg/compose/composeopts"
)

// Do loads the project and runs one "husk compose" command on it.
func Do(ctx context.Context, e Env, r composeopts.Request) error {
	p, err := Load(ctx, r.Project)
	if err != nil {
		// As docker compose: with -p, the commands that act on what a
		// project left need no files; its labels find it.
		if r.Project.Name == "" || len(r.Project.Files) > 0 || !slices.Contains([]string{"down", "ps", "logs", "stop", "start", "restart"}, r.Verb) {
			return err
		}
		p = &types.Project{Name: r.Project.Name}
	}
	switch r.Verb {
	case "up":
		return Up(ctx, e, p, r.Up)
	case "down":
		return Down(ctx, e, p, r.Down)
	case "ps":
		return Ps(ctx, e, p, r.Ps)
	case "logs":
		return Logs(ctx, e, p, r.Logs)
	case "exec":
		return Exec(ctx, e, p, r.Exec)
	case "run":
		return Run(ctx, e, p, r.Run)
	case "pull":
		return Pull(ctx, e, p, r.Services)
	case "build":
		return Build(ctx, e, p, r.Services)
	case "config":
		return Config(e, p, r.Format)
	case "stop", "start", "restart":
		return Lifecycle(ctx, e, p, r.Verb, r.Lifecycle)
	}
	return fmt.Errorf("unknown compose command %q", r.Verb)
}

// Build builds the images of the services (all: none named) that have
// build:.
func Build(ctx context.Context, e Env, p *types.Project, services []string) error {
	for _, s := range inDependencyOrder(p) {
		if s.Build == nil || len(services) > 0 && !slices.Contains(services, s.Name) {
			continue
		}
		if s.Image == "" {
			return fmt.Errorf("service %q: build without image: give the service an image: name for husk build to tag", s.Name)
		}
		if err := buildImage(ctx, e, s); err != nil {
			return err
		}
	}
	return nil
}
