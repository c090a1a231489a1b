#pragma once
// Thin wrappers over the Linux system calls the HTTP event loop needs and Swift cannot import
// cleanly (epoll's packed struct, eventfd, accept4 flags). Every function returns a non-negative
// result or a negative errno value, so Swift never has to read the thread-local `errno`.
// EINTR is retried inside, except for close(2), which must never be retried on Linux.

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Readiness bits, numerically equal to the epoll ones.
#define CEL_EVENT_READ 0x001u
#define CEL_EVENT_WRITE 0x004u
#define CEL_EVENT_ERROR 0x008u
#define CEL_EVENT_HANGUP 0x010u
#define CEL_EVENT_READ_HANGUP 0x2000u

/// Returned by cel_listen when the host name could not be resolved.
#define CEL_ERROR_RESOLVE (-1000000)

/// An epoll event without the packed layout of `struct epoll_event`.
typedef struct {
    uint32_t events;
    uint64_t token;
} cel_event;

int cel_epoll_create(void);
int cel_epoll_add(int epfd, int fd, uint32_t events, uint64_t token);
int cel_epoll_modify(int epfd, int fd, uint32_t events, uint64_t token);
int cel_epoll_remove(int epfd, int fd);
/// Waits up to `timeout_ms` (-1: forever); returns the number of events, 0 on timeout or EINTR.
int cel_epoll_wait(int epfd, cel_event *events, int max_events, int timeout_ms);

int cel_eventfd_create(void);
int cel_eventfd_signal(int fd);
int cel_eventfd_drain(int fd);

/// Binds and listens on host:port (port 0: ephemeral) with SO_REUSEADDR, non-blocking, close-on-exec.
/// On success returns the socket and stores the bound port in `bound_port`.
int cel_listen(const char *host, int port, int backlog, int *bound_port);
/// Accepts one connection as non-blocking, close-on-exec, with TCP_NODELAY, and writes the peer's
/// numeric address (without port) into `address` (NUL-terminated).
int cel_accept(int listen_fd, char *address, size_t address_capacity);

ssize_t cel_read(int fd, void *buffer, size_t count);
/// send(2) with MSG_NOSIGNAL, so a closed peer gives -EPIPE rather than SIGPIPE.
ssize_t cel_write(int fd, const void *buffer, size_t count);
int cel_shutdown_write(int fd);
int cel_close(int fd);
void cel_ignore_sigpipe(void);
/// Nanoseconds on CLOCK_MONOTONIC.
uint64_t cel_monotonic_nanoseconds(void);

#ifdef __cplusplus
}
#endif
