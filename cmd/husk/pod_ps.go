//go:build linux

package main

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/husk-dev/husk/internal/format"
	"github.com/husk-dev/husk/pkg/pod"
)

func newPodPsCommand(a *app) *cobra.Command {
	var (
		o         pod.ListOptions
		outFormat string
		quiet     bool
		noHeading bool
		ctrNames  bool
		ctrIDs    bool
		ctrStatus bool
	)
	cmd := &cobra.Command{
		Use:     "ps [flags]",
		Aliases: []string{"ls", "list"},
		Short:   "List pods",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			fm, err := format.New(outFormat)
			if err != nil {
				return err
			}
			store, env, err := a.openEnv()
			if err != nil {
				return err
			}
			defer store.Close()
			rows, err := pod.ListRows(env, o, time.Now())
			if err != nil {
				return err
			}
			if quiet {
				for _, r := range rows {
					fmt.Fprintln(a.stdout, r.ID)
				}
				return nil
			}
			items, js := make([]any, 0, len(rows)), make([]pod.RowJSON, 0, len(rows))
			for _, r := range rows {
				items, js = append(items, r), append(js, r.JSON())
			}
			def := "table {{.ID}}\t{{.Name}}\t{{.Status}}\t{{.Created}}\t{{.InfraID}}"
			for _, c := range []struct {
				on  bool
				col string
			}{{ctrNames, "ContainerNames"}, {ctrIDs, "ContainerIds"}, {ctrStatus, "ContainerStatuses"}} {
				if c.on {
					def += "\t{{." + c.col + "}}"
				}
			}
			if !ctrNames && !ctrIDs && !ctrStatus {
				def += "\t{{.NumberOfContainers}}"
			}
			return fm.WriteList(a.stdout, items, js, format.List{Default: def, Headers: pod.Headers, Row: pod.Row{}, NoHeading: noHeading})
		},
	}
	f := cmd.Flags()
	stringArrayVarP(f, &o.Filters, "filter", "f", nil, "filter KEY=VALUE: name, id (regular expressions), label, status, ctr-names, ctr-ids, ctr-status, ctr-number, network, until")
	f.StringVar(&outFormat, "format", "", "json, or a Go template ('{{.Name}} {{.Status}}'; 'table {{.ID}} {{.Name}}' adds a header)")
	f.BoolVarP(&quiet, "quiet", "q", false, "print only pod IDs")
	f.BoolVar(&o.NoTrunc, "no-trunc", false, "do not truncate IDs")
	f.BoolVarP(&o.Latest, "latest", "l", false, "show the pod created last")
	f.StringVar(&o.Sort, "sort", "created", "order by created, id, name, number or status")
	f.BoolVar(&noHeading, "noheading", false, "do not print the header row of a table")
	f.BoolVar(&ctrNames, "ctr-names", false, "show the names of the pod's containers")
	f.BoolVar(&ctrIDs, "ctr-ids", false, "show the IDs of the pod's containers")
	f.BoolVar(&ctrStatus, "ctr-status", false, "show the states of the pod's containers")
	return cmd
}

func newPodInspectCommand(a *app) *cobra.Command {
	var outFormat string
	cmd := &cobra.Command{
		Use:   "inspect [flags] POD [POD...]",
		Short: "Show pods' configuration and state as JSON (podman's keys)",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			fm, err := format.New(outFormat)
			if err != nil {
				return err
			}
			store, env, err := a.openEnv()
			if err != nil {
				return err
			}
			defer store.Close()
			out, err := pod.InspectRefs(env, args)
			if err != nil {
				if len(out) == 0 && !fm.Template() {
					fmt.Fprintln(a.stdout, "[]")
				}
				return fmt.Errorf("inspecting object: %w", err)
			}
			if fm.Template() {
				items := make([]any, 0, len(out))
				for _, o := range out {
					items = append(items, o)
				}
				return fm.Render(a.stdout, items)
			}
			if len(out) == 1 {
				// podman 4.3.1 prints one pod as an object, not a list.
				return format.JSON(a.stdout, out[0])
			}
			return format.JSON(a.stdout, out)
		},
	}
	cmd.Flags().StringVarP(&outFormat, "format", "f", "", "a Go template ('{{.Name}} {{.State}}'), or json")
	return cmd
}

func newPodExistsCommand(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "exists POD",
		Short: "Exit 0 if the pod exists, 1 if not",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			store, err := a.openStore()
			if err != nil {
				return err
			}
			defer store.Close()
			if _, err := pod.Lookup(store, args[0]); err != nil {
				return podNotFoundIs1(err)
			}
			return nil
		},
	}
}
