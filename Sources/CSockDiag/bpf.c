#ifdef __linux__

#include "CSockDiagBPF.h"

#include <linux/bpf.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static int bpf_call(enum bpf_cmd command, union bpf_attr *attr) {
    return (int)syscall(SYS_bpf, command, attr, sizeof(*attr));
}

int CSockDiag_bpf_hash_map_create(uint32_t key_size, uint32_t value_size, uint32_t max_entries) {
    union bpf_attr attr;
    memset(&attr, 0, sizeof(attr));
    attr.map_type = BPF_MAP_TYPE_HASH;
    attr.key_size = key_size;
    attr.value_size = value_size;
    attr.max_entries = max_entries;
    memcpy(attr.map_name, "sockdiag_inodes", sizeof("sockdiag_inodes"));
    return bpf_call(BPF_MAP_CREATE, &attr);
}

int CSockDiag_bpf_array_map_create(uint32_t value_size, uint32_t max_entries) {
    union bpf_attr attr;
    memset(&attr, 0, sizeof(attr));
    attr.map_type = BPF_MAP_TYPE_ARRAY;
    attr.key_size = 4;
    attr.value_size = value_size;
    attr.max_entries = max_entries;
    memcpy(attr.map_name, "sockdiag_last", sizeof("sockdiag_last"));
    return bpf_call(BPF_MAP_CREATE, &attr);
}

int CSockDiag_bpf_map_update_batch(int map_fd, const void *keys, const void *values, uint32_t *count) {
    union bpf_attr attr;
    memset(&attr, 0, sizeof(attr));
    attr.batch.map_fd = (uint32_t)map_fd;
    attr.batch.keys = (uint64_t)(uintptr_t)keys;
    attr.batch.values = (uint64_t)(uintptr_t)values;
    attr.batch.count = *count;
    attr.batch.elem_flags = BPF_ANY;
    int result = bpf_call(BPF_MAP_UPDATE_BATCH, &attr);
    *count = attr.batch.count;
    return result;
}

int CSockDiag_bpf_map_delete_batch(int map_fd, const void *keys, uint32_t *count) {
    union bpf_attr attr;
    memset(&attr, 0, sizeof(attr));
    attr.batch.map_fd = (uint32_t)map_fd;
    attr.batch.keys = (uint64_t)(uintptr_t)keys;
    attr.batch.count = *count;
    int result = bpf_call(BPF_MAP_DELETE_BATCH, &attr);
    *count = attr.batch.count;
    return result;
}

int CSockDiag_bpf_iter_prog_load(const void *instructions, uint32_t count, uint32_t attach_btf_id,
                                 char *log, uint32_t log_size) {
    static const char license[] = "GPL";
    union bpf_attr attr;
    memset(&attr, 0, sizeof(attr));
    attr.prog_type = BPF_PROG_TYPE_TRACING;
    attr.expected_attach_type = BPF_TRACE_ITER;
    attr.insns = (uint64_t)(uintptr_t)instructions;
    attr.insn_cnt = count;
    attr.license = (uint64_t)(uintptr_t)license;
    attr.attach_btf_id = attach_btf_id;
    memcpy(attr.prog_name, "sockdiag_owners", sizeof("sockdiag_owners"));
    if (log != NULL && log_size > 0) {
        attr.log_buf = (uint64_t)(uintptr_t)log;
        attr.log_size = log_size;
        attr.log_level = 1;
    }
    return bpf_call(BPF_PROG_LOAD, &attr);
}

int CSockDiag_bpf_iter_link_create(int prog_fd) {
    union bpf_attr attr;
    memset(&attr, 0, sizeof(attr));
    attr.link_create.prog_fd = (uint32_t)prog_fd;
    attr.link_create.attach_type = BPF_TRACE_ITER;
    return bpf_call(BPF_LINK_CREATE, &attr);
}

int CSockDiag_bpf_iter_create(int link_fd) {
    union bpf_attr attr;
    memset(&attr, 0, sizeof(attr));
    attr.iter_create.link_fd = (uint32_t)link_fd;
    return bpf_call(BPF_ITER_CREATE, &attr);
}

int CSockDiag_bpf_btf_load(const void *blob, uint32_t size, char *log, uint32_t log_size) {
    union bpf_attr attr;
    memset(&attr, 0, sizeof(attr));
    attr.btf = (uint64_t)(uintptr_t)blob;
    attr.btf_size = size;
    if (log != NULL && log_size > 0) {
        attr.btf_log_buf = (uint64_t)(uintptr_t)log;
        attr.btf_log_size = log_size;
        attr.btf_log_level = 1;
    }
    return bpf_call(BPF_BTF_LOAD, &attr);
}

int CSockDiag_bpf_sk_storage_map_create(int btf_fd, uint32_t key_type_id, uint32_t value_type_id,
                                        uint32_t value_size) {
    union bpf_attr attr;
    memset(&attr, 0, sizeof(attr));
    attr.map_type = BPF_MAP_TYPE_SK_STORAGE;
    attr.key_size = 4;
    attr.value_size = value_size;
    attr.max_entries = 0;
    attr.map_flags = BPF_F_NO_PREALLOC;
    attr.btf_fd = (uint32_t)btf_fd;
    attr.btf_key_type_id = key_type_id;
    attr.btf_value_type_id = value_type_id;
    memcpy(attr.map_name, "sockdiag_owners", sizeof("sockdiag_owners"));
    return bpf_call(BPF_MAP_CREATE, &attr);
}

#endif /* __linux__ */
