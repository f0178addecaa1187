package layerreport

import (
	"fmt"
	"io"

	"github.com/husk-dev/husk/internal/format"
	"github.com/husk-dev/husk/internal/setting"
	"github.com/husk-dev/husk/pkg/storage"
)

// DiffJSON is husk diff --format json: podman's shape, an empty list left
// out.
type DiffJSON struct {
	Changed []string `json:"changed,omitempty"`
	Added   []string `json:"added,omitempty"`
	Deleted []string `json:"deleted,omitempty"`
}

// CheckDiffFormat accepts the formats husk diff knows: "" and "json".
func CheckDiffFormat(f string) error {
	if f != "" && f != "json" {
		return setting.Errorf("{format} %q: husk diff knows only json", f)
	}
	return nil
}

// WriteDiff prints changes as "K /path" lines, or as DiffJSON when
// outFormat is "json".
func WriteDiff(w io.Writer, changes []storage.Change, outFormat string) error {
	if err := CheckDiffFormat(outFormat); err != nil {
		return err
	}
	if outFormat == "json" {
		var j DiffJSON
		for _, c := range changes {
			switch c.Kind {
			case storage.Added:
				j.Added = append(j.Added, c.Path)
			case storage.Deleted:
				j.Deleted = append(j.Deleted, c.Path)
			default:
				j.Changed = append(j.Changed, c.Path)
			}
		}
		return format.JSON(w, j)
	}
	for _, c := range changes {
		if _, err := fmt.Fprintf(w, "%s %s\n", c.Kind, c.Path); err != nil {
			return err
		}
	}
	return nil
}
