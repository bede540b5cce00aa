#ifdef __linux__
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include "CSockDiagLinux.h"

#include <dirent.h>
#include <linux/nsfs.h>
#include <sched.h>
#include <sys/prctl.h>
#include <stddef.h>
#include <sys/ioctl.h>

_Static_assert(offsetof(struct dirent64, d_reclen) == 16, "linux_dirent64 layout");
_Static_assert(offsetof(struct dirent64, d_type) == 18, "linux_dirent64 layout");
_Static_assert(offsetof(struct dirent64, d_name) == 19, "linux_dirent64 layout");
_Static_assert(CSockDiag_namespace_type_network == CLONE_NEWNET, "CLONE_NEWNET");

int CSockDiag_enter_network_namespace(int fd) {
    return setns(fd, CLONE_NEWNET);
}

int CSockDiag_namespace_type(int fd) {
    return ioctl(fd, NS_GET_NSTYPE);
}

int CSockDiag_name_thread(const char *name) {
    return prctl(PR_SET_NAME, name, 0, 0, 0);
}

long CSockDiag_getdents64(int fd, void *buf, size_t len) {
    return (long)getdents64(fd, buf, len);
}

#endif /* __linux__ */
