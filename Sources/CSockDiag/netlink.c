#ifdef __linux__
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include "CSockDiagNetlink.h"

#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <sys/socket.h>
#include <libmnl/libmnl.h>
#include <netinet/in.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <linux/inet_diag.h>
#include <linux/unix_diag.h>
#include <linux/netlink_diag.h>
#include <linux/packet_diag.h>
#include <linux/vm_sockets_diag.h>
#include <linux/xdp_diag.h>

// The layouts Swift reads in place (Netlink/InetDiagMessage.swift, UnixDiagParser.swift) and the requests built here.
_Static_assert(sizeof(struct inet_diag_msg) == 72, "inet_diag_msg layout");
_Static_assert(sizeof(struct inet_diag_req_v2) == 56, "inet_diag_req_v2 layout");
_Static_assert(sizeof(struct inet_diag_req) == 60, "inet_diag_req layout");
_Static_assert(sizeof(struct inet_diag_bc_op) == 4, "inet_diag_bc_op layout");
_Static_assert(sizeof(struct inet_diag_hostcond) == 8, "inet_diag_hostcond layout");
_Static_assert(NLMSG_HDRLEN == 16, "nlmsghdr layout");
_Static_assert(sizeof(struct unix_diag_req) == 24, "unix_diag_req layout");
_Static_assert(sizeof(struct unix_diag_msg) == 16, "unix_diag_msg layout");
_Static_assert(sizeof(struct unix_diag_rqlen) == 8, "unix_diag_rqlen layout");
// Netlink/FamilyDumpRequest.swift writes these requests; NetlinkDiagParser.swift, PacketDiagParser.swift and
// VsockXDPDiagParser.swift read these replies.
_Static_assert(sizeof(struct netlink_diag_req) == 20, "netlink_diag_req layout");
_Static_assert(sizeof(struct netlink_diag_msg) == 28, "netlink_diag_msg layout");
_Static_assert(sizeof(struct packet_diag_req) == 20, "packet_diag_req layout");
_Static_assert(sizeof(struct packet_diag_msg) == 16, "packet_diag_msg layout");
_Static_assert(sizeof(struct packet_diag_info) == 24, "packet_diag_info layout");
_Static_assert(sizeof(struct vsock_diag_req) == 24, "vsock_diag_req layout");
_Static_assert(sizeof(struct vsock_diag_msg) == 32, "vsock_diag_msg layout");
_Static_assert(sizeof(struct xdp_diag_req) == 20, "xdp_diag_req layout");
_Static_assert(sizeof(struct xdp_diag_msg) == 16, "xdp_diag_msg layout");
_Static_assert(XDP_DIAG_INFO == 1 && XDP_DIAG_UID == 2 && XDP_DIAG_MEMINFO == 8, "xdp_diag attributes");
// Destroy/DestroyRequest.swift writes SOCK_DESTROY requests itself.
_Static_assert(SOCK_DESTROY == 21, "SOCK_DESTROY");
_Static_assert(offsetof(struct inet_diag_req_v2, id) == 8, "inet_diag_req_v2.id offset");
_Static_assert(sizeof(struct inet_diag_sockid) == 48, "inet_diag_sockid layout");

struct mnl_socket *CSockDiag_open(int rcvbuf) {
    struct mnl_socket *nl = mnl_socket_open2(NETLINK_SOCK_DIAG, SOCK_CLOEXEC);
    if (nl == NULL) {
        return NULL;
    }
    int fd = mnl_socket_get_fd(nl);
    if (rcvbuf > 0) {
        // Best effort: SO_RCVBUFFORCE passes rmem_max when privileged.
        if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf)) < 0) {
            (void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
        }
    }
    int one = 1;
    // Extended acks and strict checking are optional; older kernels refuse them.
    (void)mnl_socket_setsockopt(nl, NETLINK_EXT_ACK, &one, sizeof(one));
    if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
        int saved = errno;
        mnl_socket_close(nl);
        errno = saved;
        return NULL;
    }
    return nl;
}

int CSockDiag_join_group(struct mnl_socket *nl, unsigned int group) {
    return mnl_socket_setsockopt(nl, NETLINK_ADD_MEMBERSHIP, &group, sizeof(group));
}

void CSockDiag_close(struct mnl_socket *nl) {
    if (nl != NULL) {
        mnl_socket_close(nl);
    }
}

uint32_t CSockDiag_port_id(const struct mnl_socket *nl) {
    return mnl_socket_get_portid(nl);
}

