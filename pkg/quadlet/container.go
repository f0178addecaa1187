package quadlet

import (
	"fmt"
	"strings"
)

// Names is what the files processed before (volumes and networks) are
// called as husk resources: "data.volume" → "systemd-data", and the
// service that creates each.
type Names struct {
	resource map[string]string
	service  map[string]string
}

func newNames() *Names {
	return &Names{resource: map[string]string{}, service: map[string]string{}}
}

// refer resolves v ("data.volume" or "front.network") for the unit s:
// the resource's name, with s requiring and ordered after the unit that
// makes it. Anything else is returned as is.
func (n *Names) refer(s *Unit, f *File, v string) (string, error) {
	if !strings.HasSuffix(v, ".volume") && !strings.HasSuffix(v, ".network") {
		return v, nil
	}
	name, ok := n.resource[v]
	if !ok {
		return "", fmt.Errorf("%s refers to %s, which is not in the Quadlet directories (or failed)", f.Name, v)
	}
	s.add("Unit", "Requires", n.service[v])
	s.add("Unit", "After", n.service[v])
	return name, nil
}

// args is a command line being built.
type args []string

func (a *args) add(w ...string) { *a = append(*a, w...) }

// addRules adds the flags of the keys with a plain rule, in the order
// of the file; a key given once counts at its last line, as in systemd.
func addRules(a *args, f *File, section string, rules map[string]keyRule) error {
	last := map[string]int{}
	for i, o := range f.opts {
		if o.Section == section {
			last[o.Name] = i
		}
	}
	for i, o := range f.opts {
		if o.Section != section {
			continue
		}
		r := rules[o.Name]
		switch {
		case r.kind == kindEach && o.Value != "":
			a.add(r.flag, o.Value)
		case r.kind == kindWords:
			w, err := splitWords(o.Value)
			if err != nil {
				return fmt.Errorf("%s=: %w", o.Name, err)
			}
			for _, v := range w {
				a.add(r.flag, v)
			}
		case r.kind == kindLast && last[o.Name] == i && o.Value != "":
			a.add(r.flag, o.Value)
		case r.kind == kindBool && last[o.Name] == i:
			on, err := f.boolean(section, o.Name, false)
			if err != nil {
				return err
			}
			if on {
				a.add(r.flag)
			}
		}
	}
	return nil
}

// extraArgs are the words of GlobalArgs= (before the command) or of
// PodmanArgs= and HuskArgs= (after its flags, in the file's order: the
// two are the same key, podman's name kept for files written for it).
func extraArgs(f *File, section string, global bool) ([]string, error) {
	if global {
		return f.words(section, "GlobalArgs")
	}
	var out []string
	for _, o := range f.opts {
		if o.Section != section || (o.Name != "PodmanArgs" && o.Name != "HuskArgs") {
			continue
		}
		w, err := splitWords(o.Value)
		if err != nil {
			return nil, fmt.Errorf("%s=: %w", o.Name, err)
		}
		out = append(out, w...)
	}
	return out, nil
}

// baseCommand is husk with the section's GlobalArgs=.
func baseCommand(husk string, f *File, section string) (args, error) {
	g, err := extraArgs(f, section, true)
	if err != nil {
		return nil, err
	}
	return append(args{husk}, g...), nil
}

