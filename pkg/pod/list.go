package pod

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/husk-dev/husk/internal/setting"
	"github.com/husk-dev/husk/pkg/runtime"
)

// ListOptions are pod ps's choices.
type ListOptions struct {
	Filters []string
	NoTrunc bool
	// Latest keeps the pod created last.
	Latest bool
	// Sort orders the rows: created, id, name, number or status.
	Sort string
}

var sortKeys = []string{"created", "id", "name", "number", "status"}

// ListRows are pod ps's rows of the pods o selects, oldest first unless
// o.Sort says otherwise.
func ListRows(env runtime.Env, o ListOptions, now time.Time) ([]Row, error) {
	if o.Sort != "" && !slices.Contains(sortKeys, o.Sort) {
		return nil, setting.Errorf("{sort} %q: use one of %s", o.Sort, strings.Join(sortKeys, ", "))
	}
	flt, err := ParseFilter(o.Filters)
	if err != nil {
		return nil, err
	}
	pods, err := List(env.Store)
	if err != nil {
		return nil, err
	}
	if o.Latest && len(pods) > 0 {
		pods = pods[len(pods)-1:]
	}
	var rows []Row
	for _, p := range pods {
		cs, err := Members(env, p)
		if err != nil {
			return nil, err
		}
		if flt.Match(p, cs) {
			rows = append(rows, MakeRow(p, cs, o.NoTrunc, now))
		}
	}
	sort.SliceStable(rows, func(i, j int) bool {
		a, b := rows[i], rows[j]
		switch o.Sort {
		case "id":
			return a.ID < b.ID
		case "name":
			return a.Name < b.Name
		case "number":
			return a.NumberOfContainers < b.NumberOfContainers
		case "status":
			return a.Status < b.Status
		}
		return a.CreatedAt.Before(b.CreatedAt)
	})
	return rows, nil
}

// InspectRefs are the pods refs name as pod inspect shows them; the
// first that does not exist ends it (with those found before).
func InspectRefs(env runtime.Env, refs []string) ([]Inspect, error) {
	var out []Inspect
	for _, ref := range refs {
		p, err := Lookup(env.Store, ref)
		if errors.Is(err, ErrPodUnknown) {
			return out, fmt.Errorf("%w %s", ErrPodUnknown, ref)
		}
		if err != nil {
			return out, err
		}
		cs, err := Members(env, p)
		if err != nil {
			return out, err
		}
		out = append(out, InspectPod(p, cs))
	}
	return out, nil
}
