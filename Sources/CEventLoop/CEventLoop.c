#define _GNU_SOURCE
#include "CEventLoop.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

_Static_assert(CEL_EVENT_READ == EPOLLIN, "epoll bit");
_Static_assert(CEL_EVENT_WRITE == EPOLLOUT, "epoll bit");
_Static_assert(CEL_EVENT_ERROR == EPOLLERR, "epoll bit");
_Static_assert(CEL_EVENT_HANGUP == EPOLLHUP, "epoll bit");
_Static_assert(CEL_EVENT_READ_HANGUP == EPOLLRDHUP, "epoll bit");

int cel_epoll_create(void) {
    int fd = epoll_create1(EPOLL_CLOEXEC);
    return fd < 0 ? -errno : fd;
}

static int cel_epoll_control(int epfd, int op, int fd, uint32_t events, uint64_t token) {
    struct epoll_event event;
    memset(&event, 0, sizeof event);
    event.events = events;
    event.data.u64 = token;
    return epoll_ctl(epfd, op, fd, &event) < 0 ? -errno : 0;
}

int cel_epoll_add(int epfd, int fd, uint32_t events, uint64_t token) {
    return cel_epoll_control(epfd, EPOLL_CTL_ADD, fd, events, token);
}

int cel_epoll_modify(int epfd, int fd, uint32_t events, uint64_t token) {
    return cel_epoll_control(epfd, EPOLL_CTL_MOD, fd, events, token);
}

int cel_epoll_remove(int epfd, int fd) {
    return cel_epoll_control(epfd, EPOLL_CTL_DEL, fd, 0, 0);
}

int cel_epoll_wait(int epfd, cel_event *events, int max_events, int timeout_ms) {
    struct epoll_event raw[256];
    if (max_events > 256) max_events = 256;
    int count = epoll_wait(epfd, raw, max_events, timeout_ms);
    if (count < 0) return errno == EINTR ? 0 : -errno;
    for (int i = 0; i < count; i++) {
        events[i].events = raw[i].events;
        events[i].token = raw[i].data.u64;
    }
    return count;
}

int cel_eventfd_create(void) {
    int fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    return fd < 0 ? -errno : fd;
}

int cel_eventfd_signal(int fd) {
    uint64_t one = 1;
    for (;;) {
        ssize_t n = write(fd, &one, sizeof one);
        if (n == (ssize_t)sizeof one) return 0;
        if (n < 0 && errno == EINTR) continue;
        // EAGAIN means the counter is saturated: the loop is already due to wake.
        return (n < 0 && errno != EAGAIN) ? -errno : 0;
    }
}

int cel_eventfd_drain(int fd) {
    uint64_t value;
    for (;;) {
        ssize_t n = read(fd, &value, sizeof value);
        if (n == (ssize_t)sizeof value) return 0;
        if (n < 0 && errno == EINTR) continue;
        return (n < 0 && errno != EAGAIN) ? -errno : 0;
    }
}

int cel_listen(const char *host, int port, int backlog, int *bound_port) {
    struct addrinfo hints;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    char service[16];
    snprintf(service, sizeof service, "%d", port);
    struct addrinfo *results = NULL;
    if (getaddrinfo(host, service, &hints, &results) != 0 || results == NULL) {
        return CEL_ERROR_RESOLVE;
    }
    int error = 0;
    int fd = -1;
    for (struct addrinfo *ai = results; ai != NULL; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
        if (fd < 0) { error = errno; continue; }
        int one = 1;
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 && listen(fd, backlog) == 0) break;
        error = errno;
        close(fd);
        fd = -1;
        // A taken port is taken for every address family: report it rather than try the next one.
        if (error == EADDRINUSE) break;
    }
    freeaddrinfo(results);
    if (fd < 0) return -(error != 0 ? error : EINVAL);
    struct sockaddr_storage bound;
    socklen_t length = sizeof bound;
    if (getsockname(fd, (struct sockaddr *)&bound, &length) == 0) {
        if (bound.ss_family == AF_INET) *bound_port = ntohs(((struct sockaddr_in *)&bound)->sin_port);
        else if (bound.ss_family == AF_INET6) *bound_port = ntohs(((struct sockaddr_in6 *)&bound)->sin6_port);
    }
    return fd;
}

int cel_accept(int listen_fd, char *address, size_t address_capacity) {
    struct sockaddr_storage peer;
    socklen_t length;
    int fd;
    for (;;) {
        length = sizeof peer;
        fd = accept4(listen_fd, (struct sockaddr *)&peer, &length, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd >= 0) break;
        if (errno == EINTR) continue;
        return -errno;
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (address != NULL && address_capacity > 0) {
        address[0] = 0;
        if (peer.ss_family == AF_INET) {
            inet_ntop(AF_INET, &((struct sockaddr_in *)&peer)->sin_addr, address, (socklen_t)address_capacity);
        } else if (peer.ss_family == AF_INET6) {
            inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&peer)->sin6_addr, address, (socklen_t)address_capacity);
        }
    }
    return fd;
}

ssize_t cel_read(int fd, void *buffer, size_t count) {
    for (;;) {
        ssize_t n = read(fd, buffer, count);
        if (n >= 0) return n;
        if (errno == EINTR) continue;
        return -errno;
    }
}

ssize_t cel_write(int fd, const void *buffer, size_t count) {
    for (;;) {
        ssize_t n = send(fd, buffer, count, MSG_NOSIGNAL);
        if (n >= 0) return n;
        if (errno == EINTR) continue;
        return -errno;
    }
}

int cel_shutdown_write(int fd) {
    return shutdown(fd, SHUT_WR) < 0 ? -errno : 0;
}

int cel_close(int fd) {
    return close(fd) < 0 ? -errno : 0;
}

void cel_ignore_sigpipe(void) {
    signal(SIGPIPE, SIG_IGN);
}

uint64_t cel_monotonic_nanoseconds(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (uint64_t)now.tv_sec * 1000000000ull + (uint64_t)now.tv_nsec;
}
