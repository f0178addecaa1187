package resourcelist

import (
	"fmt"
	"io"
	"time"

	"github.com/husk-dev/husk/internal/format"
	"github.com/husk-dev/husk/pkg/secrets"
)

// SecretKeys are the filters of secret ls.
var SecretKeys = []string{"id", "name"}

// SecretRow is one line of husk secret ls; its fields are what --format
// templates see (podman 4.3.1's names).
type SecretRow struct {
	ID, Name, Driver     string
	CreatedAt, UpdatedAt string
}

// SecretJSON is one entry of secret ls --format json. (podman 4.3.1
// prints the word "json"; later podman prints the records, as here.)
type SecretJSON struct {
	ID        string
	Name      string
	Driver    string
	CreatedAt time.Time
	UpdatedAt time.Time
	Labels    map[string]string
}

// WriteSecrets prints the secrets that o's filters select: their IDs
// with Quiet, else as fm says.
func WriteSecrets(w io.Writer, fm *format.Formatter, list []secrets.Secret, o Options) error {
	f, err := parseFilters(o.Filters, SecretKeys)
	if err != nil {
		return err
	}
	now := time.Now()
	var rows []any
	js := []SecretJSON{}
	for _, s := range list {
		ok := f.match(nil, false, func(k, val string) bool {
			if k == "name" {
				return matchName(val, s.Spec.Name)
			}
			return matchName(val, s.ID) // id, a regular expression as podman's
		})
		if !ok {
			continue
		}
		if o.Quiet {
			fmt.Fprintln(w, s.ID)
			continue
		}
		rows = append(rows, SecretRow{ID: s.ID, Name: s.Spec.Name, Driver: s.Spec.Driver.Name,
			CreatedAt: format.Ago(s.CreatedAt, now), UpdatedAt: format.Ago(s.UpdatedAt, now)})
		js = append(js, SecretJSON{ID: s.ID, Name: s.Spec.Name, Driver: s.Spec.Driver.Name,
			CreatedAt: s.CreatedAt, UpdatedAt: s.UpdatedAt, Labels: nonNil(s.Spec.Labels)})
	}
	if o.Quiet {
		return nil
	}
	return fm.WriteList(w, rows, js, format.List{Default: "table {{.ID}}\t{{.Name}}\t{{.Driver}}\t{{.CreatedAt}}\t{{.UpdatedAt}}",
		Headers: map[string]string{"CreatedAt": "CREATED", "UpdatedAt": "UPDATED"}, Row: SecretRow{}, NoHeading: o.NoHeading})
}
