package quadlet

import (
	"fmt"
	"strings"
)

// oneshot sets what a unit that creates a resource once needs.
func oneshot(s *Unit) {
	s.setDefault("Service", "Type", "oneshot")
	s.setDefault("Service", "RemainAfterExit", "yes")
	s.setDefault("Service", "SyslogIdentifier", "%N")
}

// finishResource ends a .volume or .network unit: the user's extra
// arguments and the name on the create command, the unit a oneshot, and
// the resource's name and unit recorded for the .container files.
func finishResource(f *File, sec string, s *Unit, cmd args, name string, names *Names) (*Unit, error) {
	extra, err := extraArgs(f, sec, false)
	if err != nil {
		return nil, err
	}
	cmd.add(extra...)
	cmd.add(name)
	s.add("Service", "ExecStart", commandLine(cmd))
	oneshot(s)
	names.resource[f.Name], names.service[f.Name] = name, s.Name
	return s, nil
}

// ConvertVolume makes NAME-volume.service from NAME.volume: a oneshot
// "husk volume create --ignore" of systemd-NAME (or VolumeName=). It
// records the volume's name in names for the .container files.
func ConvertVolume(f *File, husk string, names *Names) (*Unit, error) {
	const sec = "Volume"
	if err := f.checkKeys(sec, volumeKeys); err != nil {
		return nil, err
	}
	name := "systemd-" + f.base()
	if v, ok := f.last(sec, "VolumeName"); ok {
		name = v
	}
	s := newService(f, f.base()+"-volume.service", sec)
	cmd, err := baseCommand(husk, f, sec)
	if err != nil {
		return nil, err
	}
	cmd.add("volume", "create", "--ignore")
	if err := addRules(&cmd, f, sec, volumeKeys); err != nil {
		return nil, err
	}
	if v, ok := f.last(sec, "Type"); ok {
		cmd.add("--opt", "type="+v)
	}
	if v, ok := f.last(sec, "Device"); ok {
		cmd.add("--opt", "device="+v)
	}
	if v, ok := f.last(sec, "Options"); ok {
		cmd.add("--opt", "o="+v)
	}
	return finishResource(f, sec, s, cmd, name, names)
}

// ConvertNetwork makes NAME-network.service from NAME.network: a oneshot
// "husk network create --ignore" of systemd-NAME (or NetworkName=).
func ConvertNetwork(f *File, husk string, names *Names) (*Unit, error) {
	const sec = "Network"
	if err := f.checkKeys(sec, networkKeys); err != nil {
		return nil, err
	}
	name := "systemd-" + f.base()
	if v, ok := f.last(sec, "NetworkName"); ok {
		name = v
	}
	s := newService(f, f.base()+"-network.service", sec)
	cmd, err := baseCommand(husk, f, sec)
	if err != nil {
		return nil, err
	}
	cmd.add("network", "create", "--ignore")
	if err := addRules(&cmd, f, sec, networkKeys); err != nil {
		return nil, err
	}
	return finishResource(f, sec, s, cmd, name, names)
}

// ConvertKube makes NAME.service from NAME.kube: "husk kube play" of its
// Yaml= at start and "husk kube down" at stop. husk has no kube play
// yet: the unit is written for when it has (docs/quadlet.md).
func ConvertKube(f *File, husk string, names *Names) (*Unit, error) {
	const sec = "Kube"
	if err := f.checkKeys(sec, kubeKeys); err != nil {
		return nil, err
	}
	yaml, ok := f.last(sec, "Yaml")
	if !ok {
		return nil, fmt.Errorf("no Yaml key in %s", f.Path)
	}
	yaml = f.resolvePath(yaml)
	s := newService(f, f.base()+".service", sec)
	s.add("Unit", "RequiresMountsFor", "%t")
	base, err := baseCommand(husk, f, sec)
	if err != nil {
		return nil, err
	}
	play := append(args{}, base...)
	play.add("kube", "play", "--replace")
	if err := addRules(&play, f, sec, kubeKeys); err != nil {
		return nil, err
	}
	for _, v := range f.all(sec, "Network") {
		n, opts, _ := strings.Cut(v, ":")
		name, err := names.refer(s, f, n)
		if err != nil {
			return nil, err
		}
		if opts != "" {
			name += ":" + opts
		}
		play.add("--network", name)
	}
	for _, v := range f.all(sec, "ConfigMap") {
		play.add("--configmap", f.resolvePath(v))
	}
	extra, err := extraArgs(f, sec, false)
	if err != nil {
		return nil, err
	}
	play.add(extra...)
	play.add(yaml)
	s.add("Service", "ExecStart", commandLine(play))
	down := append(append(args{"-" + base[0]}, base[1:]...), "kube", "down", yaml)
	s.add("Service", "ExecStopPost", commandLine(down))
	oneshot(s)
	return s, nil
}
