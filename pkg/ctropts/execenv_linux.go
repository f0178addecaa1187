package ctropts

// ExecEnv is the environment exec adds to a container's: the variables
// of the --env-file files in order, then the -e values, which win (as
// podman exec). The files and values are read as run reads them.
func ExecEnv(envFiles, env []string, lookup func(string) (string, bool)) ([]string, error) {
	var out []string
	for _, f := range envFiles {
		vars, err := readEnvFile(f, lookup)
		if err != nil {
			return nil, err
		}
		out = append(out, vars...)
	}
	vars, err := Env(env, lookup)
	if err != nil {
		return nil, err
	}
	return append(out, vars...), nil
}