// ConvertContainer makes NAME.service from NAME.container: a
// Type=notify service whose ExecStart runs the container detached, its
// monitor the service's main process (husk run --sdnotify=conmon), as
// podman's generator does.
func ConvertContainer(f *File, husk string, names *Names) (*Unit, error) {
	const sec = "Container"
	if err := f.checkKeys(sec, containerKeys); err != nil {
		return nil, err
	}
	image, ok := f.last(sec, "Image")
	if !ok {
		return nil, fmt.Errorf("no Image key in %s", f.Path)
	}
	s := newService(f, f.base()+".service", sec)
	s.add("Unit", "RequiresMountsFor", "%t")
	name := "systemd-%N"
	if strings.Contains(f.Name, "@") {
		// A template's instances: "@" is no character of a name.
		name = "systemd-%p_%i"
	}
	if v, ok := f.last(sec, "ContainerName"); ok {
		name = v
	}
	if v, ok := s.lookup("Service", "KillMode"); ok && v != "mixed" && v != "control-group" {
		return nil, fmt.Errorf("invalid KillMode %q in %s: use mixed or control-group", v, f.Path)
	}
	s.setDefault("Service", "KillMode", "mixed")
	base, err := baseCommand(husk, f, sec)
	if err != nil {
		return nil, err
	}
	cid := "--cidfile=%t/%N.cid"
	stop := append(append(args{}, base...), "rm", "-v", "-f", "-i", cid)
	s.add("Service", "ExecStop", commandLine(stop))
	stop[0] = "-" + stop[0]
	s.add("Service", "ExecStopPost", commandLine(stop))
	s.add("Service", "ExecStopPost", "-rm -f %t/%N.cid")
	s.setDefault("Service", "Delegate", "yes")
	s.setDefault("Service", "SyslogIdentifier", "%N")

	run := append(args{}, base...)
	run.add("run", "--name="+name, cid, "--replace", "--rm")
	typ, _ := s.lookup("Service", "Type")
	switch typ {
	case "", "notify":
		notify, err := f.boolean(sec, "Notify", false)
		if err != nil {
			return nil, err
		}
		if notify {
			// The command's own notifications reach systemd only from
			// the service's cgroup: the container stays in it.
			run.add("--sdnotify=container", "--cgroups=disabled")
		} else {
			run.add("--sdnotify=conmon")
		}
		run.add("-d")
		s.setDefault("Service", "Type", "notify")
		s.setDefault("Service", "NotifyAccess", "all")
	case "oneshot":
	default:
		return nil, fmt.Errorf("invalid service Type %q in %s: use notify or oneshot", typ, f.Path)
	}
	if err := containerArgs(&run, f, s, names); err != nil {
		return nil, err
	}
	run.add(image)
	if v, ok := f.last(sec, "Exec"); ok {
		w, err := splitWords(v)
		if err != nil {
			return nil, fmt.Errorf("key Exec=: %w", err)
		}
		run.add(w...)
	}
	s.add("Service", "ExecStart", commandLine(run))
	return s, nil
}

// containerArgs adds the flags of the [Container] keys.
func containerArgs(run *args, f *File, s *Unit, names *Names) error {
	const sec = "Container"
	if err := addRules(run, f, sec, containerKeys); err != nil {
		return err
	}
	if err := securityArgs(run, f); err != nil {
		return err
	}
	if u, ok := f.last(sec, "User"); ok {
		if g, ok := f.last(sec, "Group"); ok {
			u += ":" + g
		}
		run.add("--user", u)
	} else if _, ok := f.last(sec, "Group"); ok {
		return fmt.Errorf("key Group= without User= in %s", f.Path)
	}
	for _, v := range f.all(sec, "EnvironmentFile") {
		run.add("--env-file", f.resolvePath(v))
	}
	for _, v := range f.all(sec, "Network") {
		n, opts, _ := strings.Cut(v, ":")
		name, err := names.refer(s, f, n)
		if err != nil {
			return err
		}
		if opts != "" {
			name += ":" + opts
		}
		run.add("--network", name)
	}
	for _, v := range f.all(sec, "Volume") {
		vol, err := volumeArg(f, s, names, v)
		if err != nil {
			return err
		}
		run.add("-v", vol)
	}
	extra, err := extraArgs(f, sec, false)
	if err != nil {
		return err
	}
	run.add(extra...)
	return nil
}

// volumeArg resolves a Volume= value: SOURCE:DEST[:OPTIONS] where a
// source "x.volume" is that unit's volume and a relative path ("./x") is
// relative to the file's directory.
func volumeArg(f *File, s *Unit, names *Names, v string) (string, error) {
	src, rest, ok := strings.Cut(v, ":")
	if !ok {
		return v, nil // an anonymous volume
	}
	switch {
	case strings.HasPrefix(src, "."):
		src = f.resolvePath(src)
	case strings.HasSuffix(src, ".volume"):
		name, err := names.refer(s, f, src)
		if err != nil {
			return "", err
		}
		src = name
	}
	return src + ":" + rest, nil
}

// securityArgs adds the keys that become --security-opt.
func securityArgs(run *args, f *File) error {
	const sec = "Container"
	for _, ko := range [][2]string{{"NoNewPrivileges", "no-new-privileges"}, {"SecurityLabelDisable", "label=disable"}} {
		key, opt := ko[0], ko[1]
		on, err := f.boolean(sec, key, false)
		if err != nil {
			return err
		}
		if on {
			run.add("--security-opt", opt)
		}
	}
	if v, ok := f.last(sec, "SeccompProfile"); ok {
		run.add("--security-opt", "seccomp="+v)
	}
	for _, ko := range [][2]string{{"Mask", "mask="}, {"Unmask", "unmask="}} {
		key, opt := ko[0], ko[1]
		w, err := f.words(sec, key)
		if err != nil {
			return err
		}
		for _, p := range w {
			run.add("--security-opt", opt+p)
		}
	}
	return nil
}
