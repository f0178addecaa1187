package ctropts

import (
	"fmt"
	"os"
	"path"
	"strings"

	"github.com/husk-dev/husk/internal/setting"
	"github.com/husk-dev/husk/internal/userfile"
	"github.com/husk-dev/husk/pkg/runtime"
	"github.com/husk-dev/husk/pkg/runtime/spec"
)

// selinuxEnabled reports whether the host runs SELinux; a variable so
// that tests can pretend.
var selinuxEnabled = func() bool {
	_, err := os.Stat("/sys/fs/selinux/enforce")
	return err == nil
}

// securityOpts applies --security-opt values: KEY=VALUE or, as docker
// spelled them first, KEY:VALUE.
func securityOpts(cfg *runtime.Config, opts []string) error {
	for _, s := range opts {
		if err := securityOpt(cfg, s); err != nil {
			return setting.Errorf("{security-opt} %q: %w", s, err)
		}
	}
	return nil
}

func securityOpt(cfg *runtime.Config, s string) error {
	key, val, ok := strings.Cut(s, "=")
	if !ok {
		key, val, ok = strings.Cut(s, ":")
	}
	switch {
	case key == "no-new-privileges":
		switch {
		case !ok || val == "true":
			cfg.NoNewPrivileges = true
		case val == "false":
			cfg.NoNewPrivileges = false
		default:
			return fmt.Errorf("use no-new-privileges, no-new-privileges=true or no-new-privileges=false")
		}
	case key == "seccomp" && ok:
		return seccompOpt(cfg, val)
	case key == "mask" && ok:
		paths, err := pathList(val, false)
		if err != nil {
			return err
		}
		cfg.Mask = append(cfg.Mask, paths...)
	case key == "unmask" && ok:
		paths, err := pathList(val, true)
		if err != nil {
			return err
		}
		cfg.Unmask = append(cfg.Unmask, paths...)
	case key == "label" && ok:
		return labelOpt(cfg, val)
	case key == "apparmor" && ok:
		if val != "unconfined" {
			return fmt.Errorf("husk confines no container with AppArmor, so it cannot apply profile %q: use apparmor=unconfined or leave it out", val)
		}
		cfg.AppArmor = val
	default:
		return fmt.Errorf("unsupported: use seccomp=unconfined|FILE, no-new-privileges[=true|false], mask=PATH[:PATH…], unmask=ALL|PATH[:PATH…], label=disable or apparmor=unconfined")
	}
	return nil
}

func seccompOpt(cfg *runtime.Config, val string) error {
	if val == "unconfined" {
		cfg.Seccomp.Unconfined = true
		return nil
	}
	b, err := userfile.Read(val, userfile.SeccompLimit)
	if err != nil {
		return err
	}
	if err := spec.CheckSeccompProfile(string(b)); err != nil {
		return err
	}
	cfg.Seccomp.Profile = string(b)
	return nil
}

// pathList reads mask= and unmask='s colon-separated absolute paths
// (unmask: or ALL, and shell patterns).
func pathList(val string, unmask bool) ([]string, error) {
	if unmask && val == spec.UnmaskAll {
		return []string{val}, nil
	}
	var out []string
	for _, p := range strings.Split(val, ":") {
		if !strings.HasPrefix(p, "/") || path.Clean(p) != p {
			what := "PATH[:PATH…]"
			if unmask {
				what = "ALL or " + what
			}
			return nil, fmt.Errorf("%q is not a clean absolute path: use %s", p, what)
		}
		if unmask {
			if _, err := path.Match(p, ""); err != nil {
				return nil, fmt.Errorf("pattern %q: %w", p, err)
			}
		}
		out = append(out, p)
	}
	return out, nil
}

// labelOpt takes label=VALUE: husk applies no SELinux labels, which is
// what label=disable asks for; on a host without SELinux the other values
// mean nothing either (podman takes them), on one with SELinux husk could
// not honour them.
func labelOpt(cfg *runtime.Config, val string) error {
	if val == "" {
		return fmt.Errorf("empty label: use label=disable")
	}
	if val != "disable" && selinuxEnabled() {
		return fmt.Errorf("husk applies no SELinux labels: only label=disable can be honoured on this host")
	}
	cfg.SecurityLabels = append(cfg.SecurityLabels, val)
	return nil
}
