internal import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Places where a test makes the scheduler stop in its tracks, named in `SHEBAO_FAILPOINTS`
/// (`name:action`, comma-separated): `exit` (`_exit(137)`, a `kill -9` at that very point) or
/// `sleep=<milliseconds>`. Debug builds only: a release build compiles the hooks to nothing and
/// never reads the variable.
///
/// The names: `outbox.after_claim` (a batch claimed, nothing delivered), `outbox.after_deliver`
/// (an external channel delivered, the outcome not recorded), `job.after_claim`.
struct FailPoints: Sendable {
    enum Action: Sendable, Equatable {
        case exit
        case sleep(milliseconds: Int)
    }

    private let actions: [String: Action]

    init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        #if DEBUG
            self.actions = Self.parse(environment["SHEBAO_FAILPOINTS"] ?? "")
        #else
            self.actions = [:]
        #endif
    }

    static func parse(_ text: String) -> [String: Action] {
        var actions: [String: Action] = [:]
        for entry in text.split(separator: ",") {
            let parts = entry.split(separator: ":", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { continue }
            if parts[1] == "exit" {
                actions[parts[0]] = .exit
            } else if parts[1].hasPrefix("sleep="), let milliseconds = Int(parts[1].dropFirst(6)) {
                actions[parts[0]] = .sleep(milliseconds: milliseconds)
            }
        }
        return actions
    }

    /// Does what the variable names for `name`, if anything.
    func hit(_ name: String) {
        #if DEBUG
            switch self.actions[name] {
            case .exit?:
                _exit(137)
            case .sleep(let milliseconds)?:
                FileHandle.standardError.write(Data("failpoint \(name): sleeping \(milliseconds) ms\n".utf8))
                usleep(UInt32(clamping: milliseconds * 1000))
            case nil:
                break
            }
        #endif
    }
}
