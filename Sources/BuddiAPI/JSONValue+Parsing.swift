import Foundation

/// A body that is not JSON.
public struct JSONParseError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The parser's explanation, with the position where it has one.
    public let description: String
}

extension JSONValue {
    /// Parses JSON text (any value at the top level).
    ///
    /// Uses Foundation's `JSONSerialization`, some thirty times faster than decoding a
    /// `JSONValue` through `Decodable`, which matters for pages of rich memories.
    public init(parsing data: Data) throws(JSONParseError) {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
        } catch {
            let debug = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String
            throw JSONParseError(description: debug ?? error.localizedDescription)
        }
        self.init(foundationObject: object)
    }

    /// Converts what `JSONSerialization` returns.
    private init(foundationObject object: Any) {
        switch object {
        case let string as String:
            self = .string(string)
        case let number as NSNumber:
            // JSON booleans come back as NSNumbers of Objective-C type "c"; JSON numbers never do.
            self = String(cString: number.objCType) == "c" ? .bool(number.boolValue) : .number(number.doubleValue)
        case let array as [Any]:
            self = .array(array.map(JSONValue.init(foundationObject:)))
        case let object as [String: Any]:
            self = .object(object.mapValues(JSONValue.init(foundationObject:)))
        default:
            self = .null
        }
    }
}
