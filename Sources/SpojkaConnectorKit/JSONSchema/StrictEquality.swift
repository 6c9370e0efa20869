import Foundation
import SpojkaCore

/// JSON Schema equality: like `JSONValue.==` (numbers by value) but strings compare by code points,
/// not by Swift's canonical equivalence.
enum StrictEquality {
    static func equal(_ lhs: JSONValue, _ rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case let (.string(a), .string(b)):
            return a.unicodeScalars.elementsEqual(b.unicodeScalars)
        case let (.array(a), .array(b)):
            return a.count == b.count && zip(a, b).allSatisfy { equal($0, $1) }
        case let (.object(a), .object(b)):
            guard a.count == b.count else { return false }
            return a.allSatisfy { key, value in
                guard let index = b.index(forKey: key), b[index].key.unicodeScalars.elementsEqual(key.unicodeScalars)
                else { return false }
                return equal(value, b[index].value)
            }
        default:
            return lhs == rhs
        }
    }

    /// The indices of the first two equal items, or `nil` when all are distinct.
    static func firstDuplicate(_ items: [JSONValue]) -> (Int, Int)? {
        var buckets: [JSONValue: [Int]] = [:]
        for (index, item) in items.enumerated() {
            let candidates = buckets[item, default: []]
            if let earlier = candidates.first(where: { equal(items[$0], item) }) { return (earlier, index) }
            buckets[item, default: []].append(index)
        }
        return nil
    }
}
