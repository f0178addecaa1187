//go:build linux

// The waiter of a lingering rootless network namespace (linger_linux.go):
// `husk __netlinger RNETNS`, started with HUSK_NET_LINGER_SLEEP=N, sleeps
// N seconds here, before the Go runtime starts (next to no memory), then
// executes itself again without the variable; Go then takes the namespace
// down unless a container came meanwhile. It runs first (priority 120,
// before slimexec's 150 and join.c's 200): such a process needs nothing
// else. SIGTERM ends it at once.

#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

__attribute__((constructor(120))) static void husk_net_linger(int argc, char **argv)
{
	const char *s = getenv("HUSK_NET_LINGER_SLEEP");
	if (!s || argc < 1 || !argv || !argv[0])
		return;
	// Descriptors inherited from whoever ran the last container's husk
	// (a script's pipe, bats' fd 3) must not be held open for minutes.
	if (syscall(SYS_close_range, 3U, ~0U, 0U) != 0)
		for (int fd = 3; fd < 1024; fd++)
			close(fd);
	struct timespec ts = {.tv_sec = strtol(s, NULL, 10), .tv_nsec = 0};
	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
	unsetenv("HUSK_NET_LINGER_SLEEP");
	execve("/proc/self/exe", argv, environ);
	_exit(125);
}
