//go:build linux

// The waiting half of a detached container's monitor (see doc.go).
//
// pkg/runtime's Monitor starts the container and, once it runs, executes
// itself (same pid, same argv: "husk [globals] __monitor ID") with
// HUSK_MONITOR_WAIT=1. This constructor runs before every other one
// (priority 140 < slimexec's 150 < join.c's 200) and before the Go
// runtime, and never returns: it waits for the container here, then
// executes husk a last time with HUSK_MONITOR_EXITED=1 for the Go
// teardown (runtime.FinishMonitor).
//
// Its parameters come in the environment (internal/childenv names them):
//   HUSK_MON_PID, HUSK_MON_TICKS  the container's init and its start time
//   HUSK_MON_FDS=out,err,in,attach,attached  descriptors, -1 when unused:
//                 the read ends of the stdout and stderr pipes (a
//                 terminal's master as out and, with -i, in), the write
//                 end of the stdin pipe, the attach socket's listener, the
//                 connection of the command attached to the terminal
//                 (runtime's AttachedMonitor: while it lasts, that command
//                 reads the master and the waiter leaves it alone; the
//                 exit code is written on it)
//   HUSK_MON_LOG, HUSK_MON_LOG_MAX, HUSK_MON_LOG_FILES  the log and its
//                 (resolved) limits; no log: the output is read and dropped
//   HUSK_MON_EXIT  the exit file: "1 PID TICKS CODE UNIX_NS\n"
//   HUSK_MON_SOCK  the attach socket's path, removed at the end
//   HUSK_MON_HEALTH_MS  the healthcheck's interval (unset: no checks): a
//                 timer runs "husk [globals] __healthcheck ID", one at a
//                 time (monhealth, below)
//
// The forwarded signals and SIGCHLD arrive blocked (Go blocked them
// before the exec, so none sent meanwhile is lost) and are read from a
// signalfd.

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "monlog.h"

extern char **environ;

// The signals passed on to the container (runtime's forwardedSignals).
static const int forwarded[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2};

// At most this many attach connections are served at once; more wait in
// the listener's backlog.
#define MAX_CONNS 16

// How long the output may take to reach its end after the init exited
// (runtime's monitorOutput.drain): a process the container left behind
// may hold the pipes.
#define DRAIN_MS 2000

// An attach connection and the bytes read from it that the container's
// stdin has not taken yet.
struct conn {
	int fd; // -1: free
	size_t off, len;
	char buf[4096];
};

static struct {
	pid_t init;
	unsigned long long ticks;
	int out, err, in, lsn, sfd, att;
	int logging;
	int exited, code; // code valid once exited is 1
	struct monlog log;
	struct monstream sout, serr;
	struct conn conns[MAX_CONNS];
	// The healthcheck's timer (-1: none), the check running (0: none),
	// its argv and environment.
	int tfd;
	pid_t check;
	char **check_argv, **check_env;
	char rbuf[64 * 1024];
} w;

static void fail(const char *what)
{
	// The monitor's stderr is /dev/null unless a developer runs it by
	// hand; the exit status is what counts.
	fprintf(stderr, "husk __monitor: %s: %s\n", what, strerror(errno));
	_exit(125);
}

// env_int reads a numeric parameter; def when it is missing.
static long long env_int(const char *name, long long def)
{
	const char *s = getenv(name);
	char *end;
	if (!s || !*s)
		return def;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (errno || *end) {
		errno = EINVAL;
		fail(name);
	}
	return v;
}

static void set_nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);
	if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0)
		fail("set a descriptor non-blocking");
}

// read_fds parses HUSK_MON_FDS ("out,err,in,attach,attached").
static void read_fds(void)
{
	const char *s = getenv("HUSK_MON_FDS");
	int v[5];
	if (!s || sscanf(s, "%d,%d,%d,%d,%d", &v[0], &v[1], &v[2], &v[3], &v[4]) != 5) {
		errno = EINVAL;
		fail("HUSK_MON_FDS");
	}
	w.out = v[0], w.err = v[1], w.in = v[2], w.lsn = v[3], w.att = v[4];
	for (int i = 0; i < 5; i++)
		if (v[i] >= 0)
			set_nonblock(v[i]);
}

