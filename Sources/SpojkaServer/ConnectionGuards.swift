import Hummingbird
import HummingbirdCore
import NIOCore
import NIOHTTPTypes

/// Per-connection guards against slow and oversized requests, added to every HTTP/1 connection's pipeline.
///
/// - A request's body must arrive in full within `readTimeout` of its head (a half-sent body is cut off).
///   Heads are bounded by the idle timeout of Hummingbird's connection handler: a connection that
///   delivers no complete request head within it is closed.
/// - A response that carries `Connection: close` (e.g. 413 for an oversized body) closes the connection once it is
///   written, instead of reading the rest of the body: output first (the client sees the answer, then end of
///   stream), the whole connection a moment later.
final class ConnectionGuard: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    /// How long after the full close follows the closed output, so the answer is not lost to a reset.
    static let linger = TimeAmount.milliseconds(500)

    private let readTimeout: TimeAmount
    private var deadline: Scheduled<Void>?
    private var closeAfterResponse = false

    init(readTimeout: TimeAmount) { self.readTimeout = readTimeout }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
            deadline?.cancel()
            let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
            deadline = context.eventLoop.scheduleTask(in: readTimeout) { loopBound.value.close(promise: nil) }
        case .end:
            deadline?.cancel()
            deadline = nil
        case .body:
            break
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head(let head):
            if head.headerFields[.connection]?.lowercased() == "close" { closeAfterResponse = true }
            context.write(data, promise: promise)
        case .end where closeAfterResponse:
            deadline?.cancel()
            deadline = nil
            let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
            let written = context.writeAndFlush(data)
            written.whenComplete { _ in
                let context = loopBound.value
                context.close(mode: .output, promise: nil)
                context.eventLoop.scheduleTask(in: Self.linger) { loopBound.value.close(promise: nil) }
            }
            written.cascade(to: promise)
        default:
            context.write(data, promise: promise)
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        deadline?.cancel()
        deadline = nil
    }

    func channelInactive(context: ChannelHandlerContext) {
        deadline?.cancel()
        deadline = nil
        context.fireChannelInactive()
    }
}

@available(*, unavailable)
extension ConnectionGuard: Sendable {}
