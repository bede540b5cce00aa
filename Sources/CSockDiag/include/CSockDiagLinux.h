// libc gap-fillers: Linux system calls that Swift's Glibc module does not export.
#ifndef C_SOCKDIAG_LINUX_H
#define C_SOCKDIAG_LINUX_H

#ifdef __linux__

#include <stddef.h>

/// Moves the calling thread into the network namespace `fd` refers to (setns(2) with CLONE_NEWNET, which
/// Swift's Glibc module does not export). Returns 0, or -1 with errno set.
int CSockDiag_enter_network_namespace(int fd);

/// CLONE_NEWNET, the type CSockDiag_namespace_type() returns for a network namespace (<sched.h> defines it only
/// under _GNU_SOURCE; linux.c checks the value).
enum { CSockDiag_namespace_type_network = 0x40000000 };

/// The type of the namespace the nsfs file `fd` refers to (the NS_GET_NSTYPE ioctl, a function-like macro: a
/// CLONE_NEW* value), or -1 with errno set (ENOTTY for a file that is not a namespace).
int CSockDiag_namespace_type(int fd);

/// Names the calling thread (prctl(2) PR_SET_NAME, variadic and so not callable from Swift; at most 15 bytes
/// are kept), as `ps -L` and /proc/PID/task/TID/comm show it. Returns 0, or -1 with errno set.
int CSockDiag_name_thread(const char *name);

/// getdents64(2), which glibc declares only under _GNU_SOURCE: reads directory
/// entries of the open directory `fd` into `buf` as `struct linux_dirent64`
/// records (d_ino at 0, d_off at 8, d_reclen at 16, d_type at 18, the
/// NUL-terminated d_name at 19). Returns the bytes filled, 0 at the end, or -1
/// with errno set.
long CSockDiag_getdents64(int fd, void *buf, size_t len);

#endif /* __linux__ */
#endif /* C_SOCKDIAG_LINUX_H */
