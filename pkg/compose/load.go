package compose

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/compose-spec/compose-go/v2/cli"
	"github.com/compose-spec/compose-go/v2/types"

	"github.com/husk-dev/husk/pkg/compose/composeopts"
)

// maxFileSize bounds each compose and env file husk reads: a compose file
// of more is not one a person wrote.
const maxFileSize = 4 << 20

// Load loads, merges, interpolates and validates the project.
func Load(ctx context.Context, o composeopts.Project) (*types.Project, error) {
	for _, f := range append(append([]string{}, o.Files...), o.EnvFiles...) {
		if err := checkSize(f); err != nil {
			return nil, err
		}
	}
	opts, err := cli.NewProjectOptions(o.Files,
		cli.WithWorkingDirectory(o.WorkDir),
		cli.WithOsEnv,
		cli.WithEnvFiles(o.EnvFiles...),
		cli.WithDotEnv,
		cli.WithConfigFileEnv,
		cli.WithDefaultConfigPath,
		cli.WithName(o.Name),
		cli.WithProfiles(o.Profiles),
	)
	if err != nil {
		return nil, fmt.Errorf("load compose project: %w", err)
	}
	for _, f := range opts.ConfigPaths {
		if err := checkSize(f); err != nil {
			return nil, err
		}
	}
	p, err := opts.LoadProject(ctx)
	if err != nil {
		return nil, fmt.Errorf("load compose project: %w", err)
	}
	return p, nil
}

// checkSize refuses a file over maxFileSize ("-" is stdin: compose-go
// reads it).
func checkSize(path string) error {
	if path == "-" || path == "" {
		return nil
	}
	fi, err := os.Stat(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil // compose-go says which file is missing
	}
	if err != nil {
		return fmt.Errorf("compose file %q: %w", path, err)
	}
	if fi.Size() > maxFileSize {
		return fmt.Errorf("compose file %q is %d bytes: more than the %d husk reads", filepath.Clean(path), fi.Size(), maxFileSize)
	}
	return nil
}
