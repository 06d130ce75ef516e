/// Where the ledger lives when no `--ledger` is given: `$CTICTL_LEDGER`, else
/// `$XDG_DATA_HOME/ctictl/ledger.sqlite`, else `~/.local/share/ctictl/ledger.sqlite`.
public enum LedgerLocation {
    public static let environmentVariable = "CTICTL_LEDGER"

    public static func resolve(explicit: String?, environment: [String: String]) -> String {
        if let explicit, !explicit.isEmpty { return explicit }
        if let path = environment[environmentVariable], !path.isEmpty { return path }
        if let data = environment["XDG_DATA_HOME"], data.hasPrefix("/") { return data + "/ctictl/ledger.sqlite" }
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? "."
        return home + "/.local/share/ctictl/ledger.sqlite"
    }
}
