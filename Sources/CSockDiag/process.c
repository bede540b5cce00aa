#ifdef __linux__
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include "CSockDiagProcess.h"

#include <signal.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

// The command line as the C runtime hands it over. Swift's `CommandLine.arguments` reads /proc/self/cmdline on
// Linux instead, and is empty where /proc is not mounted.
static int captured_argc;
static char **captured_argv;

#ifdef __GLIBC__
// glibc calls every `.init_array` function of the executable and of each shared object with (argc, argv, envp),
// before main. (musl calls them without arguments: there, nothing is captured and the accessors return 0/NULL.)
static void capture_arguments(int argc, char **argv, char **envp) {
    (void)envp;
    captured_argc = argc;
    captured_argv = argv;
}

__attribute__((section(".init_array"), used)) static void (*const capture_arguments_entry)(int, char **, char **) =
    capture_arguments;
#endif

int CSockDiag_process_argc(void) {
    return captured_argc;
}

char *const *CSockDiag_process_argv(void) {
    return captured_argv;
}

int CSockDiag_pidfd_open(int pid) {
    return (int)syscall(SYS_pidfd_open, pid, 0);
}

int CSockDiag_pidfd_send_signal(int pidfd, int signal) {
    return (int)syscall(SYS_pidfd_send_signal, pidfd, signal, NULL, 0);
}

#endif /* __linux__ */
