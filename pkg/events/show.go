package events

import (
	"context"
	"encoding/json"
	"fmt"
	"io"

	"github.com/husk-dev/husk/internal/format"
)

// ShowOptions are how `husk events` prints.
type ShowOptions struct {
	Options
	// Format is "" (podman's text lines), "json" (one object a line) or
	// a Go template.
	Format string
	// Stream follows the journal until ctx ends; without it the events
	// there are printed and Show returns.
	Stream bool
	// Trunc shortens IDs in the text lines.
	Trunc bool
}

// Show prints the journal's events as podman's `events` does. Following,
// it starts at the end of the journal unless a start (Since) is given.
func Show(ctx context.Context, j *Journal, o ShowOptions, w io.Writer) error {
	print, err := printer(o, w)
	if err != nil {
		return err
	}
	if !o.Stream {
		return j.Read(o.Options, print)
	}
	return j.Follow(ctx, o.Options, !o.Since.IsZero(), print)
}

func printer(o ShowOptions, w io.Writer) (func(Event) error, error) {
	switch o.Format {
	case "":
		return func(e Event) error {
			_, err := fmt.Fprintln(w, e.String(o.Trunc))
			return err
		}, nil
	case "json":
		return func(e Event) error {
			b, err := json.Marshal(e)
			if err != nil {
				return err
			}
			_, err = fmt.Fprintf(w, "%s\n", b)
			return err
		}, nil
	}
	f, err := format.New(o.Format)
	if err != nil {
		return nil, err
	}
	return func(e Event) error { return f.Render(w, []any{e}) }, nil
}
