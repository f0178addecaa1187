package kube

import (
	"fmt"
	"sort"
	"strconv"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// pod plans one pod of a spec.
func (p *planner) pod(kind, owner, name string, meta metav1.ObjectMeta, spec *corev1.PodSpec) (Pod, error) {
	if name == "" {
		return Pod{}, fmt.Errorf("metadata.name is empty")
	}
	if len(spec.Containers) == 0 {
		return Pod{}, fmt.Errorf("spec.containers is empty")
	}
	if err := p.checkPodSpec(spec); err != nil {
		return Pod{}, err
	}
	pod := Pod{Name: name, Kind: kind, Owner: owner, Grace: spec.TerminationGracePeriodSeconds}
	pod.Create = []string{"pod", "create", "--name", name}
	pod.Create = append(pod.Create, labelArgs(meta.Labels)...)
	hostname := name
	if spec.Hostname != "" {
		hostname = spec.Hostname
	}
	switch {
	case spec.HostNetwork:
		pod.Create = append(pod.Create, "--network", "host")
	case p.opts.Network != "":
		pod.Create = append(pod.Create, "--network", p.opts.Network)
	}
	if !spec.HostNetwork {
		pod.Create = append(pod.Create, "--hostname", hostname)
	}
	for _, h := range spec.HostAliases {
		for _, name := range h.Hostnames {
			pod.Create = append(pod.Create, "--add-host", name+":"+h.IP)
		}
	}
	if d := spec.DNSConfig; d != nil {
		for _, ns := range d.Nameservers {
			pod.Create = append(pod.Create, "--dns", ns)
		}
		for _, s := range d.Searches {
			pod.Create = append(pod.Create, "--dns-search", s)
		}
		for _, o := range d.Options {
			opt := o.Name
			if o.Value != nil {
				opt += ":" + *o.Value
			}
			pod.Create = append(pod.Create, "--dns-option", opt)
		}
	}
	if spec.ShareProcessNamespace != nil && *spec.ShareProcessNamespace {
		pod.Create = append(pod.Create, "--share", "ipc,net,uts,pid")
	}
	vols, err := p.volumes(name, spec)
	if err != nil {
		return Pod{}, err
	}
	cx := &ctrContext{pod: name, vols: vols, spec: spec, restart: p.restartFlag(spec)}
	for _, c := range spec.Containers {
		args, ports, err := p.container(cx, &c, false)
		if err != nil {
			return Pod{}, fmt.Errorf("container %q: %w", c.Name, err)
		}
		pod.Containers = append(pod.Containers, args)
		pod.Images = append(pod.Images, c.Image)
		for _, port := range ports {
			pod.Create = append(pod.Create, "-p", port)
		}
	}
	for _, c := range spec.InitContainers {
		args, ports, err := p.container(cx, &c, true)
		if err != nil {
			return Pod{}, fmt.Errorf("init container %q: %w", c.Name, err)
		}
		if len(ports) > 0 {
			return Pod{}, fmt.Errorf("init container %q: hostPort on an init container is not supported", c.Name)
		}
		pod.Init = append(pod.Init, args)
		pod.Images = append(pod.Images, c.Image)
	}
	pod.Volumes, pod.HostPaths = cx.volumes()
	pod.Secrets = cx.secrets
	return pod, nil
}

// restartFlag is the pod's restartPolicy as husk's --restart.
func (p *planner) restartFlag(spec *corev1.PodSpec) string {
	switch spec.RestartPolicy {
	case corev1.RestartPolicyNever:
		return "no"
	case corev1.RestartPolicyOnFailure:
		if p.jobRetries > 0 {
			return "on-failure:" + strconv.Itoa(p.jobRetries)
		}
		return "on-failure"
	default:
		return "always"
	}
}

// checkPodSpec refuses what would change how the pod runs and husk cannot
// honour, and warns of what only a cluster's scheduler reads.
func (p *planner) checkPodSpec(spec *corev1.PodSpec) error {
	refuse := map[string]bool{
		"spec.hostPID":                         spec.HostPID,
		"spec.hostIPC":                         spec.HostIPC,
		"spec.hostUsers":                       spec.HostUsers != nil,
		"spec.hostAliases":                     len(spec.HostAliases) > 0,
		"spec.dnsConfig":                       spec.DNSConfig != nil,
		"spec.ephemeralContainers":             len(spec.EphemeralContainers) > 0,
		"spec.activeDeadlineSeconds":           spec.ActiveDeadlineSeconds != nil,
		"spec.runtimeClassName":                spec.RuntimeClassName != nil,
		"spec.os":                              spec.OS != nil && spec.OS.Name != corev1.Linux,
		"spec.resources":                       spec.Resources != nil,
		"spec.securityContext.fsGroup":         spec.SecurityContext != nil && spec.SecurityContext.FSGroup != nil,
		"spec.securityContext.seLinuxOptions":  spec.SecurityContext != nil && spec.SecurityContext.SELinuxOptions != nil,
		"spec.securityContext.appArmorProfile": spec.SecurityContext != nil && spec.SecurityContext.AppArmorProfile != nil,
		"spec.securityContext.windowsOptions":  spec.SecurityContext != nil && spec.SecurityContext.WindowsOptions != nil,
	}
	for _, field := range sortedTrue(refuse) {
		return fmt.Errorf("%s is not supported by husk kube play", field)
	}
	warn := map[string]bool{
		"spec.nodeName":                     spec.NodeName != "",
		"spec.nodeSelector":                 len(spec.NodeSelector) > 0,
		"spec.affinity":                     spec.Affinity != nil,
		"spec.tolerations":                  len(spec.Tolerations) > 0,
		"spec.topologySpreadConstraints":    len(spec.TopologySpreadConstraints) > 0,
		"spec.schedulerName":                spec.SchedulerName != "",
		"spec.priorityClassName":            spec.PriorityClassName != "",
		"spec.priority":                     spec.Priority != nil,
		"spec.serviceAccountName":           spec.ServiceAccountName != "",
		"spec.automountServiceAccountToken": spec.AutomountServiceAccountToken != nil,
		"spec.imagePullSecrets":             len(spec.ImagePullSecrets) > 0,
		"spec.readinessGates":               len(spec.ReadinessGates) > 0,
	}
	for _, field := range sortedTrue(warn) {
		p.warn("%s is for a cluster's scheduler: husk runs the pod on this host and ignores it", field)
	}
	if spec.DNSPolicy != "" && spec.DNSPolicy != corev1.DNSClusterFirst && spec.DNSPolicy != corev1.DNSDefault {
		if !(spec.HostNetwork && spec.DNSPolicy == corev1.DNSClusterFirstWithHostNet) {
			return fmt.Errorf("spec.dnsPolicy %q is not supported by husk kube play", spec.DNSPolicy)
		}
	}
	return nil
}

func sortedTrue(m map[string]bool) []string {
	var out []string
	for k, v := range m {
		if v {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}
