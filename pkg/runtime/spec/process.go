package spec

import "strings"

// DefaultPath is the PATH a container gets when its image sets none.
const DefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

// ImageConfig is the part of an image's config that shapes the process.
type ImageConfig struct {
	Entrypoint   []string
	Cmd          []string
	Env          []string
	WorkingDir   string
	User         string
	StopSignal   string
	ExposedPorts []string
	Labels       map[string]string
}

// ProcessArgs combines the image's ENTRYPOINT and CMD with --entrypoint
// and the arguments after the image name, as docker does: an --entrypoint
// replaces ENTRYPOINT and drops the image's CMD; trailing arguments
// replace CMD.
func ProcessArgs(img ImageConfig, entrypoint *[]string, args []string) []string {
	ep := img.Entrypoint
	cmd := img.Cmd
	if entrypoint != nil {
		ep = *entrypoint
		cmd = nil
	}
	if len(args) > 0 {
		cmd = args
	}
	return append(append([]string{}, ep...), cmd...)
}

// MergeEnv layers environment lists: later lists override earlier ones by
// name. PATH defaults to DefaultPath.
func MergeEnv(lists ...[]string) []string {
	return mergeEnv(true, lists)
}

// JoinEnv layers environment lists as MergeEnv does, without a default
// PATH.
func JoinEnv(lists ...[]string) []string {
	return mergeEnv(false, lists)
}

func mergeEnv(defaultPath bool, lists [][]string) []string {
	var order []string
	vals := map[string]string{}
	for _, l := range lists {
		for _, kv := range l {
			k, v, _ := strings.Cut(kv, "=")
			if _, ok := vals[k]; !ok {
				order = append(order, k)
			}
			vals[k] = v
		}
	}
	if _, ok := vals["PATH"]; !ok && defaultPath {
		order = append([]string{"PATH"}, order...)
		vals["PATH"] = DefaultPath
	}
	out := make([]string, 0, len(order))
	for _, k := range order {
		out = append(out, k+"="+vals[k])
	}
	return out
}
