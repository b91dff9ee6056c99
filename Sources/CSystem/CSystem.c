#define _GNU_SOURCE
#include "CSystem.h"

#include <pthread.h>
#include <stdio.h>

void csystem_line_buffer_stdout(void) {
    setvbuf(stdout, NULL, _IOLBF, 0);
}

int csystem_block_signals(const int *signals, int count) {
    sigset_t set;
    sigemptyset(&set);
    for (int i = 0; i < count; i++) {
        sigaddset(&set, signals[i]);
    }
    return pthread_sigmask(SIG_BLOCK, &set, NULL);
}

int csystem_wait_for_signal(const int *signals, int count) {
    sigset_t set;
    sigemptyset(&set);
    for (int i = 0; i < count; i++) {
        sigaddset(&set, signals[i]);
    }
    int received = 0;
    for (;;) {
        int rc = sigwait(&set, &received);
        if (rc == 0) {
            return received;
        }
        if (rc != EINTR) {
            return -1;
        }
    }
}

int csystem_accept4(int descriptor, struct sockaddr *address, socklen_t *length, int flags) {
    return accept4(descriptor, address, length, flags);
}

int csystem_wait_for_signal_timeout(const int *signals, int count, int milliseconds) {
    sigset_t set;
    sigemptyset(&set);
    for (int i = 0; i < count; i++) {
        sigaddset(&set, signals[i]);
    }
    struct timespec timeout = { milliseconds / 1000, (long)(milliseconds % 1000) * 1000000L };
    for (;;) {
        int received = sigtimedwait(&set, NULL, &timeout);
        if (received >= 0) {
            return received;
        }
        if (errno == EAGAIN) {
            return 0;
        }
        if (errno != EINTR) {
            return -1;
        }
    }
}

int csystem_unblock_all_signals(void) {
    sigset_t set;
    sigemptyset(&set);
    return pthread_sigmask(SIG_SETMASK, &set, NULL);
}

pid_t csystem_spawn(const char *path, char *const argv[], char *const envp[], const int *from, const int *to, int count) {
    posix_spawn_file_actions_t actions;
    posix_spawnattr_t attributes;
    posix_spawn_file_actions_init(&actions);
    posix_spawnattr_init(&attributes);
    for (int i = 0; i < count; i++) {
        if (from[i] < 0) {
            posix_spawn_file_actions_addopen(&actions, to[i], "/dev/null", O_RDWR, 0);
        } else {
            posix_spawn_file_actions_adddup2(&actions, from[i], to[i]);
        }
    }
    sigset_t empty;
    sigemptyset(&empty);
    posix_spawnattr_setsigmask(&attributes, &empty);
    sigset_t defaults;
    sigemptyset(&defaults);
    int reset[] = { SIGPIPE, SIGTERM, SIGINT, SIGHUP, SIGCHLD, SIGQUIT };
    for (unsigned i = 0; i < sizeof(reset) / sizeof(reset[0]); i++) {
        sigaddset(&defaults, reset[i]);
    }
    posix_spawnattr_setsigdefault(&attributes, &defaults);
    posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    pid_t pid = 0;
    int rc = posix_spawn(&pid, path, &actions, &attributes, argv, envp);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attributes);
    return rc == 0 ? pid : -rc;
}

int csystem_die_with_parent(int signal) {
    pid_t parent = getppid();
    if (prctl(PR_SET_PDEATHSIG, signal) != 0) {
        return -1;
    }
    // The parent may have died before prctl took effect.
    return getppid() == parent && parent != 1 ? 0 : -1;
}
