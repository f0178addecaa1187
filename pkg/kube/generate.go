package kube

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/yaml"

	"github.com/husk-dev/husk/internal/inspect"
)

// GenerateOptions of Generate.
type GenerateOptions struct {
	// Type is "pod" (the default) or "deployment".
	Type string
	// Service adds a Service of type NodePort for the published ports.
	Service bool
	// Warn gets a line for each setting YAML cannot carry.
	Warn io.Writer
}

// podInspect is what Generate reads of "husk pod inspect".
type podInspect struct {
	Name             string            `json:"Name"`
	Hostname         string            `json:"Hostname"`
	Labels           map[string]string `json:"Labels"`
	InfraContainerID string            `json:"InfraContainerID"`
	InfraConfig      *struct {
		PortBindings map[string][]inspect.HostPort `json:"PortBindings"`
		HostNetwork  bool                          `json:"HostNetwork"`
	} `json:"InfraConfig"`
	Containers []struct {
		ID   string `json:"Id"`
		Name string `json:"Name"`
	} `json:"Containers"`
}

// imageConfig is what Generate reads of "husk image inspect": the
// defaults a container's settings are compared with.
type imageConfig struct {
	Config struct {
		Env        []string `json:"Env"`
		Entrypoint []string `json:"Entrypoint"`
		Cmd        []string `json:"Cmd"`
		WorkingDir string   `json:"WorkingDir"`
	} `json:"Config"`
}

// Generate writes Kubernetes YAML for pods and containers (by name or
// ID), read through husk's inspect commands; kube play of it makes the
// same pods again.
func Generate(ctx context.Context, r Runner, names []string, o GenerateOptions, w io.Writer) error {
	g := &generator{r: r, o: o}
	var docs [][]byte
	for _, name := range names {
		pod, svc, err := g.object(ctx, name)
		if err != nil {
			return err
		}
		var obj any = pod
		if o.Type == "deployment" {
			obj = deployment(pod)
		}
		b, err := yaml.Marshal(obj)
		if err != nil {
			return err
		}
		docs = append(docs, b)
		if o.Service && svc != nil {
			b, err := yaml.Marshal(svc)
			if err != nil {
				return err
			}
			docs = append(docs, b)
		}
	}
	fmt.Fprintf(w, "# Save the output of this file and use kubectl create -f to import it into Kubernetes.\n#\n# Created with husk at %s\n", time.Now().UTC().Format(time.RFC3339))
	for i, d := range docs {
		if i > 0 {
			fmt.Fprintln(w, "---")
		}
		if _, err := w.Write(d); err != nil {
			return err
		}
	}
	return nil
}

type generator struct {
	r Runner
	o GenerateOptions
}

func (g *generator) warn(format string, args ...any) {
	if g.o.Warn != nil {
		fmt.Fprintf(g.o.Warn, "husk: warning: "+format+"\n", args...)
	}
}

// object is the Pod for a pod or a lone container, and its Service.
func (g *generator) object(ctx context.Context, name string) (*corev1.Pod, *corev1.Service, error) {
	pod := &corev1.Pod{TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "Pod"}}
	var ctrs []inspect.Container
	var ports map[string][]inspect.HostPort
	if _, err := g.r.Husk(ctx, nil, "pod", "exists", name); err == nil {
		out, err := g.r.Husk(ctx, nil, "pod", "inspect", name)
		if err != nil {
			return nil, nil, err
		}
		var pi podInspect
		if err := decodeOneOrList([]byte(out), &pi); err != nil {
			return nil, nil, fmt.Errorf("read pod inspect of %s: %w", name, err)
		}
		pod.Name, pod.Labels = pi.Name, pi.Labels
		if pi.Hostname != "" && pi.Hostname != pi.Name {
			pod.Spec.Hostname = pi.Hostname
		}
		if pi.InfraConfig != nil {
			ports, pod.Spec.HostNetwork = pi.InfraConfig.PortBindings, pi.InfraConfig.HostNetwork
		}
		for _, m := range pi.Containers {
			if m.ID == pi.InfraContainerID {
				continue
			}
			c, err := g.container(ctx, m.ID)
			if err != nil {
				return nil, nil, err
			}
			ctrs = append(ctrs, c)
		}
		if len(ctrs) == 0 {
			return nil, nil, fmt.Errorf("pod %s has no containers to describe", name)
		}
	} else {
		c, err := g.container(ctx, name)
		if err != nil {
			return nil, nil, fmt.Errorf("%s is neither a pod nor a container: %w", name, err)
		}
		if c.Pod != "" {
			return nil, nil, fmt.Errorf("container %s is in a pod: generate the pod", name)
		}
		ctrs = []inspect.Container{c}
		pod.Name, ports = c.Name+"-pod", c.HostConfig.PortBindings
	}
	for i, c := range ctrs {
		kc, err := g.k8sContainer(ctx, pod, c)
		if err != nil {
			return nil, nil, err
		}
		if i == 0 {
			kc.Ports = k8sPorts(ports)
		}
		pod.Spec.Containers = append(pod.Spec.Containers, kc)
	}
	pod.Spec.RestartPolicy = restartPolicy(ctrs[0].HostConfig.RestartPolicy.Name)
	return pod, service(pod), nil
}

