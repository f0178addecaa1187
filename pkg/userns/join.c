//go:build linux

// Joining husk's per-user namespaces before the Go runtime starts.
//
// setns() into a user namespace needs a single-threaded process, and the Go
// runtime starts threads before main, so this runs as a constructor. It
// runs before the storage library's own constructor (priority 200 < the
// default) and does nothing for root, for processes the storage library is
// re-executing into a namespace, and for the pause process itself.

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/nsfs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>
#include <signal.h>

// Read by Go (join_cgo.go).
int husk_join_state;      // 0: not attempted, 1: joined, <0: failed (stage)
int husk_join_errno;
int husk_join_single;     // the namespace maps one id only
unsigned int husk_join_uid, husk_join_gid;
char husk_join_dir[PATH_MAX];

static ssize_t read_small(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	return n;
}

// is_pause_cmdline reports whether a NUL-separated command line is
// "husk __pause".
static int is_pause_cmdline(const char *buf, ssize_t n)
{
	size_t first = strnlen(buf, n);
	if ((ssize_t)first + 1 >= n)
		return 0;
	return strcmp(buf + first + 1, "__pause") == 0;
}

// has_arg reports whether a NUL-separated command line contains arg.
static int has_arg(const char *buf, ssize_t n, const char *arg)
{
	for (ssize_t i = 0; i < n; i += strnlen(buf + i, n - i) + 1)
		if (strcmp(buf + i, arg) == 0)
			return 1;
	return 0;
}

// runtime_dir mirrors userns.RuntimeDir: $XDG_RUNTIME_DIR when it is a
// directory owned by uid, else $TMPDIR/husk-run-UID (0700, owned by uid).
static int runtime_dir(uid_t uid, char *out, size_t len)
{
	struct stat st;
	const char *x = getenv("XDG_RUNTIME_DIR");
	if (x && *x && lstat(x, &st) == 0 && S_ISDIR(st.st_mode) && st.st_uid == uid) {
		snprintf(out, len, "%s", x);
		return 0;
	}
	const char *t = getenv("TMPDIR");
	if (!t || !*t)
		t = "/tmp";
	snprintf(out, len, "%s/husk-run-%u", t, (unsigned)uid);
	if (lstat(out, &st) != 0 || !S_ISDIR(st.st_mode) || st.st_uid != uid || (st.st_mode & 077))
		return -1;
	return 0;
}

static void fail(int stage)
{
	husk_join_state = -stage;
	husk_join_errno = errno;
}

