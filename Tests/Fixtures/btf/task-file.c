// The types the owner iterator reads, shaped as the kernel declares them (members in anonymous unions, typedefs,
// a bitfield before them), small enough to commit: Scripts/fixtures/make-btf-fixture.sh compiles this with
// `clang -target bpf -g` and keeps the .BTF section as task-file.btf.
typedef unsigned short umode_t;
typedef int pid_t;
typedef unsigned int u32;

struct seq_file { int count; };
struct bpf_iter_meta { struct seq_file *seq; unsigned long long session_id; unsigned long long seq_num; };

struct inode {
    umode_t i_mode;
    unsigned short i_opflags;
    unsigned int i_flags;
    void *i_acl;
    union {
        const unsigned int i_nlink;
        unsigned int __i_nlink;
    };
    unsigned long i_ino;
};

struct file {
    unsigned int f_mode;
    void *f_op;
    union {
        struct { void *f_mapping; void *private_data; };
        long f_pad;
    };
    struct inode *f_inode;
};

struct task_struct {
    unsigned int flags: 7;
    unsigned int in_iowait: 1;
    long padding[3];
    pid_t pid;
    pid_t tgid;
    void *stack_canary;
    char comm[16];
};

int bpf_iter_task_file(struct bpf_iter_meta *meta, struct task_struct *task, u32 fd, struct file *file) {
    return meta->seq->count + task->pid + (int)fd + (int)file->f_inode->i_ino;
}

// Complete types, not forward declarations: clang emits a struct only reached through pointers as `FWD`.
struct inode example_inode;
struct seq_file example_seq_file;