int CSockDiag_send_dump_request(struct mnl_socket *nl, void *buf, size_t buflen, uint32_t seq,
                                uint8_t family, uint16_t protocol, uint8_t extensions, uint32_t states,
                                const void *bytecode, size_t bytecode_len, int storage_map_fd) {
    size_t needed = MNL_ALIGN(sizeof(struct nlmsghdr)) + MNL_ALIGN(sizeof(struct inet_diag_req))
                    + (bytecode_len > 0 ? MNL_ALIGN(sizeof(struct nlattr)) + MNL_ALIGN(bytecode_len) : 0)
                    + (storage_map_fd >= 0 ? 2 * MNL_ALIGN(sizeof(struct nlattr)) + sizeof(uint32_t) : 0)
                    + (protocol > UINT8_MAX ? MNL_ALIGN(sizeof(struct nlattr)) + MNL_ALIGN(sizeof(uint32_t)) : 0);
    if (needed > buflen || bytecode_len > UINT16_MAX - sizeof(struct nlattr)) {
        errno = EMSGSIZE;
        return -1;
    }
    struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
    nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
    nlh->nlmsg_seq = seq;

    if (family == AF_UNSPEC) {
        // The legacy request: one walk of the TCP tables for both families.
        if (protocol != IPPROTO_TCP) {
            errno = EAFNOSUPPORT;
            return -1;
        }
        nlh->nlmsg_type = TCPDIAG_GETSOCK;
        struct inet_diag_req *req = mnl_nlmsg_put_extra_header(nlh, sizeof(*req));
        req->idiag_family = AF_UNSPEC;
        req->idiag_ext = extensions;
        req->idiag_states = states;
        req->id.idiag_cookie[0] = INET_DIAG_NOCOOKIE;
        req->id.idiag_cookie[1] = INET_DIAG_NOCOOKIE;
    } else {
        nlh->nlmsg_type = SOCK_DIAG_BY_FAMILY;
        struct inet_diag_req_v2 *req = mnl_nlmsg_put_extra_header(nlh, sizeof(*req));
        req->sdiag_family = family;
        // As ss: the low byte here, the whole number in INET_DIAG_REQ_PROTOCOL below (which the kernel prefers).
        req->sdiag_protocol = (uint8_t)protocol;
        req->idiag_ext = extensions;
        req->idiag_states = states;
        req->id.idiag_cookie[0] = INET_DIAG_NOCOOKIE;
        req->id.idiag_cookie[1] = INET_DIAG_NOCOOKIE;
    }

    if (bytecode_len > 0) {
        mnl_attr_put(nlh, INET_DIAG_REQ_BYTECODE, bytecode_len, bytecode);
    }
    if (protocol > UINT8_MAX) {
        mnl_attr_put_u32(nlh, INET_DIAG_REQ_PROTOCOL, protocol);
    }
    if (storage_map_fd >= 0) {
        struct nlattr *storages = mnl_attr_nest_start(nlh, INET_DIAG_REQ_SK_BPF_STORAGES);
        mnl_attr_put_u32(nlh, SK_DIAG_BPF_STORAGE_REQ_MAP_FD, (uint32_t)storage_map_fd);
        mnl_attr_nest_end(nlh, storages);
    }
    ssize_t sent = mnl_socket_sendto(nl, nlh, nlh->nlmsg_len);
    if (sent < 0) {
        return -1;
    }
    return 0;
}

int CSockDiag_send_unix_dump_request(struct mnl_socket *nl, void *buf, size_t buflen, uint32_t seq,
                                     uint32_t states, uint32_t show) {
    if (MNL_ALIGN(sizeof(struct nlmsghdr)) + MNL_ALIGN(sizeof(struct unix_diag_req)) > buflen) {
        errno = EMSGSIZE;
        return -1;
    }
    struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
    nlh->nlmsg_type = SOCK_DIAG_BY_FAMILY;
    nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
    nlh->nlmsg_seq = seq;
    struct unix_diag_req *req = mnl_nlmsg_put_extra_header(nlh, sizeof(*req));
    req->sdiag_family = AF_UNIX;
    req->udiag_states = states;
    req->udiag_show = show;
    if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0) {
        return -1;
    }
    return 0;
}

int CSockDiag_send(struct mnl_socket *nl, const void *buf, size_t len) {
    return mnl_socket_sendto(nl, buf, len) < 0 ? -1 : 0;
}

int CSockDiag_receive(struct mnl_socket *nl, void *buf, size_t buflen) {
    return (int)mnl_socket_recvfrom(nl, buf, buflen);
}

struct CSockDiag_trampoline {
    CSockDiag_message_cb cb;
    void *context;
    int stopped_by_callback;
};

static int CSockDiag_data_cb(const struct nlmsghdr *nlh, void *data) {
    struct CSockDiag_trampoline *t = data;
    if (nlh->nlmsg_type != SOCK_DIAG_BY_FAMILY && nlh->nlmsg_type != TCPDIAG_GETSOCK) {
        return MNL_CB_OK;
    }
    int keep_going = t->cb(mnl_nlmsg_get_payload(nlh), mnl_nlmsg_get_payload_len(nlh), t->context);
    if (!keep_going) {
        t->stopped_by_callback = 1;
        return MNL_CB_STOP;
    }
    return MNL_CB_OK;
}

// libmnl's default NLMSG_DONE handler ignores the error a dump can end with (the kernel puts it in the
// DONE payload, e.g. -ENOENT when no handler serves the requested protocol): report it.
static int CSockDiag_done_cb(const struct nlmsghdr *nlh, void *data) {
    (void)data;
    if (mnl_nlmsg_get_payload_len(nlh) >= sizeof(int)) {
        int error = *(const int *)mnl_nlmsg_get_payload(nlh);
        if (error < 0) {
            errno = -error;
            return MNL_CB_ERROR;
        }
    }
    return MNL_CB_STOP;
}