__attribute__((constructor(200))) static void husk_join(void)
{
	char buf[4096], path[PATH_MAX + 64], cwd[PATH_MAX];
	uid_t uid = geteuid();
	gid_t gid = getegid();
	ssize_t n;
	struct stat st;

	// The pause process, once set up by Go, executes itself again to wait
	// here: no Go runtime, next to no memory.
	if (getenv("HUSK_PAUSE_SLEEP")) {
		// Ready only now, in the final state: a command that checks the
		// pause process between the Go setup and this exec would find
		// it half-way and start a second one.
		const char *rfd = getenv("HUSK_PAUSE_READY_FD");
		if (rfd) {
			int fd = atoi(rfd);
			if (fd > 2) {
				if (write(fd, "1", 1) != 1)
					_exit(125);
				close(fd);
			}
		}
		for (;;)
			pause();
	}
	if (uid == 0)
		return;
	if (getenv("_Containers-unshare") || getenv("_CONTAINERS_USERNS_CONFIGURED"))
		return;
	if (getenv("HUSK_NO_JOIN"))
		return;
	// A new pause process started to adopt the namespaces of a process
	// that still lives in them (the old pause process was killed) joins
	// that process instead of reading the pid file.
	const char *adopt = getenv("HUSK_ADOPT_PID");
	// What the adopted process is: "monitor" (a container's monitor, in
	// husk's namespaces), "init" (a container's init, in husk's user
	// namespace but its own mount namespace) or "init-parent" (the init of
	// a container with a user namespace of its own, inside husk's).
	const char *kind = getenv("HUSK_ADOPT_KIND");
	int adopt_init = adopt && kind && strncmp(kind, "init", 4) == 0;
	int adopt_parent = adopt && kind && strcmp(kind, "init-parent") == 0;
	n = read_small("/proc/self/cmdline", buf, sizeof(buf));
	if (n > 0 && is_pause_cmdline(buf, n) && !adopt)
		return;
	if (runtime_dir(uid, husk_join_dir, sizeof(husk_join_dir)) < 0)
		return; // Go creates the directory and the pause process
	long pid;
	if (adopt) {
		pid = strtol(adopt, NULL, 10);
		unsetenv("HUSK_ADOPT_PID");
		unsetenv("HUSK_ADOPT_KIND");
		if (pid <= 0)
			return;
	} else {
		snprintf(path, sizeof(path), "%s/husk/pause.pid", husk_join_dir);
		if (lstat(path, &st) != 0 || !S_ISREG(st.st_mode) || st.st_uid != uid)
			return;
		n = read_small(path, buf, 32);
		if (n <= 0)
			return;
		pid = strtol(buf, NULL, 10);
		if (pid <= 0)
			return;
	}

	// The process must be ours and alive (not a zombie); unless adopting,
	// it must be our pause process.
	snprintf(path, sizeof(path), "/proc/%ld", pid);
	if (stat(path, &st) != 0 || st.st_uid != uid)
		return;
	snprintf(path, sizeof(path), "/proc/%ld/cmdline", pid);
	n = read_small(path, buf, sizeof(buf));
	if (!adopt && (n <= 0 || !is_pause_cmdline(buf, n)))
		return;
	if (adopt && !adopt_init && (n <= 0 || !has_arg(buf, n, "__monitor")))
		return; // only a container's monitor lives in husk's namespaces
	snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
	n = read_small(path, buf, sizeof(buf));
	char *paren = n > 0 ? strrchr(buf, ')') : NULL;
	if (!paren || paren[1] != ' ' || paren[2] == 'Z' || paren[2] == 'X')
		return;

	snprintf(path, sizeof(path), "/proc/%ld/ns/user", pid);
	int userfd = open(path, O_RDONLY | O_CLOEXEC);
	if (userfd < 0)
		return;
	if (adopt_parent) {
		int parent = ioctl(userfd, NS_GET_PARENT);
		close(userfd);
		if (parent < 0)
			return;
		userfd = parent;
	}
	// A container's init has a mount namespace of its own: the adopting
	// pause process makes a new one instead (the store's mounts were in
	// the lost one).
	int mntfd = -1;
	if (!adopt_init) {
		snprintf(path, sizeof(path), "/proc/%ld/ns/mnt", pid);
		mntfd = open(path, O_RDONLY | O_CLOEXEC);
		if (mntfd < 0) {
			close(userfd);
			return;
		}
	}
	if (!getcwd(cwd, sizeof(cwd)))
		strcpy(cwd, "/");

	if (setns(userfd, CLONE_NEWUSER) < 0) {
		fail(1);
		close(userfd);
		if (mntfd >= 0)
			close(mntfd);
		return;
	}
	close(userfd);
	// No way back after this one: from here a failure is fatal.
	if (mntfd < 0) {
		if (unshare(CLONE_NEWNS) < 0) {
			fprintf(stderr, "husk: new mount namespace in the user namespace of process %ld: %s\n", pid, strerror(errno));
			_exit(125);
		}
	} else if (setns(mntfd, CLONE_NEWNS) < 0) {
		fprintf(stderr, "husk: join the mount namespace of pause process %ld: %s\n", pid, strerror(errno));
		_exit(125);
	}
	if (mntfd >= 0)
		close(mntfd);
	if (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0) {
		fprintf(stderr, "husk: become root in the user namespace of pause process %ld: %s\n", pid, strerror(errno));
		_exit(125);
	}
	if (chdir(cwd) < 0 && chdir("/") < 0) {
		fprintf(stderr, "husk: chdir: %s\n", strerror(errno));
		_exit(125);
	}

	n = read_small("/proc/self/uid_map", buf, sizeof(buf));
	if (n > 0) {
		unsigned a, b, c;
		husk_join_single = strchr(buf, '\n') == buf + strlen(buf) - 1 &&
				   sscanf(buf, "%u %u %u", &a, &b, &c) == 3 && c == 1;
	}
	husk_join_uid = uid;
	husk_join_gid = gid;
	husk_join_state = 1;

	// For the storage library (it reads them with C getenv) and children;
	// Go copies them into its own environment in an init function.
	snprintf(buf, sizeof(buf), "%u", (unsigned)uid);
	setenv("_CONTAINERS_ROOTLESS_UID", buf, 1);
	snprintf(buf, sizeof(buf), "%u", (unsigned)gid);
	setenv("_CONTAINERS_ROOTLESS_GID", buf, 1);
	setenv("_CONTAINERS_USERNS_CONFIGURED", "done", 1);
	setenv("HUSK_USERNS_MAPPING", husk_join_single ? "single-id" : "subordinate-ids", 1);
	setenv("XDG_RUNTIME_DIR", husk_join_dir, 1);
}
