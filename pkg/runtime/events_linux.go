package runtime

import (
	"github.com/sirupsen/logrus"

	"github.com/husk-dev/husk/pkg/events"
)

// RecordEvent appends a container event to env's journal (none when
// env.Events is nil), with the container's labels as its attributes, as
// podman gives them. A journal that cannot be written costs a warning,
// never the operation that happened.
func RecordEvent(env Env, c *Container, status events.Status) {
	recordEvent(env, c, status, nil)
}

// recordEvent is RecordEvent with an exit code (died, exec_died).
func recordEvent(env Env, c *Container, status events.Status, exitCode *int) {
	if env.Events == nil {
		return
	}
	attrs := make(map[string]string, len(c.Config.Labels))
	for k, v := range c.Config.Labels {
		attrs[k] = v
	}
	e := events.Event{Type: events.Container, Status: status, ID: c.ID, Name: c.Name, Image: c.Config.Image,
		Attributes: attrs, ContainerExitCode: exitCode}
	if err := env.Events.Append(e); err != nil {
		logrus.Warnf("%v", err)
	}
}

// RecordHealth appends a health_status event (healthy, unhealthy or
// starting), for the health checks to come.
func RecordHealth(env Env, c *Container, health string) {
	if env.Events == nil {
		return
	}
	e := events.Event{Type: events.Container, Status: events.HealthCheck, ID: c.ID, Name: c.Name, Image: c.Config.Image,
		HealthStatus: health, Attributes: map[string]string{}}
	if err := env.Events.Append(e); err != nil {
		logrus.Warnf("%v", err)
	}
}
