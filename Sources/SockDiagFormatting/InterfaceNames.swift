#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Interface names by index, looked up once each (`if_indextoname(3)`) and kept for the formatter's life.
struct InterfaceNames {
    private var cache: [UInt32: [UInt8]] = [:]

    /// The name of interface `index` as bytes; the decimal index when the interface is gone.
    mutating func name(_ index: UInt32) -> [UInt8] {
        if let name = cache[index] { return name }
        var raw = [CChar](repeating: 0, count: Int(IF_NAMESIZE) + 1)
        var name: [UInt8]
        if if_indextoname(index, &raw) != nil {
            name = raw.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
        } else {
            name = []
            name.appendDecimal(index)
        }
        cache[index] = name
        return name
    }
}
