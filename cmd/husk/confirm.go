package main

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"
)

// confirmed asks, as podman's prune commands do without --force: warning
// on stdout, then "Are you sure you want to continue? [y/N] " and one
// line on stdin (a terminal or not). An answer starting with y goes on;
// any other stops with nothing done; no answer at all is an error (125).
func confirmed(cmd *cobra.Command, force bool, warning string) (bool, error) {
	if force {
		return true, nil
	}
	return confirmedOn(cmd.InOrStdin(), cmd.OutOrStdout(), warning)
}

// confirmedOn is confirmed's question on in and out.
func confirmedOn(in io.Reader, out io.Writer, warning string) (bool, error) {
	fmt.Fprint(out, warning+"Are you sure you want to continue? [y/N] ")
	answer, err := bufio.NewReader(in).ReadString('\n')
	if err != nil && answer == "" {
		return false, fmt.Errorf("read the answer: %w: answer y, or use --force", err)
	}
	return strings.HasPrefix(strings.ToLower(strings.TrimSpace(answer)), "y"), nil
}
