//go:build linux

package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/husk-dev/husk/pkg/runtime"
)

// healthcheckCommand is the hidden command a container's monitor runs
// for each periodic check: "husk [globals] __healthcheck ID".
const healthcheckCommand = "__healthcheck"

func newHealthcheckCommand(a *app) *cobra.Command {
	hc := &cobra.Command{
		Use:   "healthcheck",
		Short: "Run containers' healthchecks",
		Args:  cobra.NoArgs,
	}
	hc.AddCommand(&cobra.Command{
		Use:   "run CONTAINER",
		Short: "Run a container's healthcheck once now (exit 0: healthy, 1: unhealthy)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			healthy := false
			err := a.withContainers(args, func(env runtime.Env, c *runtime.Container) error {
				res, err := a.runHealthcheck(cmd.Context(), env, c)
				healthy = res.Healthy
				return err
			})
			if err == nil && !healthy {
				fmt.Fprintln(a.stdout, runtime.HealthUnhealthy)
				return &exitCodeError{code: 1}
			}
			return err
		},
	})
	return hc
}

func newHealthcheckRunnerCommand(a *app) *cobra.Command {
	return &cobra.Command{
		Use:    healthcheckCommand + " ID",
		Short:  "Run a container's periodic healthcheck (internal, started by its monitor)",
		Hidden: true,
		Args:   cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.withContainers(args, func(env runtime.Env, c *runtime.Container) error {
				env.Notices = nil
				_, err := a.runHealthcheck(context.Background(), env, c)
				if errors.Is(err, runtime.ErrNotRunning) {
					return nil // it ended meanwhile
				}
				return err
			})
		},
	}
}

// runHealthcheck runs c's check once and carries out the action an
// unhealthy result calls for.
func (a *app) runHealthcheck(ctx context.Context, env runtime.Env, c *runtime.Container) (runtime.HealthResult, error) {
	res, err := runtime.RunHealthcheck(ctx, env, c)
	if err != nil || res.Action == runtime.HealthActionNone {
		return res, err
	}
	return res, runtime.SpawnHealthAction(c, res.Action, a.globalArgs())
}
