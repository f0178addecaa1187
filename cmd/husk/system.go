//go:build linux

package main

import (
	"bufio"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/husk-dev/husk/internal/format"
	"github.com/husk-dev/husk/internal/sysdf"
	"github.com/husk-dev/husk/internal/sysreset"
	"github.com/husk-dev/husk/pkg/build/leftover"
	"github.com/husk-dev/husk/pkg/storage"
	"github.com/husk-dev/husk/pkg/userns"
)

func newSystemCommand(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "system",
		Short: "Manage the store as a whole",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return cmd.Help()
		},
	}
	info := newInfoCommand(a)
	cmd.AddCommand(newSystemDFCommand(a), newSystemCheckCommand(a), newSystemResetCommand(a), newSystemPruneCommand(a), info)
	return cmd
}

func newSystemDFCommand(a *app) *cobra.Command {
	var outFormat string
	var verbose bool
	cmd := &cobra.Command{
		Use:   "df [flags]",
		Short: "Show the space images, containers and volumes use",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if verbose && outFormat != "" {
				return fmt.Errorf("--format and --verbose cannot be combined: --verbose prints tables only")
			}
			f, err := format.New(outFormat)
			if err != nil {
				return err
			}
			store, env, err := a.openEnv()
			if err != nil {
				return err
			}
			defer store.Close()
			u, err := sysdf.Collect(store, env, a.volumeStore(store))
			if err != nil {
				return err
			}
			if verbose {
				return u.WriteVerbose(a.stdout)
			}
			return u.Write(a.stdout, f)
		},
	}
	cmd.Flags().StringVar(&outFormat, "format", "", "output format: json or a Go template ({{.Type}} {{.Total}} {{.Active}} {{.Size}} {{.Reclaimable}})")
	cmd.Flags().BoolVarP(&verbose, "verbose", "v", false, "show every image, container and volume")
	return cmd
}

func newSystemCheckCommand(a *app) *cobra.Command {
	var repair, force bool
	var maxAge time.Duration
	cmd := &cobra.Command{
		Use:   "check [flags]",
		Short: "Verify the store: layers against their digests, images and containers against what they use",
		Long: `Verify every layer's contents against the digests recorded when it was
stored, and every image and container against the layers and data they need.
With --repair, remove what is damaged (damaged layers and the images that
need them) without touching healthy images; containers are removed only with
--force. Exits 1 when problems remain.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			store, err := a.openStore()
			if err != nil {
				return err
			}
			defer store.Close()
			// A killed build's leftovers are not damage: they go first.
			leftover.Clean(cmd.Context(), store)
			err = store.CheckAndRepair(a.stdout, maxAge, repair, force)
			var pe *storage.ProblemsError
			if errors.As(err, &pe) {
				return &exitCodeError{code: 1, msg: message(pe.Unwrap())}
			}
			return err
		},
	}
	cmd.Flags().BoolVarP(&repair, "repair", "r", false, "remove damaged layers and the images that use them")
	cmd.Flags().BoolVarP(&force, "force", "f", false, "with --repair, also remove damaged containers")
	cmd.Flags().DurationVarP(&maxAge, "max", "m", 24*time.Hour, "report layers no image uses once older than this (leftovers of interrupted pulls)")
	return cmd
}

func newSystemResetCommand(a *app) *cobra.Command {
	var force bool
	cmd := &cobra.Command{
		Use:   "reset [flags]",
		Short: "Remove every image, layer and container of the store",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts := a.storeOptions()
			if !force {
				fmt.Fprintf(a.stderr, "WARNING! This removes all images, layers and containers in\n  %s\n  %s\nAre you sure you want to continue? [y/N] ", opts.GraphRoot, opts.RunRoot)
				line, _ := bufio.NewReader(a.stdin).ReadString('\n')
				if ans := strings.ToLower(strings.TrimSpace(line)); ans != "y" && ans != "yes" {
					return &exitCodeError{code: 1, msg: "reset cancelled"}
				}
			}
			o := sysreset.Options{Store: opts, Env: a.runtimeEnv, Warn: a.stderr}
			if a.state.Rootless {
				o.StopNamespace = func() error { return userns.StopPause(a.runtimeDir) }
			}
			return sysreset.Reset(cmd.Context(), o)
		},
	}
	cmd.Flags().BoolVarP(&force, "force", "f", false, "do not ask for confirmation")
	return cmd
}
