import Testing

/// The parent of every integration suite.
///
/// Serialized: the tests spawn processes, create network namespaces and count this process's open file
/// descriptors, so they run one at a time; each still builds its own namespace and sockets.
@Suite(.serialized)
struct Integration {}