// reap collects every exited child; the init's status becomes the code
// (128+N when killed by signal N).
static void reap(void)
{
	for (;;) {
		int st;
		pid_t p = waitpid(-1, &st, WNOHANG);
		if (p < 0 && errno == EINTR)
			continue;
		if (p < 0 && errno == ECHILD && !w.exited) {
			// The init is not (any more) a child: nobody can tell its
			// code. No exit file is written; the teardown says unknown.
			w.exited = 1;
			w.code = -1;
		}
		if (p <= 0)
			return;
		if (p == w.check)
			w.check = 0;
		if (p == w.init && !w.exited) {
			w.exited = 1;
			w.code = WIFSIGNALED(st) ? 128 + WTERMSIG(st) : WEXITSTATUS(st);
		}
	}
}

static void read_signals(void)
{
	struct signalfd_siginfo si;
	for (;;) {
		ssize_t n = read(w.sfd, &si, sizeof si);
		if (n < 0 && errno == EINTR)
			continue;
		if (n != (ssize_t)sizeof si)
			return;
		if (si.ssi_signo == SIGCHLD)
			reap();
		else if (!w.exited)
			(void)kill(w.init, (int)si.ssi_signo);
	}
}

// read_output copies what one stream has; at its end (or on an error: a
// terminal whose other side is gone gives EIO) the stream is closed.
static void read_output(int *fd, struct monstream *s)
{
	ssize_t n = read(*fd, w.rbuf, sizeof w.rbuf);
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n > 0) {
		if (w.logging)
			monstream_feed(&w.log, s, w.rbuf, (size_t)n);
		return;
	}
	if (w.logging)
		monstream_end(&w.log, s);
	if (*fd != w.in) // a terminal's master is also the input
		close(*fd);
	*fd = -1;
}

// read_attached reads (and drops) what the attached command sends: when
// its connection ends (it detached, or is gone), the terminal's output is
// the waiter's to log.
static void read_attached(void)
{
	char buf[256];
	ssize_t n = read(w.att, buf, sizeof buf);
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n <= 0) {
		close(w.att);
		w.att = -1;
	}
}

// tell_attached writes the exit code to the attached command, if it is
// still there (nothing when the code is unknown), and ends the
// connection. It returns 1 when the code was written: the teardown is
// then the attached command's (runtime's AttachedMonitor.Finish).
static int tell_attached(void)
{
	int told = 0;
	if (w.att < 0)
		return 0;
	char line[32];
	int len = snprintf(line, sizeof line, "%d\n", w.code);
	int fl = fcntl(w.att, F_GETFL);
	if (fl >= 0)
		(void)fcntl(w.att, F_SETFL, fl & ~O_NONBLOCK);
	if (w.code >= 0 && len > 0)
		told = write(w.att, line, (size_t)len) == len;
	close(w.att);
	w.att = -1;
	return told;
}

static void close_conn(struct conn *c)
{
	close(c->fd);
	c->fd = -1;
	c->off = c->len = 0;
}

// feed writes the connections' pending bytes to the container's stdin
// as far as it takes them; a stdin that is gone ends the connections
// (as io.Copy in the Go monitor ends at a write error).
static void feed(void)
{
	for (int i = 0; i < MAX_CONNS; i++) {
		struct conn *c = &w.conns[i];
		while (c->fd >= 0 && c->off < c->len) {
			ssize_t n = write(w.in, c->buf + c->off, c->len - c->off);
			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0 && errno == EAGAIN)
				return; // stdin is full: poll says when it takes more
			if (n <= 0) {
				close_conn(c);
				break;
			}
			c->off += (size_t)n;
		}
		if (c->off == c->len)
			c->off = c->len = 0;
	}
}

// read_conn reads what a connection sends; revents is what poll said
// of it.
static void read_conn(struct conn *c, short revents)
{
	ssize_t n = read(c->fd, c->buf, sizeof c->buf);
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n == 0 && !(revents & POLLHUP) && w.in >= 0 && w.in != w.out) {
		// The attach shut its side down but still listens: its input
		// ended, and so does the container's stdin (without a
		// terminal), as podman's conmon does. A connection closed
		// whole (a detach) leaves the stdin open for the next one.
		close(w.in);
		w.in = -1;
	}
	if (n <= 0 || w.in < 0) {
		close_conn(c);
		return;
	}
	c->off = 0;
	c->len = (size_t)n;
}