func decodeOneOrList(b []byte, v any) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '[' {
		var list []json.RawMessage
		if err := json.Unmarshal(b, &list); err != nil {
			return err
		}
		if len(list) != 1 {
			return fmt.Errorf("%d objects, want one", len(list))
		}
		b = list[0]
	}
	return json.Unmarshal(b, v)
}

func (g *generator) container(ctx context.Context, name string) (inspect.Container, error) {
	out, err := g.r.Husk(ctx, nil, "container", "inspect", name)
	if err != nil {
		return inspect.Container{}, err
	}
	var c inspect.Container
	if err := decodeOneOrList([]byte(out), &c); err != nil {
		return c, fmt.Errorf("read container inspect of %s: %w", name, err)
	}
	return c, nil
}

func restartPolicy(name string) corev1.RestartPolicy {
	switch name {
	case "always", "unless-stopped":
		return corev1.RestartPolicyAlways
	case "on-failure":
		return corev1.RestartPolicyOnFailure
	}
	return corev1.RestartPolicyNever
}

// k8sContainer describes one container: what differs from its image.
func (g *generator) k8sContainer(ctx context.Context, pod *corev1.Pod, c inspect.Container) (corev1.Container, error) {
	var img imageConfig
	if out, err := g.r.Husk(ctx, nil, "image", "inspect", c.Image); err == nil {
		_ = decodeOneOrList([]byte(out), &img)
	}
	kc := corev1.Container{Name: strings.TrimPrefix(c.Name, pod.Name+"-"), Image: c.ImageName, TTY: c.Config.Tty, Stdin: c.Config.OpenStdin}
	if kc.Image == "" {
		kc.Image = c.Config.Image
	}
	ep, cmd := c.Config.Entrypoint, c.Config.Cmd
	switch {
	case slices.Equal(ep, img.Config.Entrypoint):
		if !slices.Equal(cmd, img.Config.Cmd) {
			kc.Args = cmd
		}
	case len(ep) == 0:
		kc.Command = cmd
	default:
		kc.Command, kc.Args = ep, cmd
	}
	if c.Config.WorkingDir != img.Config.WorkingDir && !(c.Config.WorkingDir == "/" && img.Config.WorkingDir == "") {
		kc.WorkingDir = c.Config.WorkingDir
	}
	kc.Env = k8sEnv(c.Config.Env, img.Config.Env, c.Config.Tty)
	kc.SecurityContext = g.securityContext(c)
	kc.Resources = resources(c.HostConfig)
	kc.LivenessProbe, kc.ReadinessProbe = probes(c.Config.Healthcheck, c.Config.HealthcheckOnFailureAction)
	g.mounts(pod, &kc, c)
	return kc, nil
}

// k8sEnv is the container's environment less its image's and what every
// container gets.
func k8sEnv(env, image []string, tty bool) []corev1.EnvVar {
	var out []corev1.EnvVar
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		if slices.Contains(image, kv) || k == "container" || k == "HOSTNAME" || k == "HOME" || tty && kv == "TERM=xterm" ||
			k == "PATH" && v == "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" {
			continue
		}
		out = append(out, corev1.EnvVar{Name: k, Value: v})
	}
	return out
}

