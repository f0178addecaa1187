//go:build linux

package main

import (
	"bufio"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/husk-dev/husk/internal/format"
	"github.com/husk-dev/husk/internal/sysreset"
	"github.com/husk-dev/husk/pkg/build/leftover"
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
	cmd.AddCommand(newSystemDFCommand(a), newSystemCheckCommand(a), newSystemResetCommand(a), info)
	return cmd
}

func newSystemDFCommand(a *app) *cobra.Command {
	var outFormat string
	cmd := &cobra.Command{
		Use:   "df [flags]",
		Short: "Show the space images and layers use",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			store, err := a.openStore()
			if err != nil {
				return err
			}
			defer store.Close()
			u, err := store.DiskUsage()
			if err != nil {
				return err
			}
			if outFormat == "json" {
				return format.JSON(a.stdout, u)
			}
			if outFormat != "" {
				return fmt.Errorf("unknown --format %q: use json", outFormat)
			}
			tw := format.NewTable(a.stdout)
			fmt.Fprintln(tw, "TYPE\tTOTAL\tACTIVE\tSIZE\tRECLAIMABLE")
			pct := 0
			if u.ImagesSize > 0 {
				pct = int(u.Reclaimable * 100 / u.ImagesSize)
			}
			fmt.Fprintf(tw, "Images\t%d\t%d\t%s\t%s (%d%%)\n", u.Images, u.ActiveImages, format.HumanSize(u.ImagesSize), format.HumanSize(u.Reclaimable), pct)
			fmt.Fprintf(tw, "Layers\t%d\t-\t%s\t-\n", u.Layers, format.HumanSize(u.LayersSize))
			fmt.Fprintf(tw, "Containers\t%d\t-\t-\t-\n", u.Containers)
			return tw.Flush()
		},
	}
	cmd.Flags().StringVar(&outFormat, "format", "", "output format: json")
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
			res, err := store.Check(maxAge)
			if err != nil {
				return err
			}
			if res.OK() {
				fmt.Fprintln(a.stdout, "No problems found")
				return nil
			}
			for _, p := range res.Problems {
				fmt.Fprintln(a.stdout, p)
			}
			if !repair {
				return &exitCodeError{code: 1, msg: fmt.Sprintf("%d problem(s) found; run 'husk system check --repair' to remove damaged items", len(res.Problems))}
			}
			if err := store.Repair(res, force); err != nil {
				return fmt.Errorf("repair store: %w", err)
			}
			after, err := store.Check(maxAge)
			if err != nil {
				return err
			}
			if !after.OK() {
				for _, p := range after.Problems {
					fmt.Fprintln(a.stdout, "remaining: "+p)
				}
				return &exitCodeError{code: 1, msg: fmt.Sprintf("%d problem(s) remain after repair", len(after.Problems))}
			}
			fmt.Fprintf(a.stdout, "Repaired %d problem(s)\n", len(res.Problems))
			return nil
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