static void accept_conn(void)
{
	for (int i = 0; i < MAX_CONNS; i++) {
		if (w.conns[i].fd >= 0)
			continue;
		int fd = accept4(w.lsn, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd >= 0)
			w.conns[i].fd = fd;
		return;
	}
}

// is_param reports whether kv sets one of this mode's variables (below).
static int is_param(const char *kv);

// health_setup arms the healthcheck's timer when HUSK_MON_HEALTH_MS asks
// for one, and prepares the check's argv ("__monitor" becomes
// "__healthcheck") and environment (without this mode's variables), so
// that a tick allocates nothing.
static void health_setup(int argc, char **argv)
{
	long long ms = env_int("HUSK_MON_HEALTH_MS", 0);
	w.tfd = -1;
	if (ms <= 0)
		return;
	size_t n = 0, k = 0;
	while (environ[n])
		n++;
	w.check_argv = calloc((size_t)argc + 1, sizeof *w.check_argv);
	w.check_env = calloc(n + 1, sizeof *w.check_env);
	// Without them the container is still waited for, unchecked.
	if (!w.check_argv || !w.check_env)
		return;
	for (int i = 0; i < argc; i++)
		w.check_argv[i] = strcmp(argv[i], "__monitor") == 0 ? "__healthcheck" : argv[i];
	for (size_t i = 0; i < n; i++)
		if (!is_param(environ[i]))
			w.check_env[k++] = environ[i];
	w.tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (w.tfd < 0)
		return;
	struct itimerspec its = {
		.it_interval = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000},
		.it_value = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000},
	};
	if (timerfd_settime(w.tfd, 0, &its, NULL) != 0) {
		close(w.tfd);
		w.tfd = -1;
	}
}

// health_tick starts a check unless one still runs (that tick is
// skipped): in a process group of its own, which health_end kills with
// everything the check started.
static void health_tick(void)
{
	uint64_t ticks;
	if (read(w.tfd, &ticks, sizeof ticks) < 0 || w.check > 0 || w.exited)
		return;
	pid_t p = fork();
	if (p < 0)
		return; // the next tick tries again
	if (p == 0) {
		(void)setpgid(0, 0);
		sigset_t all;
		sigfillset(&all);
		(void)sigprocmask(SIG_UNBLOCK, &all, NULL);
		(void)signal(SIGPIPE, SIG_DFL);
		// The container's streams stay the waiter's alone: a check that
		// held them would keep the output open after the container.
		int fds[] = {w.out, w.err, w.in, w.lsn, w.att};
		for (size_t i = 0; i < sizeof fds / sizeof fds[0]; i++)
			if (fds[i] > 2)
				close(fds[i]);
		execve("/proc/self/exe", w.check_argv, w.check_env);
		_exit(127);
	}
	(void)setpgid(p, p);
	w.check = p;
}

// health_end stops the timer once the container exited and ends a check
// still running, with what it started (a runtime's exec).
static void health_end(void)
{
	if (w.tfd >= 0) {
		close(w.tfd);
		w.tfd = -1;
	}
	if (w.check <= 0)
		return;
	(void)kill(-w.check, SIGKILL);
	while (w.check > 0) {
		int st;
		pid_t p = waitpid(w.check, &st, 0);
		if (p == w.check || (p < 0 && errno != EINTR))
			w.check = 0;
	}
}

