package kube

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strings"
)

// ExecRunner runs husk as a child process: Path with Global (the caller's
// global flags) before each command's arguments.
type ExecRunner struct {
	Path   string
	Global []string
}

// Husk implements Runner.
func (e ExecRunner) Husk(ctx context.Context, stdin []byte, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, e.Path, append(append([]string{}, e.Global...), args...)...)
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	if err != nil {
		msg := strings.TrimSpace(errb.String())
		msg = strings.TrimPrefix(msg, "husk: ")
		var exit *exec.ExitError
		if errors.As(err, &exit) && msg != "" {
			return "", errors.New(msg) // husk's own words say what failed
		}
		return "", fmt.Errorf("husk %s: %w", args[0], err)
	}
	return strings.TrimSpace(out.String()), nil
}
