import CTICore

/// The limits every license stays within. The issuer refuses a request beyond them before
/// anything is signed, and the verifier refuses a license beyond them: one rule on both
/// sides, so whatever ctictl issues, ctictl accepts, and nothing else.
public struct ClaimLimits: Sendable, Equatable {
    public let seats: ClosedRange<Int>
    public let graceDays: ClosedRange<Int>
    /// Identifiers: customer id, serial, order id, product, issuer, PBX factors, superseded serials.
    public let idLength: Int
    /// The customer's display name.
    public let nameLength: Int
    public let featureCount: Int
    public let featureLength: Int
    public let pbxFactorCount: Int
    public let supersedesCount: Int
    /// Instants (iat, nbf, exp): 1970-01-01 to the end of 9999, what YYYY-MM-DD can say.
    public let instants: ClosedRange<Int64>
    /// The largest license file. Claims within the limits above always fit (a property test
    /// holds the two together); the verifier refuses anything larger before parsing it.
    public let licenseFileBytes: Int

    public static let standard = ClaimLimits(
        seats: 1...1_000_000, graceDays: 0...365, idLength: 128, nameLength: 200, featureCount: 64, featureLength: 64,
        pbxFactorCount: 8, supersedesCount: 16, instants: 0...253_402_300_799, licenseFileBytes: 64 << 10)
}

/// A part of a license (or of the request for one), named as the user wrote it: a claim in
/// the token, an option of `license issue`, a column of the batch CSV.
public enum ClaimField: String, Sendable, CaseIterable {
    case issuer, customerID, customerName, serial, issuedAt, product, features, seats
    case pbxID, pbxMAC, pbxHostname, pbxFactors, pbxRequired
    case notBefore, expires, maintenanceUntil, graceDays, orderID, supersedes

    public var claim: String {
        switch self {
        case .issuer: return "iss"
        case .customerID: return "sub"
        case .customerName: return "cti.customer_name"
        case .serial: return "jti"
        case .issuedAt: return "iat"
        case .product: return "cti.product"
        case .features: return "cti.features"
        case .seats: return "cti.seats"
        case .pbxID, .pbxMAC, .pbxHostname, .pbxFactors: return "cti.pbx.factors"
        case .pbxRequired: return "cti.pbx.required"
        case .notBefore: return "nbf"
        case .expires: return "exp"
        case .maintenanceUntil: return "cti.maintenance_until"
        case .graceDays: return "cti.grace_days"
        case .orderID: return "cti.order_id"
        case .supersedes: return "cti.supersedes"
        }
    }

    /// The option of `license issue` (renew and reissue use the same names).
    public var option: String {
        switch self {
        case .customerID: return "--customer"
        case .features: return "--feature"
        case .pbxFactors: return "--pbx-id/--pbx-mac/--pbx-hostname"
        case .serial: return "the serial"
        case .issuedAt: return "the issue time"
        case .supersedes: return "the superseded serial"
        default: return "--" + column.replacingUnderscores
        }
    }

    /// The column of the batch CSV (docs/batch.md).
    public var column: String {
        switch self {
        case .issuer: return "issuer"
        case .customerID: return "customer_id"
        case .customerName: return "customer_name"
        case .serial: return "serial"
        case .issuedAt: return "issue time"
        case .product: return "product"
        case .features: return "features"
        case .seats: return "seats"
        case .pbxID: return "pbx_id"
        case .pbxMAC: return "pbx_mac"
        case .pbxHostname: return "pbx_hostname"
        case .pbxFactors: return "pbx_id/pbx_mac/pbx_hostname"
        case .pbxRequired: return "pbx_required"
        case .notBefore: return "not_before"
        case .expires: return "expires"
        case .maintenanceUntil: return "maintenance_until"
        case .graceDays: return "grace_days"
        case .orderID: return "order_id"
        case .supersedes: return "supersedes"
        }
    }

    /// The field of a PBX factor of this kind.
    static func pbx(_ kind: String) -> ClaimField {
        switch kind {
        case PBXFactor.instanceID: return .pbxID
        case PBXFactor.mac: return .pbxMAC
        case PBXFactor.hostname: return .pbxHostname
        default: return .pbxFactors
        }
    }
}

