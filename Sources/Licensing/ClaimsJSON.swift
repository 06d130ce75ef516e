import CTICore

/// The JSON form of claims and requests: compact, member names sorted, the bytes Foundation's
/// JSONEncoder writes with `.sortedKeys` for their Codable conformance (a test holds them
/// together), written directly because the batch writes two per license. Members below are
/// in sorted order of their names; the writer checks that in debug builds.
extension PBXBinding {
    func write(into object: inout JSONObjectWriter) {
        object.member("factors", objects: factors) { factor, element in
            factor.member("kind", element.kind)
            factor.member("value", element.value)
        }
        object.member("required", required)
    }
}

extension LicenseClaims {
    /// The signed payload of a license.
    public var jsonBytes: [UInt8] {
        JSONObjectWriter.write { root in
            root.member("cti") { cti in
                cti.member("customer_name", self.cti.customerName)
                cti.member("features", self.cti.features)
                cti.member("grace_days", self.cti.graceDays)
                cti.member("maintenance_until", self.cti.maintenanceUntil?.description)
                cti.member("order_id", self.cti.orderID)
                cti.member("pbx", self.cti.pbx) { $1.write(into: &$0) }
                cti.member("product", self.cti.product)
                cti.member("seats", self.cti.seats)
                cti.member("supersedes", self.cti.supersedes)
                cti.member("v", self.cti.v)
            }
            root.member("exp", exp)
            root.member("iat", iat)
            root.member("iss", iss)
            root.member("jti", jti)
            root.member("nbf", nbf)
            root.member("sub", sub)
        }
    }
}

extension LicenseRequest {
    /// The request as the ledger stores it.
    public var jsonBytes: [UInt8] {
        JSONObjectWriter.write { root in
            root.member("customerID", customerID)
            root.member("customerName", customerName)
            root.member("expires", expires)
            root.member("features", features)
            root.member("graceDays", graceDays)
            root.member("issuer", issuer)
            root.member("maintenanceUntil", maintenanceUntil?.description)
            root.member("notBefore", notBefore)
            root.member("orderID", orderID)
            root.member("pbx", pbx) { $1.write(into: &$0) }
            root.member("product", product)
            root.member("seats", seats)
            root.member("supersedes", supersedes)
        }
    }
}
