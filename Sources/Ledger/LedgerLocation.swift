import SQLiteStore

/// Where the ledger lives when no `--ledger` is given: `$CTICTL_LEDGER`, else
/// `$XDG_DATA_HOME/ctictl/ledger.sqlite`, else `~/.local/share/ctictl/ledger.sqlite`.
public enum LedgerLocation {
    public static let environmentVariable = "CTICTL_LEDGER"

    public static func resolve(explicit: String?, environment: [String: String]) -> String {
        StoreLocation.resolve(explicit: explicit, variable: environmentVariable, fileName: "ledger.sqlite", environment: environment)
    }
}
