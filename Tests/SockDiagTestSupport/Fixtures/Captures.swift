/// Rewrites captured dumps attribute by attribute.
package enum Captures {
    /// Calls `transform` with each attribute (type and payload) of each inet_diag message and rebuilds the
    /// messages from what it returns (lengths and padding fixed up).
    package static func rewrite(_ bytes: [UInt8], _ transform: (UInt16, [UInt8]) -> [UInt8]) throws -> [UInt8] {
        func u16(_ offset: Int) -> Int { Int(bytes[offset]) | Int(bytes[offset + 1]) << 8 }
        func u32(_ offset: Int) -> Int { u16(offset) | u16(offset + 2) << 16 }
        var result: [UInt8] = []
        var offset = 0
        while offset + 16 <= bytes.count {
            let length = u32(offset)
            let type = u16(offset + 4)
            guard length >= 16, offset + length <= bytes.count else { throw HelperError("bad capture at \(offset)") }
            if type != 20 {
                result += bytes[offset..<(offset + ((length + 3) & ~3))].prefix(bytes.count - offset)
                offset += (length + 3) & ~3
                continue
            }
            var message = Array(bytes[(offset + 4)..<(offset + 16 + 72)])
            var attribute = offset + 16 + 72
            while attribute + 4 <= offset + length {
                let attributeLength = u16(attribute)
                let attributeType = UInt16(u16(attribute + 2))
                let payload = transform(attributeType, Array(bytes[(attribute + 4)..<(attribute + attributeLength)]))
                withUnsafeBytes(of: UInt16(payload.count + 4)) { message += $0 }
                withUnsafeBytes(of: attributeType) { message += $0 }
                message += payload
                message += [UInt8](repeating: 0, count: (4 - payload.count % 4) % 4)
                attribute += (attributeLength + 3) & ~3
            }
            withUnsafeBytes(of: UInt32(message.count + 4)) { result += $0 }
            result += message
            offset += (length + 3) & ~3
        }
        return result
    }
}
