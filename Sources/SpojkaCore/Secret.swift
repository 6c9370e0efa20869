/// A secret value (credential, token, key) that never shows itself.
///
/// `description`, `debugDescription`, `dump` and `Encodable` output are all `<redacted>`;
/// only `reveal()` hands out the value, at the one place that must use it.
public struct Secret: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable, Encodable {
    private let bytes: [UInt8]

    /// Wraps secret text.
    public init(_ text: String) { self.bytes = Array(text.utf8) }

    /// Wraps secret bytes.
    public init(bytes: [UInt8]) { self.bytes = bytes }

    /// The secret text; call only where the value must be used (injection into a request).
    public func reveal() -> String { String(decoding: bytes, as: UTF8.self) }

    /// The secret bytes; call only where the value must be used.
    public func revealBytes() -> [UInt8] { bytes }

    /// Always `<redacted>`.
    public var description: String { "<redacted>" }
    /// Always `<redacted>`.
    public var debugDescription: String { "<redacted>" }
    /// A mirror with no children, so `dump` prints nothing of the value.
    public var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }

    /// Encodes as the string `<redacted>`.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode("<redacted>")
    }
}
