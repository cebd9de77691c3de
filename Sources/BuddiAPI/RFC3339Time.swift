import Foundation

/// The common shapes of an ISO 8601 / RFC 3339 time, read without Foundation's parser (which
/// costs some microseconds a call, three calls a memory): `YYYY-MM-DD`, or that, `T` or a space,
/// `HH:MM:SS`, up to three digits of fraction, and `Z`, `±HH:MM` or nothing (UTC), from 1583 on (the
/// proleptic Gregorian calendar agrees with Foundation's, which is Julian before October 1582).
/// Anything else, an impossible date included, is `nil`, and ``BuddiTimestamp`` hands it to
/// Foundation as before.
enum RFC3339Time {
    static func parse(_ text: String) -> Date? {
        var text = text
        return text.withUTF8 { parse(bytes: $0) }
    }

    private static func parse(bytes: UnsafeBufferPointer<UInt8>) -> Date? {
        let text = Bytes(bytes: bytes)
        guard let year = text.number(0, 4), text.has("-", at: 4), let month = text.number(5, 2), text.has("-", at: 7),
              let day = text.number(8, 2), year >= 1583, (1...12).contains(month), day >= 1, day <= days(inMonth: month, of: year)
        else { return nil }
        let midnight = Double(daysSinceEpoch(year: year, month: month, day: day) * 86_400)
        if bytes.count == 10 { return Date(timeIntervalSince1970: midnight) }
        guard text.has("T", at: 10) || text.has(" ", at: 10), let hour = text.number(11, 2), text.has(":", at: 13),
              let minute = text.number(14, 2), text.has(":", at: 16), let second = text.number(17, 2),
              hour < 24, minute < 60, second < 60
        else { return nil }
        var index = 19
        var milliseconds = 0
        if text.has(".", at: index) {
            var digits = 0
            index += 1
            while let digit = text.number(index, 1) {
                guard digits < 3 else { return nil }
                milliseconds = milliseconds * 10 + digit
                digits += 1
                index += 1
            }
            guard digits > 0 else { return nil }
            for _ in digits..<3 { milliseconds *= 10 }
        }
        guard let offset = text.zoneOffset(at: index) else { return nil }
        let seconds = midnight + Double(hour * 3600 + minute * 60 + second - offset)
        return Date(timeIntervalSince1970: seconds + Double(milliseconds) / 1000)
    }

    /// The text's UTF-8, read by position.
    private struct Bytes {
        let bytes: UnsafeBufferPointer<UInt8>

        /// The decimal number of `count` digits at `start`; nil if any is not a digit.
        func number(_ start: Int, _ count: Int) -> Int? {
            guard start + count <= bytes.count else { return nil }
            var value = 0
            for byte in bytes[start..<start + count] {
                guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            }
            return value
        }

        func has(_ character: Unicode.Scalar, at index: Int) -> Bool {
            index < bytes.count && bytes[index] == UInt8(ascii: character)
        }

        /// Seconds east of UTC of the zone that ends the text at `index`: nothing or `Z` (0), or
        /// `±HH:MM` up to 18 hours (as far as Foundation's time zones go); nil for anything else.
        func zoneOffset(at index: Int) -> Int? {
            if index == bytes.count || (has("Z", at: index) && index + 1 == bytes.count) { return 0 }
            guard has("+", at: index) || has("-", at: index), index + 6 == bytes.count, let hours = number(index + 1, 2),
                  has(":", at: index + 3), let minutes = number(index + 4, 2), minutes < 60, hours * 60 + minutes <= 18 * 60
            else { return nil }
            return (hours * 60 + minutes) * 60 * (has("-", at: index) ? -1 : 1)
        }
    }

    private static func days(inMonth month: Int, of year: Int) -> Int {
        switch month {
        case 2: year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days from 1970-01-01 to a date of the proleptic Gregorian calendar (the civil-from-days
    /// algorithm, run backwards: years counted from March, in 400-year eras).
    private static func daysSinceEpoch(year: Int, month: Int, day: Int) -> Int {
        let marchYear = month <= 2 ? year - 1 : year
        let era = (marchYear >= 0 ? marchYear : marchYear - 399) / 400
        let yearOfEra = marchYear - era * 400
        let dayOfYear = (153 * ((month + 9) % 12) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}
