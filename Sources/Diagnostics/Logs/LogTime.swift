import CTICore

/// When a log entry was written: from the timestamp at the start of its line, or, for an
/// entry without one, the log file's modification time.
public struct LogTime: Sendable, Equatable {
    public enum Source: Sendable, Equatable {
        /// A timestamp with a zone (`Z`, `+01:00`): `seconds` is exact.
        case zoned
        /// A timestamp without a zone, in the client's local time: `seconds` reads it as UTC.
        case local
        /// No timestamp: the file's modification time.
        case fileModified
    }

    public let seconds: Int64
    public let source: Source

    public init(seconds: Int64, source: Source) {
        self.seconds = seconds
        self.source = source
    }

    /// `2026-11-24T13:35:28Z`, `2026-11-24 13:35:28 (local time)`, `2026-11-24T13:35:28Z (file modified)`.
    public var text: LocalizedText {
        let utc = UTCTimestamp.format(seconds)
        switch source {
        case .zoned: return LocalizedText(en: utc, de: utc)
        case .local:
            let written = String(utc.dropLast().map { $0 == "T" ? " " : $0 })
            return LocalizedText(en: "\(written) (the client's local time)", de: "\(written) (Ortszeit des Clients)")
        case .fileModified: return LocalizedText(en: "\(utc) (file modified)", de: "\(utc) (Änderung der Datei)")
        }
    }
}

/// The timestamps accepted at the start of a log line (docs/doctor.md "Client logs"), after
/// an optional `[`:
/// - `YYYY-MM-DD HH:MM:SS` (or `T` between), an optional fraction (`,123` or `.123456`) and
///   an optional zone (`Z`, `+01:00`, `+0100`): log4net, NLog, Serilog, ISO 8601;
/// - `DD.MM.YYYY HH:MM:SS` with an optional fraction: German Windows.
/// Anything else is not a timestamp, and the line continues the entry above it.
enum LogTimestamp {
    /// A timestamp read but not yet converted (the conversion is only needed for an entry that
    /// showed an issue).
    struct Head {
        let date: CivilDate
        let secondOfDay: Int
        /// Seconds east of UTC; nil without a zone.
        let zoneOffset: Int?

        var time: LogTime {
            let local = date.secondsSince1970 + Int64(secondOfDay)
            guard let zoneOffset else { return LogTime(seconds: local, source: .local) }
            return LogTime(seconds: local - Int64(zoneOffset), source: .zoned)
        }
    }

    static func head(_ bytes: UnsafeRawBufferPointer, from start: Int, to end: Int) -> Head? {
        var reader = DigitReader(bytes: bytes, position: start, end: end)
        reader.skip("[")
        let date: CivilDate?
        if let year = reader.number(4), reader.skip("-"), let month = reader.number(2), reader.skip("-"), let day = reader.number(2),
            reader.skip(" ") || reader.skip("T") || reader.skip("t")
        {
            date = CivilDate(year: year, month: month, day: day)
        } else {
            reader.position = start
            reader.skip("[")
            guard let day = reader.number(2), reader.skip("."), let month = reader.number(2), reader.skip("."), let year = reader.number(4), reader.skip(" ")
            else { return nil }
            date = CivilDate(year: year, month: month, day: day)
        }
        guard let date, let hour = reader.number(2), reader.skip(":"), let minute = reader.number(2), reader.skip(":"), let second = reader.number(2),
            hour < 24, minute < 60, second < 60
        else { return nil }
        if reader.skip(",") || reader.skip(".") {
            guard reader.digits(upTo: 9) > 0 else { return nil }
        }
        let secondOfDay = hour * 3600 + minute * 60 + second
        if reader.skip("Z") || reader.skip("z") { return Head(date: date, secondOfDay: secondOfDay, zoneOffset: 0) }
        if reader.skip("+") || reader.skip("-") {
            let sign = bytes[reader.position - 1] == UInt8(ascii: "-") ? -1 : 1
            if let zoneHour = reader.number(2), zoneHour < 24 {
                reader.skip(":")
                if let zoneMinute = reader.number(2), zoneMinute < 60 {
                    return Head(date: date, secondOfDay: secondOfDay, zoneOffset: sign * (zoneHour * 3600 + zoneMinute * 60))
                }
            }
        }
        return Head(date: date, secondOfDay: secondOfDay, zoneOffset: nil)
    }

    private struct DigitReader {
        let bytes: UnsafeRawBufferPointer
        var position: Int
        let end: Int

        @discardableResult
        mutating func skip(_ character: Unicode.Scalar) -> Bool {
            guard position < end, bytes[position] == UInt8(ascii: character) else { return false }
            position += 1
            return true
        }

        mutating func number(_ width: Int) -> Int? {
            guard position + width <= end else { return nil }
            var value = 0
            for offset in 0..<width {
                let byte = bytes[position + offset]
                guard (0x30...0x39).contains(byte) else { return nil }
                value = value * 10 + Int(byte - 0x30)
            }
            position += width
            return value
        }

        mutating func digits(upTo limit: Int) -> Int {
            var count = 0
            while count < limit, position < end, (0x30...0x39).contains(bytes[position]) {
                position += 1
                count += 1
            }
            return count
        }
    }
}
