import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A plain TCP connection to `127.0.0.1:port` for speaking (and half-speaking) HTTP/1.1 by hand.
/// Its blocking calls run on their own thread (`RawConnection.blocking`), never on the cooperative pool.
final class RawConnection: @unchecked Sendable {
    private let fd: Int32
    private var received: [UInt8] = []

    init(port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else { close(fd); throw RawConnectionError("connect failed: errno \(errno)") }
    }

    deinit { close(fd) }

    /// A port on 127.0.0.1 that was free a moment ago.
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else { throw RawConnectionError("no free port: errno \(errno)") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Closes the connection from this side (both directions).
    func closeNow() { shutdown(fd, Int32(SHUT_RDWR)) }

    /// Runs blocking socket work on a thread of its own.
    static func blocking<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try body() }) }.start()
        }
    }

    /// Sends all bytes; false once the server has closed or reset the connection.
    @discardableResult
    func send(_ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if sent <= 0 { return false }
            offset += sent
        }
        return true
    }

    /// Sends text.
    @discardableResult
    func send(_ text: String) -> Bool { send(Array(text.utf8)) }

    /// Waits up to `seconds` for data; returns false when the server closed (or reset) the connection.
    private func receive(seconds: Double) -> (open: Bool, timedOut: Bool) {
        var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        let ready = poll(&poller, 1, Int32(seconds * 1000))
        if ready == 0 { return (true, true) }
        var buffer = [UInt8](repeating: 0, count: 65536)
        let count = recv(fd, &buffer, buffer.count, 0)
        if count <= 0 { return (false, false) }
        received += buffer[0..<count]
        return (true, false)
    }

    /// Everything received so far, as text.
    var text: String { String(decoding: received, as: UTF8.self) }

    /// Reads until the server closes the connection or `seconds` pass; true when it closed.
    func waitForClose(seconds: Double) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            let (open, _) = receive(seconds: max(0.01, deadline.timeIntervalSinceNow))
            if !open { return true }
        }
        return false
    }

    /// Reads until a complete response head has arrived or `seconds` pass; the received text, or nil.
    func responseHead(seconds: Double) -> String? {
        let deadline = Date().addingTimeInterval(seconds)
        while !text.contains("\r\n\r\n") {
            guard Date() < deadline else { return nil }
            let (open, _) = receive(seconds: max(0.01, deadline.timeIntervalSinceNow))
            if !open { break }
        }
        return text.contains("\r\n\r\n") ? text : nil
    }

    /// Sends one byte every `interval` seconds until the server closes the connection (true) or `seconds` pass.
    func trickle(every interval: Double, seconds: Double) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if !send("a") { return true }
            let (open, _) = receive(seconds: interval)
            if !open { return true }
        }
        return false
    }
}

/// A failure of the raw test client.
struct RawConnectionError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
