/// Runs a program to completion, for end-to-end tests of the `shebao` executable.
public enum Subprocess {
    /// What a finished program left behind.
    public struct Result: Sendable {
        public var status: Int32
        public var standardOutput: String
        public var standardError: String
    }

    /// Runs `executable` with `arguments` and the current environment changed by `environment`
    /// (a `nil` value removes the variable), waiting for it to exit. Output goes to temporary
    /// files, so neither stream can fill a pipe and stall the program.
    public static func run(
        _ executable: String,
        _ arguments: [String],
        environment: [String: String?] = [:],
        timeout: Duration = .seconds(120)
    ) throws -> Result {
        let process = try BackgroundProcess(executable, arguments, environment: environment)
        guard let status = process.wait(timeout: timeout) else {
            throw TestSetupError("\(executable) did not finish within \(timeout)")
        }
        return Result(status: status, standardOutput: process.standardOutput, standardError: process.standardError)
    }
}
