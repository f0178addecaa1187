// Package ctropts reads the settings of a new container as a user writes
// them (the values of husk run and create's flags: -v SRC:DST, --mount
// type=…, --tmpfs, -e, --env-file, --memory 512m, --log-opt …) into a
// runtime.Config, and refuses, before anything is created, what the
// runtime would fail on later. Its errors name the options as settings
// (internal/setting); the command line spells them as its flags.
package ctropts