extension String {
    fileprivate var replacingUnderscores: String { String(map { $0 == "_" ? "-" : $0 }) }
}

/// Whose names a message uses: the token's claims (the verifier), the command line's
/// options (`license issue`, renew, reissue) or the batch CSV's columns.
public enum ClaimNaming: Sendable {
    case claims, options, columns

    public func name(_ field: ClaimField) -> String {
        switch self {
        case .claims: return "claim " + field.claim
        case .options: return field.option
        case .columns: return field.column
        }
    }
}

/// One thing wrong with claims (or a request), with a stable code. The message names the
/// field the way the reader wrote it (see `ClaimNaming`).
public struct ClaimProblem: Sendable, Equatable {
    public enum Reason: Sendable, Equatable {
        case empty
        case tooLong(length: Int, limit: Int)
        /// The first control character, as `U+001B`.
        case controlCharacter(String)
        case outOfRange(value: Int64, range: ClosedRange<Int64>)
        case tooMany(count: Int, limit: Int)
        case endNotAfterStart(end: Int64, start: Int64, startGiven: Bool)
        case unknownProduct(String, known: [String], nearest: String?)
    }

    public let field: ClaimField
    public let reason: Reason

    public init(_ field: ClaimField, _ reason: Reason) {
        self.field = field
        self.reason = reason
    }

    public var code: String {
        switch reason {
        case .empty: return "claim.empty"
        case .tooLong: return "claim.too-long"
        case .controlCharacter: return "claim.control-character"
        case .outOfRange: return "claim.out-of-range"
        case .tooMany: return "claim.too-many"
        case .endNotAfterStart: return "claim.expiry-before-start"
        case .unknownProduct: return "license.unknown-product"
        }
    }

    /// The whole sentence: the field's name, then what is wrong with it.
    public func message(_ naming: ClaimNaming) -> String {
        naming.name(field) + " " + predicate(naming)
    }

    /// What is wrong, without the field's name (the batch shows the column beside it).
    public func predicate(_ naming: ClaimNaming) -> String {
        switch reason {
        case .empty:
            return "is empty"
        case let .tooLong(length, limit):
            return "is \(length) characters long; at most \(limit) are allowed"
        case let .controlCharacter(character):
            return "contains the control character \(character); names and ids must be printable text"
        case let .outOfRange(value, range):
            return "is \(value); it must be \(range.lowerBound) to \(range.upperBound)"
        case let .tooMany(count, limit):
            return "has \(count) entries; at most \(limit) are allowed"
        case let .endNotAfterStart(end, start, startGiven):
            if naming == .claims { return "\(UTCTimestamp.format(end)) is not after claim nbf \(UTCTimestamp.format(start))" }
            let startText = startGiven
                ? "\(naming.name(.notBefore)) \(Self.dayOrInstant(start, end: false))"
                : "now (\(UTCTimestamp.format(start))), as no \(naming.name(.notBefore)) is given"
            return "\(Self.dayOrInstant(end, end: true)) is not after the start, \(startText): the license would end before it begins"
        case let .unknownProduct(product, known, nearest):
            let hint = nearest.map { "did you mean \($0)? " } ?? ""
            return "\"\(product)\" is not a known product; \(hint)the products are \(known.joined(separator: ", "))"
        }
    }

    /// A whole-day boundary as the day the user typed (an end is exclusive: the day before),
    /// anything else as an RFC 3339 instant.
    private static func dayOrInstant(_ seconds: Int64, end: Bool) -> String {
        guard seconds % 86_400 == 0 else { return UTCTimestamp.format(seconds) }
        return CivilDate(secondsSince1970: end ? seconds - 1 : seconds).description
    }
}

/// A request (or claims) that breaks the rules, with every problem found. Thrown as a usage
/// error by the issuer; the verifier reports the same problems as a malformed license.
public struct RequestRefused: CTIError {
    public let problems: [ClaimProblem]
    public let naming: ClaimNaming

    public init(_ problems: [ClaimProblem], naming: ClaimNaming) {
        self.problems = problems
        self.naming = naming
    }

    public var code: String { problems.first?.code ?? "claim.invalid" }
    public var message: String { problems.map { $0.message(naming) }.joined(separator: "; ") }
    public var kind: FailureKind { .usage }

