import CTICore

/// Reading the JSON data files of config-schemas (rules, migrations): every error becomes one
/// `code` failure naming the file and the JSON path.
enum DataFileReading {
    /// Runs `build`, turning JSON syntax and member errors into `code` failures naming `source`;
    /// `what` names the document in a syntax error ("the migration is not valid JSON …").
    static func decode<T>(_ code: ErrorCode, source: String, what: String, _ build: () throws -> T) throws(CTIFailure) -> T {
        do {
            return try build()
        } catch let failure as JSONReadFailure {
            throw CTIFailure.quoting(code, "\(source): \(what) \(failure.description)")
        } catch let error as JSONObjectReader.Failure {
            throw CTIFailure.quoting(code, "\(source): \(error.path) \(error.reason)")
        } catch let error as CTIFailure {
            throw error
        } catch {
            throw CTIFailure(code, "\(source): \(error)")
        }
    }

    /// The bytes of `path`, refusing a file larger than `limit`.
    static func bytes(_ path: String, limit: Int64) throws(CTIFailure) -> [UInt8] {
        do {
            return try SafeFile.read(path, limit: limit)
        } catch {
            throw CTIFailure(error)
        }
    }
}
