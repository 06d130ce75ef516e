import CTICore

/// The JSON form of claims and requests, written by `JSONWriter` (fast, canonical). The
/// member names are those of their Codable conformance, so either side can read the other.
extension PBXBinding {
    var jsonValue: JSONValue {
        .object([
            "factors": .array(factors.map { .object(["kind": .string($0.kind), "value": .string($0.value)]) }),
            "required": .number(Double(required)),
        ])
    }
}

extension LicenseClaims {
    public var jsonValue: JSONValue {
        var cti: [String: JSONValue] = [
            "v": .number(Double(self.cti.v)), "product": .string(self.cti.product), "features": .array(self.cti.features.map { .string($0) }),
            "seats": .number(Double(self.cti.seats)),
        ]
        cti["pbx"] = self.cti.pbx?.jsonValue
        cti["maintenance_until"] = self.cti.maintenanceUntil.map { .string($0.description) }
        cti["grace_days"] = self.cti.graceDays.map { .number(Double($0)) }
        cti["customer_name"] = self.cti.customerName.map { .string($0) }
        cti["order_id"] = self.cti.orderID.map { .string($0) }
        cti["supersedes"] = self.cti.supersedes.map { .array($0.map { .string($0) }) }
        var root: [String: JSONValue] = [
            "iss": .string(iss), "sub": .string(sub), "jti": .string(jti), "iat": .number(Double(iat)), "nbf": .number(Double(nbf)),
            "cti": .object(cti),
        ]
        root["exp"] = exp.map { .number(Double($0)) }
        return .object(root)
    }
}

extension LicenseRequest {
    public var jsonValue: JSONValue {
        var root: [String: JSONValue] = [
            "issuer": .string(issuer), "customerID": .string(customerID), "product": .string(product),
            "features": .array(features.map { .string($0) }), "seats": .number(Double(seats)),
        ]
        root["customerName"] = customerName.map { .string($0) }
        root["pbx"] = pbx?.jsonValue
        root["notBefore"] = notBefore.map { .number(Double($0)) }
        root["expires"] = expires.map { .number(Double($0)) }
        root["maintenanceUntil"] = maintenanceUntil.map { .string($0.description) }
        root["graceDays"] = graceDays.map { .number(Double($0)) }
        root["orderID"] = orderID.map { .string($0) }
        root["supersedes"] = supersedes.map { .array($0.map { .string($0) }) }
        return .object(root)
    }
}
