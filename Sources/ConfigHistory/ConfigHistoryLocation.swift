/// Where the config history lives when no `--history` is given: `$CTICTL_CONFIG_HISTORY`, else
/// `$XDG_DATA_HOME/ctictl/config-history.sqlite`, else `~/.local/share/ctictl/config-history.sqlite`
/// (the ledger's rule, `LedgerLocation`, with its own variable and file).
public enum ConfigHistoryLocation {
    public static let environmentVariable = "CTICTL_CONFIG_HISTORY"

    public static func resolve(explicit: String?, environment: [String: String]) -> String {
        if let explicit, !explicit.isEmpty { return explicit }
        if let path = environment[environmentVariable], !path.isEmpty { return path }
        if let data = environment["XDG_DATA_HOME"], data.hasPrefix("/") { return data + "/ctictl/config-history.sqlite" }
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? "."
        return home + "/.local/share/ctictl/config-history.sqlite"
    }
}
