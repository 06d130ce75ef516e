import CTICore

/// Dates on the command line: `YYYY-MM-DD` (a whole UTC day) or an RFC 3339 timestamp.
enum DateArgument {
    /// Start of the day (or the exact timestamp): for --not-before and --at.
    static func start(_ text: String, option: String) throws -> Int64 {
        if let date = CivilDate(text) { return date.secondsSince1970 }
        if let seconds = UTCTimestamp.parse(text) { return seconds }
        throw CTIFailure(.usageBadDate, "\(option) \"\(text)\": expected a date YYYY-MM-DD or a timestamp like 2027-01-31T12:00:00Z")
    }

    /// End of validity: a date means "valid through that whole day", so the license expires
    /// at 00:00:00 UTC of the next day; a timestamp is taken as is.
    static func endExclusive(_ text: String, option: String) throws -> Int64 {
        if let date = CivilDate(text) { return date.next.secondsSince1970 }
        if let seconds = UTCTimestamp.parse(text) { return seconds }
        throw CTIFailure(.usageBadDate, "\(option) \"\(text)\": expected a date YYYY-MM-DD or a timestamp like 2027-01-31T12:00:00Z")
    }

    static func day(_ text: String, option: String) throws -> CivilDate {
        guard let date = CivilDate(text) else {
            throw CTIFailure(.usageBadDate, "\(option) \"\(text)\": expected a date YYYY-MM-DD")
        }
        return date
    }
}
