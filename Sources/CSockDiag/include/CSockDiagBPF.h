// bpf(2), which glibc does not wrap: the few commands the socket-owner iterator needs, each filling the kernel's
// union bpf_attr (<linux/bpf.h>) so that Swift never lays it out. Every function returns what bpf(2) returns: a
// new descriptor or 0, or -1 with errno set.
#ifndef C_SOCKDIAG_BPF_H
#define C_SOCKDIAG_BPF_H

#ifdef __linux__

#include <stdint.h>

/// BPF_MAP_CREATE of a BPF_MAP_TYPE_HASH map.
int CSockDiag_bpf_hash_map_create(uint32_t key_size, uint32_t value_size, uint32_t max_entries);

/// BPF_MAP_CREATE of a BPF_MAP_TYPE_ARRAY map (4-byte keys 0 to `max_entries - 1`, zero-filled values).
int CSockDiag_bpf_array_map_create(uint32_t value_size, uint32_t max_entries);

/// BPF_MAP_UPDATE_BATCH: `*count` keys and values (BPF_ANY); on return `*count` holds how many were written.
int CSockDiag_bpf_map_update_batch(int map_fd, const void *keys, const void *values, uint32_t *count);

/// BPF_MAP_DELETE_BATCH: `*count` keys; on return `*count` holds how many were deleted.
int CSockDiag_bpf_map_delete_batch(int map_fd, const void *keys, uint32_t *count);

/// BPF_PROG_LOAD of a BPF_PROG_TYPE_TRACING program with expected attach type BPF_TRACE_ITER, attached to the
/// iterator whose `bpf_iter_NAME` function has the vmlinux BTF id `attach_btf_id`; license "GPL" (the
/// seq_file helpers are GPL-only). The verifier's log goes to `log` when `log_size` is not 0.
int CSockDiag_bpf_iter_prog_load(const void *instructions, uint32_t count, uint32_t attach_btf_id,
                                 char *log, uint32_t log_size);

/// BPF_LINK_CREATE of an iterator link (BPF_TRACE_ITER, no iterator parameters) for the loaded program.
int CSockDiag_bpf_iter_link_create(int prog_fd);

/// BPF_ITER_CREATE: a new iterator on the link, read(2) it to run the program over every object.
int CSockDiag_bpf_iter_create(int link_fd);

/// BPF_BTF_LOAD of the BTF blob `blob` (`size` bytes): a descriptor of the loaded types. The kernel's log goes to
/// `log` when `log_size` is not 0.
int CSockDiag_bpf_btf_load(const void *blob, uint32_t size, char *log, uint32_t log_size);

/// BPF_MAP_CREATE of a BPF_MAP_TYPE_SK_STORAGE map (socket local storage: 4-byte int key, `value_size`-byte
/// values, BPF_F_NO_PREALLOC, no max_entries), its key and value typed by `key_type_id` and `value_type_id` of
/// the loaded BTF `btf_fd`, as the kernel requires.
int CSockDiag_bpf_sk_storage_map_create(int btf_fd, uint32_t key_type_id, uint32_t value_type_id,
                                        uint32_t value_size);

#endif /* __linux__ */
#endif /* C_SOCKDIAG_BPF_H */
