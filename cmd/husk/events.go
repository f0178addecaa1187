//go:build linux

package main

import (
	"fmt"
	"path/filepath"
	"time"

	"github.com/sirupsen/logrus"
	"github.com/spf13/cobra"

	"github.com/husk-dev/husk/internal/setting"
	"github.com/husk-dev/husk/pkg/events"
	"github.com/husk-dev/husk/pkg/storage"
	"github.com/husk-dev/husk/pkg/userns"
)

// journal is the store's event journal, in its run root (see pkg/events).
// With --events-backend none there is none (nil): nothing is recorded.
func (a *app) journal() *events.Journal {
	if a.global.eventsBackend == "none" {
		return nil
	}
	return events.New(filepath.Join(a.storeOptions().RunRoot, "husk-events"))
}

// record appends an image, volume or network event (the runtime records
// the containers'); a journal that cannot be written costs a warning.
func (a *app) record(t events.Type, s events.Status, id, name string) {
	e := events.Event{Type: t, Status: s, ID: id, Name: name}
	if t == events.Network {
		e.Name, e.Network = "", name
	}
	j := a.journal()
	if j == nil {
		return
	}
	if err := j.Append(e); err != nil {
		logrus.Warnf("%v", err)
	}
}

// imageID is the ID of the image ref names ("" if none).
func imageID(store *storage.Store, ref string) string {
	img, _, err := store.Lookup(ref)
	if err != nil {
		return ""
	}
	return img.ID
}

func newEventsCommand(a *app) *cobra.Command {
	var since, until, outFormat string
	var filters []string
	var stream, noTrunc bool
	cmd := &cobra.Command{
		Use:   "events [flags]",
		Short: "Show what happened to containers, images, volumes and networks",
		Long: `Print the events husk commands and container monitors recorded in the
store's journal (RUNROOT/husk-events, kept to about 2 MiB), as podman
does. Without --stream=false, follow new events until interrupted.`,
		Args: cobra.NoArgs,
		// The journal belongs to the user: reading it needs no user
		// namespace, and signals reach this process directly.
		Annotations: noNamespace,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if a.runtimeDir == "" && a.state.Rootless {
				dir, _, err := userns.RuntimeDir(a.state.UID)
				if err != nil {
					return err
				}
				a.runtimeDir = dir
			}
			o := events.ShowOptions{Format: outFormat, Stream: stream, Trunc: !noTrunc}
			var err error
			if o.Filters, err = events.ParseFilters(filters); err != nil {
				return err
			}
			now := time.Now()
			if since != "" {
				if o.Since, err = events.ParseTime(since, true, now); err != nil {
					return setting.Errorf("{since}: %w", err)
				}
			}
			if until != "" {
				if o.Until, err = events.ParseTime(until, false, now); err != nil {
					return setting.Errorf("{until}: %w", err)
				}
			}
			j := a.journal()
			if j == nil {
				return fmt.Errorf("no events are recorded with --events-backend none: use --events-backend file")
			}
			return events.Show(cmd.Context(), j, o, a.stdout)
		},
	}
	f := cmd.Flags()
	stringArrayVarP(f, &filters, "filter", "f", nil, "show only events that match: type=, event=, container=, image=, volume=, network=, label=KEY[=VALUE] (a key given twice: either value)")
	f.StringVar(&outFormat, "format", "", "json (an object a line) or a Go template ({{.Time}} {{.Type}} {{.Status}} {{.ID}} {{.Name}} {{.Image}} {{.Attributes}} ...)")
	f.StringVar(&since, "since", "", "show events from this time: RFC 3339, Unix seconds, or a duration back from now (10m)")
	f.StringVar(&until, "until", "", "show events up to this time: RFC 3339, Unix seconds, or a duration from now")
	f.BoolVar(&stream, "stream", true, "follow new events; false: print those recorded and exit")
	f.BoolVar(&noTrunc, "no-trunc", true, "show full IDs")
	return cmd
}
