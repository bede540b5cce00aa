// Fills the network namespace it runs in with TCP sockets on loopback, for Scripts/bench/bench-scale.sh.
// Compiled at run time (gcc -O2); run it only inside a namespace of your own (`ip netns exec NS ...`).
//
//   bench-fill hold N READY_FILE
//       Holds N sockets: established 127.0.0.1 pairs spread over worker processes, each with a listener on
//       its own port (9000, 9001, ...) and at most 20000 pairs (so the ephemeral range never runs short),
//       plus the listeners. Writes READY_FILE once they are up, then waits; killing it kills the workers.
//       Every socket has SO_LINGER 0, so that the exit resets the pairs instead of leaving N/2 TIME_WAIT
//       sockets behind (they would still be in the kernel's shared hash tables for the next measurement).
//
//   bench-fill tw COUNT COUNT_8000
//       Leaves COUNT server-side TIME_WAIT sockets, 127.0.0.1:8000 (COUNT_8000 of them) or 127.0.0.1:8001
//       with peers 127.0.0.2:10000, 10001, ... 65535, then 127.0.0.3:10000, ... (the server closes first, then the
//       client), and exits. TIME_WAIT lasts 60 s whatever process made it; `ss -K state time-wait` removes a batch
//       early.
//
//   bench-fill churn RATE SECONDS REPORT_FILE
//       Opens and closes RATE connections a second to a listener on 127.0.0.1:8000 for SECONDS, for
//       Scripts/soak/churn.sh: each pair lives while the next CHURN_WINDOW are made, then both ends are closed
//       with a reset (SO_LINGER 0: no TIME_WAIT, the ephemeral port is free again). Writes "CONNECTIONS SECONDS"
//       (what was achieved) to REPORT_FILE at the end.
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

enum { PAIRS_PER_LISTENER = 20000, FIRST_PAIR_PORT = 9000, FIRST_CLIENT_PORT = 10000 };
enum { CHURN_PORT = 8000, CHURN_WINDOW = 256 };

static void die(const char *what) {
    fprintf(stderr, "bench-fill: %s: %s\n", what, strerror(errno));
    exit(1);
}

static struct sockaddr_in loopback(int port) {
    struct sockaddr_in address = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return address;
}

static int listener(int port) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) die("socket");
    int one = 1;
    if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0) die("SO_REUSEADDR");
    struct sockaddr_in address = loopback(port);
    if (bind(fd, (struct sockaddr *)&address, sizeof(address)) < 0) die("bind listener");
    if (listen(fd, 4096) < 0) die("listen");
    return fd;
}

// Connects a client to the listener `server` on `port` and accepts it; returns the accepted socket. With
// `source_port`, the client is bound to 127.0.0.<2 + source_block>:source_port first; otherwise it gets an
// ephemeral port.
static int pair(int server, int port, int source_block, int source_port, int *client) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) die("socket");
    if (source_port > 0) {
        int one = 1;
        if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0) die("SO_REUSEADDR");
        struct sockaddr_in source = loopback(source_port);
        source.sin_addr.s_addr = htonl(INADDR_LOOPBACK + 1 + (uint32_t)source_block);
        if (bind(fd, (struct sockaddr *)&source, sizeof(source)) < 0) die("bind client");
    }
    struct sockaddr_in address = loopback(port);
    // On loopback the handshake completes inside connect(), so the accept below never waits.
    if (connect(fd, (struct sockaddr *)&address, sizeof(address)) < 0) die("connect (ephemeral ports exhausted?)");
    int accepted = accept4(server, NULL, NULL, SOCK_CLOEXEC);
    if (accepted < 0) die("accept");
    *client = fd;
    return accepted;
}

static void linger_zero(int fd) {
    struct linger off = {.l_onoff = 1, .l_linger = 0};
    if (setsockopt(fd, SOL_SOCKET, SO_LINGER, &off, sizeof(off)) < 0) die("SO_LINGER");
}

static long number(const char *text) {
    char *end;
    errno = 0;
    long value = strtol(text, &end, 10);
    if (errno != 0 || *end != '\0' || value < 0) {
        fprintf(stderr, "bench-fill: not a count: %s\n", text);
        exit(2);
    }
    return value;
}

// One worker: a listener on `port` and `pairs` established pairs to it. Reports on `done` when they are up.
static void worker(int port, long pairs, int done) {
    int server = listener(port);
    linger_zero(server);
    for (long i = 0; i < pairs; i++) {
        int client;
        int accepted = pair(server, port, 0, 0, &client);
        linger_zero(client);
        linger_zero(accepted);
    }
    if (write(done, "", 1) != 1) die("report to parent");
    for (;;) pause();
}

