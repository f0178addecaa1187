package events

import (
	"fmt"
	"sort"
	"strings"
	"time"
)

// Type is what an event is about.
type Type string

// The event types, as podman spells them.
const (
	Container Type = "container"
	Image     Type = "image"
	Volume    Type = "volume"
	Network   Type = "network"
	System    Type = "system"
	Pod       Type = "pod"
)

// Status is what happened, as podman spells it.
type Status string

// Container events.
const (
	Create      Status = "create"
	Init        Status = "init"
	Start       Status = "start"
	Attach      Status = "attach"
	Exec        Status = "exec"
	ExecDied    Status = "exec_died"
	Died        Status = "died"
	Stop        Status = "stop"
	Kill        Status = "kill"
	Pause       Status = "pause"
	Unpause     Status = "unpause"
	Restart     Status = "restart"
	Remove      Status = "remove"
	Cleanup     Status = "cleanup"
	HealthCheck Status = "health_status"
	Commit      Status = "commit"
)

// Image events (Remove is "remove" for images too).
const (
	Pull  Status = "pull"
	Push  Status = "push"
	Tag   Status = "tag"
	Untag Status = "untag"
	Save  Status = "save"
	Load  Status = "load"
	Build Status = "build"
)

// Event is one journal entry. Its JSON is podman's (`podman events
// --format json`): the same keys, the same omissions.
type Event struct {
	// ContainerExitCode is set on "died" and "exec_died".
	ContainerExitCode *int   `json:",omitempty"`
	ID                string `json:",omitempty"`
	Image             string `json:",omitempty"`
	Name              string `json:",omitempty"`
	Network           string `json:",omitempty"`
	Status            Status
	Time              time.Time
	Type              Type
	// HealthStatus is set on "health_status" (healthy, unhealthy,
	// starting).
	HealthStatus string `json:",omitempty"`
	// Attributes are a container's labels (and an event's details, such
	// as the signal of "kill").
	Attributes map[string]string
}

// ExitCode is a pointer to code, for ContainerExitCode.
func ExitCode(code int) *int { return &code }

// String is the event as `husk events` prints it, as podman does:
//
//	2026-12-05 19:27:38.2 +0000 UTC container start ID (image=IMG, name=NAME, KEY=VALUE)
//
// trunc shortens IDs to 12 characters (podman's --no-trunc=false).
func (e Event) String(trunc bool) string {
	id := e.ID
	if trunc {
		id = strings.TrimPrefix(id, "sha256:")
		if len(id) > 12 {
			id = id[:12]
		}
	}
	switch e.Type {
	case Container:
		var b strings.Builder
		fmt.Fprintf(&b, "%s %s %s %s (image=%s, name=%s", e.Time, e.Type, e.Status, id, e.Image, e.Name)
		if e.HealthStatus != "" {
			fmt.Fprintf(&b, ", health_status=%s", e.HealthStatus)
		}
		for _, k := range sortedKeys(e.Attributes) {
			fmt.Fprintf(&b, ", %s=%s", k, e.Attributes[k])
		}
		b.WriteString(")")
		return b.String()
	case Image:
		return fmt.Sprintf("%s %s %s %s %s", e.Time, e.Type, e.Status, id, e.Name)
	case Network:
		return fmt.Sprintf("%s %s %s %s (name=%s)", e.Time, e.Type, e.Status, id, e.Network)
	case Volume:
		return fmt.Sprintf("%s %s %s %s", e.Time, e.Type, e.Status, e.Name)
	}
	return fmt.Sprintf("%s %s %s", e.Time, e.Type, e.Status)
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
