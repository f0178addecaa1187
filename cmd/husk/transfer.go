package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/husk-dev/husk/pkg/pull"
)

func newPushCommand(a *app) *cobra.Command {
	var quiet bool
	var reg *registryFlags
	cmd := &cobra.Command{
		Use:   "push [flags] IMAGE [DESTINATION]",
		Short: "Push an image to a registry or another transport",
		Long: `Push a stored image (by name or ID) to DESTINATION: a registry name (docker://
implied) or oci:, oci-archive:, docker-archive:, dir:. Without DESTINATION the
image goes to the registry its name says.`,
		Args: cobra.RangeArgs(1, 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			sys, err := a.withCache(reg.options()).SystemContext()
			if err != nil {
				return err
			}
			store, err := a.openStore()
			if err != nil {
				return err
			}
			defer store.Close()
			dest := ""
			if len(args) == 2 {
				dest = args[1]
			}
			var progress io.Writer = a.stderr
			if quiet {
				progress = nil
			}
			return pull.Push(cmd.Context(), store, args[0], dest, pull.PushOptions{Sys: sys, Progress: progress})
		},
	}
	cmd.Flags().BoolVarP(&quiet, "quiet", "q", false, "no progress output")
	reg = addRegistryFlags(cmd.Flags(), true)
	return cmd
}

func newSaveCommand(a *app) *cobra.Command {
	var output, format string
	var quiet bool
	cmd := &cobra.Command{
		Use:   "save [flags] IMAGE",
		Short: "Write an image to an archive file",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			f, err := pull.ParseArchiveFormat(format)
			if err != nil {
				return err
			}
			toStdout := output == ""
			if toStdout {
				if term.IsTerminal(int(os.Stdout.Fd())) {
					return fmt.Errorf("refusing to write an archive to a terminal: use -o FILE or redirect stdout")
				}
				// The archive writers need a file they can seek in.
				dir, err := os.MkdirTemp("", "husk-save-")
				if err != nil {
					return fmt.Errorf("save to stdout: %w", err)
				}
				defer os.RemoveAll(dir)
				output = filepath.Join(dir, "archive.tar")
			}
			store, err := a.openStore()
			if err != nil {
				return err
			}
			defer store.Close()
			var progress io.Writer = a.stderr
			if quiet || toStdout {
				progress = nil
			}
			if err := pull.Save(cmd.Context(), store, args[0], output, pull.SaveOptions{Format: f, Progress: progress}); err != nil {
				return err
			}
			if !toStdout {
				return nil
			}
			fh, err := os.Open(output)
			if err != nil {
				return fmt.Errorf("save to stdout: %w", err)
			}
			defer fh.Close()
			if _, err := io.Copy(a.stdout, fh); err != nil {
				return fmt.Errorf("save to stdout: %w", err)
			}
			return nil
		},
	}
	cmd.Flags().StringVarP(&output, "output", "o", "", "write to FILE (default: stdout)")
	cmd.Flags().StringVar(&format, "format", string(pull.FormatDockerArchive), "archive format: oci-archive or docker-archive")
	cmd.Flags().BoolVarP(&quiet, "quiet", "q", false, "no progress output")
	return cmd
}

func newLoadCommand(a *app) *cobra.Command {
	var input string
	var quiet bool
	cmd := &cobra.Command{
		Use:   "load [flags]",
		Short: "Load an image from an oci-archive or docker-archive file",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if input == "" {
				if term.IsTerminal(int(os.Stdin.Fd())) {
					return fmt.Errorf("no archive given: use -i FILE or redirect stdin")
				}
				tmp, err := spoolStdin(a.stdin)
				if err != nil {
					return err
				}
				defer os.Remove(tmp)
				input = tmp
			}
			store, err := a.openStore()
			if err != nil {
				return err
			}
			defer store.Close()
			var progress io.Writer = a.stderr
			if quiet {
				progress = nil
			}
			res, err := pull.Load(cmd.Context(), store, input, progress)
			if err != nil {
				return err
			}
			fmt.Fprintf(a.stdout, "Loaded image: %s\n", res.Name)
			return nil
		},
	}
	cmd.Flags().StringVarP(&input, "input", "i", "", "read from FILE (default: stdin)")
	cmd.Flags().BoolVarP(&quiet, "quiet", "q", false, "no progress output")
	return cmd
}

// spoolStdin copies a piped archive to a temporary file: both archive
// readers need to seek.
func spoolStdin(r io.Reader) (string, error) {
	f, err := os.CreateTemp("", "husk-load-*.tar")
	if err != nil {
		return "", fmt.Errorf("spool stdin: %w", err)
	}
	if _, err := io.Copy(f, r); err != nil {
		f.Close()
		os.Remove(f.Name())
		return "", fmt.Errorf("spool stdin: %w", err)
	}
	if err := f.Close(); err != nil {
		os.Remove(f.Name())
		return "", fmt.Errorf("spool stdin: %w", err)
	}
	return f.Name(), nil
}