    /// The same problems, named for another reader (the ledger checks with claim names; the
    /// command line shows its options).
    public func named(_ naming: ClaimNaming) -> RequestRefused { RequestRefused(problems, naming: naming) }
}

extension LicenseClaims {
    /// Every way these claims break `limits`, in the order of the claims. Empty means the
    /// issuer may sign them and the verifier accepts them.
    ///
    /// - Parameter startGiven: whether `nbf` was asked for (else it is the issue time), for
    ///   the message only.
    public func problems(within limits: ClaimLimits = .standard, startGiven: Bool = true) -> [ClaimProblem] {
        var found: [ClaimProblem] = []
        func text(_ value: String, _ field: ClaimField, limit: Int, mayBeEmpty: Bool = false) {
            if let problem = Self.textProblem(value, field, limit: limit, mayBeEmpty: mayBeEmpty) { found.append(problem) }
        }
        func count(_ count: Int, _ field: ClaimField, limit: Int) {
            if count > limit { found.append(ClaimProblem(field, .tooMany(count: count, limit: limit))) }
        }
        func range(_ value: Int64, _ field: ClaimField, _ range: ClosedRange<Int64>) {
            if !range.contains(value) { found.append(ClaimProblem(field, .outOfRange(value: value, range: range))) }
        }
        text(iss, .issuer, limit: limits.idLength)
        text(sub, .customerID, limit: limits.idLength)
        if let name = cti.customerName { text(name, .customerName, limit: limits.nameLength, mayBeEmpty: true) }
        text(jti, .serial, limit: limits.idLength)
        range(iat, .issuedAt, limits.instants)
        text(cti.product, .product, limit: limits.idLength)
        count(cti.features.count, .features, limit: limits.featureCount)
        for feature in cti.features { text(feature, .features, limit: limits.featureLength) }
        range(Int64(cti.seats), .seats, Int64(limits.seats.lowerBound)...Int64(limits.seats.upperBound))
        if let pbx = cti.pbx {
            if pbx.factors.isEmpty { found.append(ClaimProblem(.pbxFactors, .empty)) }
            count(pbx.factors.count, .pbxFactors, limit: limits.pbxFactorCount)
            for factor in pbx.factors {
                text(factor.kind, .pbxFactors, limit: limits.idLength)
                text(factor.value, .pbx(factor.kind), limit: limits.idLength)
            }
            if !pbx.factors.isEmpty { range(Int64(pbx.required), .pbxRequired, 1...Int64(pbx.factors.count)) }
        }
        range(nbf, .notBefore, limits.instants)
        if let exp {
            range(exp, .expires, limits.instants)
            if exp <= nbf { found.append(ClaimProblem(.expires, .endNotAfterStart(end: exp, start: nbf, startGiven: startGiven))) }
        }
        if let grace = cti.graceDays {
            range(Int64(grace), .graceDays, Int64(limits.graceDays.lowerBound)...Int64(limits.graceDays.upperBound))
        }
        if let order = cti.orderID { text(order, .orderID, limit: limits.idLength) }
        if let supersedes = cti.supersedes {
            count(supersedes.count, .supersedes, limit: limits.supersedesCount)
            for serial in supersedes { text(serial, .supersedes, limit: limits.idLength) }
        }
        return found
    }

    /// Text in a claim: not empty (unless allowed), not too long, and no control characters
    /// (C0, DEL, C1), which could rewrite a terminal or a log when the claim is shown.
    static func textProblem(_ value: String, _ field: ClaimField, limit: Int, mayBeEmpty: Bool = false) -> ClaimProblem? {
        if value.isEmpty && !mayBeEmpty { return ClaimProblem(field, .empty) }
        if let control = value.unicodeScalars.first(where: \.isControlCharacter) {
            return ClaimProblem(field, .controlCharacter(control.codePoint))
        }
        let length = value.unicodeScalars.count
        if length > limit { return ClaimProblem(field, .tooLong(length: length, limit: limit)) }
        return nil
    }
}

extension Unicode.Scalar {
    /// C0 (including tab and newline: no claim needs them), DEL and C1.
    var isControlCharacter: Bool { value < 0x20 || (0x7F...0x9F).contains(value) }

    /// `U+001B`.
    var codePoint: String {
        let hex = String(value, radix: 16, uppercase: true)
        return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }
}
