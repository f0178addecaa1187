//go:build linux

// The container log of the C monitor (see monwait.c): what
// pkg/runtime's LogFile writes (log.go), byte for byte, so that the
// readers (logs, attach, logs -f across rotations) cannot tell which of
// the two wrote it. monlog_test compares the two.

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "monlog.h"

// rotated_path writes the path of the n-th rotated file ("PATH.n") into
// dst; returns -1 when it does not fit.
static int rotated_path(char *dst, size_t cap, const char *path, int n)
{
	int len = snprintf(dst, cap, "%s.%d", path, n);
	return (len < 0 || (size_t)len >= cap) ? -1 : 0;
}

int monlog_open(struct monlog *l, const char *path, long long max_size, int max_files)
{
	struct stat st;
	char old[PATH_MAX];

	l->path = path;
	l->max_size = max_size;
	l->max_files = max_files;
	l->fd = open(path, O_CREAT | O_WRONLY | O_APPEND | O_CLOEXEC, 0600);
	if (l->fd < 0)
		return -1;
	if (fstat(l->fd, &st) != 0) {
		int e = errno;
		close(l->fd);
		l->fd = -1;
		errno = e;
		return -1;
	}
	l->size = st.st_size;
	// Rotated files beyond the limit (left by a larger max-file) go.
	for (int n = max_files > 1 ? max_files : 1; n <= MONLOG_MAX_FILES; n++) {
		if (rotated_path(old, sizeof old, path, n) != 0)
			break;
		if (unlink(old) != 0 && errno == ENOENT)
			break;
	}
	return 0;
}

// reopen starts the current file over; 0 on success.
static int reopen(struct monlog *l)
{
	int fd = open(l->path, O_CREAT | O_WRONLY | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	l->fd = fd;
	l->size = 0;
	return 0;
}

// rotate shifts the files (NAME.n to NAME.n+1, NAME to NAME.1, in that
// order: a follower expects one rename at a time, newest last) and starts
// a new current one. Errors are ignored as LogFile ignores them: the
// next entry retries a reopen that failed.
static void rotate(struct monlog *l)
{
	char from[PATH_MAX], to[PATH_MAX];

	if (l->fd >= 0) {
		close(l->fd);
		l->fd = -1;
	}
	if (l->max_files <= 1) {
		(void)unlink(l->path);
	} else {
		for (int n = l->max_files - 2; n >= 1; n--) {
			if (rotated_path(from, sizeof from, l->path, n) == 0 &&
			    rotated_path(to, sizeof to, l->path, n + 1) == 0)
				(void)rename(from, to);
		}
		if (rotated_path(to, sizeof to, l->path, 1) == 0)
			(void)rename(l->path, to);
	}
	(void)reopen(l);
}

size_t monlog_stamp(char *dst, size_t cap, const struct timespec *t)
{
	struct tm tm;
	char frac[16];
	size_t n;

	if (cap < 40 || !gmtime_r(&t->tv_sec, &tm))
		return 0;
	n = strftime(dst, cap, "%Y-%m-%dT%H:%M:%S", &tm);
	if (n == 0)
		return 0;
	// Go's ".999999999": nine digits with the trailing zeros dropped,
	// and no dot at all for a whole second.
	if (t->tv_nsec > 0) {
		int len = snprintf(frac, sizeof frac, ".%09ld", (long)t->tv_nsec);
		if (len < 0 || (size_t)len >= sizeof frac)
			return 0;
		while (len > 1 && frac[len - 1] == '0')
			len--;
		memcpy(dst + n, frac, (size_t)len);
		n += (size_t)len;
	}
	dst[n++] = 'Z';
	dst[n] = '\0';
	return n;
}

// write_all writes b whole unless an error stops it; returns how much
// was written.
static size_t write_all(int fd, const char *b, size_t n)
{
	size_t done = 0;
	while (done < n) {
		ssize_t w = write(fd, b + done, n - done);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		done += (size_t)w;
	}
	return done;
}

void monlog_entry(struct monlog *l, const char *stream, int partial, const char *text, size_t n)
{
	struct timespec now;
	size_t len, slen = strlen(stream);

	if (n > MONLOG_LINE_MAX || slen > 8)
		return; // never happens: monstream holds at most that much
	if (clock_gettime(CLOCK_REALTIME, &now) != 0)
		return;
	len = monlog_stamp(l->entry, MONLOG_HEADER_MAX - 12, &now);
	if (len == 0)
		return;
	l->entry[len++] = ' ';
	memcpy(l->entry + len, stream, slen);
	len += slen;
	l->entry[len++] = ' ';
	l->entry[len++] = partial ? 'P' : 'F';
	l->entry[len++] = ' ';
	memcpy(l->entry + len, text, n);
	len += n;
	l->entry[len++] = '\n';
	if (l->max_size > 0 && l->size + (long long)len > l->max_size && l->size > 0)
		rotate(l);
	if (l->fd < 0 && reopen(l) != 0)
		return; // output is lost rather than the limit broken
	l->size += (long long)write_all(l->fd, l->entry, len);
}

// As bufio.Reader.ReadSlice('\n') with a MONLOG_LINE_MAX buffer in
// LogFile.Copy: every complete line is an entry; a full buffer without
// a newline is a partial one.
void monstream_feed(struct monlog *l, struct monstream *s, const char *data, size_t n)
{
	while (n > 0) {
		size_t take = sizeof s->buf - s->len;
		if (take > n)
			take = n;
		memcpy(s->buf + s->len, data, take);
		data += take;
		n -= take;
		size_t start = 0, end = s->len + take;
		// Only the new bytes can hold a newline: the old ones had none.
		for (size_t i = s->len; i < end; i++) {
			if (s->buf[i] == '\n') {
				monlog_entry(l, s->name, 0, s->buf + start, i - start);
				start = i + 1;
			}
		}
		s->len = end - start;
		if (start > 0 && s->len > 0)
			memmove(s->buf, s->buf + start, s->len);
		if (s->len == sizeof s->buf) {
			monlog_entry(l, s->name, 1, s->buf, s->len);
			s->len = 0;
		}
	}
}

void monstream_end(struct monlog *l, struct monstream *s)
{
	if (s->len > 0)
		monlog_entry(l, s->name, 1, s->buf, s->len);
	s->len = 0;
}

int monlog_close(struct monlog *l)
{
	int r = 0;
	if (l->fd >= 0)
		r = close(l->fd);
	l->fd = -1;
	return r;
}
