package ctropts

import (
	"fmt"
	"path"
	"strconv"
	"strings"

	"github.com/husk-dev/husk/internal/setting"
	"github.com/husk-dev/husk/pkg/runtime"
	"github.com/husk-dev/husk/pkg/secrets"
)

// ServiceFlags are --secret, --init, --init-path, --sdnotify and the
// healthcheck's flags.
type ServiceFlags struct {
	Secrets  []string
	Init     bool
	InitPath string
	SdNotify string
	Health   HealthFlags
}

func (f ServiceFlags) apply(cfg *runtime.Config) error {
	mode, err := runtime.ParseSdNotify(f.SdNotify)
	if err != nil {
		return err
	}
	cfg.SdNotify = mode
	if err := f.Health.apply(cfg); err != nil {
		return err
	}
	for _, v := range f.Secrets {
		ref, err := ParseSecret(v)
		if err != nil {
			return setting.Errorf("{secret} %q: %w", v, err)
		}
		cfg.Secrets = append(cfg.Secrets, ref)
	}
	if f.InitPath != "" && !f.Init {
		// As podman: --init-path alone does not ask for an init.
		return nil
	}
	cfg.Init, cfg.InitPath = f.Init, f.InitPath
	return nil
}

// ParseSecret reads NAME[,type=mount|env][,target=…][,uid=N][,gid=N]
// [,mode=OCTAL] as podman does: a mount's target is a path (relative:
// under /run/secrets; default /run/secrets/NAME), an env's a variable
// name (default NAME); uid, gid and mode are for mounts only (mode
// 0444 by default).
func ParseSecret(v string) (runtime.SecretRef, error) {
	ref := runtime.SecretRef{Mode: 0o444}
	typ := "mount"
	var fileOpts []string
	for i, part := range strings.Split(v, ",") {
		k, val, hasValue := strings.Cut(part, "=")
		if i == 0 && !hasValue {
			ref.Name = part
			continue
		}
		if !hasValue {
			return ref, fmt.Errorf("option %q: use KEY=VALUE after the secret's name", part)
		}
		var err error
		switch k {
		case "source":
			ref.Name = val
		case "type":
			if val != "mount" && val != "env" {
				return ref, fmt.Errorf("type %q: use mount or env", val)
			}
			typ = val
		case "target":
			ref.Target = val
		case "uid", "gid":
			var n uint64
			if n, err = strconv.ParseUint(val, 10, 32); err == nil && k == "uid" {
				ref.UID = uint32(n)
			} else if err == nil {
				ref.GID = uint32(n)
			}
			fileOpts = append(fileOpts, k)
		case "mode":
			var n uint64
			if n, err = strconv.ParseUint(val, 8, 32); err == nil && n > 0o7777 {
				err = fmt.Errorf("more than 7777")
			}
			ref.Mode = uint32(n)
			fileOpts = append(fileOpts, k)
		default:
			return ref, fmt.Errorf("unknown option %q: the options are type, target, uid, gid and mode", k)
		}
		if err != nil {
			return ref, fmt.Errorf("%s %q: %w", k, val, err)
		}
	}
	if err := secrets.CheckName(ref.Name); err != nil {
		return ref, err
	}
	if typ == "env" {
		if len(fileOpts) > 0 {
			return ref, fmt.Errorf("%s: only for type=mount, not for an environment variable", strings.Join(fileOpts, ", "))
		}
		ref.Env, ref.Mode = true, 0
		if ref.Target == "" {
			ref.Target = ref.Name
		}
		if strings.ContainsAny(ref.Target, "= \x00") {
			return ref, fmt.Errorf("target %q: not a variable name", ref.Target)
		}
		return ref, nil
	}
	if ref.Target == "" {
		ref.Target = ref.Name
	}
	if !path.IsAbs(ref.Target) {
		ref.Target = path.Join(runtime.SecretsDir, ref.Target)
	}
	ref.Target = path.Clean(ref.Target)
	if ref.Target == "/" {
		return ref, fmt.Errorf("target %q: give a file's path", ref.Target)
	}
	return ref, nil
}
