package kube

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/husk-dev/husk/internal/setting"
)

// ctrContext is what a pod's containers share while they are planned.
type ctrContext struct {
	pod     string
	spec    *corev1.PodSpec
	vols    map[string]*podVolume
	restart string
	secrets []Secret
	made    map[string]bool // secrets already planned
}

// container plans "husk run" for one container; ports are the pod's -p
// values it asks for.
func (p *planner) container(cx *ctrContext, c *corev1.Container, init bool) (args, ports []string, err error) {
	if c.Name == "" || c.Image == "" {
		return nil, nil, fmt.Errorf("name and image are required")
	}
	if err := checkContainer(c); err != nil {
		return nil, nil, err
	}
	name := cx.pod + "-" + c.Name
	if init {
		args = []string{"run", "--rm", "--pod", cx.pod, "--name", name}
	} else {
		args = []string{"run", "-d", "--pod", cx.pod, "--name", name, "--restart", cx.restart}
	}
	switch c.ImagePullPolicy {
	case corev1.PullAlways:
		args = append(args, "--pull", "always")
	case corev1.PullNever:
		args = append(args, "--pull", "never")
	}
	if c.WorkingDir != "" {
		args = append(args, "--workdir", c.WorkingDir)
	}
	if c.TTY {
		args = append(args, "--tty")
	}
	if c.Stdin {
		args = append(args, "--interactive")
	}
	if g := cx.spec.TerminationGracePeriodSeconds; g != nil && !init {
		args = append(args, "--stop-timeout", strconv.FormatInt(*g, 10))
	}
	env, err := p.env(cx, c)
	if err != nil {
		return nil, nil, err
	}
	args = append(args, env...)
	sec, err := securityArgs(cx.spec.SecurityContext, c.SecurityContext)
	if err != nil {
		return nil, nil, err
	}
	args = append(args, sec...)
	res, err := p.resourceArgs(c.Resources)
	if err != nil {
		return nil, nil, err
	}
	args = append(args, res...)
	if !init {
		hc, err := p.probeArgs(c, cx.restart)
		if err != nil {
			return nil, nil, err
		}
		args = append(args, hc...)
	}
	mounts, err := p.mountArgs(cx, c)
	if err != nil {
		return nil, nil, err
	}
	args = append(args, mounts...)
	if ports, err = publishArgs(c.Ports); err != nil {
		return nil, nil, err
	}
	// Kubernetes' command replaces the image's ENTRYPOINT and args its
	// CMD; a command without args runs without the image's CMD.
	if len(c.Command) > 0 {
		ep, _ := json.Marshal(c.Command)
		args = append(args, "--entrypoint", string(ep))
	}
	args = append(args, c.Image)
	args = append(args, c.Args...)
	return args, ports, nil
}

// publishArgs are the pod's -p values for the ports with a hostPort.
func publishArgs(ports []corev1.ContainerPort) ([]string, error) {
	var out []string
	for _, port := range ports {
		if port.HostPort == 0 {
			continue
		}
		proto := strings.ToLower(string(port.Protocol))
		if proto == "" {
			proto = "tcp"
		}
		if proto != "tcp" && proto != "udp" {
			return nil, fmt.Errorf("port %d: protocol %s is not supported (tcp or udp)", port.ContainerPort, port.Protocol)
		}
		spec := fmt.Sprintf("%d:%d/%s", port.HostPort, port.ContainerPort, proto)
		if port.HostIP != "" {
			spec = port.HostIP + ":" + spec
		}
		out = append(out, spec)
	}
	return out, nil
}

// checkContainer refuses container fields husk cannot honour.
func checkContainer(c *corev1.Container) error {
	refuse := map[string]bool{
		"lifecycle":          c.Lifecycle != nil,
		"volumeDevices":      len(c.VolumeDevices) > 0,
		"startupProbe":       c.StartupProbe != nil,
		"stdinOnce":          c.StdinOnce,
		"restartPolicy":      c.RestartPolicy != nil,
		"resizePolicy":       len(c.ResizePolicy) > 0,
		"restartPolicyRules": len(c.RestartPolicyRules) > 0,
	}
	for _, field := range sortedTrue(refuse) {
		return fmt.Errorf("%s is not supported by husk kube play", field)
	}
	return nil
}