static int hold(long sockets, const char *ready) {
    // A process may hold only RLIMIT_NOFILE descriptors, and raising the hard limit needs CAP_SYS_RESOURCE
    // (absent in some containers): so the sockets are spread over worker processes, each with its own
    // listener and at most PAIRS_PER_LISTENER pairs. Workers die with this process (PR_SET_PDEATHSIG).
    struct rlimit limit;
    if (getrlimit(RLIMIT_NOFILE, &limit) < 0) die("getrlimit");
    limit.rlim_cur = limit.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &limit) < 0) die("setrlimit");
    long capacity = (long)(limit.rlim_max > 1 << 20 ? 1 << 20 : limit.rlim_max) - 64;
    long per_worker = capacity < 2 * PAIRS_PER_LISTENER + 1 ? capacity : 2 * PAIRS_PER_LISTENER + 1;
    if (per_worker < 3) {
        fprintf(stderr, "bench-fill: RLIMIT_NOFILE %ld is too low\n", (long)limit.rlim_max);
        return 1;
    }
    long workers = (sockets + per_worker - 1) / per_worker;
    if (workers < 1) workers = 1;
    if (FIRST_PAIR_PORT + workers > 10000) {
        fprintf(stderr, "bench-fill: %ld sockets need %ld workers, more than ports 9000-9999\n", sockets, workers);
        return 1;
    }
    int channel[2];
    if (pipe2(channel, O_CLOEXEC) < 0) die("pipe");
    pid_t parent = getpid();
    long total_pairs = 0;
    for (long w = 0; w < workers; w++) {
        // This worker's share of the sockets, less its listener.
        long share = sockets / workers + (w < sockets % workers ? 1 : 0);
        long pairs = (share - 1) / 2;
        total_pairs += pairs;
        pid_t pid = fork();
        if (pid < 0) die("fork");
        if (pid == 0) {
            if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0) die("prctl");
            if (getppid() != parent) _exit(1);
            close(channel[0]);
            worker(FIRST_PAIR_PORT + (int)w, pairs, channel[1]);
        }
    }
    close(channel[1]);
    for (long w = 0; w < workers; w++) {
        char byte;
        if (read(channel[0], &byte, 1) != 1) {
            fprintf(stderr, "bench-fill: a worker failed\n");
            return 1;
        }
    }
    FILE *file = fopen(ready, "w");
    if (file == NULL
        || fprintf(file, "%ld pairs, %ld listeners, %ld workers of at most %ld descriptors (RLIMIT_NOFILE %ld)\n",
                   total_pairs, workers, workers, per_worker, (long)limit.rlim_max) < 0
        || fclose(file) != 0) {
        die("write ready file");
    }
    // Exit (and take the workers along) as soon as one of them dies.
    int status;
    wait(&status);
    fprintf(stderr, "bench-fill: a worker exited\n");
    return 1;
}

static int time_wait(long count, long count8000) {
    // Each client gets its own source address and port, 127.0.0.2:10000 and on (not an ephemeral port): a closed
    // client's ephemeral port can come round again, and the new SYN would then take over the server's TIME_WAIT
    // for that tuple. One address has 65536 - FIRST_CLIENT_PORT of them; the next batch goes to 127.0.0.3, ...
    const long per_address = 65536 - FIRST_CLIENT_PORT;
    if (count > 250 * per_address) {
        fprintf(stderr, "bench-fill: at most %ld TIME_WAIT sockets\n", 250 * per_address);
        return 2;
    }
    int server8000 = listener(8000);
    int server8001 = listener(8001);
    for (long i = 0; i < count; i++) {
        int on8000 = i < count8000;
        int client;
        int accepted = pair(on8000 ? server8000 : server8001, on8000 ? 8000 : 8001, (int)(i / per_address),
                            FIRST_CLIENT_PORT + (int)(i % per_address), &client);
        // Server closes first: FIN_WAIT_2 on the server, CLOSE_WAIT on the client; the client's FIN then puts
        // the server side in TIME_WAIT and the client side, after LAST_ACK, in CLOSE (gone).
        close(accepted);
        close(client);
    }
    close(server8000);
    close(server8001);
    return 0;
}

static double now(void) {
    struct timespec time;
    clock_gettime(CLOCK_MONOTONIC, &time);
    return (double)time.tv_sec + (double)time.tv_nsec / 1e9;
}

static int churn(long rate, long seconds, const char *report) {
    int server = listener(CHURN_PORT);
    int clients[CHURN_WINDOW], servers[CHURN_WINDOW];
    long made = 0;
    double start = now(), elapsed = 0;
    while ((elapsed = now() - start) < (double)seconds) {
        // Paced: as many connections as the rate allows by now, then a millisecond's sleep.
        if ((double)made >= elapsed * (double)rate) {
            nanosleep(&(struct timespec){.tv_nsec = 1000000}, NULL);
            continue;
        }
        int slot = (int)(made % CHURN_WINDOW);
        if (made >= CHURN_WINDOW) {
            // Alternately the client or the server end first.
            close(made % 2 ? clients[slot] : servers[slot]);
            close(made % 2 ? servers[slot] : clients[slot]);
        }
        servers[slot] = pair(server, CHURN_PORT, 0, 0, &clients[slot]);
        linger_zero(clients[slot]);
        linger_zero(servers[slot]);
        made++;
    }
    FILE *file = fopen(report, "w");
    if (file == NULL || fprintf(file, "%ld %.3f\n", made, elapsed) < 0 || fclose(file) != 0) die("write report");
    return 0;
}

int main(int argc, char **argv) {
    if (argc == 4 && strcmp(argv[1], "hold") == 0) return hold(number(argv[2]), argv[3]);
    if (argc == 4 && strcmp(argv[1], "tw") == 0) return time_wait(number(argv[2]), number(argv[3]));
    if (argc == 5 && strcmp(argv[1], "churn") == 0) return churn(number(argv[2]), number(argv[3]), argv[4]);
    fprintf(stderr, "usage: bench-fill hold N READY_FILE | bench-fill tw COUNT COUNT_8000 | "
                    "bench-fill churn RATE SECONDS REPORT_FILE\n");
    return 2;
}