func (g *generator) securityContext(c inspect.Container) *corev1.SecurityContext {
	sc := &corev1.SecurityContext{}
	set := false
	if u := c.Config.User; u != "" {
		user, group, _ := strings.Cut(u, ":")
		uid, uerr := strconv.ParseInt(user, 10, 64)
		gid, gerr := strconv.ParseInt(group, 10, 64)
		switch {
		case uerr != nil:
			g.warn("container %s: user %q is not numeric: Kubernetes takes ids only, left out", c.Name, u)
		case group != "" && gerr != nil:
			g.warn("container %s: group %q is not numeric: left out", c.Name, group)
			sc.RunAsUser, set = &uid, true
		case group != "":
			sc.RunAsUser, sc.RunAsGroup, set = &uid, &gid, true
		default:
			sc.RunAsUser, set = &uid, true
		}
	}
	hc := c.HostConfig
	if len(hc.CapAdd) > 0 || len(hc.CapDrop) > 0 {
		sc.Capabilities = &corev1.Capabilities{}
		for _, cp := range hc.CapAdd {
			sc.Capabilities.Add = append(sc.Capabilities.Add, corev1.Capability(strings.TrimPrefix(cp, "CAP_")))
		}
		for _, cp := range hc.CapDrop {
			sc.Capabilities.Drop = append(sc.Capabilities.Drop, corev1.Capability(strings.TrimPrefix(cp, "CAP_")))
		}
		set = true
	}
	yes, no := true, false
	if hc.ReadonlyRootfs {
		sc.ReadOnlyRootFilesystem, set = &yes, true
	}
	if hc.Privileged {
		sc.Privileged, set = &yes, true
	}
	for _, o := range hc.SecurityOpt {
		if o == "no-new-privileges" || o == "no-new-privileges=true" || o == "no-new-privileges:true" {
			sc.AllowPrivilegeEscalation, set = &no, true
		}
	}
	if !set {
		return nil
	}
	return sc
}

func resources(hc inspect.HostConfig) corev1.ResourceRequirements {
	var r corev1.ResourceRequirements
	limit := func(name corev1.ResourceName, q *resource.Quantity) {
		if r.Limits == nil {
			r.Limits = corev1.ResourceList{}
		}
		r.Limits[name] = *q
	}
	if hc.Memory > 0 {
		limit(corev1.ResourceMemory, resource.NewQuantity(hc.Memory, resource.BinarySI))
	}
	if hc.NanoCpus > 0 {
		limit(corev1.ResourceCPU, resource.NewMilliQuantity(hc.NanoCpus/1e6, resource.DecimalSI))
	}
	if hc.MemoryReservation > 0 {
		r.Requests = corev1.ResourceList{corev1.ResourceMemory: *resource.NewQuantity(hc.MemoryReservation, resource.BinarySI)}
	}
	return r
}

// probes: a healthcheck that restarts or kills is a liveness probe, one
// that only reports a readiness probe, as kube play reads them back.
func probes(h *inspect.HealthConfig, onFailure string) (live, ready *corev1.Probe) {
	if h == nil || len(h.Test) < 2 || h.Test[0] == "NONE" {
		return nil, nil
	}
	cmd := h.Test[1:]
	if h.Test[0] == "CMD-SHELL" {
		cmd = []string{"/bin/sh", "-c", strings.Join(h.Test[1:], " ")}
	}
	secs := func(d time.Duration) int32 {
		if d <= 0 {
			return 0
		}
		return int32(max(1, d.Round(time.Second)/time.Second))
	}
	p := &corev1.Probe{ProbeHandler: corev1.ProbeHandler{Exec: &corev1.ExecAction{Command: cmd}},
		PeriodSeconds: secs(h.Interval), TimeoutSeconds: secs(h.Timeout), FailureThreshold: int32(h.Retries),
		InitialDelaySeconds: secs(h.StartPeriod)}
	if onFailure == "restart" || onFailure == "kill" {
		return p, nil
	}
	return nil, p
}

