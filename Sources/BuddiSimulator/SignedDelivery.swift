import AsyncHTTPClient
import BuddiAPI
import NIOCore

/// A webhook delivery as a sender makes it: a POST of the JSON body with the three Standard
/// Webhooks headers, signed with `secret`.
package enum SignedDelivery {
    package static func request(url: String, id: String, timestamp: Int64, body: [UInt8], secret: WebhookSecret) -> HTTPClientRequest {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "content-type", value: "application/json")
        request.headers.add(name: "webhook-id", value: id)
        request.headers.add(name: "webhook-timestamp", value: String(timestamp))
        request.headers.add(name: "webhook-signature", value: WebhookSignature.sign(id: id, timestamp: timestamp, body: body, secret: secret))
        request.body = .bytes(ByteBuffer(bytes: body))
        return request
    }
}
