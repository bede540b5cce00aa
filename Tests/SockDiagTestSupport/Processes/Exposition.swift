import Foundation

/// The samples of a Prometheus text exposition: `name{labels}` → value.
package struct Exposition {
    package var samples: [String: Double] = [:]

    package init(_ text: String) {
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else {
                continue
            }
            samples[String(line[..<space])] = value
        }
    }

    /// The value of `name` with exactly these labels (in any order), or `nil`.
    package func value(_ name: String, _ labels: [String: String] = [:]) -> Double? {
        for (key, value) in samples {
            guard let parsed = Self.parse(key), parsed.name == name, parsed.labels == labels else { continue }
            return value
        }
        return nil
    }

    /// Splits `name{a="x",b="y"}`.
    package static func parse(_ key: String) -> (name: String, labels: [String: String])? {
        guard let brace = key.firstIndex(of: "{") else { return (key, [:]) }
        var labels: [String: String] = [:]
        let inner = key[key.index(after: brace)..<(key.lastIndex(of: "}") ?? key.endIndex)]
        for pair in inner.split(separator: ",") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            guard parts.count == 2 else { return nil }
            labels[String(parts[0])] = String(parts[1].dropFirst().dropLast())
        }
        return (String(key[..<brace]), labels)
    }
}
