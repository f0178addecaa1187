// Package composeopts holds what "husk compose" asks of pkg/compose, with
// nothing of the compose parser: the command binary checks its flags
// into these types and hands the command to the helper, which links the
// parser (pkg/compose).
package composeopts

import "time"

// Project says which project to load, as docker compose's global flags.
type Project struct {
	// Files are the compose files, merged in order; none: compose.yaml,
	// docker-compose.yml, … looked up from WorkDir upwards.
	Files []string
	// Name is the project name; "": the name in the files, else
	// $COMPOSE_PROJECT_NAME, else the project directory's name.
	Name string
	// Profiles are the profiles to enable.
	Profiles []string
	// EnvFiles hold variables for interpolation; none: the project
	// directory's .env when there is one.
	EnvFiles []string
	// WorkDir is where relative paths start; "": the first file's
	// directory.
	WorkDir string
}

// Up starts services.
type Up struct {
	Services []string
	// Detach: return once started; else follow their logs until they all
	// stop, or an interrupt stops them.
	Detach bool
	// Wait: return once every service runs (healthy when it has a
	// healthcheck); implies Detach.
	Wait bool
	// WaitTimeout bounds Wait (0: none).
	WaitTimeout time.Duration
	// Build builds the images of services with build: first.
	Build bool
	// ForceRecreate recreates containers whose configuration is unchanged.
	ForceRecreate bool
	// NoDeps starts the services named without their dependencies.
	NoDeps bool
	// RemoveOrphans removes containers of services no longer in the files.
	RemoveOrphans bool
	// AbortOnExit (foreground only): the first container to exit stops
	// the others, and up ends with its exit code.
	AbortOnExit bool
	// ExitCodeFrom (foreground only) implies AbortOnExit; up ends with
	// the exit code of this service's container instead.
	ExitCodeFrom string
}

// Down removes the project's containers and networks.
type Down struct {
	// Volumes removes the project's named volumes too.
	Volumes bool
	// RemoveOrphans removes containers of services no longer in the files.
	RemoveOrphans bool
	// Timeout is the seconds a container gets to stop (-1: its own).
	Timeout int
}

// Logs prints the services' output.
type Logs struct {
	Services   []string
	Follow     bool
	Timestamps bool
	Tail       int
	NoPrefix   bool
}

// Ps lists the project's containers.
type Ps struct {
	Services []string
	All      bool
	Quiet    bool
	// ServicesOnly prints service names.
	ServicesOnly bool
}

// Exec runs a command in a service's running container.
type Exec struct {
	Service     string
	Command     []string
	Index       int
	Detach      bool
	Interactive bool
	TTY         bool
	Env         []string
	User        string
	WorkDir     string
	Privileged  bool
}

// Run runs a one-off container of a service.
type Run struct {
	Service     string
	Command     []string
	Remove      bool
	Detach      bool
	Interactive bool
	TTY         bool
	Name        string
	Env         []string
	User        string
	WorkDir     string
	Entrypoint  *string
	NoDeps      bool
	Publish     []string
	Volumes     []string
}

// Lifecycle stops, starts or restarts services' containers.
type Lifecycle struct {
	Services []string
	// Timeout is the seconds a container gets to stop (-1: its own).
	Timeout int
}

// Request is one "husk compose" command.
type Request struct {
	Project Project
	// Verb is the subcommand: up, down, ps, logs, exec, run, pull, build,
	// config, stop, start or restart.
	Verb      string
	Up        Up
	Down      Down
	Ps        Ps
	Logs      Logs
	Exec      Exec
	Run       Run
	Lifecycle Lifecycle
	// Services are pull's and build's.
	Services []string
	// Format is config's: yaml or json.
	Format string
}
