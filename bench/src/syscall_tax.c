// syscall_tax: how fast unrelated syscalls run, to compare with and without BPF hooks attached.
//   syscall_tax getppid SECONDS   -> getppid() calls per second
//   syscall_tax pipe SECONDS      -> 64-byte write+read round trips through a pipe per second
// One line on stdout: "<mode> <operations per second>".
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/syscall.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "getppid";
	double seconds = argc > 2 ? atof(argv[2]) : 5;
	int pipe_fds[2];
	char buf[64];
	long ops = 0;
	double start, end;

	memset(buf, 'x', sizeof(buf));
	if (pipe(pipe_fds) != 0)
		return 1;
	start = now();
	end = start + seconds;
	while (1) {
		for (int i = 0; i < 10000; i++) {
			if (mode[0] == 'g') {
				syscall(SYS_getppid); /* not the libc wrapper: it is always a real syscall */
			} else {
				if (write(pipe_fds[1], buf, sizeof(buf)) != sizeof(buf) ||
				    read(pipe_fds[0], buf, sizeof(buf)) != sizeof(buf))
					return 1;
			}
		}
		ops += 10000;
		if (now() >= end)
			break;
	}
	printf("%s %.0f\n", mode, ops / (now() - start));
	return 0;
}
