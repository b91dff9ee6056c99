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
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <sys/uio.h>
#include <unistd.h>

/// `SO_REUSEPORT`, a macro that Swift cannot import on every libc.
static inline int csystem_so_reuseport(void) { return SO_REUSEPORT; }

/// `TCP_NODELAY`.
static inline int csystem_tcp_nodelay(void) { return TCP_NODELAY; }

/// `EPOLLET` as an unsigned value: Swift imports the enum constant with a signed type.
static inline unsigned int csystem_epollet(void) { return (unsigned int)EPOLLET; }

/// Makes standard output line-buffered, so progress lines reach a pipe at once.
void csystem_line_buffer_stdout(void);

/// Blocks every signal in `set` in the calling thread and returns the previous mask's errno result.
int csystem_block_signals(const int *signals, int count);

/// Waits for one of `signals` (which the caller has blocked) and returns its number, or -1.
int csystem_wait_for_signal(const int *signals, int count);

#endif