// serve polls everything until the init exited, then (drain) only the
// output until its end or DRAIN_MS.
static void serve(int drain)
{
	struct pollfd p[5 + MAX_CONNS];
	struct timespec t0, now;
	if (clock_gettime(CLOCK_MONOTONIC, &t0) != 0)
		fail("read the clock");
	for (;;) {
		int n = 0, io_out = -1, io_err = -1, io_lsn = -1, io_in = -1, io_tfd = -1, io_att = -1, io_conn[MAX_CONNS];
		int timeout = -1, pending = 0, free_slot = 0;
		if (!drain && w.exited)
			return;
		// The attached command reads a terminal's master itself.
		if (drain && (w.out < 0 || w.att >= 0) && w.err < 0)
			return;
		if (drain) {
			if (clock_gettime(CLOCK_MONOTONIC, &now) != 0)
				fail("read the clock");
			long long ms = (now.tv_sec - t0.tv_sec) * 1000LL + (now.tv_nsec - t0.tv_nsec) / 1000000;
			if (ms >= DRAIN_MS)
				return;
			timeout = (int)(DRAIN_MS - ms);
		}
		p[n++] = (struct pollfd){.fd = w.sfd, .events = POLLIN};
		if (w.out >= 0 && w.att < 0)
			io_out = n, p[n++] = (struct pollfd){.fd = w.out, .events = POLLIN};
		if (w.att >= 0)
			io_att = n, p[n++] = (struct pollfd){.fd = w.att, .events = POLLIN};
		if (w.err >= 0)
			io_err = n, p[n++] = (struct pollfd){.fd = w.err, .events = POLLIN};
		for (int i = 0; i < MAX_CONNS; i++) {
			io_conn[i] = -1;
			if (drain || w.conns[i].fd < 0) {
				free_slot |= w.conns[i].fd < 0;
				continue;
			}
			if (w.conns[i].len > 0)
				pending = 1;
			else
				io_conn[i] = n, p[n++] = (struct pollfd){.fd = w.conns[i].fd, .events = POLLIN};
		}
		if (!drain && w.lsn >= 0 && free_slot)
			io_lsn = n, p[n++] = (struct pollfd){.fd = w.lsn, .events = POLLIN};
		if (!drain && pending && w.in >= 0)
			io_in = n, p[n++] = (struct pollfd){.fd = w.in, .events = POLLOUT};
		if (!drain && w.tfd >= 0)
			io_tfd = n, p[n++] = (struct pollfd){.fd = w.tfd, .events = POLLIN};
		if (poll(p, (nfds_t)n, timeout) < 0) {
			if (errno == EINTR)
				continue;
			fail("poll");
		}
		if (p[0].revents)
			read_signals();
		if (io_att >= 0 && p[io_att].revents)
			read_attached();
		if (io_out >= 0 && p[io_out].revents)
			read_output(&w.out, &w.sout);
		if (io_err >= 0 && p[io_err].revents)
			read_output(&w.err, &w.serr);
		for (int i = 0; i < MAX_CONNS; i++)
			if (io_conn[i] >= 0 && p[io_conn[i]].revents)
				read_conn(&w.conns[i], p[io_conn[i]].revents);
		if (io_lsn >= 0 && p[io_lsn].revents)
			accept_conn();
		if (io_tfd >= 0 && p[io_tfd].revents)
			health_tick();
		if ((io_in >= 0 && p[io_in].revents) || !drain)
			feed();
	}
}

