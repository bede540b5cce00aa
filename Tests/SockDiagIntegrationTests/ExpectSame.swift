import SockDiagTestSupport
import Testing

/// Expects two sorted lists to be equal; on failure names only the elements that differ.
func expectSame<T: Hashable & CustomStringConvertible>(
    _ left: [T],
    _ right: [T],
    _ leftName: String,
    _ rightName: String,
    _ context: String = "",
    sourceLocation: SourceLocation = #_sourceLocation
) {
    let same = left == right
    #expect(
        same,
        "\(context)\(SocketRows.difference(left, right, leftName, rightName))",
        sourceLocation: sourceLocation
    )
}