// With a control array, mnl_cb_run2 uses no default for the other control types: these are libmnl's.
static int CSockDiag_error_cb(const struct nlmsghdr *nlh, void *data) {
    (void)data;
    if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(struct nlmsgerr))) {
        errno = EBADMSG;
        return MNL_CB_ERROR;
    }
    const struct nlmsgerr *err = mnl_nlmsg_get_payload(nlh);
    errno = err->error < 0 ? -err->error : err->error;
    return err->error == 0 ? MNL_CB_STOP : MNL_CB_ERROR;
}

static int CSockDiag_noop_cb(const struct nlmsghdr *nlh, void *data) {
    (void)nlh;
    (void)data;
    return MNL_CB_OK;
}

static mnl_cb_t CSockDiag_control_callbacks[NLMSG_MIN_TYPE] = {
    [NLMSG_NOOP] = CSockDiag_noop_cb,
    [NLMSG_ERROR] = CSockDiag_error_cb,
    [NLMSG_DONE] = CSockDiag_done_cb,
    [NLMSG_OVERRUN] = CSockDiag_noop_cb,
};

// Where the message after the one at `offset` starts, or 0 when the bytes from `offset` do not start a message
// whose length fits them (the next offset may still lie up to 3 bytes past `len`, for an unpadded last message).
// Sizes, not ints: libmnl 1.0.4's mnl_nlmsg_ok() casts nlmsg_len to int, so a length of 2^31 or more passes it and
// mnl_nlmsg_next() steps gigabytes ahead (or, at 0xFFFFFFFF, not at all). No libmnl walker runs on unchecked bytes.
static size_t CSockDiag_next_message(const void *buf, size_t len, size_t offset) {
    if (offset > len || len - offset < sizeof(struct nlmsghdr)) {
        return 0;
    }
    const struct nlmsghdr *nlh = (const void *)((const char *)buf + offset);
    size_t message_len = nlh->nlmsg_len;
    if (message_len < sizeof(struct nlmsghdr) || message_len > len - offset) {
        return 0;
    }
    return offset + MNL_ALIGN(message_len);
}

// mnl_cb_run silently ignores trailing bytes that do not form a whole message, and walks with int lengths;
// a dump must not lose sockets that way, nor a crafted length send it astray, so check the framing first.
static int CSockDiag_framing_ok(const void *buf, size_t len) {
    if (len > INT_MAX) {
        return 0;  // mnl_cb_run2 counts in an int
    }
    size_t offset = 0;
    while (offset < len) {
        size_t next = CSockDiag_next_message(buf, len, offset);
        if (next == 0 || next > len) {
            return 0;
        }
        offset = next;
    }
    return 1;
}

CSockDiag_dump_result CSockDiag_run_batch(const void *buf, size_t len, uint32_t seq, uint32_t portid,
                                          CSockDiag_message_cb cb, void *context) {
    if (!CSockDiag_framing_ok(buf, len)) {
        errno = EBADMSG;
        return CSockDiag_dump_failed;
    }
    struct CSockDiag_trampoline t = {cb, context, 0};
    int ret = mnl_cb_run2(buf, len, seq, portid, CSockDiag_data_cb, &t, CSockDiag_control_callbacks, NLMSG_MIN_TYPE);
    if (ret < 0) {
        // mnl_cb_run2 reports NLM_F_DUMP_INTR as EINTR.
        return errno == EINTR ? CSockDiag_dump_interrupted : CSockDiag_dump_failed;
    }
    if (ret == MNL_CB_STOP) {
        return t.stopped_by_callback ? CSockDiag_dump_stopped : CSockDiag_dump_done;
    }
    return CSockDiag_dump_continues;
}

// Whether a received batch holds the end of dump `seq` (NLMSG_DONE or NLMSG_ERROR).
static int CSockDiag_batch_ends_dump(const void *buf, size_t len, uint32_t seq) {
    size_t offset = 0;
    size_t next;
    while (offset < len && (next = CSockDiag_next_message(buf, len, offset)) != 0) {
        const struct nlmsghdr *nlh = (const void *)((const char *)buf + offset);
        if (nlh->nlmsg_seq == seq && (nlh->nlmsg_type == NLMSG_DONE || nlh->nlmsg_type == NLMSG_ERROR)) {
            return 1;
        }
        offset = next;
    }
    return 0;
}

int CSockDiag_drain(struct mnl_socket *nl, void *buf, size_t buflen, size_t len, uint32_t seq) {
    if (len > 0 && CSockDiag_batch_ends_dump(buf, len, seq)) {
        return 0;
    }
    for (;;) {
        ssize_t n = mnl_socket_recvfrom(nl, buf, buflen);
        if (n < 0) {
            if (errno == EINTR || errno == ENOSPC) {
                continue;
            }
            return -1;
        }
        if (n == 0 || CSockDiag_batch_ends_dump(buf, (size_t)n, seq)) {
            return 0;
        }
    }
}

#endif /* __linux__ */
