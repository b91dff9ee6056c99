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
