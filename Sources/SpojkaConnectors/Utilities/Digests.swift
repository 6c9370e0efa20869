/// A hash function over bytes, implemented in Swift (this target has no crypto library).
protocol DigestFunction: Sendable {
    /// Block size in bytes (for HMAC).
    static var blockSize: Int { get }
    /// The digest of `message`.
    static func hash(_ message: [UInt8]) -> [UInt8]
}

/// SHA-256 (FIPS 180-4).
enum SHA256Digest: DigestFunction {
    /// Block size in bytes.
    static let blockSize = 64
    private static let k: [UInt32] = [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
        0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
        0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
        0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
    ]

    /// The digest of `message`.
    static func hash(_ message: [UInt8]) -> [UInt8] {
        var h: [UInt32] = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]
        for block in DigestPadding.blocks(message, blockSize: 64, lengthBytes: 8) {
            var w = DigestPadding.words32(block)
            for i in 16..<64 {
                let s0 = w[i - 15].rotr(7) ^ w[i - 15].rotr(18) ^ (w[i - 15] >> 3)
                let s1 = w[i - 2].rotr(17) ^ w[i - 2].rotr(19) ^ (w[i - 2] >> 10)
                w.append(w[i - 16] &+ s0 &+ w[i - 7] &+ s1)
            }
            var (a, b, c, d, e, f, g, hh) = (h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7])
            for i in 0..<64 {
                let t1 = hh &+ (e.rotr(6) ^ e.rotr(11) ^ e.rotr(25)) &+ ((e & f) ^ (~e & g)) &+ k[i] &+ w[i]
                let t2 = (a.rotr(2) ^ a.rotr(13) ^ a.rotr(22)) &+ ((a & b) ^ (a & c) ^ (b & c))
                (hh, g, f, e, d, c, b, a) = (g, f, e, d &+ t1, c, b, a, t1 &+ t2)
            }
            for (i, v) in [a, b, c, d, e, f, g, hh].enumerated() { h[i] = h[i] &+ v }
        }
        return h.flatMap(\.bigEndianBytes)
    }
}

/// SHA-1 (FIPS 180-4); for HMAC-SHA1 compatibility only.
enum SHA1Digest: DigestFunction {
    /// Block size in bytes.
    static let blockSize = 64

    /// The digest of `message`.
    static func hash(_ message: [UInt8]) -> [UInt8] {
        var h: [UInt32] = [0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0]
        for block in DigestPadding.blocks(message, blockSize: 64, lengthBytes: 8) {
            var w = DigestPadding.words32(block)
            for i in 16..<80 { w.append((w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16]).rotl(1)) }
            var (a, b, c, d, e) = (h[0], h[1], h[2], h[3], h[4])
            for i in 0..<80 {
                let (f, k): (UInt32, UInt32) = switch i {
                case 0..<20: ((b & c) | (~b & d), 0x5A827999)
                case 20..<40: (b ^ c ^ d, 0x6ED9EBA1)
                case 40..<60: ((b & c) | (b & d) | (c & d), 0x8F1BBCDC)
                default: (b ^ c ^ d, 0xCA62C1D6)
                }
                (e, d, c, b, a) = (d, c, b.rotl(30), a, a.rotl(5) &+ f &+ e &+ k &+ w[i])
            }
            for (i, v) in [a, b, c, d, e].enumerated() { h[i] = h[i] &+ v }
        }
        return h.flatMap(\.bigEndianBytes)
    }
}

/// HMAC (RFC 2104) over a `DigestFunction`.
enum HMAC {
    /// The HMAC of `message` under `key` with hash `H`.
    static func authenticate<H: DigestFunction>(_: H.Type, key: [UInt8], message: [UInt8]) -> [UInt8] {
        var block = key.count > H.blockSize ? H.hash(key) : key
        block += [UInt8](repeating: 0, count: H.blockSize - block.count)
        let inner = H.hash(block.map { $0 ^ 0x36 } + message)
        return H.hash(block.map { $0 ^ 0x5c } + inner)
    }
}

/// Merkle–Damgård padding and word helpers shared by the SHA family.
enum DigestPadding {
    /// `message` padded (0x80, zeros, big-endian bit length in `lengthBytes`) and cut into blocks.
    static func blocks(_ message: [UInt8], blockSize: Int, lengthBytes: Int) -> [ArraySlice<UInt8>] {
        var padded = message
        padded.append(0x80)
        while padded.count % blockSize != blockSize - lengthBytes { padded.append(0) }
        let bitLength = UInt64(truncatingIfNeeded: message.count).multipliedReportingOverflow(by: 8).partialValue
        padded += [UInt8](repeating: 0, count: lengthBytes - 8) + bitLength.bigEndianBytes
        return stride(from: 0, to: padded.count, by: blockSize).map { padded[$0..<($0 + blockSize)] }
    }

    /// The sixteen big-endian 32-bit words of a 64-byte block.
    static func words32(_ block: ArraySlice<UInt8>) -> [UInt32] {
        stride(from: block.startIndex, to: block.endIndex, by: 4).map { i in
            block[i...(i + 3)].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        }
    }

    /// The sixteen big-endian 64-bit words of a 128-byte block.
    static func words64(_ block: ArraySlice<UInt8>) -> [UInt64] {
        stride(from: block.startIndex, to: block.endIndex, by: 8).map { i in
            block[i...(i + 7)].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        }
    }
}

extension FixedWidthInteger where Self: UnsignedInteger {
    /// Rotates right by `n` bits.
    func rotr(_ n: Int) -> Self { (self >> n) | (self << (Self.bitWidth - n)) }
    /// Rotates left by `n` bits.
    func rotl(_ n: Int) -> Self { (self << n) | (self >> (Self.bitWidth - n)) }
    /// The big-endian bytes.
    var bigEndianBytes: [UInt8] {
        (0..<(Self.bitWidth / 8)).map { UInt8(truncatingIfNeeded: self >> (Self.bitWidth - 8 - $0 * 8)) }
    }
}
