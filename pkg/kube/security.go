package kube

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"
)

// securityArgs plans the pod's and the container's securityContext (the
// container's settings win), refusing what husk cannot honour.
func securityArgs(pod *corev1.PodSecurityContext, c *corev1.SecurityContext) ([]string, error) {
	if pod == nil {
		pod = &corev1.PodSecurityContext{}
	}
	if c == nil {
		c = &corev1.SecurityContext{}
	}
	refuse := map[string]bool{
		"securityContext.seLinuxOptions":  c.SELinuxOptions != nil,
		"securityContext.windowsOptions":  c.WindowsOptions != nil,
		"securityContext.procMount":       c.ProcMount != nil && *c.ProcMount != corev1.DefaultProcMount,
		"securityContext.appArmorProfile": c.AppArmorProfile != nil && c.AppArmorProfile.Type != corev1.AppArmorProfileTypeUnconfined,
	}
	for _, field := range sortedTrue(refuse) {
		return nil, fmt.Errorf("%s is not supported by husk kube play", field)
	}
	var args []string
	user, group := pod.RunAsUser, pod.RunAsGroup
	if c.RunAsUser != nil {
		user = c.RunAsUser
	}
	if c.RunAsGroup != nil {
		group = c.RunAsGroup
	}
	nonRoot := pod.RunAsNonRoot
	if c.RunAsNonRoot != nil {
		nonRoot = c.RunAsNonRoot
	}
	switch {
	case user != nil && group != nil:
		args = append(args, "--user", fmt.Sprintf("%d:%d", *user, *group))
	case user != nil:
		args = append(args, "--user", strconv.FormatInt(*user, 10))
	case group != nil:
		return nil, fmt.Errorf("securityContext.runAsGroup needs runAsUser with husk: give both")
	}
	if nonRoot != nil && *nonRoot && (user == nil || *user == 0) {
		return nil, fmt.Errorf("securityContext.runAsNonRoot: give runAsUser with a non-zero id (husk does not check the image's user for it)")
	}
	for _, g := range pod.SupplementalGroups {
		args = append(args, "--group-add", strconv.FormatInt(g, 10))
	}
	for _, s := range pod.Sysctls {
		args = append(args, "--sysctl", s.Name+"="+s.Value)
	}
	seccomp := pod.SeccompProfile
	if c.SeccompProfile != nil {
		seccomp = c.SeccompProfile
	}
	if seccomp != nil {
		switch seccomp.Type {
		case corev1.SeccompProfileTypeRuntimeDefault:
		case corev1.SeccompProfileTypeUnconfined:
			args = append(args, "--security-opt", "seccomp=unconfined")
		default:
			return nil, fmt.Errorf("securityContext.seccompProfile %s is not supported (RuntimeDefault or Unconfined)", seccomp.Type)
		}
	}
	if c.AppArmorProfile != nil {
		args = append(args, "--security-opt", "apparmor=unconfined")
	}
	if c.Privileged != nil && *c.Privileged {
		args = append(args, "--privileged")
	}
	if c.ReadOnlyRootFilesystem != nil && *c.ReadOnlyRootFilesystem {
		args = append(args, "--read-only")
	}
	if c.AllowPrivilegeEscalation != nil && !*c.AllowPrivilegeEscalation {
		args = append(args, "--security-opt", "no-new-privileges")
	}
	if caps := c.Capabilities; caps != nil {
		for _, cp := range caps.Add {
			args = append(args, "--cap-add", capName(cp))
		}
		for _, cp := range caps.Drop {
			args = append(args, "--cap-drop", capName(cp))
		}
	}
	return args, nil
}

func capName(c corev1.Capability) string {
	return strings.TrimPrefix(strings.ToUpper(string(c)), "CAP_")
}

// resourceArgs plans limits and requests onto husk's cgroup flags, which
// enforce them or refuse the run.
func (p *planner) resourceArgs(r corev1.ResourceRequirements) ([]string, error) {
	if len(r.Claims) > 0 {
		return nil, fmt.Errorf("resources.claims is not supported by husk kube play")
	}
	var args []string
	for name, q := range r.Limits {
		switch name {
		case corev1.ResourceMemory:
			args = append(args, "--memory", strconv.FormatInt(q.Value(), 10))
		case corev1.ResourceCPU:
			args = append(args, "--cpus", strconv.FormatFloat(float64(q.MilliValue())/1000, 'f', -1, 64))
		default:
			return nil, fmt.Errorf("resources.limits.%s is not supported (memory and cpu)", name)
		}
	}
	for name, q := range r.Requests {
		switch name {
		case corev1.ResourceMemory:
			args = append(args, "--memory-reservation", strconv.FormatInt(q.Value(), 10))
		case corev1.ResourceCPU:
			// Kubernetes' own mapping of a CPU request to a cgroup weight.
			shares := q.MilliValue() * 1024 / 1000
			if shares < 2 {
				shares = 2
			}
			args = append(args, "--cpu-shares", strconv.FormatInt(shares, 10))
		default:
			return nil, fmt.Errorf("resources.requests.%s is not supported (memory and cpu)", name)
		}
	}
	sortPairs(args)
	return args, nil
}

// sortPairs orders flag/value pairs by flag: maps give no order.
func sortPairs(args []string) {
	for i := 2; i < len(args); i += 2 {
		for j := i; j > 0 && args[j-2] > args[j]; j -= 2 {
			args[j-2], args[j] = args[j], args[j-2]
			args[j-1], args[j+1] = args[j+1], args[j-1]
		}
	}
}

// probeArgs plans a livenessProbe (or readinessProbe) as husk's
// healthcheck: a failing liveness probe restarts the container as the
// kubelet does (or kills it, when the pod never restarts).
func (p *planner) probeArgs(c *corev1.Container, restart string) ([]string, error) {
	probe, live := c.LivenessProbe, true
	if probe == nil {
		probe, live = c.ReadinessProbe, false
	} else if c.ReadinessProbe != nil {
		p.warn("container %q: readinessProbe is not used while livenessProbe is set: husk runs one healthcheck per container", c.Name)
	}
	if probe == nil {
		return nil, nil
	}
	if probe.Exec == nil || len(probe.Exec.Command) == 0 {
		return nil, fmt.Errorf("probe: only exec probes are supported (httpGet, tcpSocket and grpc are not)")
	}
	test, _ := json.Marshal(append([]string{"CMD"}, probe.Exec.Command...))
	period, timeout, failures := probe.PeriodSeconds, probe.TimeoutSeconds, probe.FailureThreshold
	if period == 0 {
		period = 10
	}
	if timeout == 0 {
		timeout = 1
	}
	if failures == 0 {
		failures = 3
	}
	args := []string{"--health-cmd", string(test),
		"--health-interval", strconv.Itoa(int(period)) + "s",
		"--health-timeout", strconv.Itoa(int(timeout)) + "s",
		"--health-retries", strconv.Itoa(int(failures))}
	if probe.InitialDelaySeconds > 0 {
		args = append(args, "--health-start-period", strconv.Itoa(int(probe.InitialDelaySeconds))+"s")
	}
	switch {
	case live && restart == "no":
		args = append(args, "--health-on-failure", "kill")
	case live:
		args = append(args, "--health-on-failure", "restart")
	}
	return args, nil
}