// mounts turns binds into hostPath volumes, named volumes into claims
// and tmpfs into memory emptyDirs.
func (g *generator) mounts(pod *corev1.Pod, kc *corev1.Container, c inspect.Container) {
	for _, m := range c.Mounts {
		var src corev1.VolumeSource
		var name string
		switch m.Type {
		case "bind":
			t := corev1.HostPathDirectory
			if st, err := os.Stat(m.Source); err == nil && !st.IsDir() {
				t = corev1.HostPathFile
			}
			src.HostPath = &corev1.HostPathVolumeSource{Path: m.Source, Type: &t}
			name = dnsLabel("host" + m.Source)
		case "volume":
			src.PersistentVolumeClaim = &corev1.PersistentVolumeClaimVolumeSource{ClaimName: m.Name}
			name = dnsLabel(m.Name)
		case "tmpfs":
			src.EmptyDir = &corev1.EmptyDirVolumeSource{Medium: corev1.StorageMediumMemory}
			name = dnsLabel("tmpfs" + m.Destination)
		default:
			g.warn("container %s: %s mount at %s cannot be described in Kubernetes YAML: left out", c.Name, m.Type, m.Destination)
			continue
		}
		kc.VolumeMounts = append(kc.VolumeMounts, corev1.VolumeMount{Name: name, MountPath: m.Destination, ReadOnly: !m.RW})
		if !slices.ContainsFunc(pod.Spec.Volumes, func(v corev1.Volume) bool { return v.Name == name }) {
			pod.Spec.Volumes = append(pod.Spec.Volumes, corev1.Volume{Name: name, VolumeSource: src})
		}
	}
}

// dnsLabel makes s a volume name Kubernetes accepts: lower case letters,
// digits and '-', at most 63.
func dnsLabel(s string) string {
	b := []byte(strings.ToLower(s))
	for i, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9') {
			b[i] = '-'
		}
	}
	out := strings.Trim(string(b), "-")
	for strings.Contains(out, "--") {
		out = strings.ReplaceAll(out, "--", "-")
	}
	if len(out) > 63 {
		out = strings.Trim(out[:63], "-")
	}
	return out
}

func k8sPorts(bindings map[string][]inspect.HostPort) []corev1.ContainerPort {
	keys := sortedKeys(bindings)
	var out []corev1.ContainerPort
	for _, k := range keys {
		port, proto, _ := strings.Cut(k, "/")
		cp, err := strconv.ParseInt(port, 10, 32)
		if err != nil {
			continue
		}
		for _, hp := range bindings[k] {
			h, err := strconv.ParseInt(hp.HostPort, 10, 32)
			if err != nil {
				continue
			}
			p := corev1.ContainerPort{ContainerPort: int32(cp), HostPort: int32(h), Protocol: corev1.Protocol(strings.ToUpper(proto))}
			if p.Protocol == "" {
				p.Protocol = corev1.ProtocolTCP
			}
			if hp.HostIp != "" && hp.HostIp != "0.0.0.0" {
				p.HostIP = hp.HostIp
			}
			out = append(out, p)
		}
	}
	return out
}

func deployment(pod *corev1.Pod) *appsv1.Deployment {
	one := int32(1)
	labels := map[string]string{"app": pod.Name}
	for k, v := range pod.Labels {
		labels[k] = v
	}
	spec := pod.Spec
	spec.RestartPolicy = corev1.RestartPolicyAlways
	return &appsv1.Deployment{
		TypeMeta:   metav1.TypeMeta{APIVersion: "apps/v1", Kind: "Deployment"},
		ObjectMeta: metav1.ObjectMeta{Name: pod.Name + "-deployment", Labels: labels},
		Spec: appsv1.DeploymentSpec{Replicas: &one, Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": pod.Name}},
			Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: labels}, Spec: spec}},
	}
}

// service is a NodePort Service for the pod's published ports (nil when
// it has none).
func service(pod *corev1.Pod) *corev1.Service {
	var ports []corev1.ServicePort
	for _, c := range pod.Spec.Containers {
		for _, p := range c.Ports {
			ports = append(ports, corev1.ServicePort{Name: strconv.Itoa(int(p.ContainerPort)), Protocol: p.Protocol, Port: p.ContainerPort, NodePort: p.HostPort})
		}
	}
	if len(ports) == 0 {
		return nil
	}
	if pod.Labels == nil {
		pod.Labels = map[string]string{}
	}
	pod.Labels["app"] = pod.Name
	return &corev1.Service{TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "Service"},
		ObjectMeta: metav1.ObjectMeta{Name: pod.Name},
		Spec:       corev1.ServiceSpec{Type: corev1.ServiceTypeNodePort, Ports: ports, Selector: map[string]string{"app": pod.Name}}}
}