// env plans env, envFrom and their references: a ConfigMap's value is
// given as it is, a Secret's through a husk secret (never on the command
// line nor in inspect).
func (p *planner) env(cx *ctrContext, c *corev1.Container) ([]string, error) {
	var args []string
	for _, from := range c.EnvFrom {
		switch {
		case from.ConfigMapRef != nil:
			cm := p.configMap(from.ConfigMapRef.Name)
			if cm == nil {
				if optional(from.ConfigMapRef.Optional) || p.opts.Down {
					continue
				}
				return nil, setting.Errorf("envFrom: ConfigMap %q is not in the YAML nor given with {configmap}", from.ConfigMapRef.Name)
			}
			for _, k := range sortedKeys(cm.Data) {
				args = append(args, "--env", from.Prefix+k+"="+cm.Data[k])
			}
		case from.SecretRef != nil:
			s := p.secret(from.SecretRef.Name)
			if s == nil {
				if optional(from.SecretRef.Optional) || p.opts.Down {
					continue
				}
				return nil, fmt.Errorf("envFrom: Secret %q is not in the YAML", from.SecretRef.Name)
			}
			for _, k := range sortedKeys(secretData(s)) {
				args = append(args, "--secret", cx.secretRef(s, k)+",type=env,target="+from.Prefix+k)
			}
		}
	}
	for _, e := range c.Env {
		if e.ValueFrom == nil {
			args = append(args, "--env", e.Name+"="+e.Value)
			continue
		}
		switch ref := e.ValueFrom; {
		case ref.ConfigMapKeyRef != nil:
			cm := p.configMap(ref.ConfigMapKeyRef.Name)
			v, ok := "", false
			if cm != nil {
				v, ok = cm.Data[ref.ConfigMapKeyRef.Key]
			}
			if !ok {
				if optional(ref.ConfigMapKeyRef.Optional) || p.opts.Down {
					continue
				}
				return nil, fmt.Errorf("env %s: key %q of ConfigMap %q not found", e.Name, ref.ConfigMapKeyRef.Key, ref.ConfigMapKeyRef.Name)
			}
			args = append(args, "--env", e.Name+"="+v)
		case ref.SecretKeyRef != nil:
			s := p.secret(ref.SecretKeyRef.Name)
			if s == nil || secretData(s)[ref.SecretKeyRef.Key] == nil {
				if optional(ref.SecretKeyRef.Optional) || p.opts.Down {
					continue
				}
				return nil, fmt.Errorf("env %s: key %q of Secret %q not found", e.Name, ref.SecretKeyRef.Key, ref.SecretKeyRef.Name)
			}
			args = append(args, "--secret", cx.secretRef(s, ref.SecretKeyRef.Key)+",type=env,target="+e.Name)
		case ref.FieldRef != nil:
			v, err := fieldValue(cx, ref.FieldRef.FieldPath)
			if err != nil {
				return nil, fmt.Errorf("env %s: %w", e.Name, err)
			}
			args = append(args, "--env", e.Name+"="+v)
		default:
			return nil, fmt.Errorf("env %s: only value, configMapKeyRef, secretKeyRef and fieldRef (metadata.name, metadata.namespace) are supported", e.Name)
		}
	}
	return args, nil
}

func fieldValue(cx *ctrContext, path string) (string, error) {
	switch path {
	case "metadata.name":
		return cx.pod, nil
	case "metadata.namespace":
		return "default", nil
	}
	return "", fmt.Errorf("fieldRef %q is not supported (metadata.name, metadata.namespace)", path)
}

func optional(b *bool) bool { return b != nil && *b }

// secretRef names the husk secret holding key of s for this pod, planning
// it on first use.
func (cx *ctrContext) secretRef(s *corev1.Secret, key string) string {
	name := resourceName(cx.pod, s.Name, key)
	if cx.made == nil {
		cx.made = map[string]bool{}
	}
	if !cx.made[name] {
		cx.made[name] = true
		cx.secrets = append(cx.secrets, Secret{Name: name, Data: secretData(s)[key]})
	}
	return name
}

// secretData is a Secret's data with stringData merged in, as the API
// server does.
func secretData(s *corev1.Secret) map[string][]byte {
	out := make(map[string][]byte, len(s.Data)+len(s.StringData))
	for k, v := range s.Data {
		out[k] = v
	}
	for k, v := range s.StringData {
		out[k] = []byte(v)
	}
	return out
}

func (p *planner) configMap(name string) *corev1.ConfigMap {
	for _, cm := range p.objs.ConfigMaps {
		if cm.Name == name {
			return cm
		}
	}
	for _, cm := range p.opts.ConfigMaps {
		if cm.Name == name {
			return cm
		}
	}
	return nil
}

func (p *planner) secret(name string) *corev1.Secret {
	for _, s := range p.objs.Secrets {
		if s.Name == name {
			return s
		}
	}
	return nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
