import ArgumentParser

extension CompletionKind {
    /// Shell completion of `-N NAME`: the network namespaces `ip netns add` named (the files of /var/run/netns),
    /// listed by the shell when it completes, without running sockdiag.
    static var networkNamespaces: CompletionKind {
        .shellCommand("ls /var/run/netns 2>/dev/null")
    }
}
