import SQLiteStore

/// Where the config history lives when no `--history` is given: `$CTICTL_CONFIG_HISTORY`, else
/// `$XDG_DATA_HOME/ctictl/config-history.sqlite`, else `~/.local/share/ctictl/config-history.sqlite`
/// (the ledger's rule, with its own variable and file).
public enum ConfigHistoryLocation {
    public static let environmentVariable = "CTICTL_CONFIG_HISTORY"

    public static func resolve(explicit: String?, environment: [String: String]) -> String {
        StoreLocation.resolve(explicit: explicit, variable: environmentVariable, fileName: "config-history.sqlite", environment: environment)
    }
}
