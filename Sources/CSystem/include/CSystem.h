#ifndef SHEBAO_CSYSTEM_H
#define SHEBAO_CSYSTEM_H

// Declarations the Swift Glibc module does not export reliably on every distribution:
// epoll, eventfd, timerfd and the socket options the transport layer sets.

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <spawn.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

/// `SO_REUSEPORT`, a macro that Swift cannot import on every libc.
static inline int csystem_so_reuseport(void) { return SO_REUSEPORT; }

/// `TCP_NODELAY`.
static inline int csystem_tcp_nodelay(void) { return TCP_NODELAY; }

/// `EPOLLET` as an unsigned value: Swift imports the enum constant with a signed type.
static inline unsigned int csystem_epollet(void) { return (unsigned int)EPOLLET; }

/// `accept4(2)`, which glibc declares only under `_GNU_SOURCE`.
int csystem_accept4(int descriptor, struct sockaddr *address, socklen_t *length, int flags);

/// Makes standard output line-buffered, so progress lines reach a pipe at once.
void csystem_line_buffer_stdout(void);

/// Blocks every signal in `set` in the calling thread and returns the previous mask's errno result.
int csystem_block_signals(const int *signals, int count);

/// Waits for one of `signals` (which the caller has blocked) and returns its number, or -1.
int csystem_wait_for_signal(const int *signals, int count);

/// Waits up to `milliseconds` for one of `signals` (which the caller has blocked). Returns the
/// signal number, 0 on timeout, or -1 on error.
int csystem_wait_for_signal_timeout(const int *signals, int count, int milliseconds);

/// Starts `path` with `argv` and `envp` (NULL-terminated) via posix_spawn. In the child, descriptor
/// `from[i]` is duplicated onto `to[i]` (a `from` of -1 opens /dev/null there), the signal mask is
/// empty and the usual signals have their default disposition, whatever the parent blocked or
/// ignored. Returns the child's PID, or -errno.
pid_t csystem_spawn(const char *path, char *const argv[], char *const envp[], const int *from, const int *to, int count);

/// Asks the kernel to send `signal` to this process when its parent dies (Linux
/// `PR_SET_PDEATHSIG`), so that workers never outlive their supervisor. Returns 0 on success,
/// -1 if the parent is already gone.
int csystem_die_with_parent(int signal);

/// Restores the default disposition and an empty mask for every signal (in a child before exec).
int csystem_unblock_all_signals(void);

#endif