// write_exit records the code for the commands that wait (WaitExit),
// before the teardown: written aside and renamed, so a reader sees all
// of it or nothing.
static void write_exit(void)
{
	const char *path = getenv("HUSK_MON_EXIT");
	char tmp[PATH_MAX], line[128];
	struct timespec now;
	if (!path || !*path || w.code < 0)
		return;
	if (clock_gettime(CLOCK_REALTIME, &now) != 0)
		return;
	int len = snprintf(line, sizeof line, "1 %d %llu %d %lld\n", (int)w.init, w.ticks, w.code,
			   (long long)now.tv_sec * 1000000000LL + now.tv_nsec);
	int plen = snprintf(tmp, sizeof tmp, "%s.tmp", path);
	if (len < 0 || (size_t)len >= sizeof line || plen < 0 || (size_t)plen >= sizeof tmp)
		return;
	int fd = open(tmp, O_CREAT | O_WRONLY | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return;
	ssize_t n = write(fd, line, (size_t)len);
	if (close(fd) != 0 || n != len || rename(tmp, path) != 0)
		(void)unlink(tmp);
}

// The variables of this mode, which the teardown does not inherit.
static const char *const params[] = {
	"HUSK_MONITOR_WAIT", "HUSK_MON_PID", "HUSK_MON_TICKS", "HUSK_MON_FDS", "HUSK_MON_LOG",
	"HUSK_MON_LOG_MAX", "HUSK_MON_LOG_FILES", "HUSK_MON_EXIT", "HUSK_MON_SOCK", "HUSK_MON_HEALTH_MS", NULL,
};

// is_param reports whether kv ("NAME=value") sets one of params.
static int is_param(const char *kv)
{
	for (int i = 0; params[i]; i++) {
		size_t n = strlen(params[i]);
		if (strncmp(kv, params[i], n) == 0 && kv[n] == '=')
			return 1;
	}
	return 0;
}

// teardown executes husk again for the Go half of the clean-up, in an
// environment without this mode's variables.
static void teardown(char **argv)
{
	size_t n = 0, k = 0;
	while (environ[n])
		n++;
	char **env = calloc(n + 2, sizeof *env);
	if (!env)
		fail("allocate the environment");
	for (size_t i = 0; i < n; i++) {
		if (!is_param(environ[i]))
			env[k++] = environ[i];
	}
	env[k++] = "HUSK_MONITOR_EXITED=1";
	env[k] = NULL;
	// The Go runtime starts with what it inherits: nothing blocked or
	// ignored that its children (the runtime's delete) would inherit.
	sigset_t all;
	sigfillset(&all);
	(void)sigprocmask(SIG_UNBLOCK, &all, NULL);
	(void)signal(SIGPIPE, SIG_DFL);
	execve("/proc/self/exe", argv, env);
	// The exit file is written: the next command's Refresh cleans up
	// with the real code.
	fail("execute husk for the teardown");
}

__attribute__((constructor(140))) static void husk_monitor_wait(int argc, char **argv)
{
	const char *mode = getenv("HUSK_MONITOR_WAIT");
	if (!mode || strcmp(mode, "1") != 0 || argc < 1)
		return;

	sigset_t mask;
	sigemptyset(&mask);
	sigaddset(&mask, SIGCHLD);
	for (size_t i = 0; i < sizeof forwarded / sizeof forwarded[0]; i++)
		sigaddset(&mask, forwarded[i]);
	if (sigprocmask(SIG_BLOCK, &mask, NULL) != 0)
		fail("block signals");
	w.sfd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
	if (w.sfd < 0)
		fail("signalfd");
	// A reader of the container's stdin that went away is a write error
	// on the connection's data, not the end of the monitor.
	if (signal(SIGPIPE, SIG_IGN) == SIG_ERR)
		fail("ignore SIGPIPE");

	w.init = (pid_t)env_int("HUSK_MON_PID", 0);
	w.ticks = (unsigned long long)env_int("HUSK_MON_TICKS", 0);
	if (w.init <= 0) {
		errno = EINVAL;
		fail("HUSK_MON_PID");
	}
	read_fds();
	for (int i = 0; i < MAX_CONNS; i++)
		w.conns[i].fd = -1;
	w.sout.name = "stdout";
	w.serr.name = "stderr";
	const char *log = getenv("HUSK_MON_LOG");
	if (log && *log) {
		// Opened (and checked) by Go before the start; a failure now
		// loses the output, as a failed rotation does, but the
		// container is still waited for.
		w.logging = monlog_open(&w.log, log, env_int("HUSK_MON_LOG_MAX", 0), (int)env_int("HUSK_MON_LOG_FILES", 2)) == 0;
	}

	health_setup(argc, argv);
	reap(); // the init may have exited during the exec
	serve(0);
	health_end();
	serve(1);
	if (w.logging)
		(void)monlog_close(&w.log);
	write_exit();
	int told = tell_attached();

	if (w.lsn >= 0)
		close(w.lsn);
	const char *sock = getenv("HUSK_MON_SOCK");
	if (sock && *sock)
		(void)unlink(sock);
	for (int i = 0; i < MAX_CONNS; i++)
		if (w.conns[i].fd >= 0)
			close_conn(&w.conns[i]);
	if (w.out >= 0 && w.out != w.in)
		close(w.out);
	if (w.err >= 0)
		close(w.err);
	if (w.in >= 0)
		close(w.in);
	reap();
	if (told)
		_exit(0);
	teardown(argv);
}
