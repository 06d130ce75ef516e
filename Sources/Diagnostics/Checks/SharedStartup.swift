import CTICore
import StartupCheck
import StartupCheckRunner

/// The startup check, run once per doctor run and shared by the license, compatibility and
/// clock checks: doctor knows everything `ctictl check` knows, through the same library. It
/// reads the state but never writes it (a diagnosis changes nothing unless asked to).
public actor SharedStartup {
    private var gathered: Result<(GatheredStartup, StartupVerdict), CTIFailure>?

    public init() {}

    /// The gathered inputs and the verdict, or the failure that kept the request from running.
    public func result(in context: DoctorContext) -> Result<(GatheredStartup, StartupVerdict), CTIFailure> {
        if let gathered { return gathered }
        var invocation = context.startup
        if invocation.members["product"] == nil { try? invocation.set("product", .string(context.product), source: "--product") }
        if invocation.members["configSchemas"] == nil { try? invocation.set("configSchemas", .string(context.configSchemas), source: "--config-schemas") }
        let result: Result<(GatheredStartup, StartupVerdict), CTIFailure>
        do {
            let inputs = try invocation.gather(clock: { context.now })
            result = .success((inputs, StartupCheck().run(inputs.request)))
        } catch {
            result = .failure(error)
        }
        gathered = result
        return result
    }
}

extension StartupInvocation {
    /// Whether the request names `member` (a flag or a settings file member was given).
    func names(_ member: String) -> Bool { members[member] != nil }
}
